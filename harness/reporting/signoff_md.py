"""signoff.md: the checklist for people to read, in Markdown, from the same
`Checklist` the Jira bodies and signoff.json are rendered from."""

from __future__ import annotations

from harness.reporting.checklist import CHANGES_TITLE, NO_CHANGES, NOT_VERIFIED_TITLE, Checklist
from harness.reporting.decision import TITLE as DECISION_TITLE
from harness.reporting.risks import TITLE as RISKS_TITLE

# Run rows shown as code: a path and a digest.
CODE_ROWS = ("compose file", "sha256")


def markdown(checklist: Checklist) -> str:
    """signoff.md, for people."""
    headline = f"**{checklist.verdict}**: {checklist.headline}" + (f" {checklist.detail}" if checklist.detail else "")
    lines = [f"# {checklist.title}", "", headline, ""] + ([checklist.to_pass, ""] if checklist.to_pass else [])
    lines += ["| | |", "|---|---|", *(f"| {key} | {value} |" for key, value in checklist.overview), ""]
    lines += [checklist.gets, ""] if checklist.gets else []
    lines += [f"## {CHANGES_TITLE}", ""]
    for change in checklist.changes:
        lines.append(f"- {change.text} *Why:* {change.why} Proven by `{change.label}`: **{change.verdict}**.")
    if not checklist.changes:
        lines.append(f"- {NO_CHANGES}")
    lines += ["", f"## {NOT_VERIFIED_TITLE}", ""]
    lines += [f"- {sentence}" for sentence in checklist.not_verified] or [
        "- Nothing: the run was on what the plan assumes."
    ]
    if checklist.risks:
        lines += ["", f"## {RISKS_TITLE}", "", *(f"- {sentence}" for sentence in checklist.risks)]
    lines.append("")
    for section in checklist.sections:
        lines += [f"## {section.title}", ""]
        for item in section.items:
            box = "x" if item.ticked else " "
            lines.append(f"- [{box}] {item.text} (`{item.label}`): **{item.shown}**")
            for scenario in item.scenarios:
                reason = f": {scenario.reason}" if scenario.reason else ""
                lines.append(f"  - scenario *{scenario.name}*: {scenario.verdict}{reason}")
            lines += [f"  - observed: {fact}" for fact in item.facts]
        lines.append("")
    lines += ["## Environment", "", "| | |", "|---|---|"]
    lines += [f"| {key} | {value} |" for key, value in checklist.environment]
    lines += ["", "## Run", "", "| | |", "|---|---|"]
    lines += [f"| {key} | `{value}` |" if key in CODE_ROWS else f"| {key} | {value} |" for key, value in checklist.run]
    decision = checklist.decision
    lines += ["", f"## {DECISION_TITLE}", "", *(f"- {line}" for line in decision.boxes), "", decision.closing, ""]
    return "\n".join(lines)

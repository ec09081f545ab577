"""The sign-off in Jira's own formats: wiki markup for REST v2 (Data Center and
Cloud) and the Atlassian Document Format for REST v3 (Cloud). Jira shows
Markdown as raw text, so signoff.md cannot be sent as it is.

Jira refuses a comment over 32,767 characters (JRASERVER-64351), and does not
document how it counts ADF; so each body is measured as it is sent (UTF-16
units, as Java counts, of the wiki text or of the ADF's compact JSON) and, if
it does not fit, rendered again with less detail: the evidence first, then
the names of passed scenarios. The full detail is in the attached signoff.md."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness.reporting import adf_nodes as nodes
from harness.reporting.checklist import (
    CHANGES_TITLE,
    FAILED,
    NO_CHANGES,
    NOT_VERIFIED_TITLE,
    PASSED,
    RUN_FAILED,
    RUN_PASSED,
    RUN_PROVISIONAL,
    Checklist,
    Item,
    ScenarioResult,
    Section,
    clip,
)
from harness.reporting.decision import TITLE as DECISION_TITLE
from harness.reporting.publication import Publication
from harness.reporting.risks import TITLE as RISKS_TITLE
from harness.reporting.wiki_markup import wiki_text

LIMIT = 32_767  # Jira's most characters in a comment
BUDGET = 32_000  # what we allow ourselves, below it
ELSEWHERE = "Too long for one comment: the observed evidence is in the attached signoff.md."


@dataclass(frozen=True)
class Detail:
    """How much of the checklist a body carries."""

    evidence: bool  # the observed facts
    passed_names: bool  # passed scenarios named, or only counted
    reason: int  # characters of a failure's reason
    failed_shown: int  # failed scenarios named per criterion; the rest counted
    risks: bool = True  # the consumers' risks said, or left to the attached signoff.md
    tables: bool = True  # the criteria as ADF tables, or as lists (a table row costs ~250 characters of markup)


# Most first; each drops what matters least to a reader of the comment.
LEVELS = (
    Detail(True, True, 200, 99),
    Detail(False, True, 200, 99),
    Detail(False, False, 200, 99),
    Detail(False, False, 80, 99),
    Detail(False, False, 80, 1),
    Detail(False, False, 80, 1, tables=False),  # the criteria as lists: all said, less markup
    Detail(False, False, 80, 1, risks=False, tables=False),  # the risks only in the attached signoff.md
    Detail(False, False, 40, 1, risks=False, tables=False),  # a reason's first words: its kind and what it expected
    Detail(False, False, 0, 1, risks=False, tables=False),  # failure reasons only in the attached signoff.md
    Detail(False, False, 0, 0, risks=False, tables=False),  # and the failed scenarios only counted
)
RISKS_ELSEWHERE = "Too long for one comment: they are in the attached signoff.md."

_WIKI_ICON = {PASSED: "(/)", FAILED: "(x)"}
_PANEL = {  # the verdict's ADF panel type and wiki panel colour
    RUN_PASSED: ("success", "#E3FCEF"),
    RUN_PROVISIONAL: ("warning", "#FFFAE6"),
    RUN_FAILED: ("error", "#FFEBE6"),
}
_STATUS_COLOUR = {PASSED: "green", FAILED: "red"}


def size(body: str | dict[str, Any]) -> int:
    """The body's length as sent, in UTF-16 units (Java's String.length)."""
    text = body if isinstance(body, str) else serialize(body)
    return len(text.encode("utf-16-le")) // 2


def serialize(document: object) -> str:
    """The JSON that is sent: compact, not ASCII-escaped, so what is measured is what Jira receives."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def _fitted(render: Callable[[Checklist, Detail, Publication], Any], checklist: Checklist, to: Publication) -> Any:
    for detail in LEVELS:
        body = render(checklist, detail, to)
        if size(body) <= BUDGET:
            return body
    raise ValueError(f"the sign-off needs {size(body):,} characters even without its evidence, over Jira's {LIMIT:,}")


# -- wiki markup ----------------------------------------------------------------
def wiki(checklist: Checklist, to: Publication | None = None) -> str:
    """The comment in wiki markup (REST v2), as `to` publishes it (by default, on the run's branch)."""
    return str(_fitted(_wiki, checklist, to or Publication(checklist.topology)))


def _wiki(checklist: Checklist, level: Detail, to: Publication) -> str:
    _, colour = _PANEL[checklist.verdict]
    detail = f" {wiki_text(checklist.detail)}" if checklist.detail else ""
    lines = [
        f"h2. {wiki_text(to.title(checklist.title))}",
        f"{{panel:title={checklist.verdict}|bgColor={colour}}}",
        f"*{checklist.verdict}*: {wiki_text(checklist.headline)}{detail}",
        *([f"_{wiki_text(checklist.to_pass)}_"] if checklist.to_pass else []),
        "{panel}",
        wiki_text(_at_a_glance(checklist)),
        *([wiki_text(checklist.gets)] if checklist.gets else []),
        f"h3. {wiki_text(CHANGES_TITLE)}",
    ]
    lines += [
        f"* {wiki_text(c.text)} _Why:_ {wiki_text(c.why)} Proven by {{{{{c.label}}}}}: *{wiki_text(c.verdict)}*"
        for c in checklist.changes
    ] or [f"* {wiki_text(NO_CHANGES)}"]
    lines.append(f"h3. {wiki_text(NOT_VERIFIED_TITLE)}")
    lines += [f"* {wiki_text(s)}" for s in checklist.not_verified] or [
        "* Nothing: the run was on what the plan assumes."
    ]
    if checklist.risks:
        said = [f"* {wiki_text(s)}" for s in checklist.risks] if level.risks else [RISKS_ELSEWHERE]
        lines += [f"h3. {wiki_text(RISKS_TITLE)}", *said]
    if not level.evidence:
        lines.append(f"_{wiki_text(ELSEWHERE)}_")
    for section in checklist.sections:
        lines += [f"h3. {wiki_text(section.title)}", "||Criterion||Verdict||Scenarios||"]
        lines += [_wiki_row(item, level) for item in section.items]
        if level.evidence and any(item.facts for item in section.items):
            lines.append("*Observed*")
            lines += [f"* {{{{{item.label}}}}}: {wiki_text(fact)}" for item in section.items for fact in item.facts]
    lines += ["h3. Environment", "||Fact||Value||"]
    lines += [f"|{wiki_text(key)}|{wiki_text(value)}|" for key, value in checklist.environment]
    lines += ["h3. Run", "||Fact||Value||"]
    lines += [f"|{wiki_text(key)}|{wiki_text(value)}|" for key, value in checklist.run]
    decision = checklist.decision
    lines += [f"h3. {wiki_text(DECISION_TITLE)}", *(f"* {wiki_text(line)}" for line in decision.boxes)]
    lines += [wiki_text(decision.closing), "----", f"_{wiki_text(to.footer)}_"]
    return "\n".join(lines) + "\n"


def _at_a_glance(checklist: Checklist) -> str:
    """The overview in one line: a table costs a comment more than its evidence."""
    return "; ".join(f"{key}: {value}" for key, value in checklist.overview) + "."


def _wiki_row(item: Item, level: Detail) -> str:
    icon = "(!)" if item.unmet else _WIKI_ICON.get(item.verdict, "(?)")
    scenarios = " \\\\ ".join(wiki_text(line) for line in _scenario_lines(item.scenarios, level)) or " "
    return f"|{wiki_text(item.text)} ({{{{{item.label}}}}})|{icon} {wiki_text(item.shown)}|{scenarios}|"


def _scenario_lines(scenarios: tuple[ScenarioResult, ...], level: Detail) -> list[str]:
    """One line per scenario, as far as `level` allows; the rest counted."""
    failed = [s for s in scenarios if s.verdict == FAILED]
    named = failed[: level.failed_shown] + [s for s in scenarios if s.verdict != FAILED and level.passed_names]
    shown = [s for s in scenarios if s in named]
    lines = [
        f"{s.name}: {s.verdict}" + (f": {clip(s.reason, level.reason)}" if s.reason and level.reason else "")
        for s in shown
    ]
    counted = Counter(s.verdict for s in scenarios if s not in named)
    lines += [f"{n} {'more ' if lines else ''}scenarios {verdict}" for verdict, n in counted.items()]
    return lines


# -- ADF ----------------------------------------------------------------------
def adf(checklist: Checklist, to: Publication | None = None) -> dict[str, Any]:
    """The comment in ADF (REST v3), as `to` publishes it (by default, on the run's branch)."""
    body: dict[str, Any] = _fitted(_adf, checklist, to or Publication(checklist.topology))
    return body


def _adf(checklist: Checklist, level: Detail, to: Publication) -> dict[str, Any]:
    panel_type, _ = _PANEL[checklist.verdict]
    verdict = [nodes.text_node(checklist.verdict, strong=True), nodes.text_node(f": {checklist.headline}")]
    if checklist.detail:
        verdict.append(nodes.text_node(f" {checklist.detail}"))
    content: list[dict[str, Any]] = [
        nodes.heading(2, to.title(checklist.title)),
        {
            "type": "panel",
            "attrs": {"panelType": panel_type},
            "content": [nodes.paragraph(verdict)]
            + ([nodes.paragraph([nodes.text_node(checklist.to_pass, em=True)])] if checklist.to_pass else []),
        },
        nodes.paragraph([nodes.text_node(_at_a_glance(checklist))]),
        *([nodes.paragraph([nodes.text_node(checklist.gets)])] if checklist.gets else []),
        nodes.heading(3, CHANGES_TITLE),
        nodes.bullets(
            [
                [
                    nodes.text_node(f"{c.text} "),
                    nodes.text_node("Why: ", em=True),
                    nodes.text_node(f"{c.why} Proven by "),
                    nodes.text_node(c.label, code=True),
                    nodes.text_node(": "),
                    nodes.text_node(c.verdict, strong=True),
                ]
                for c in checklist.changes
            ]
            or [[nodes.text_node(NO_CHANGES)]]
        ),
        nodes.heading(3, NOT_VERIFIED_TITLE),
        nodes.bullets(
            [nodes.inline(s) for s in checklist.not_verified]
            or [[nodes.text_node("Nothing: the run was on what the plan assumes.")]]
        ),
    ]
    if checklist.risks:
        said = (
            nodes.bullets([nodes.inline(s) for s in checklist.risks])
            if level.risks
            else nodes.paragraph([nodes.text_node(RISKS_ELSEWHERE)])
        )
        content += [nodes.heading(3, RISKS_TITLE), said]
    if not level.evidence:
        content.append(nodes.paragraph([nodes.text_node(ELSEWHERE, em=True)]))
    for section in checklist.sections:
        listed = _criteria_table(section, level) if level.tables else _criteria_list(section, level)
        content += [nodes.heading(3, section.title), listed]
        facts = [
            [nodes.text_node(item.label, code=True), *nodes.inline(f": {fact}")]
            for item in section.items
            for fact in item.facts
        ]
        if level.evidence and facts:
            content.append(
                {"type": "expand", "attrs": {"title": f"Observed: {section.title}"}, "content": [nodes.bullets(facts)]}
            )
    for title, rows in (("Environment", checklist.environment), ("Run", checklist.run)):
        pairs = nodes.table([nodes.row([nodes.cell_of([key]), nodes.cell_of([value])]) for key, value in rows])
        content += [
            nodes.heading(3, title),
            pairs if level.tables else nodes.bullets([nodes.inline(f"{k}: {v}") for k, v in rows]),
        ]
    decision = checklist.decision
    content += [nodes.heading(3, DECISION_TITLE)] + (
        [nodes.bullets([nodes.inline(line) for line in decision.boxes])] if decision.boxes else []
    )
    content += [
        nodes.paragraph(nodes.inline(decision.closing)),
        {"type": "rule"},
        nodes.paragraph([nodes.text_node(to.footer, em=True)]),
    ]
    return {"version": 1, "type": "doc", "content": content}


def _criteria_table(section: Section, level: Detail) -> dict[str, Any]:
    header = nodes.row([nodes.header_cell(name) for name in ("Criterion", "Verdict", "Scenarios")])
    return nodes.table([header, *(_adf_row(item, level) for item in section.items)])


def _criteria_list(section: Section, level: Detail) -> dict[str, Any]:
    return nodes.bullets(
        [
            [
                *nodes.inline(f"{item.text} "),
                nodes.text_node(item.label, code=True),
                nodes.text_node(": "),
                nodes.text_node(item.shown.upper(), strong=True),
                *nodes.inline("".join(f"; {line}" for line in _scenario_lines(item.scenarios, level))),
            ]
            for item in section.items
        ]
    )


def _adf_row(item: Item, level: Detail) -> dict[str, Any]:
    status = {
        "type": "status",
        "attrs": {
            "text": item.shown.upper(),
            "color": "yellow" if item.unmet else _STATUS_COLOUR.get(item.verdict, "neutral"),
        },
    }
    criterion = nodes.paragraph([*nodes.inline(f"{item.text} "), nodes.text_node(item.label, code=True)])
    return nodes.row(
        [
            {"type": "tableCell", "content": [criterion]},
            {"type": "tableCell", "content": [nodes.paragraph([status])]},
            nodes.cell_of(_scenario_lines(item.scenarios, level)),
        ]
    )

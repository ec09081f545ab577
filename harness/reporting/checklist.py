"""The sign-off checklist as data: for each criterion its verdict, the
scenarios that prove it and the evidence observed; the environment and the
run. signoff.md, the Jira comment (wiki markup and ADF) and
reports/signoff.json are all rendered from this one value."""

from __future__ import annotations

import json
import platform
from dataclasses import asdict, dataclass
from typing import Any

from harness.errors import PreflightError
from harness.evidence import Evidence
from harness.reporting.criteria import ALSO, CONSUMERS, PLAN

ISSUE = "OPTERP-20"
TITLE = f"{ISSUE} sign-off: Redis in Docker Compose"
PASSED, FAILED, NOT_RUN = "passed", "FAILED", "not run"
# The environment table's rows, in order: the engine, where its ports were reached, the tools, the image.
ENVIRONMENT = (
    "Docker Engine",
    "Docker endpoint",
    "published ports reached at",
    "Docker Compose",
    "image",
    "image pulled",
    "Redis",
    "access",
)
SECTIONS = (
    ("Acceptance criteria (as the plan lists them)", PLAN),
    ("Also verified (the plan's configuration and testing strategy)", ALSO),
    ("Fit for the plan's consumers (each through its own client library)", CONSUMERS),
)


@dataclass(frozen=True)
class ScenarioResult:
    criterion: str
    name: str
    verdict: str  # PASSED | FAILED | NOT_RUN
    reason: str = ""


@dataclass(frozen=True)
class Item:
    text: str  # the criterion, in the plan's words
    label: str  # its tag without the @
    verdict: str  # PASSED | FAILED | NOT_RUN
    shown: str  # the verdict as printed ("not run: <why>" for a refused run)
    scenarios: tuple[ScenarioResult, ...]
    facts: tuple[str, ...]  # "what: value", as observed


@dataclass(frozen=True)
class Section:
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Checklist:
    headline: str  # the verdict of the whole run, in one sentence
    detail: str  # what follows it (a refusal's one line), or ""
    ready: bool  # every criterion passed
    sections: tuple[Section, ...]
    environment: tuple[tuple[str, str], ...]
    note: str  # about the image, when it is not the registry's; or ""
    run: tuple[tuple[str, str], ...]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Checklist:
        data: dict[str, Any] = json.loads(text)
        sections = tuple(
            Section(
                section["title"],
                tuple(
                    Item(
                        item["text"],
                        item["label"],
                        item["verdict"],
                        item["shown"],
                        tuple(ScenarioResult(**s) for s in item["scenarios"]),
                        tuple(item["facts"]),
                    )
                    for item in section["items"]
                ),
            )
            for section in data["sections"]
        )
        return cls(
            data["headline"],
            data["detail"],
            data["ready"],
            sections,
            tuple((k, v) for k, v in data["environment"]),
            data["note"],
            tuple((k, v) for k, v in data["run"]),
        )


def build(
    scenarios: list[ScenarioResult], evidence: Evidence, run: list[tuple[str, str]], refusal: PreflightError | None
) -> Checklist:
    sections = []
    verdicts: dict[str, str] = {}
    for title, criteria in SECTIONS:
        items = []
        for criterion in criteria:
            found = tuple(s for s in scenarios if s.criterion == criterion.tag)
            verdict = verdicts[criterion.tag] = verdict_of(found)
            facts = tuple(dict.fromkeys(f"{f.what}: {f.value}" for f in evidence.about(criterion.tag)))
            shown = f"not run: {refusal.summary}" if refusal else verdict
            items.append(Item(criterion.text, criterion.label, verdict, shown, found, facts))
        sections.append(Section(title, tuple(items)))
    env = evidence.environment
    environment = [(key, str(env.get(key, "not observed"))) for key in ENVIRONMENT] + [("OS", platform.platform())]
    note = ""
    if "image" in env and "pulled from a registry" not in env["image"]:
        origin = env["image"].split(", ", 1)[-1]
        note = f"the image is not the registry's redis:7-alpine. It was {origin}."
    headline, detail = _headline(verdicts, refusal)
    ready = not refusal and all(v == PASSED for v in verdicts.values())
    return Checklist(headline, detail, ready, tuple(sections), tuple(environment), note, tuple(run))


def verdict_of(scenarios: tuple[ScenarioResult, ...] | list[ScenarioResult]) -> str:
    if any(s.verdict == FAILED for s in scenarios):
        return FAILED
    if scenarios and all(s.verdict == PASSED for s in scenarios):
        return PASSED
    return NOT_RUN


def _headline(verdicts: dict[str, str], refusal: PreflightError | None) -> tuple[str, str]:
    if refusal:
        return f"Not run: {refusal.summary}.", str(refusal)
    failed = [tag for tag, v in verdicts.items() if v == FAILED]
    not_run = [tag for tag, v in verdicts.items() if v == NOT_RUN]
    if failed:
        return f"Sign-off blocked: {len(failed)} criteria failed ({', '.join(failed)}).", ""
    if not_run:
        return f"Incomplete: {len(not_run)} criteria not run ({', '.join(not_run)}).", ""
    plan = len(PLAN) + len(ALSO)
    return (
        f"Ready for sign-off: all {plan} criteria of the plan and all {len(CONSUMERS)} criteria of its "
        "consumers passed.",
        "",
    )


# Run rows shown as code: a path and a digest.
CODE_ROWS = ("compose file", "sha256")


def markdown(checklist: Checklist) -> str:
    """signoff.md, for people."""
    headline = f"**{checklist.headline}**" + (f" {checklist.detail}" if checklist.detail else "")
    lines = [f"# {TITLE}", "", headline, ""]
    for section in checklist.sections:
        lines += [f"## {section.title}", ""]
        for item in section.items:
            box = "x" if item.verdict == PASSED else " "
            lines.append(f"- [{box}] {item.text} (`{item.label}`): **{item.shown}**")
            for scenario in item.scenarios:
                reason = f": {scenario.reason}" if scenario.reason else ""
                lines.append(f"  - scenario *{scenario.name}*: {scenario.verdict}{reason}")
            lines += [f"  - observed {fact}" for fact in item.facts]
        lines.append("")
    lines += ["## Environment", "", "| | |", "|---|---|"]
    lines += [f"| {key} | {value} |" for key, value in checklist.environment]
    if checklist.note:
        first, _, rest = checklist.note.partition(". ")
        lines += ["", f"**Note: {first}.** {rest}"]
    lines += ["", "## Run", "", "| | |", "|---|---|"]
    lines += [f"| {key} | `{value}` |" if key in CODE_ROWS else f"| {key} | {value} |" for key, value in checklist.run]
    lines.append("")
    return "\n".join(lines)

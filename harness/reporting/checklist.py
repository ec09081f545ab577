"""The sign-off as data: the run's verdict (PASSED, PROVISIONAL or FAILED) and
why; the deliberate changes from the plan; what this run did not verify; for
each criterion its verdict, the scenarios that prove it and the evidence
observed, in sentences; the environment and the run. signoff.md, the Jira
comment (wiki markup and ADF) and reports/signoff.json are all rendered from
this one value."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from harness.core.errors import PreflightError
from harness.core.evidence import SINGLE_NODE, Evidence
from harness.reporting import gets, risks, where
from harness.reporting.criteria import Criterion
from harness.reporting.decision import Decision, to_pass
from harness.reporting.specifications import ISSUE, SPECIFICATIONS, Sections, specification

# A criterion's verdict.
PASSED, FAILED, NOT_RUN = "passed", "FAILED", "not run"
# The run's verdict: PASSED only on what the plan assumes (the registry's image,
# Docker Desktop on Windows); PROVISIONAL when all passed on something else.
RUN_PASSED, RUN_PROVISIONAL, RUN_FAILED = "PASSED", "PROVISIONAL", "FAILED"
CELL = 200  # characters of one sentence of evidence or one failure reason; the rest is in report.html
# The environment table's rows, in order: the engine, where its ports were reached, the tools, the image.
ENVIRONMENT = (
    "Docker Engine",
    "engine kind",
    "Docker endpoint",
    "published ports reached at",
    "Docker Compose",
    "image",
    "image pulled",
    "Redis",
    "access",
)
NO_CHANGES = "None in this checklist."
CHANGES_TITLE = "Changes from the plan (for the product owner to approve)"
NOT_VERIFIED_TITLE = "Not verified by this run"


@dataclass(frozen=True)
class ScenarioResult:
    criterion: str  # the tag, without its prefix
    name: str
    verdict: str  # PASSED | FAILED | NOT_RUN
    reason: str = ""


@dataclass(frozen=True)
class Item:
    text: str  # the criterion, in the plan's words
    label: str  # its tags, with the @
    verdict: str  # PASSED | FAILED | NOT_RUN
    shown: str  # the verdict as printed ("not run: <why>" for a refused run)
    scenarios: tuple[ScenarioResult, ...]
    facts: tuple[str, ...]  # what was observed, one sentence each
    unmet: str = ""  # passed, but not where the plan ties it to: where it ran instead

    @property
    def ticked(self) -> bool:
        """Its box: passed, where the plan said."""
        return self.verdict == PASSED and not self.unmet


@dataclass(frozen=True)
class Section:
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class ChangeRow:
    text: str
    why: str
    label: str  # the tags of the criterion that proves it
    verdict: str  # that criterion's verdict in this run


@dataclass(frozen=True)
class Checklist:
    verdict: str  # RUN_PASSED | RUN_PROVISIONAL | RUN_FAILED
    headline: str  # the verdict's reasons, in one sentence
    detail: str  # what follows it (a refusal's one line), or ""
    changes: tuple[ChangeRow, ...]
    not_verified: tuple[str, ...]
    sections: tuple[Section, ...]
    environment: tuple[tuple[str, str], ...]
    run: tuple[tuple[str, str], ...]
    test_environment: str  # the engine kind as a Jira label (Xray's test environment), or ""
    topology: str = SINGLE_NODE  # the topology kind the run signed off (harness/topology/kinds.py)
    to_pass: str = ""  # one line on what would make the verdict PASSED ("" when it is)
    risks: tuple[str, ...] = ()  # test settings against production's, one sentence each
    gets: str = ""  # what OpticsERP gets, in this run's figures (the Sentinel topology's: harness/reporting/gets.py)

    @property
    def title(self) -> str:
        return SPECIFICATIONS[self.topology].title

    @property
    def overview(self) -> list[tuple[str, str]]:
        """The sign-off at a glance: each section's criteria passed, then what the product owner must read."""
        rows = []
        for section in self.sections:
            items = section.items
            passed = sum(item.verdict == PASSED for item in items)
            elsewhere = sum(item.verdict == PASSED and bool(item.unmet) for item in items)
            where = f" ({elsewhere} not where the plan says)" if elsewhere else ""
            rows.append((section.title.split(" (")[0], f"{passed} of {len(items)} passed{where}"))
        rows += [("Changes from the plan to approve", str(len(self.changes)))]
        rows += [("Not verified by this run", str(len(self.not_verified)))]
        return rows + ([("Risks to read", str(len(self.risks)))] if self.risks else [])

    @property
    def decision(self) -> Decision:
        changes = tuple(f"{c.text} (proven by {c.label}: {c.verdict})" for c in self.changes)
        commit = dict(self.run).get("git commit", "")
        return Decision(self.verdict, self.verdict != RUN_FAILED, ISSUE, changes, self.not_verified, commit)

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
                        item.get("unmet", ""),
                    )
                    for item in section["items"]
                ),
            )
            for section in data["sections"]
        )
        return cls(
            data["verdict"],
            data["headline"],
            data["detail"],
            tuple(ChangeRow(**change) for change in data["changes"]),
            tuple(data["not_verified"]),
            sections,
            tuple((k, v) for k, v in data["environment"]),
            tuple((k, v) for k, v in data["run"]),
            data["test_environment"],
            data.get("topology", SINGLE_NODE),  # reports from before the topology was recorded: the plan's
            data.get("to_pass", ""),
            tuple(data.get("risks", ())),
            data.get("gets", ""),
        )


def build(
    scenarios: list[ScenarioResult], evidence: Evidence, run: list[tuple[str, str]], refusal: PreflightError | None
) -> Checklist:
    sections = []
    verdicts: dict[str, str] = {}  # criterion key -> verdict
    spec = specification(evidence)
    shown, changes_shown = spec.sections, spec.changes
    for title, criteria in shown:
        items = [_item(criterion, scenarios, evidence, refusal) for criterion in criteria]
        verdicts.update((c.key, item.verdict) for c, item in zip(criteria, items, strict=True))
        sections.append(Section(title, tuple(items)))
    env = evidence.environment
    environment = [(key, str(env.get(key, "not observed"))) for key in ENVIRONMENT] + [("OS", where.system())]
    changes = tuple(
        ChangeRow(c.text, c.why, _criterion(shown, c.proven_by).label, verdicts[c.proven_by]) for c in changes_shown
    )
    unproven = where.unproven(evidence)
    failed = [key for key, v in verdicts.items() if v == FAILED]
    not_run = [key for key, v in verdicts.items() if v == NOT_RUN]
    not_verified = [sentence for _, sentence, _ in unproven] + list(spec.not_shown)
    if refusal:
        not_verified = [f"Any criterion: the run stopped before it started anything ({refusal.summary})."]
    elif not_run:
        not_verified.append(f"{len(not_run)} criteria were not run: {_listed(not_run)}.")
    counts = spec.counts
    verdict, headline, detail = _verdict(len(verdicts), failed, not_run, refusal, [r for r, _, _ in unproven], counts)
    return Checklist(
        verdict,
        headline,
        detail,
        changes,
        tuple(not_verified),
        tuple(sections),
        tuple(environment),
        tuple(run),
        evidence.engine.label if evidence.engine else "",
        evidence.topology,
        to_pass(len(failed), len(not_run), refusal.summary if refusal else "", [n for _, _, n in unproven], spec.runs),
        risks.said(spec.risks, evidence.test_settings),
        gets.paragraph(evidence),
    )


def _item(
    criterion: Criterion, scenarios: list[ScenarioResult], evidence: Evidence, refusal: PreflightError | None
) -> Item:
    found = tuple(
        ScenarioResult(s.criterion, s.name, s.verdict, clip(s.reason))
        for tag in criterion.proven_by
        for s in scenarios
        if s.criterion == tag
    )
    verdict = verdict_of(found)
    facts = tuple(dict.fromkeys(clip(f.said) for tag in criterion.proven_by for f in evidence.about(tag)))
    unmet = " and ".join(where.elsewhere(need, evidence) for need in criterion.needs) if verdict == PASSED else ""
    shown = f"not run: {refusal.summary}" if refusal else (f"passed on {unmet}" if unmet else verdict)
    return Item(criterion.text, criterion.label, verdict, shown, found, facts, unmet)


def _criterion(sections: Sections, key: str) -> Criterion:
    return next(c for _, criteria in sections for c in criteria if c.key == key)


def verdict_of(scenarios: tuple[ScenarioResult, ...] | list[ScenarioResult]) -> str:
    if any(s.verdict == FAILED for s in scenarios):
        return FAILED
    if scenarios and all(s.verdict == PASSED for s in scenarios):
        return PASSED
    return NOT_RUN


def _listed(keys: list[str], most: int = 6) -> str:
    shown = ", ".join(keys[:most])
    return shown + (f" and {len(keys) - most} more" if len(keys) > most else "")


def _verdict(
    total: int, failed: list[str], not_run: list[str], refusal: PreflightError | None, unproven: list[str], counts: str
) -> tuple[str, str, str]:
    if refusal:
        return RUN_FAILED, f"The run did not start: {refusal.summary}.", str(refusal)
    if failed or not_run:
        parts = [f"{len(failed)} of {total} criteria failed ({_listed(failed)})"] if failed else []
        parts += [f"{len(not_run)} of {total} were not run ({_listed(not_run)})"] if not_run else []
        return RUN_FAILED, f"{' and '.join(parts)}.", ""
    if unproven:
        return RUN_PROVISIONAL, f"every criterion passed ({counts}), but {'; '.join(unproven)}.", ""
    return (RUN_PASSED, f"every criterion passed ({counts}) on the registry's image and Docker Desktop on Windows.", "")


def clip(text: str, limit: int = CELL) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"

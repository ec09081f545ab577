"""reports/signoff.md: the plan's acceptance checklist with, for each
criterion, its verdict, the scenarios that prove it and the evidence observed;
then the checklist of the plan's consumers; then the environment and the run.
Pasted into JIRA, it is the sign-off."""

from __future__ import annotations

import hashlib
import platform
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from harness.errors import PreflightError
from harness.evidence import Evidence
from harness.reporting.criteria import ALSO, CONSUMERS, PLAN, Criterion, criterion_of

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


@dataclass(frozen=True)
class ScenarioResult:
    criterion: str
    name: str
    verdict: str  # PASSED | FAILED | NOT_RUN
    reason: str = ""


@dataclass(frozen=True)
class RunInfo:
    compose_file: Path
    started: datetime
    duration: float

    @property
    def sha256(self) -> str:
        try:
            return hashlib.sha256(self.compose_file.read_bytes()).hexdigest()
        except OSError:
            return "(file not readable)"

    @property
    def git_commit(self) -> str:
        def git(*args: str) -> str:
            done = subprocess.run(["git", *args], cwd=self.compose_file.parent, capture_output=True, text=True)
            return done.stdout.strip() if done.returncode == 0 else ""

        commit = git("rev-parse", "--short", "HEAD")
        if not commit:
            return "(not in a git checkout)"
        dirty = git("status", "--porcelain", "--", self.compose_file.name)
        return commit + (" (compose file modified)" if dirty else "")


def results(features: Iterable[Any]) -> list[ScenarioResult]:
    """Verdicts from behave's model after the run."""
    out = []
    for feature in features:
        for scenario in feature.walk_scenarios():
            status = scenario.status.name
            if status == "passed":
                verdict, reason = PASSED, ""
            elif status in ("failed", "error", "hook_error", "cleanup_error", "undefined"):
                verdict, reason = FAILED, _first_error(scenario)
            else:
                verdict, reason = NOT_RUN, ""
            out.append(ScenarioResult(criterion_of(scenario.effective_tags), scenario.name, verdict, reason))
    return out


def _first_error(scenario: Any) -> str:
    """The failed step's message on one line: reason, expected, observed."""
    for text in [*(step.error_message for step in scenario.all_steps), scenario.error_message]:
        if text:
            return one_line(str(text))
    return "failed"


def one_line(message: str, limit: int = 400) -> str:
    for prefix in ("ASSERT FAILED: ", "Assertion Failed: "):
        message = message.removeprefix(prefix)
    if "Traceback" in message:  # an unexpected error: its last line says what it was
        message = message.strip().splitlines()[-1]
    text = " ".join(line.strip() for line in message.splitlines() if line.strip())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def verdict_of(scenarios: list[ScenarioResult]) -> str:
    if any(s.verdict == FAILED for s in scenarios):
        return FAILED
    if scenarios and all(s.verdict == PASSED for s in scenarios):
        return PASSED
    return NOT_RUN


def render(
    scenarios: list[ScenarioResult], evidence: Evidence, run: RunInfo, refusal: PreflightError | None = None
) -> str:
    by_criterion = {c.tag: [s for s in scenarios if s.criterion == c.tag] for c in (*PLAN, *ALSO, *CONSUMERS)}
    verdicts = {tag: verdict_of(found) for tag, found in by_criterion.items()}
    lines = ["# OPTERP-20 sign-off: Redis in Docker Compose", "", _headline(verdicts, refusal), ""]
    for title, criteria in (
        ("Acceptance criteria (as the plan lists them)", PLAN),
        ("Also verified (the plan's configuration and testing strategy)", ALSO),
        ("Fit for the plan's consumers (each through its own client library)", CONSUMERS),
    ):
        lines += [f"## {title}", ""]
        for criterion in criteria:
            lines += _criterion(criterion, verdicts[criterion.tag], by_criterion[criterion.tag], evidence, refusal)
        lines.append("")
    lines += ["## Environment", "", "| | |", "|---|---|"]
    env = evidence.environment
    for key in ENVIRONMENT:
        lines.append(f"| {key} | {env.get(key, 'not observed')} |")
    lines.append(f"| OS | {platform.platform()} |")
    if "image" in env and "pulled from a registry" not in env["image"]:
        origin = env["image"].split(", ", 1)[-1]
        lines += ["", f"**Note: the image is not the registry's redis:7-alpine.** It was {origin}."]
    lines += [
        "",
        "## Run",
        "",
        "| | |",
        "|---|---|",
        f"| compose file | `{run.compose_file}` |",
        f"| sha256 | `{run.sha256}` |",
        f"| git commit | {run.git_commit} |",
        f"| started | {run.started:%Y-%m-%d %H:%M:%S %Z} |",
        f"| duration | {run.duration:.1f} s |",
        "",
    ]
    return "\n".join(lines)


def _headline(verdicts: dict[str, str], refusal: PreflightError | None) -> str:
    if refusal:
        return f"**Not run: {refusal.summary}.** {refusal}"
    failed = [tag for tag, v in verdicts.items() if v == FAILED]
    not_run = [tag for tag, v in verdicts.items() if v == NOT_RUN]
    if failed:
        return f"**Sign-off blocked: {len(failed)} criteria failed ({', '.join(failed)}).**"
    if not_run:
        return f"**Incomplete: {len(not_run)} criteria not run ({', '.join(not_run)}).**"
    plan = len(PLAN) + len(ALSO)
    return (
        f"**Ready for sign-off: all {plan} criteria of the plan and all {len(CONSUMERS)} criteria of its "
        "consumers passed.**"
    )


def _criterion(
    criterion: Criterion,
    verdict: str,
    scenarios: list[ScenarioResult],
    evidence: Evidence,
    refusal: PreflightError | None,
) -> list[str]:
    box = "x" if verdict == PASSED else " "
    shown = f"not run: {refusal.summary}" if refusal else verdict
    lines = [f"- [{box}] {criterion.text} (`{criterion.label}`): **{shown}**"]
    for scenario in scenarios:
        reason = f": {scenario.reason}" if scenario.reason else ""
        lines.append(f"  - scenario *{scenario.name}*: {scenario.verdict}{reason}")
    facts = dict.fromkeys(f"{f.what}: {f.value}" for f in evidence.about(criterion.tag))
    lines += [f"  - observed {fact}" for fact in facts]
    return lines

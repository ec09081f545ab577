"""The sign-off of one run: the scenarios' verdicts from behave's model and
the run's own facts, made into the checklist (checklist.py) that signoff.md,
signoff.json and, through `signoff publish`, the Jira comment are rendered from."""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from harness.core.errors import PreflightError
from harness.core.evidence import Evidence
from harness.reporting.checklist import FAILED, NOT_RUN, PASSED, Checklist, ScenarioResult, build, clip
from harness.reporting.criteria import criterion_of
from harness.reporting.signoff_md import markdown

__all__ = ["FAILED", "NOT_RUN", "PASSED", "RunInfo", "ScenarioResult", "checklist", "one_line", "render", "results"]


@dataclass(frozen=True)
class RunInfo:
    compose_file: Path
    started: datetime
    duration: float
    ci: Mapping[str, str] = field(default_factory=lambda: dict(os.environ), repr=False)  # CI's variables

    @property
    def sha256(self) -> str:
        try:
            return hashlib.sha256(self.compose_file.read_bytes()).hexdigest()
        except OSError:
            return "(file not readable)"

    @property
    def git_commit(self) -> str:
        commit = self._git("rev-parse", "--short", "HEAD")
        if not commit:
            return "(not in a git checkout)"
        dirty = self._git("status", "--porcelain", "--", self.compose_file.name)
        return commit + (" (compose file modified)" if dirty else "")

    @property
    def branch(self) -> str:
        """As CI names it (GitHub Actions, GitLab CI), else the checkout's."""
        ci = self.ci.get("GITHUB_REF_NAME") or self.ci.get("CI_COMMIT_TAG") or self.ci.get("CI_COMMIT_REF_NAME")
        return ci or self._git("rev-parse", "--abbrev-ref", "HEAD") or "(not in a git checkout)"

    @property
    def pipeline(self) -> str:
        ci = self.ci
        if ci.get("GITHUB_RUN_ID"):
            server = ci.get("GITHUB_SERVER_URL", "https://github.com")
            return f"{server}/{ci.get('GITHUB_REPOSITORY', '')}/actions/runs/{ci['GITHUB_RUN_ID']}"
        return ci.get("CI_PIPELINE_URL") or "not run by CI"

    def _git(self, *args: str) -> str:
        try:
            done = subprocess.run(
                ["git", *args], cwd=self.compose_file.parent, capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""

    @property
    def shown_path(self) -> str:
        """The compose file relative to its checkout, as a reader elsewhere finds it; else as given."""
        top = self._git("rev-parse", "--show-toplevel")
        try:
            return str(self.compose_file.resolve().relative_to(Path(top).resolve())) if top else str(self.compose_file)
        except ValueError:
            return str(self.compose_file)

    def rows(self) -> list[tuple[str, str]]:
        return [
            ("compose file", self.shown_path),
            ("sha256", self.sha256),
            ("git commit", self.git_commit),
            ("branch", self.branch),
            ("pipeline", self.pipeline),
            ("started", f"{self.started:%Y-%m-%d %H:%M:%S %Z}"),
            ("duration", f"{self.duration:.1f} s"),
        ]


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
    return clip(message, limit)


def checklist(
    scenarios: list[ScenarioResult], evidence: Evidence, run: RunInfo, refusal: PreflightError | None = None
) -> Checklist:
    return build(scenarios, evidence, run.rows(), refusal)


def render(
    scenarios: list[ScenarioResult], evidence: Evidence, run: RunInfo, refusal: PreflightError | None = None
) -> str:
    return markdown(checklist(scenarios, evidence, run, refusal))

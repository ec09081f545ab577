"""Writes the run's reports into the reports directory."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from harness.core.errors import PreflightError
from harness.core.evidence import Evidence
from harness.reporting import cucumber, signoff
from harness.reporting.signoff_md import markdown

CUCUMBER_JSON = "cucumber.json"
SIGNOFF = "signoff.md"
SIGNOFF_JSON = "signoff.json"
EVIDENCE = "evidence.json"


def publish(
    directory: Path,
    features: Iterable[Any],
    evidence: Evidence,
    run: signoff.RunInfo,
    refusal: PreflightError | None = None,
    redact: Callable[[str], str] = lambda text: text,
) -> str:
    """Write evidence, Cucumber JSON and the sign-off, each through `redact`
    (which hides the password, should any text ever carry it); return the
    sign-off text."""
    features = list(features)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / EVIDENCE).write_text(redact(evidence.to_json()), encoding="utf-8")
    report = cucumber.report(features, evidence.failures)
    (directory / CUCUMBER_JSON).write_text(redact(json.dumps(report, indent=2) + "\n"), encoding="utf-8")
    checklist = signoff.checklist(signoff.results(features), evidence, run, refusal)
    # The same facts twice: for people, and for `signoff publish` to render in Jira's formats.
    (directory / SIGNOFF_JSON).write_text(redact(checklist.to_json()), encoding="utf-8")
    text = redact(markdown(checklist))
    (directory / SIGNOFF).write_text(text, encoding="utf-8")
    return text

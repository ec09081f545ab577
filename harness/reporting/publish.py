"""Writes the run's reports into the reports directory."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from harness.errors import PreflightError
from harness.evidence import Evidence
from harness.reporting import cucumber, signoff

CUCUMBER_JSON = "cucumber.json"
SIGNOFF = "signoff.md"
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
    text = redact(signoff.render(signoff.results(features), evidence, run, refusal))
    (directory / SIGNOFF).write_text(text, encoding="utf-8")
    return text

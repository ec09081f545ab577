"""The acceptance suite itself, run as CI runs it: the real `behave` against
the real engine. Pass/fail comes from behave's exit code; the JUnit files only
prove that every scenario was executed (none skipped)."""
from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEAD_DAEMON = {"DOCKER_HOST": "unix:///nonexistent/docker.sock"}


def behave(*args: str, env: dict[str, str] | None = None, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "behave", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})},
    )


def junit_totals(directory: Path) -> dict[str, int]:
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for report in directory.glob("TESTS-*.xml"):
        suite = ET.parse(report).getroot()
        for key in totals:
            totals[key] += int(suite.get(key, 0))
    return totals


@pytest.mark.engine
def test_the_whole_suite_passes_with_every_scenario_executed():
    reports = ROOT / "reports"
    for stale in reports.glob("TESTS-*.xml"):
        stale.unlink()
    done = behave()
    print(done.stdout, done.stderr, sep="\n")
    assert done.returncode == 0, f"behave exited {done.returncode}:\n{done.stdout[-6000:]}\n{done.stderr[-2000:]}"
    totals = junit_totals(reports)
    assert totals["tests"] > 0 and totals["skipped"] == 0, f"JUnit totals {totals}: every scenario must run in CI"


@pytest.mark.docker_cli
def test_the_definition_is_checked_without_a_daemon():
    done = behave("--tags=@static", "--no-junit", env=DEAD_DAEMON, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 failed" in done.stdout

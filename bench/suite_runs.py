"""Shared by the bench scripts: one timed run of the behave suite."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class SuiteRun:
    returncode: int
    wall: float
    stdout: str
    stderr: str


def run_behave(args: list[str]) -> SuiteRun:
    began = time.monotonic()
    done = subprocess.run(
        # The default formatter: bench.py reads its reports/behave.json.
        [sys.executable, "-m", "behave", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return SuiteRun(done.returncode, time.monotonic() - began, done.stdout, done.stderr)

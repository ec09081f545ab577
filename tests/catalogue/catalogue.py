"""The misconfiguration catalogue: compose files that must fail the suite
(tests/mutants) and rewrites that must pass it (tests/equivalents).

A mutant's header comment names its mistake and the exact scenarios it fails:

    # Mistake: AOF not switched on
    # Breaks: @ac:aof, @ac:persistence
    # Runs: all            (or `static`: only the @static scenarios are run)
    # Environment: REDIS_PASSWORD_FILE=tests/mutants/secrets/plain-password   (optional;
    #   a relative path is from the repository root)
    # Fails exactly:
    #   definition.feature: Append-only persistence is switched on
    # May also fail:      (optional: scenarios the mistake leaves to timing)
    #   celery_broker.feature: ...
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MUTANTS = ROOT / "tests" / "mutants"
EQUIVALENTS = ROOT / "tests" / "equivalents"


@dataclass(frozen=True)
class Case:
    path: Path
    mistake: str
    runs: str  # "all" | "static"
    fails: frozenset[str]  # "feature file: scenario name"
    environment: tuple[tuple[str, str], ...] = ()  # variables the run is given
    # Scenarios whose outcome the mistake leaves to timing (`May also fail:`): neither required nor unexpected.
    may_fail: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        return self.path.stem

    @classmethod
    def parse(cls, path: Path) -> Case:
        fields: dict[str, str] = {}
        lists: dict[str, set[str]] = {"Fails exactly:": set(), "May also fail:": set()}
        listing: set[str] | None = None
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("#"):
                break
            text = line[1:].strip()
            if listing is not None and line.startswith("#   "):
                listing.add(text)
                continue
            listing = lists.get(text)
            key, _, value = text.partition(": ")
            fields.setdefault(key, value)
        runs = fields.get("Runs", "all").split()[0]
        if runs not in ("all", "static"):
            raise ValueError(f"{path.name}: `Runs:` must be all or static, not {runs!r}")
        environment = tuple(
            (name, str(ROOT / value) if "/" in value else value)
            for name, _, value in (item.partition("=") for item in fields.get("Environment", "").split())
        )
        mistake = fields.get("Mistake") or fields.get("Equivalent", "")
        fails, may_fail = lists["Fails exactly:"], lists["May also fail:"]
        return cls(path, mistake, runs, frozenset(fails), environment, frozenset(may_fail))


@dataclass(frozen=True)
class Outcome:
    returncode: int
    failed: frozenset[str]  # scenarios that did not pass, as "feature file: name"
    executed: int
    stderr: str
    project: str  # the run's compose project, as its first line names it
    reasons: dict[str, str]  # failed scenario -> its first error, on one line


def run_suite(case: Case, timeout: float = 600) -> Outcome:
    """`behave -D compose_file=<case>`; scenario results from behave's JSON."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "catalogue-results.json"  # not behave.json: the reports formatter writes that
        argv = [
            sys.executable,
            "-m",
            "behave",
            "-D",
            f"compose_file={case.path}",
            "-D",
            f"reports_dir={scratch}",
            "--no-junit",
            "--format",
            "json",
            "--outfile",
            str(report),
            *(["--tags=@static"] if case.runs == "static" else []),
        ]
        env = {**os.environ, **dict(case.environment)}
        done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)
        features = json.loads(report.read_text() or "[]") if report.exists() else []
    failed, executed, reasons = set(), 0, {}
    for feature in features:
        for element in feature.get("elements", []):
            if element.get("type") != "scenario" or element.get("status") in ("skipped", "untested"):
                continue
            executed += 1
            if element.get("status") != "passed":
                name = f"{Path(feature['location'].split(':')[0]).name}: {element['name']}"
                failed.add(name)
                reasons[name] = _first_error(element)
    project = re.search(r"compose project (\S+),", done.stdout)
    return Outcome(
        done.returncode, frozenset(failed), executed, done.stderr.strip(), project[1] if project else "", reasons
    )


def _first_error(element: dict) -> str:
    for step in element.get("steps", []):
        message = step.get("result", {}).get("error_message")
        if message:
            text = message if isinstance(message, str) else " ".join(message)
            return " ".join(text.split())[:500]
    return element.get("status", "failed")

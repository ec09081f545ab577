"""A whole run of one topology kind's features, as CI runs it: on a copy of its
delivered file alone in an empty folder, as OpticsERP places it; and what such
a run must show: every scenario executed, nothing left, its own checklist."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from harness.reporting.specifications import Sections
from tests.support.behave_run import ROOT, Finished, behave, junit_totals, why_failed
from tests.support.inventory import engine_objects, run_processes

Run = tuple[Finished, Path, set[str]]  # the run, its reports, what it left on the engine


def run_alone(
    scratch: Path, file: str, setting: str, tag: str, timeout: float, env: dict[str, str] | None = None
) -> Run:
    """`behave --tags=<tag> -D <setting>=<a copy of file alone>`, its reports in `scratch`."""
    alone = scratch / "OpticsERP" / file
    alone.parent.mkdir()
    shutil.copy(ROOT / file, alone)
    reports, before = scratch / "reports", engine_objects()
    done = behave(f"--tags={tag}", "-D", f"{setting}={alone}", reports=reports, env=env, timeout=timeout)
    print(done.stdout, done.stderr, sep="\n")
    return done, reports, engine_objects() - before


def passed_whole(done: Finished, reports: Path, left: set[str], sections: Sections) -> None:
    assert done.returncode == 0, why_failed(done, reports)
    totals = junit_totals(reports)
    expected = sum(len(criteria) for _, criteria in sections)
    assert totals["tests"] >= expected and totals["skipped"] == 0, f"JUnit totals {totals}"
    assert " 0 skipped" in done.stdout.splitlines()[-3], done.stdout.splitlines()[-4:]
    assert left == set(), f"left behind on the engine: {left}"
    assert run_processes(done.project) == set(), "a process the run started outlived it"


def signed_off_alone(reports: Path, sections: Sections) -> None:
    """The run's sign-off is its kind's own checklist, every line passed with a figure."""
    checklist = json.loads((reports / "signoff.json").read_text())
    [section] = checklist["sections"]
    assert section["title"] == sections[0][0]
    assert all(item["verdict"] == "passed" and item["facts"] for item in section["items"]), section["items"]

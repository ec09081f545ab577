"""Ctrl-C (SIGINT) and a cancelled CI job (SIGTERM), while the stack starts, in
the middle of a destructive scenario, and while consumer processes run: the
run's project is removed entirely and no process it started outlives it."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from tests.support.inventory import engine_objects, run_processes
from tests.support.live_run import LiveRun, left_by, wait_for_orphans

pytestmark = [pytest.mark.engine, pytest.mark.suite_run]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize(
    "moment", ["while the stack starts", "during a destructive scenario", "while consumer processes run"]
)
def test_an_interrupted_run_removes_its_whole_project(signum: int, moment: str, tmp_path: Path):
    before = engine_objects()
    if moment == "while the stack starts":
        run = LiveRun.start(tmp_path, "--tags=@ac:starts")
        run.container()
    elif moment == "during a destructive scenario":
        run = LiveRun.start(tmp_path, "--tags=@ac:persistence")
        run.wait_for_line(r"Scenario: A write acknowledged a second before a crash")
    else:
        # Two Celery workers, their spares, and a long task on one of them.
        run = LiveRun.start(tmp_path, "--tags=@fit:bulkhead")
        run.processes(at_least=3)
    os.killpg(run.process.pid, signum)
    run.fault()
    ended = run.end(timeout=120)
    wait_for_orphans(run.project)
    assert not ended.hung and ended.returncode != 0, ended.output
    assert "ABORTED" in ended.output, ended.output
    assert left_by(run.project) == [], ended.output
    assert engine_objects() == before, ended.output
    assert run_processes(run.project) == set(), ended.output

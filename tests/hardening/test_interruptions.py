"""Ctrl-C (SIGINT) and a cancelled CI job (SIGTERM), while the stack starts, in
the middle of a destructive scenario, and while consumer processes run: the
run's project is removed entirely and no process it started outlives it."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import docker
import pytest

from harness.inventory import engine_objects, run_processes
from tests.hardening.support import ROOT, project_objects

pytestmark = pytest.mark.engine


def start_behave(reports: Path, *args: str) -> tuple[subprocess.Popen[str], queue.Queue[str | None]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "behave", "--no-junit", "-D", f"reports_dir={reports}", "--format", "plain", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        start_new_session=True,  # its own process group, as a terminal or CI runner gives it
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # not ignored even if ours is
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in process.stdout:
            lines.put(line)
        lines.put(None)  # end of output: the process has closed its stdout

    threading.Thread(target=read, daemon=True).start()
    return process, lines


def wait_for_line(lines: queue.Queue[str | None], pattern: str, seen: list[str], timeout: float = 60) -> re.Match[str]:
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if line is None:  # the run ended first
            break
        seen.append(line)
        if match := re.search(pattern, line):
            return match
    raise AssertionError(f"no line matching {pattern!r} within {timeout} s; output:\n{''.join(seen)}")


def wait_for_container(project: str, timeout: float = 60) -> None:
    client = docker.from_env()
    deadline = time.monotonic() + timeout
    label = {"label": f"com.docker.compose.project={project}"}
    while time.monotonic() < deadline:
        if client.containers.list(all=True, filters=label):
            return
        time.sleep(0.05)
    raise AssertionError(f"no container of {project} appeared within {timeout} s")


def wait_for_processes(project: str, at_least: int, timeout: float = 60) -> set[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(found := run_processes(project)) >= at_least:
            return found
        time.sleep(0.05)
    raise AssertionError(f"fewer than {at_least} processes of {project} within {timeout} s: {run_processes(project)}")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize(
    "moment", ["while the stack starts", "during a destructive scenario", "while consumer processes run"]
)
def test_an_interrupted_run_removes_its_whole_project(signum: int, moment: str, tmp_path: Path):
    before = engine_objects()
    seen: list[str] = []
    if moment == "while the stack starts":
        process, lines = start_behave(tmp_path, "--tags=@ac:starts")
        project = wait_for_line(lines, r"compose project (\S+),", seen).group(1)
        wait_for_container(project)
    elif moment == "during a destructive scenario":
        process, lines = start_behave(tmp_path, "--tags=@ac:persistence")
        project = wait_for_line(lines, r"compose project (\S+),", seen).group(1)
        wait_for_line(lines, r"Scenario: A write acknowledged a second before a crash", seen)
    else:
        # Two Celery workers, their spares, and a long task on one of them.
        process, lines = start_behave(tmp_path, "--tags=@fit:bulkhead")
        project = wait_for_line(lines, r"compose project (\S+),", seen).group(1)
        wait_for_processes(project, at_least=3)
    os.killpg(process.pid, signum)
    try:
        process.wait(timeout=120)
    finally:
        process.kill()
    rest = "".join(seen) + "".join(rest_of(lines))
    assert process.returncode != 0, rest
    assert "ABORTED" in rest, rest
    assert project_objects(project) == [], rest
    assert engine_objects() == before, rest
    assert run_processes(project) == set(), rest


def rest_of(lines: queue.Queue[str | None], timeout: float = 30) -> list[str]:
    """Every line still to come; the process has exited, so the reader ends soon.
    Reading only what is queued now raced it and lost the last lines."""
    rest = []
    while (line := lines.get(timeout=timeout)) is not None:
        rest.append(line)
    return rest

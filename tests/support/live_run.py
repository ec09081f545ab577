"""A behave run watched while it runs, so a fault can be injected at a real
moment (a line it prints, a container or process it made) and its end judged:
how long after the fault, its exit code, its last words, what it left."""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import docker

from harness.infra.containers import PROJECT_LABEL
from harness.infra.leftovers import RUN_LABEL, mark_name, sweep
from tests.support import behave_run
from tests.support.behave_run import ROOT
from tests.support.inventory import run_processes


@dataclass
class LiveRun:
    process: subprocess.Popen[str]
    lines: queue.Queue[str | None]
    seen: list[str] = field(default_factory=list)
    project: str = ""
    fault_at: float | None = None  # monotonic time the fault was injected

    @classmethod
    def start(
        cls,
        reports: Path,
        *args: str,
        env: dict[str, str] | None = None,
        root: Path = ROOT,
        python: str = sys.executable,
    ) -> LiveRun:
        """behave as a user runs it, from the checkout `root` with that checkout's `python`."""
        process, project = behave_run.start(*args, reports=reports, env=env, root=root, python=python)
        lines: queue.Queue[str | None] = queue.Queue()

        def read() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                lines.put(line)
            lines.put(None)  # end of output: the process has closed its stdout

        threading.Thread(target=read, daemon=True).start()
        return cls(process, lines, project=project)

    def wait_for_line(self, pattern: str, timeout: float = 60) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            if line is None:  # the run ended first
                self.lines.put(None)
                break
            self.seen.append(line)
            if match := re.search(pattern, line):
                return match
        raise AssertionError(f"no line matching {pattern!r} within {timeout} s; output:\n{self.output}")

    def container(self, service: str = "redis", timeout: float = 60) -> str:
        """The id of the run's container for `service`, once it exists."""
        client = docker.from_env()
        labels = [f"{PROJECT_LABEL}={self.project}", f"com.docker.compose.service={service}"]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = client.containers.list(all=True, filters={"label": labels})
            if found:
                return str(found[0].id)
            time.sleep(0.05)
        raise AssertionError(f"no {service} container of {self.project} within {timeout} s")

    def processes(self, at_least: int, timeout: float = 60) -> set[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(found := run_processes(self.project)) >= at_least:
                return found
            time.sleep(0.05)
        raise AssertionError(f"fewer than {at_least} processes of {self.project}: {run_processes(self.project)}")

    def fault(self) -> None:
        """Note the moment the fault was injected, to time the run's end from it."""
        self.fault_at = time.monotonic()

    def end(self, timeout: float) -> Ended:
        """Wait for the run to end by itself (killed, and failing the test, after `timeout`)."""
        try:
            self.process.wait(timeout=timeout)
            hung = False
        except subprocess.TimeoutExpired:
            hung = True
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        ended = time.monotonic()
        while (line := self.lines.get(timeout=30)) is not None:
            self.seen.append(line)
        after = ended - self.fault_at if self.fault_at is not None else float("nan")
        return Ended(self.process.returncode, self.output, after, hung)

    @property
    def output(self) -> str:
        return "".join(self.seen)


@dataclass(frozen=True)
class Ended:
    returncode: int
    output: str
    seconds_after_fault: float
    hung: bool

    @property
    def last_line(self) -> str:
        lines = [line for line in self.output.strip().splitlines() if line.strip()]
        return lines[-1] if lines else ""


def left_by(project: str) -> list[str]:
    """What a run of `project` left: its containers (helpers too), volumes,
    networks, its mark, and its processes."""
    client = docker.from_env()
    by_project = {"label": f"{PROJECT_LABEL}={project}"}
    return sorted(
        [f"container {c.name}" for c in client.containers.list(all=True, filters=by_project)]
        + [f"container {c.name}" for c in client.containers.list(all=True, filters={"label": f"{RUN_LABEL}={project}"})]
        + [f"volume {v.name}" for v in client.volumes.list(filters=by_project)]
        + [f"volume {v.name}" for v in client.volumes.list() if v.name == mark_name(project)]
        + [f"network {n.name}" for n in client.networks.list(filters=by_project)]
        + [f"network {n.name}" for n in client.networks.list(filters={"label": f"{RUN_LABEL}={project}"})]
        + [f"process {p}" for p in run_processes(project)]
    )


def clean(project: str) -> None:
    """Remove what a faulted run of `project` left, by its labels, once it was recorded."""
    for line in run_processes(project):
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(line.split()[0]), signal.SIGKILL)
    sweep(docker.from_env(), project)


def wait_for_orphans(project: str, timeout: float = 10) -> None:
    """A run's processes die with it (PR_SET_PDEATHSIG, or at once if they were
    still starting when it ended): give them a moment, bounded."""
    deadline = time.monotonic() + timeout
    while run_processes(project) and time.monotonic() < deadline:
        time.sleep(0.05)

"""Faults injected into real runs of the suite, at real moments, and how each
run ended. Shared by tests/hardening/test_faults.py, which asserts on them,
and bench/faults.py, which prints them (for this checkout or another)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import docker
import docker.errors

from harness.infra.leftovers import process_state
from tests.support.live_run import ROOT, Ended, LiveRun, clean, left_by, wait_for_orphans

IMAGE = "redis:7-alpine"
# Where a fault strikes mid-run: the Celery feature, whose scenarios start consumer processes, and the
# memory feature after it (tagged @OPTERP-24 too), so a fault decided once is seen failing the scenarios
# of a later feature at once as well. The rest of the suite would only repeat that.
STRUCK = ("--tags=@OPTERP-24",)
# After a run killed outright, any run that reaches the engine removes what it left: one scenario's worth.
NEXT_RUN = ("--tags=@ac:ping",)
# A name no one else uses, to keep the image while the fault removes its tag.
IMAGE_KEPT = "opterp20-fault-matrix/redis:kept"


@dataclass(frozen=True)
class Outcome:
    fault: str
    ended: Ended
    left: list[str]  # what the faulted run left on the engine and in processes
    names_fault: str  # the first line that names the fault, "" if none does
    after: Ended | None = None  # a later run, where the fault needs one (after a SIGKILL)
    left_after: list[str] | None = None

    @property
    def traceback(self) -> bool:
        return "Traceback" in self.ended.output or (self.after is not None and "Traceback" in self.after.output)

    def __str__(self) -> str:
        next_run = f"; next run exit {self.after.returncode}, left {self.left_after}" if self.after else ""
        return (
            f"{self.fault}: exit {self.ended.returncode} {self.ended.seconds_after_fault:.1f} s after the fault"
            f"{' (HUNG: killed)' if self.ended.hung else ''}; left {self.left}; traceback {self.traceback}; "
            f"reason: {self.names_fault[:200]!r}; last line: {self.ended.last_line[:160]!r}{next_run}"
        )


def naming(output: str, *words: str) -> str:
    """The first output line that names the fault by any of `words`."""
    for line in output.splitlines():
        if any(re.search(word, line, re.IGNORECASE) for word in words):
            return line.strip()
    return ""


@dataclass
class Matrix:
    reports: Path  # a scratch directory of the caller's
    root: Path = ROOT  # the checkout whose suite runs
    python: str = sys.executable
    bound: float = 300  # seconds before a run that has not ended counts as hung

    def _start(self, *args: str, env: dict[str, str] | None = None) -> LiveRun:
        return LiveRun.start(self.reports, *args, env=env, root=self.root, python=self.python)

    def _end(self, fault: str, run: LiveRun, *words: str) -> Outcome:
        ended = run.end(self.bound)
        wait_for_orphans(run.project)
        left = left_by(run.project)
        clean(run.project)  # recorded; now gone, so the next fault starts from a clean engine
        return Outcome(fault, ended, left, naming(ended.output, *words))

    # -- `up` fails ------------------------------------------------------------------
    def missing_bind_source(self) -> Outcome:
        """The data folder a bind mount of a path that does not exist."""
        text = (self.root / "docker-compose.yml").read_text(encoding="utf-8")
        broken = text.replace(
            "      - redis_data:/data\n",
            "      - type: bind\n        source: /nonexistent/opterp20-data\n        target: /data\n"
            "        bind:\n          create_host_path: false\n",
        )
        # An older checkout's file may need its password placeholder beside it.
        broken = broken.replace("./redis/no-password", str(self.root / "redis" / "no-password"))
        path = self.reports / "missing-bind-source.yml"
        path.write_text(broken, encoding="utf-8")
        run = self._start("-D", f"compose_file={path}")
        run.fault()  # the fault is in the file: every `up` meets it
        return self._end("up fails: missing bind source", run, "bind source path does not exist")

    def refusing_clients(self) -> Outcome:
        """A server that accepts only two clients (`--maxclients 2`): which
        scenarios meet the limit depends on how many connections are open at
        the moment, so this is a fault with a bound, not a catalogue mutant."""
        text = (self.root / "docker-compose.yml").read_text(encoding="utf-8")
        broken = text.replace("--maxmemory-policy noeviction", "--maxmemory-policy noeviction --maxclients 2")
        path = self.reports / "maxclients-two.yml"
        path.write_text(broken, encoding="utf-8")
        run = self._start("-D", f"compose_file={path}", *STRUCK)
        run.fault()
        return self._end("Redis refusing clients (maxclients 2)", run, "max number of clients reached")

    def image_removed(self) -> Outcome:
        """The image's tag removed while the run uses it: the next re-creation
        cannot find it (the suite never pulls mid-run). The image is kept under
        another tag and its own tag put back afterwards."""
        client = docker.from_env()
        with _image_kept(client):
            run = self._start(*STRUCK)
            run.wait_for_line(r"Scenario: Tasks queued while no worker runs")
            client.images.remove(IMAGE, force=True)
            run.fault()
            return self._end("up fails: image removed mid-run", run, "No such image", "image")

    def password_file_unreadable(self) -> Outcome:
        """REDIS_PASSWORD_FILE replaced by a directory mid-run (root reads any
        file, so a mode cannot make one unreadable here)."""
        secret = self.reports / "password"
        secret.write_text("opterp20 fault matrix password\n", encoding="utf-8")
        run = self._start(*STRUCK, env={"REDIS_PASSWORD_FILE": str(secret)})
        run.wait_for_line(r"Scenario: Tasks queued while no worker runs")
        secret.unlink()
        secret.mkdir()
        run.fault()
        outcome = self._end("up fails: password file unreadable", run, "Is a directory", "password", "not a file")
        shutil.rmtree(secret, ignore_errors=True)
        return outcome

    # -- Redis frozen ------------------------------------------------------------------
    def paused_mid_scenario(self) -> Outcome:
        run = self._start(*STRUCK)
        run.wait_for_line(r"Scenario: A task sent from the host")
        _pause(run)
        return self._end("Redis paused mid-scenario", run, "paused")

    def paused_between_scenarios(self) -> Outcome:
        run = self._start(*STRUCK)
        run.wait_for_line(r"Then each of the 20 tasks is executed exactly once")  # a scenario's last step
        _pause(run)
        return self._end("Redis paused between scenarios", run, "paused")

    # -- consumers ---------------------------------------------------------------------
    def consumer_stopped(self) -> Outcome:
        """Every Celery process of the run (workers and spares) stopped with SIGSTOP."""
        run = self._start(*STRUCK)
        run.wait_for_line(r"Scenario: A task sent from the host")
        for line in run.processes(at_least=2):
            if "celery" in line:
                os.kill(int(line.split()[0]), signal.SIGSTOP)
        run.fault()
        return self._end("consumer process stopped (SIGSTOP)", run, "is stopped")

    # -- the run itself ------------------------------------------------------------------
    def run_killed(self) -> Outcome:
        """The run's whole process group SIGKILLed mid-scenario (an OOM kill, a lost CI
        runner), then a second run started while the killed one is still unreaped: a
        zombie, as it stays in a CI job's container where nothing reaps orphans."""
        run = self._start(*STRUCK)
        run.wait_for_line(r"Scenario: A task sent from the host")
        os.killpg(run.process.pid, signal.SIGKILL)
        run.fault()
        _until_zombie(run.process.pid)
        wait_for_orphans(run.project)
        left = left_by(run.project)
        second = self._start(*NEXT_RUN)
        after = second.end(self.bound)
        ended = run.end(self.bound)  # reaped only now
        left_after = left_by(run.project) + left_by(second.project)
        clean(run.project)
        clean(second.project)
        return Outcome(
            "run's process group killed (SIGKILL) and left unreaped, then a second run",
            ended,
            left,
            naming(after.output, "earlier run"),
            after,
            left_after,
        )

    def watchdog(self, bound: float = 8) -> Outcome:
        """A run bound (-D run_timeout) shorter than the suite."""
        run = self._start("-D", f"run_timeout={bound:g}")
        run.fault()
        return self._end(f"whole-run bound of {bound:g} s", run, "run_timeout")

    def all(self) -> Iterator[Callable[[], Outcome]]:
        yield from (
            self.missing_bind_source,
            self.refusing_clients,
            self.image_removed,
            self.password_file_unreadable,
            self.paused_mid_scenario,
            self.paused_between_scenarios,
            self.consumer_stopped,
            self.run_killed,
            self.watchdog,
        )


def _pause(run: LiveRun) -> None:
    docker.from_env().containers.get(run.container()).pause()
    run.fault()


@contextmanager
def _image_kept(client: docker.DockerClient) -> Iterator[None]:
    try:
        image = client.images.get(IMAGE)
    except docker.errors.ImageNotFound:  # an earlier try was killed before it put the tag back
        image = client.images.get(IMAGE_KEPT)
        image.tag(*IMAGE.split(":"))
    repository, tag = IMAGE_KEPT.rsplit(":", 1)
    image.tag(repository, tag)
    try:
        yield
    finally:
        client.images.get(IMAGE_KEPT).tag(*IMAGE.split(":"))
        client.images.remove(IMAGE_KEPT)


def _until_zombie(pid: int, timeout: float = 10) -> None:
    """The killed process has exited (state Z), without reaping it."""
    deadline = time.monotonic() + timeout
    while process_state(pid) != "Z":
        assert time.monotonic() < deadline, f"process {pid} not a zombie {timeout} s after SIGKILL"
        time.sleep(0.01)

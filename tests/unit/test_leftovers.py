"""How a run marks the engine, how the next one tells an abandoned mark from
a live run's, and that the sweep removes the mark only when all else is gone."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import docker.errors
import requests

from harness.infra import leftovers
from harness.infra.leftovers import LEASE_LABEL, OWNER_LABEL, RUN_LABEL, Mark, Owner

RECORDED = Path(__file__).parent / "recorded"


@dataclass
class FakeVolume:
    name: str
    labels: dict[str, str]
    removed: list[str] = field(default_factory=list)
    fails: bool = False

    @property
    def attrs(self) -> dict[str, Any]:
        return {"Labels": self.labels}

    def remove(self, force: bool = False) -> None:
        if self.fails:
            raise docker.errors.APIError("volume is in use")
        self.removed.append(self.name)


class FakeVolumes:
    def __init__(self, volumes: list[FakeVolume]) -> None:
        self.volumes = volumes

    def list(self, filters: dict[str, Any]) -> list[FakeVolume]:
        key, _, value = filters["label"].partition("=")
        return [v for v in self.volumes if key in v.labels and (not value or v.labels[key] == value)]

    def get(self, name: str) -> FakeVolume:
        for volume in self.volumes:
            if volume.name == name:
                return volume
        raise docker.errors.NotFound(name)

    def create(self, name: str, labels: dict[str, str]) -> FakeVolume:
        volume = FakeVolume(name, labels)
        self.volumes.append(volume)
        return volume


def client(volumes: list[FakeVolume], containers: list[Any] = ()) -> Any:
    empty = SimpleNamespace(list=lambda **_: [])
    return SimpleNamespace(
        volumes=FakeVolumes(volumes), containers=SimpleNamespace(list=lambda **_: list(containers)), networks=empty
    )


def mark(project: str, owner: str, lease_until: float) -> FakeVolume:
    return FakeVolume(
        leftovers.mark_name(project), {RUN_LABEL: project, OWNER_LABEL: owner, LEASE_LABEL: str(lease_until)}
    )


def test_a_claim_names_this_process_and_a_lease():
    fake = client([])
    leftovers.claim(fake, "opterp20-accept-1", lease=300)
    (found,) = leftovers.marks(fake)
    assert found.project == "opterp20-accept-1"
    assert found.owner == Owner.me()
    assert found.owner.pid == os.getpid()


def test_a_mark_is_abandoned_when_its_process_is_gone_or_its_lease_is_over():
    dead = Mark("a", Owner("here", 41, "7"), lease_until=2000)
    assert dead.abandoned(now=1000, here="here", alive=lambda pid, started: False)
    alive = Mark("b", Owner("here", 42, "7"), lease_until=2000)
    assert not alive.abandoned(now=1000, here="here", alive=lambda pid, started: True)
    elsewhere = Mark("c", Owner("ci-runner", 43, "7"), lease_until=2000)
    assert not elsewhere.abandoned(now=1000, here="here", alive=lambda pid, started: False)  # not ours to judge
    assert elsewhere.abandoned(now=2001, here="here", alive=lambda pid, started: True)  # its lease is over


def test_abandoned_lists_only_the_dead_runs_marks():
    fake = client([mark("dead", "here/41/7", 9e12), mark("live", "here/42/7", 9e12)])
    found = leftovers.abandoned(fake, now=1000, here="here", alive=lambda pid, started: pid == 42)
    assert [m.project for m in found] == ["dead"]


def test_a_reused_pid_is_not_the_run_that_owned_it(tmp_path: Path):
    (tmp_path / "42").mkdir()
    (tmp_path / "42" / "stat").write_text("42 (python) S 1 42 42 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 999 1 1")
    assert leftovers.process_start(42, proc=tmp_path) == "999"
    assert leftovers.process_start(43, proc=tmp_path) == ""


def test_a_run_that_exited_but_was_never_reaped_is_dead():
    """A zombie: what a killed run's behave stays as where nothing reaps orphans."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        deadline = time.monotonic() + 10
        while leftovers.process_state(child.pid) != "Z" and time.monotonic() < deadline:
            time.sleep(0.01)  # the child's own exit, which nothing here can wait on without reaping it
        assert leftovers.process_state(child.pid) == "Z"
        assert not leftovers.process_alive(child.pid, leftovers.process_start(child.pid))
    finally:
        child.wait()


def test_a_recorded_zombie_behave_reads_as_exited(tmp_path: Path):
    """/proc/<pid>/stat of a behave that had exited and was not yet waited for
    (recorded here, tests/unit/recorded/zombie-behave.stat)."""
    (tmp_path / "7687").mkdir()
    shutil.copy(RECORDED / "zombie-behave.stat", tmp_path / "7687" / "stat")
    assert leftovers.process_state(7687, proc=tmp_path) in leftovers.DEAD_STATES
    assert leftovers.process_start(7687, proc=tmp_path) == "5566837"


def test_a_running_process_is_alive():
    assert leftovers.process_alive(os.getpid(), leftovers.process_start(os.getpid()))


def test_the_state_is_read_after_the_name_however_it_is_spelt(tmp_path: Path):
    (tmp_path / "42").mkdir()
    (tmp_path / "42" / "stat").write_text("42 (be (have) d) Z 1 42 42 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 999 1 1")
    assert leftovers.process_state(42, proc=tmp_path) == "Z"
    assert leftovers.process_state(43, proc=tmp_path) == ""


def test_the_sweep_removes_the_mark_last_and_keeps_it_when_something_stays():
    kept = mark("p", "here/1/1", 0)
    stuck = FakeVolume("p_redis_data", {"com.docker.compose.project": "p"}, fails=True)
    fake = client([kept, stuck])
    left = leftovers.sweep(fake, "p")
    assert left == ["volume p_redis_data: volume is in use"]
    assert kept.removed == []
    stuck.fails = False
    assert leftovers.sweep(fake, "p") == []
    assert kept.removed == [leftovers.mark_name("p")]


def test_an_engine_that_does_not_answer_is_one_line_not_a_traceback():
    def gone(**_: Any) -> list[Any]:
        raise requests.exceptions.ConnectionError("('Connection aborted.', FileNotFoundError(2, 'No such file'))")

    fake = client([])
    fake.containers = SimpleNamespace(list=gone)
    (line,) = leftovers.sweep(fake, "p")
    assert line.startswith("project p: the engine did not answer")

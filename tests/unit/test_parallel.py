"""How the project's tests decide to run in parallel, and how each worker is placed, without starting an engine."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.support import engine_pool, parallel

IDLE_MACHINE: dict[str, str] = {}


def config(numprocesses: Any = None, xdist: bool = True, **options: Any) -> Any:
    values = {"--remote-engine": None, "usepdb": False, "collectonly": False, **options}
    return SimpleNamespace(
        option=SimpleNamespace(numprocesses=numprocesses),
        pluginmanager=SimpleNamespace(hasplugin=lambda name: xdist and name == "xdist"),
        getoption=lambda name, default=None: values.get(name, default),
        getvalue=lambda name: values.get(name),
    )


@pytest.fixture
def able(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine that can run the pool, with two cores."""
    monkeypatch.setattr(engine_pool, "unavailable", lambda: None)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)


def test_two_cores_give_three_workers(able):
    plan = parallel.plan(config(), IDLE_MACHINE)
    assert plan.parallel and plan.workers == parallel.workers_for(2) == 3


def test_the_worker_count_keeps_the_cpu_below_its_target():
    for cores in range(1, 9):
        workers = parallel.workers_for(cores)
        assert workers == 1 or workers * parallel.CPU_PER_WORKER <= cores * parallel.BUSY_TARGET
        assert workers <= parallel.MAX_WORKERS


def test_n_asks_for_a_number_of_workers(able):
    assert parallel.plan(config(numprocesses=2), IDLE_MACHINE).workers == 2


@pytest.mark.parametrize(
    ("cfg", "env", "why"),
    [
        (config(numprocesses=0), {}, "-n 0"),
        (config(xdist=False), {}, "pytest-xdist is not loaded"),
        (config(**{"--remote-engine": "tcp://10.203.0.2:2375"}), {}, "--remote-engine"),
        (config(), {"DOCKER_HOST": "tcp://docker:2376"}, "DOCKER_HOST chooses one engine"),
        (config(), {"DOCKER_CONTEXT": "ci"}, "DOCKER_CONTEXT chooses one engine"),
        (config(usepdb=True), {}, "--pdb"),
    ],
    ids=["n0", "no-xdist", "remote-engine", "docker-host", "docker-context", "pdb"],
)
def test_serial_when_asked_or_when_one_engine_is_chosen(able, cfg: Any, env: dict[str, str], why: str):
    plan = parallel.plan(cfg, env)
    assert not plan.parallel and why in plan.why


def test_serial_where_the_pool_cannot_run(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(engine_pool, "unavailable", lambda: "network namespaces need root")
    plan = parallel.plan(config(), IDLE_MACHINE)
    assert (plan.workers, plan.why) == (0, "network namespaces need root")


def test_the_pool_needs_root_and_its_tools(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(engine_pool.os, "geteuid", lambda: 1000)
    assert engine_pool.unavailable() == "network namespaces need root"
    monkeypatch.setattr(engine_pool.os, "geteuid", lambda: 0)
    monkeypatch.setattr(engine_pool.shutil, "which", lambda tool: None if tool == "unshare" else f"/usr/bin/{tool}")
    assert engine_pool.unavailable() == "unshare not found"


def test_starting_a_pool_without_this_machines_engine_is_one_line(monkeypatch: pytest.MonkeyPatch, capsys):
    monkeypatch.setattr(engine_pool, "unavailable", lambda: None)

    def no_engine() -> Any:
        raise engine_pool.docker.errors.DockerException("Error while fetching server API version")

    monkeypatch.setattr(engine_pool.docker, "from_env", no_engine)
    assert engine_pool.main(["start", "2"]) == 1
    said = capsys.readouterr().err
    assert said.count("\n") == 1 and "this machine's Docker engine did not answer" in said


def test_a_worker_runs_in_its_engines_network_and_a_mount_namespace_of_its_own():
    spec = parallel._spec(engine_pool.PoolEngine(2))
    parts = spec.split("//")
    assert parts[0] == "popen"
    python = parts[1].removeprefix("python=").split()
    assert python[:5] == ["nsenter", "--net=/run/netns/opterp20-engine-2", "unshare", "--mount", "--propagation"]
    assert f"env:{parallel.ENGINE_ENV}=2" in parts
    assert all("//" not in part for part in parts[1:])  # execnet splits a spec at "//"


def test_a_pool_a_killed_run_left_is_found_by_its_own_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(engine_pool, "NETNS", tmp_path / "netns")
    monkeypatch.setattr(engine_pool, "RUN", tmp_path / "run")
    (tmp_path / "netns").mkdir()
    (tmp_path / "netns" / "opterp20-engine-1").touch()
    (tmp_path / "netns" / "someone-elses").touch()
    (tmp_path / "run" / "3").mkdir(parents=True)
    assert [engine.index for engine in engine_pool.existing()] == [1, 3]


def test_the_costliest_tests_start_first_the_busy_ones_spread_among_those_that_wait():
    def item(name: str, seconds: float | None, cores: float = 0.8) -> Any:
        mark = SimpleNamespace(args=(seconds,), kwargs={"cores": cores}) if seconds is not None else None
        return SimpleNamespace(name=name, get_closest_marker=lambda _: mark)

    items = [
        item("unit", None),
        *(item(f"mutant {n}", 30) for n in range(4)),
        item("ha run", 230, cores=0.4),
        item("ha mutant", 100, cores=0.4),
        item("other unit", None),
    ]
    parallel.longest_first(items)
    names = [i.name for i in items]
    assert names[:2] == ["ha run", "mutant 0"]  # the longest first, then the other stream's longest
    assert names.index("ha mutant") < names.index("mutant 3")  # interleaved, not all heavy at the end
    assert names[-2:] == ["unit", "other unit"]  # tests without a cost keep their order, last


GROUPED = """
import os
import pytest

@pytest.mark.xdist_group("shared-run")
@pytest.mark.parametrize("n", range(4))
def test_grouped(n):
    print("worker", os.environ["PYTEST_XDIST_WORKER"])

@pytest.mark.parametrize("n", range(4))
def test_free(n):
    pass
"""


def test_tests_of_one_group_run_on_one_worker_with_the_installed_pytest_and_xdist(tmp_path: Path):
    """The grouping the shared runs rely on: pytest 9.2 broke it silently (pytest-xdist#1386)."""
    (tmp_path / "test_grouped.py").write_text(GROUPED)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-p", "no:cacheprovider", "-rA"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-2000:]
    ran_on = [line for line in done.stdout.splitlines() if line.startswith("worker gw")]  # each grouped test's print
    assert len(ran_on) == 4 and len(set(ran_on)) == 1, f"the group ran on {sorted(set(ran_on))}:\n{done.stdout[-2000:]}"

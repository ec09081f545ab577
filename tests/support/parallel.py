"""The project's tests on several pytest workers at once (pytest-xdist), each
inside the network namespace of a Docker engine of its own
(tests/support/engine_pool.py), so that its runs of the suite see that engine
as local and never meet another worker's container or ports.

The decision is taken once, in the controller, and said in one line of the
header: how many workers, or why the tests run serially on the default engine
as before (not root, a tool missing, an engine chosen by DOCKER_HOST or
DOCKER_CONTEXT, `--remote-engine`, `-n 0`). `-n N` asks for N workers.

Scheduling (`--dist loadgroup`): tests that share a run of the suite (a
module-scoped fixture) carry one `xdist_group`, and the longest work starts
first, by each test's `cost` mark (its measured seconds and cores), so the
last worker to finish is not the one that drew a whole @ha run at the end, and
runs that keep a core busy are spread among those that mostly wait."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import docker
import docker.errors
import pytest

from tests.support import engine_pool

HEADER_KEY = pytest.StashKey[str]()
POOL_KEY = pytest.StashKey[list[engine_pool.PoolEngine]]()
ENGINE_ENV = "OPTERP20_POOL_ENGINE"  # the worker's engine, by its index in the pool
HOST_NETWORK_ENV = "OPTERP20_HOST_NETWORK"  # the controller's network namespace, for what needs a registry
HOST_MOUNTS_ENV = "OPTERP20_HOST_MOUNTS"  # the controller's mount namespace, where the engines run
# The cores one worker keeps busy on average, measured over whole parallel runs (bench/tests.py:
# 71-74% of 2 cores with 3 workers); a single-node run of the suite keeps 0.6-0.9 busy, an @ha run 0.3-0.5.
CPU_PER_WORKER = 0.5
BUSY_TARGET = 0.9  # the share of the machine's CPU the workers may keep busy, so every bound keeps its margin
MAX_WORKERS = 4
DOCKER_MARKERS = ("engine", "suite_run", "docker_cli")  # a test with any of them may look at the engine


def workers_for(cores: int) -> int:
    """How many workers keep the CPU below BUSY_TARGET."""
    return max(1, min(MAX_WORKERS, int(cores * BUSY_TARGET / CPU_PER_WORKER)))


@dataclass(frozen=True)
class Plan:
    workers: int  # 0: serial
    why: str  # for the header line

    @property
    def parallel(self) -> bool:
        return self.workers > 1


def plan(config: pytest.Config, env: dict[str, str]) -> Plan:
    """Parallel when the machine can run the pool and nothing asked for one engine only."""
    asked = config.option.numprocesses
    if not config.pluginmanager.hasplugin("xdist"):
        return Plan(0, "pytest-xdist is not loaded")
    if asked == 0:
        return Plan(0, "-n 0 asked for it")
    if config.getoption("--remote-engine", None):
        return Plan(0, "--remote-engine: the tests share that one engine")
    if chosen := [name for name in ("DOCKER_HOST", "DOCKER_CONTEXT") if env.get(name)]:
        return Plan(0, f"{chosen[0]} chooses one engine for every test")
    if config.getoption("usepdb") or config.getvalue("collectonly"):
        return Plan(0, "--pdb or --collect-only")
    if any(config.getoption(name, False) for name in ("help", "version", "markers", "showfixtures")):
        return Plan(0, "nothing to run")
    if reason := engine_pool.unavailable():
        return Plan(0, reason)
    count = asked if isinstance(asked, int) else workers_for(os.cpu_count() or 1)
    if count < 2:
        return Plan(0, f"{os.cpu_count()} core(s) give one worker")
    return Plan(count, f"{os.cpu_count()} cores, {CPU_PER_WORKER:g} of a core per worker measured")


def configure_controller(config: pytest.Config) -> None:
    """Decide, and for a parallel run make the namespaces and the workers' specs (pytest_cmdline_main)."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    decided = plan(config, dict(os.environ))
    if decided.parallel:
        try:
            engine_pool.stop_all()  # what a killed earlier run left
            engine_pool.export_images(docker.from_env())
            engines = engine_pool.pool(decided.workers)
            for engine in engines:
                engine.make_namespace()
            engines[0].try_seat()
        except (engine_pool.PoolUnavailable, docker.errors.DockerException) as error:
            engine_pool.stop_all()
            decided = Plan(0, f"the engine pool could not be made: {str(error).splitlines()[0]}")
        else:
            config.stash[POOL_KEY] = engines
            config.option.tx = [_spec(engine) for engine in engines]
            config.option.dist = "loadgroup"
            config.option.loadscopereorder = False  # our order: the longest first
            config.option.numprocesses = None
    if not decided.parallel and config.pluginmanager.hasplugin("xdist"):
        config.option.numprocesses = 0
    config.stash[HEADER_KEY] = (
        f"opterp20: {decided.workers} workers, each with a Docker engine of its own ({decided.why})"
        if decided.parallel
        else f"opterp20: tests run serially on the default engine: {decided.why}"
    )


def _spec(engine: engine_pool.PoolEngine) -> str:
    python = " ".join(engine.worker(sys.executable))
    namespaces = f"/proc/{os.getpid()}/ns"
    env = {ENGINE_ENV: str(engine.index), HOST_NETWORK_ENV: f"{namespaces}/net", HOST_MOUNTS_ENV: f"{namespaces}/mnt"}
    return "//".join(["popen", f"python={python}", *(f"env:{name}={value}" for name, value in env.items())])


def header(config: pytest.Config) -> str | None:
    return config.stash.get(HEADER_KEY, None)


def unconfigure_controller(config: pytest.Config) -> None:
    """Every engine of the pool stopped and its namespace removed, whatever the run did."""
    if config.stash.get(POOL_KEY, None):
        engine_pool.stop_all()


# -- in a worker ----------------------------------------------------------------------
def configure_worker(config: pytest.Config) -> None:
    """Until its own engine starts, a worker sees none; and it names each test's
    group, so the tests that share a run stay together (pytest_configure).
    pytest-xdist tells a worker to do that only when `--dist loadgroup` was on
    the command line, which it re-reads there, not when a plugin chose it."""
    if os.environ.get(ENGINE_ENV):
        engine_pool.hide_default()
        config.option.loadgroup = True


_started: dict[int, str | None] = {}  # the worker's engine: None once started, else why it could not start


def ensure_engine(item: pytest.Item) -> None:
    """Start this worker's engine the first time a test needs Docker (pytest_runtest_setup)."""
    index = os.environ.get(ENGINE_ENV)
    if not index or not any(item.get_closest_marker(name) for name in DOCKER_MARKERS):
        return
    engine = engine_pool.PoolEngine(int(index))
    if engine.index not in _started:
        try:
            engine.start(mounts=os.environ[HOST_MOUNTS_ENV])
            engine.make_default()
            _started[engine.index] = None
        except engine_pool.PoolUnavailable as error:
            _started[engine.index] = str(error)
    if reason := _started[engine.index]:
        pytest.fail(f"this worker's Docker engine did not start: {reason}", pytrace=False)


def stop_engine() -> None:
    """At the worker's end (pytest_sessionfinish)."""
    index = os.environ.get(ENGINE_ENV)
    if index and int(index) in _started:
        engine_pool.PoolEngine(int(index)).stop()


def host_network(argv: list[str]) -> list[str]:
    """`argv` run in this machine's own network namespace, where a package
    registry answers, when this worker sits in an engine's."""
    namespace = os.environ.get(HOST_NETWORK_ENV)
    return ["nsenter", f"--net={namespace}", *argv] if namespace else argv


# -- order ----------------------------------------------------------------------------
HEAVY = 0.6  # cores: a run that keeps more busy (the single node's, with its consumer processes) is heavy


def longest_first(items: list[pytest.Item]) -> None:
    """The costliest tests first (their `cost` mark: measured seconds, and the
    cores the run keeps busy), heavy and light ones interleaved in proportion to
    their time, so the workers do not all run the heavy ones at once at the end
    (3 single-node runs at once ask for more than 2 cores); tests without a
    cost keep their order, after them."""
    costed = sorted((item for item in items if cost(item)), key=lambda item: -cost(item))
    rest = [item for item in items if not cost(item)]
    heavy = [item for item in costed if cores(item) >= HEAVY]
    light = [item for item in costed if cores(item) < HEAVY]
    totals = (sum(map(cost, heavy)) or 1.0, sum(map(cost, light)) or 1.0)
    done = [0.0, 0.0]
    order: list[pytest.Item] = []
    while heavy or light:
        # Take from the stream that is further behind, as a share of its own total time (at a tie, the longer head).
        behind = (done[0] / totals[0], -cost(heavy[0]) if heavy else 0.0) <= (
            done[1] / totals[1],
            -cost(light[0]) if light else 0.0,
        )
        pick = 0 if not light or (heavy and behind) else 1
        item = (heavy if pick == 0 else light).pop(0)
        done[pick] += cost(item)
        order.append(item)
    items[:] = order + rest


def cost(item: pytest.Item) -> float:
    mark = item.get_closest_marker("cost")
    return float(mark.args[0]) if mark else 0.0


def cores(item: pytest.Item) -> float:
    mark = item.get_closest_marker("cost")
    return float(mark.kwargs.get("cores", HEAVY)) if mark else 0.0

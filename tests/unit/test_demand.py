"""Which consumer processes the steps still to come start: a spare is loaded only for them."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from harness.consumers.processes import Processes
from harness.consumers.spares import UndeclaredTake
from harness.core.polling import Poller
from harness.run.demand import RunDemand

NONE: frozenset[str] = frozenset()
LOCK, CELERY = frozenset({"sync-worker"}), frozenset({"celery-*"})


def scenario(*steps: frozenset[str]) -> SimpleNamespace:
    return SimpleNamespace(all_steps=list(steps))


def test_a_kind_is_wanted_while_a_step_still_to_come_takes_one():
    first, second = scenario(LOCK, NONE, LOCK), scenario(NONE, CELERY)
    demand = RunDemand.of([first, second], kinds_of=lambda step: step)
    assert demand.wanted("sync-worker") and demand.wanted("celery-sync")  # before the run
    demand.scenario_begins(first)
    demand.step_begins()  # first's first step: a lock worker, and another two steps on
    assert demand.declared("sync-worker") and not demand.declared("celery-sync")
    assert demand.wanted("sync-worker")
    demand.step_begins()
    demand.step_begins()  # the last lock worker of the run
    assert not demand.wanted("sync-worker") and demand.wanted("celery-default")
    demand.scenario_begins(second)
    demand.step_begins()
    demand.step_begins()
    assert demand.declared("celery-default") and not demand.wanted("celery-default")


def test_a_scenario_that_failed_halfway_does_not_shift_the_next_ones_steps():
    first, second = scenario(LOCK, LOCK, LOCK), scenario(CELERY)
    demand = RunDemand.of([first, second], kinds_of=lambda step: step)
    demand.scenario_begins(first)
    demand.step_begins()  # fails here: its other two steps never begin
    demand.scenario_begins(second)
    demand.step_begins()
    assert demand.declared("celery-sync") and not demand.declared("sync-worker")


def test_a_scenario_the_plan_does_not_know_wants_and_allows_every_kind():
    planned, other = scenario(NONE), scenario(NONE)  # both alive: a scenario is known by its identity
    demand = RunDemand.of([planned], kinds_of=lambda step: step)
    demand.scenario_begins(other)
    demand.step_begins()
    assert demand.wanted("scheduler") and demand.declared("scheduler")


def test_processes_of_one_scenario_want_only_its_own_steps():
    first, second = scenario(CELERY, NONE), scenario(CELERY)
    demand = RunDemand.of([first, second], kinds_of=lambda step: step)
    demand.scenario_begins(first)
    demand.step_begins()
    assert demand.wanted("celery-sync") and not demand.this_scenario().wanted("celery-sync")


def test_a_take_a_step_does_not_declare_fails_and_no_spare_outlives_the_demand(tmp_path: Path):
    steps = [scenario(NONE), scenario(frozenset({"echo"}))]
    demand = RunDemand.of(steps, kinds_of=lambda step: step)
    processes = Processes(tmp_path, "opterp20-unit-demand", Poller(interval=0.01), demand=demand)
    try:
        demand.position = 0  # the first step, which declares nothing
        with pytest.raises(UndeclaredTake, match=r"@takes\('echo'\)"):
            processes.take("echo", ["-c", "import sys; sys.stdin.read()"], redis_url="redis://unused")
        demand.position = 1  # the last step, which takes one: no step after it wants a spare
        processes.take("echo", ["-c", "import sys; sys.stdin.read()"], redis_url="redis://unused")
        assert len(processes.running) == 1 and not processes._spares
    finally:
        processes.stop()


def test_the_kinds_ahead_are_those_the_next_two_scenarios_name_exactly():
    job, sync = frozenset({"scheduler"}), frozenset({"celery-sync"})
    first, second, third, fourth = scenario(NONE), scenario(LOCK, CELERY), scenario(sync), scenario(job)
    demand = RunDemand.of([first, second, third, fourth], kinds_of=lambda step: step)
    assert demand.ahead() == {"sync-worker"}  # before the run: its first two scenarios'; `celery-*` is no kind
    demand.scenario_begins(first)
    assert demand.ahead() == {"sync-worker", "celery-sync"}
    demand.scenario_begins(third)
    assert demand.ahead() == {"scheduler"}
    demand.scenario_begins(fourth)
    assert demand.ahead() == frozenset()

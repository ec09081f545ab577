"""A scenario's state: defaults for what a scenario may leave unset, and a
one-line harness error for what a step reads before an earlier one set it."""

import math

import pytest

from harness.core.errors import HarnessError
from harness.infra.faults import Crash
from harness.run.scenario_state import ScenarioState


def test_a_value_no_earlier_step_set_is_a_harness_error_naming_it():
    with pytest.raises(HarnessError, match="no earlier step of this scenario set its crash"):
        _ = ScenarioState().service.crash


def test_a_value_set_is_read_back_and_belongs_to_its_scenario_only():
    first, second = ScenarioState(), ScenarioState()
    first.service.crash = Crash(pid=7, restart_count_before=0, at=1.0)
    first.safety.uids.append(999)
    assert first.service.crash.pid == 7
    assert second.safety.uids == [] and second.topology.failover is None
    with pytest.raises(HarnessError):
        _ = second.service.crash


def test_what_a_scenario_may_leave_unset_has_a_default():
    state = ScenarioState()
    assert math.isnan(state.service.started_at) and state.service.rejected is None
    assert state.lock.contenders == (0, 0) and state.celery.tokens == [] and not state.jobs.job_kept

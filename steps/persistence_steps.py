"""Writes that must survive restart, re-creation and crash."""

import uuid

from behave.runner import Context
from hamcrest import assert_that, equal_to

from harness.run.scenario_state import state
from harness.run.steps import given, then, when


@given("a client has stored a value under a key")
def step_stored(context: Context) -> None:
    now = state(context)
    now.data.key, now.data.value = f"opterp20:persist:{uuid.uuid4().hex}", f"written {uuid.uuid4().hex}"
    context.suite.node().endpoint.client().set(now.data.key, now.data.value)
    now.data.acknowledged_at = context.suite.poller.clock()


@when("the operator restarts the Redis service")
def step_restart(context: Context) -> None:
    observed = context.suite.node().restart()
    context.suite.evidence.record(
        "seconds from restart to answering",
        round(observed.elapsed, 3),
        f"Answering {observed.elapsed:.2f} s after the restart.",
    )


@when("the operator removes the container, keeps its data, and starts it again")
def step_recreate(context: Context) -> None:
    state(context).service.started_at, state(context).service.started_by = context.suite.poller.clock(), "re-creation"
    observed = context.suite.node().recreate()
    context.suite.evidence.record(
        "seconds from re-creation to answering",
        round(observed.elapsed, 3),
        f"Answering {observed.elapsed:.2f} s after the re-creation.",
    )


@when("the Redis process crashes {delay:g} second after the write was acknowledged")
def step_crash_after_write(context: Context, delay: float) -> None:
    context.suite.node().faults.crash_after(state(context).data.acknowledged_at, delay)


@then("the key still holds the value")
def step_value_kept(context: Context) -> None:
    key, value = state(context).data.key, state(context).data.value
    got = context.suite.node().endpoint.client().get(key)
    said = "The value written was read back unchanged." if got == value else "The value written was LOST."
    context.suite.evidence.record(f"read back {key}", got, said)
    assert_that(got, equal_to(value), f"GET {key} after the event")

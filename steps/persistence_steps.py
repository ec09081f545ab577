"""Writes that must survive restart, re-creation and crash."""

import uuid

from behave import given, then, when
from behave.runner import Context
from hamcrest import assert_that, equal_to

from harness.core.errors import reported_as_failures


@given("a client has stored a value under a key")
@reported_as_failures
def step_stored(context: Context) -> None:
    context.key = f"opterp20:persist:{uuid.uuid4().hex}"
    context.value = f"written {uuid.uuid4().hex}"
    context.suite.engine().redis().set(context.key, context.value)
    context.acknowledged_at = context.suite.poller.clock()


@when("the operator restarts the Redis service")
@reported_as_failures
def step_restart(context: Context) -> None:
    observed = context.suite.engine().restart()
    context.suite.evidence.record(
        "seconds from restart to answering",
        round(observed.elapsed, 3),
        f"Answering {observed.elapsed:.2f} s after the restart.",
    )


@when("the operator removes the container, keeps its data, and starts it again")
@reported_as_failures
def step_recreate(context: Context) -> None:
    context.started_at, context.started_by = context.suite.poller.clock(), "re-creation"
    observed = context.suite.engine().recreate()
    context.suite.evidence.record(
        "seconds from re-creation to answering",
        round(observed.elapsed, 3),
        f"Answering {observed.elapsed:.2f} s after the re-creation.",
    )


@when("the Redis process crashes {delay:g} second after the write was acknowledged")
@reported_as_failures
def step_crash_after_write(context: Context, delay: float) -> None:
    context.suite.engine().crash_after(context.acknowledged_at, delay)


@then("the key still holds the value")
@reported_as_failures
def step_value_kept(context: Context) -> None:
    got = context.suite.engine().redis().get(context.key)
    said = "The value written was read back unchanged." if got == context.value else "The value written was LOST."
    context.suite.evidence.record(f"read back {context.key}", got, said)
    assert_that(got, equal_to(context.value), f"GET {context.key} after the event")

"""Health status and recovery: stop, start, crash, and a server refusing clients."""

import uuid

from behave import given, then, when
from behave.runner import Context
from hamcrest import assert_that, equal_to, greater_than, less_than_or_equal_to, not_

from harness.core.errors import best_effort, reported_as_failures
from harness.infra import faults
from harness.infra.containers import Probe

STAYS_STOPPED_FOR = 0.5  # seconds watched: five times Docker's 100 ms first restart delay


def _answer(output: str) -> str:
    return " ".join(output.split()).rstrip(".") or "nothing"


def _probe_said(probe: Probe | None) -> str:
    if probe is None:
        return "Docker logged no health probe."
    verdict = "passed" if probe.exit_code == 0 else "failed"
    return f"Docker's last health probe {verdict}: Redis answered {_answer(probe.output)}."


@when("the operator stops the Redis service")
@reported_as_failures
def step_stop(context: Context) -> None:
    context.suite.engine().stop()


@given("the Redis service has been stopped by the operator")
@reported_as_failures
def step_stopped(context: Context) -> None:
    context.suite.engine().ensure_stopped()


@then("the Redis container has exited cleanly")
@reported_as_failures
def step_exited_cleanly(context: Context) -> None:
    state = context.suite.engine().state()
    said = f"After the stop the container's state was {state.status} (exit code {state.exit_code})."
    context.suite.evidence.record("after stop", str(state), said)
    assert_that((state.status, state.exit_code), equal_to(("exited", 0)), f"after stop: {state}")


@then("it stays stopped past the moment a restart would have begun")
@reported_as_failures
def step_stays_stopped(context: Context) -> None:
    # Docker restarts an exited container after 100 ms and counts the restart
    # at once, so half a second shows whether it would.
    seconds = STAYS_STOPPED_FOR
    stack = context.suite.engine()
    before = stack.state()
    stack.poller.holds(
        "the stopped container stays exited",
        stack.state,
        lambda s: s.status == "exited" and s.restart_count == before.restart_count,
        duration=seconds,
    )


@when("the Redis process crashes")
@reported_as_failures
def step_crash(context: Context) -> None:
    context.crash = context.suite.engine().crash()


@then("the restart policy restarts the container within {bound:g} seconds")
@reported_as_failures
def step_restarted(context: Context, bound: float) -> None:
    observed = context.suite.engine().wait_restarted(context.crash, within=bound)
    assert_that(observed.value.restart_count, greater_than(context.crash.restart_count_before), str(observed.value))


@then("a health probe after the restart reports healthy within {bound:g} seconds of the crash")
@reported_as_failures
def step_recovered(context: Context, bound: float) -> None:
    observed = context.suite.engine().wait_recovered(context.crash, within=bound)
    context.suite.evidence.record(
        "seconds from crash to healthy",
        round(observed.elapsed, 3),
        f"Healthy again {observed.elapsed:.2f} s after the crash.",
    )
    context.suite.evidence.record("health log", str(observed.value.last_probe), _probe_said(observed.value.last_probe))
    assert_that(observed.elapsed, less_than_or_equal_to(bound), str(observed.value))


@given("Redis requires a password that the health check does not know")
@reported_as_failures
def step_require_password(context: Context) -> None:
    stack = context.suite.engine()
    password = uuid.uuid4().hex
    faults.require_password(stack.redis(), password)
    # Undo even if the scenario fails, so later scenarios find the server as the run set it up.
    restore = stack.access.password or ""
    context.add_cleanup(best_effort(lambda: faults.require_password(stack.redis(password), restore)))


@given("Redis required a password and no longer does")
@reported_as_failures
def step_password_undone(context: Context) -> None:
    stack = context.suite.engine()
    password = uuid.uuid4().hex
    faults.require_password(stack.redis(), password)
    faults.require_password(stack.redis(password), stack.access.password or "")


@when("the configured health check runs")
@reported_as_failures
def step_run_health_check(context: Context) -> None:
    context.probe = context.suite.engine().run_health_check()
    probe = context.probe
    verdict = "passed" if probe.exit_code == 0 else "failed"
    said = f"The health check, run by hand, {verdict}: Redis answered {_answer(probe.output)}."
    context.suite.evidence.record("configured health check run", str(probe), said)


@then("the health check fails")
def step_check_fails(context: Context) -> None:
    assert_that(context.probe.exit_code, not_(equal_to(0)), f"configured health check: {context.probe}")


@then("the health check passes")
def step_check_passes(context: Context) -> None:
    assert_that(context.probe.exit_code, equal_to(0), f"configured health check: {context.probe}")

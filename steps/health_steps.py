"""Health status and recovery: stop, start, crash, and a server refusing clients."""

import uuid

from behave.runner import Context
from hamcrest import assert_that, equal_to, less_than_or_equal_to, not_

from harness.infra.containers import Probe
from harness.run.scenario_state import state
from harness.run.step_errors import best_effort
from harness.run.steps import given, then, when


def _answer(output: str) -> str:
    return " ".join(output.split()).rstrip(".") or "nothing"


def _probe_said(probe: Probe | None) -> str:
    if probe is None:
        return "Docker logged no health probe."
    verdict = "passed" if probe.exit_code == 0 else "failed"
    return f"Docker's last health probe {verdict}: Redis answered {_answer(probe.output)}."


@when("the operator stops the Redis service")
def step_stop(context: Context) -> None:
    context.suite.node().stop()


@given("the Redis service has been stopped by the operator")
def step_stopped(context: Context) -> None:
    context.suite.node().ensure_stopped()


@then("the Redis container has exited cleanly")
def step_exited_cleanly(context: Context) -> None:
    container = context.suite.node().state()
    said = f"After the stop the container's state was {container.status} (exit code {container.exit_code})."
    context.suite.evidence.record("after stop", str(container), said)
    assert_that((container.status, container.exit_code), equal_to(("exited", 0)), f"after stop: {container}")


@then("it stays stopped past the moment a restart would have begun")
def step_stays_stopped(context: Context) -> None:
    # Docker restarts an exited container after 100 ms and counts the restart
    # at once, so half a second (-D stays_stopped_for) shows whether it would.
    context.suite.node().stays_stopped(context.suite.settings.stays_stopped_for)


@when("the Redis process crashes")
def step_crash(context: Context) -> None:
    state(context).service.crash = context.suite.node().faults.crash()


@then("the restart policy restarts the container within {bound:g} seconds")
def step_restarted(context: Context, bound: float) -> None:
    # The wait is the check: it ends when the container has restarted, and fails past `bound` or once it stays down.
    observed = context.suite.node().faults.wait_restarted(state(context).service.crash, within=bound)
    said = f"The restart policy restarted the container {observed.elapsed:.2f} s after the crash."
    context.suite.evidence.record("seconds from crash to restart", round(observed.elapsed, 3), said)


@then("a health probe after the restart reports healthy within {bound:g} seconds of the crash")
def step_recovered(context: Context, bound: float) -> None:
    observed = context.suite.node().faults.wait_recovered(state(context).service.crash, within=bound)
    context.suite.evidence.record(
        "seconds from crash to healthy",
        round(observed.elapsed, 3),
        f"Healthy again {observed.elapsed:.2f} s after the crash.",
    )
    context.suite.evidence.record("health log", str(observed.value.last_probe), _probe_said(observed.value.last_probe))
    assert_that(observed.elapsed, less_than_or_equal_to(bound), str(observed.value))


@given("Redis requires a password that the health check does not know")
def step_require_password(context: Context) -> None:
    undo = context.suite.node().faults.demand_password(uuid.uuid4().hex)
    # Undone even if the scenario fails, so later scenarios find the server as the run set it up.
    context.add_cleanup(best_effort(undo))


@given("Redis required a password and no longer does")
def step_password_undone(context: Context) -> None:
    context.suite.node().faults.demand_password(uuid.uuid4().hex)()


@when("the configured health check runs")
def step_run_health_check(context: Context) -> None:
    probe = state(context).service.probe = context.suite.node().health.run_check()
    verdict = "passed" if probe.exit_code == 0 else "failed"
    said = f"The health check, run by hand, {verdict}: Redis answered {_answer(probe.output)}."
    context.suite.evidence.record("configured health check run", str(probe), said)


@then("the health check fails")
def step_check_fails(context: Context) -> None:
    probe = state(context).service.probe
    assert_that(probe.exit_code, not_(equal_to(0)), f"configured health check: {probe}")


@then("the health check passes")
def step_check_passes(context: Context) -> None:
    probe = state(context).service.probe
    assert_that(probe.exit_code, equal_to(0), f"configured health check: {probe}")

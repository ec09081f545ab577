"""Durability under load (load/durability.feature, not in the default run)."""

import uuid

from behave.runner import Context
from hamcrest import assert_that, empty

from harness.probes import load
from harness.probes.load import BoundedWriter
from harness.run.scenario_state import state
from harness.run.steps import given, then, when


@given("a client is writing numbered keys as fast as Redis acknowledges them")
def step_start_writer(context: Context) -> None:
    prefix, clock = f"opterp20:load:{uuid.uuid4().hex}", context.suite.poller.clock
    writer = BoundedWriter(connect=context.suite.node().endpoint.client, prefix=prefix, clock=clock)
    state(context).data.writer = writer
    writer.start()
    context.add_cleanup(writer.stop)


@when("the Redis process crashes repeatedly, each time after writes were acknowledged")
def step_crash_repeatedly(context: Context) -> None:
    suite, now = context.suite, state(context)
    crashes = load.crash_repeatedly(
        suite.node(), now.data.writer, suite.settings.crashes, suite.settings.recovery_timeout
    )
    now.service.crashes = [at for at, _ in crashes]
    for _, back in crashes:
        said = f"Under load, Redis answered again {back:.2f} s after a crash."
        suite.evidence.record("seconds from crash to answering under load", round(back, 3), said)


@then("every write acknowledged at least {grace:g} second before a crash is still there")
def step_none_lost(context: Context, grace: float) -> None:
    writer, crashes = state(context).data.writer, state(context).service.crashes
    verdict = load.judge(writer.acked, crashes, load.present(context.suite.node().endpoint.client(), writer), grace)
    summary = f"{verdict}; {len(crashes)} crashes, {writer.errors} refused writes"
    said = f"Under load with {len(crashes)} crashes, {len(verdict.lost)} acknowledged writes were lost."
    context.suite.evidence.record("durability under load", summary, said)
    assert_that(verdict.problems, empty(), str(verdict))

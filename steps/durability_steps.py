"""Durability under load (load/durability.feature, not in the default run)."""

import uuid

from behave import given, then, when
from behave.runner import Context
from hamcrest import assert_that, empty, greater_than

from harness.core.errors import reported_as_failures
from harness.probes.load import BoundedWriter, judge
from harness.run.suite import Suite

# Recovery after repeated crashes is slowed by Docker's restart back-off, which
# doubles from 100 ms while the container runs for less than 10 s.
RECOVERY_BOUND = 120.0
WRITE_WINDOW = 2.0  # seconds of writes between crashes: twice the AOF everysec window


@given("a client is writing numbered keys as fast as Redis acknowledges them")
@reported_as_failures
def step_start_writer(context: Context) -> None:
    stack = context.suite.engine()
    context.writer = BoundedWriter(
        connect=stack.redis,
        prefix=f"opterp20:load:{uuid.uuid4().hex}",
        max_writes=500_000,
        max_seconds=300,
        clock=context.suite.poller.clock,
    )
    context.writer.start()
    context.add_cleanup(context.writer.stop)


@when("the Redis process crashes repeatedly, each time after writes were acknowledged")
@reported_as_failures
def step_crash_repeatedly(context: Context) -> None:
    suite, writer = context.suite, context.writer
    stack = suite.engine()
    context.crashes = []
    up_since = suite.poller.clock()
    for _ in range(suite.settings.crashes):
        _keep_writing(suite, writer, up_since)
        crash = stack.crash()
        context.crashes.append(crash.at)
        back = stack.wait_back(crash, within=RECOVERY_BOUND)
        up_since = suite.poller.clock()
        suite.evidence.record(
            "seconds from crash to answering under load",
            round(back.elapsed, 3),
            f"Under load, Redis answered again {back.elapsed:.2f} s after a crash.",
        )
    _keep_writing(suite, writer, up_since)
    writer.stop()


def _keep_writing(suite: Suite, writer: BoundedWriter, up_since: float) -> None:
    """Let the writer run for longer than the AOF's one-second window since the
    server came back, so every crash has writes it must not lose."""
    seen = len(writer.acked)
    suite.poller.until(
        f"writes acknowledged for {WRITE_WINDOW:g} s since the server came back",
        lambda: (len(writer.acked), suite.poller.clock()),
        lambda now: now[0] > seen + 100 and now[1] - up_since >= WRITE_WINDOW,
        timeout=30,
    )


@then("every write acknowledged at least {grace:g} second before a crash is still there")
@reported_as_failures
def step_none_lost(context: Context, grace: float) -> None:
    writer, client = context.writer, context.suite.engine().redis()
    numbers = [number for number, _ in writer.acked]
    present: set[int] = set()
    for start in range(0, len(numbers), 1000):
        batch = numbers[start : start + 1000]
        values = client.mget([writer.key(n) for n in batch])
        present |= {n for n, v in zip(batch, values, strict=True) if v is not None}
    verdict = judge(writer.acked, context.crashes, present, grace)
    summary = f"{verdict}; {len(context.crashes)} crashes, {writer.errors} refused writes"
    said = f"Under load with {len(context.crashes)} crashes, {len(verdict.lost)} acknowledged writes were lost."
    context.suite.evidence.record("durability under load", summary, said)
    assert_that(verdict.must_survive, greater_than(0), str(verdict))
    assert_that(verdict.lost[:20], empty(), f"{verdict}; first lost key numbers shown")

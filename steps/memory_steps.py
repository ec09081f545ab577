"""Memory pressure on all three consumers at once: the running server's
eviction policy, observed, never set."""

from behave import then, when
from behave.runner import Context
from hamcrest import assert_that, equal_to, starts_with

from harness.consumers import sync_lock
from harness.core.errors import best_effort, reported_as_failures
from harness.probes import memory


@when("Redis runs out of memory")
@reported_as_failures
def step_exhaust(context: Context) -> None:
    stack = context.suite.engine()
    client, prefix = stack.redis(), memory.filler_prefix()
    original = memory.maxmemory(client)
    context.add_cleanup(best_effort(lambda: memory.relieve(stack.redis(), original, prefix)))
    context.pressure = memory.exhaust(client, prefix)
    pressure = context.pressure
    refused = (
        f"and then refused a write ({pressure.refusal.split(':')[0]})" if pressure.refusal else "and never refused"
    )
    said = (
        f"With memory capped at {pressure.maxmemory // 1024} KiB and policy {pressure.policy}, Redis took "
        f"{pressure.accepted // 1024} KiB more {refused}; {pressure.evicted} keys were evicted."
    )
    context.suite.evidence.record("under memory pressure", str(pressure), said)


@then("Redis refuses the write that does not fit, with an out-of-memory error")
def step_refused(context: Context) -> None:
    pressure = context.pressure
    refusal = pressure.refusal or "never refused"
    assert_that(refusal, starts_with("OutOfMemoryError"), f"the write past maxmemory: {pressure}")


@then("no key was evicted")
def step_no_eviction(context: Context) -> None:
    assert_that(context.pressure.evicted, equal_to(0), f"keys evicted while filling: {context.pressure}")


@then("the lock, the {tasks:d} queued tasks and the job are all still there")
@reported_as_failures
def step_all_kept(context: Context, tasks: int) -> None:
    consumers, client = context.suite.consumers(), context.suite.engine().redis()
    observed = {
        "lock held by its worker": sync_lock.owner(client) == context.holding.owner,
        "tasks queued": consumers.celery.queued_plainly(client, context.queue),
        "job stored": consumers.schedulers.lookup(context.job_id) is not None,
    }
    kept = [
        "the lock held by its worker" if observed["lock held by its worker"] else "the lock LOST",
        f"{observed['tasks queued']} tasks queued",
        "the job stored" if observed["job stored"] else "the job LOST",
    ]
    context.suite.evidence.record("after memory ran out", observed, f"After memory ran out: {', '.join(kept)}.")
    expected = {"lock held by its worker": True, "tasks queued": tasks, "job stored": True}
    assert_that(observed, equal_to(expected), f"what the consumers keep in Redis, after: {context.pressure}")

"""Memory pressure on all three consumers at once: the running server's
eviction policy, observed, never set."""

from behave.runner import Context
from hamcrest import assert_that, equal_to, starts_with

from harness.probes import memory
from harness.run.scenario_state import state
from harness.run.step_errors import best_effort
from harness.run.steps import then, when


@when("Redis runs out of memory")
def step_exhaust(context: Context) -> None:
    node = context.suite.node()
    client, prefix = node.redis(), memory.filler_prefix()
    original = memory.maxmemory(client)
    context.add_cleanup(best_effort(lambda: memory.relieve(node.redis(), original, prefix)))
    pressure = state(context).pressure = memory.exhaust(client, prefix)
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
    pressure = state(context).pressure
    refusal = pressure.refusal or "never refused"
    assert_that(refusal, starts_with("OutOfMemoryError"), f"the write past maxmemory: {pressure}")


@then("no key was evicted")
def step_no_eviction(context: Context) -> None:
    pressure = state(context).pressure
    assert_that(pressure.evicted, equal_to(0), f"keys evicted while filling: {pressure}")


@then("the lock, the {tasks:d} queued tasks and the job are all still there")
def step_all_kept(context: Context, tasks: int) -> None:
    now = state(context)
    observed = context.suite.consumers().kept(context.suite.node().redis(), now.holding.owner, now.queue, now.job_id)
    kept = [
        "the lock held by its worker" if observed["lock held by its worker"] else "the lock LOST",
        f"{observed['tasks queued']} tasks queued",
        "the job stored" if observed["job stored"] else "the job LOST",
    ]
    context.suite.evidence.record("after memory ran out", observed, f"After memory ran out: {', '.join(kept)}.")
    expected = {"lock held by its worker": True, "tasks queued": tasks, "job stored": True}
    assert_that(observed, equal_to(expected), f"what the consumers keep in Redis, after: {now.pressure}")

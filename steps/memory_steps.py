"""Memory pressure on all three consumers at once: the running server's cap
and eviction policy, observed, never set; and whether the kernel killed it."""

from behave.runner import Context
from hamcrest import assert_that, equal_to, is_, starts_with

from harness.probes import memory
from harness.run.scenario_state import state
from harness.run.step_errors import best_effort
from harness.run.steps import then, when


def _relieved_after(context: Context, prefix: str) -> None:
    node = context.suite.node()
    context.add_cleanup(best_effort(lambda: memory.relieve(node.endpoint.client(), prefix, node.poller)))


@when("Redis runs out of memory")
def step_exhaust(context: Context) -> None:
    client, prefix = context.suite.node().endpoint.client(), memory.filler_prefix()
    _relieved_after(context, prefix)
    state(context).data.pressure = memory.exhaust(client, prefix)
    context.suite.evidence.observe(memory.RanOut(state(context).data.pressure))


@when("Redis is filled to its memory cap while it rewrites its log")
def step_exhaust_rewriting(context: Context) -> None:
    node, prefix = context.suite.node(), memory.filler_prefix()
    now = state(context).data
    now.before_filling = node.state()
    _relieved_after(context, prefix)
    now.pressure = memory.exhaust_while_rewriting(node.endpoint.client(), prefix, node.poller)
    context.suite.evidence.observe(memory.RanOut(now.pressure))


@then("Redis refuses the write that does not fit, with an out-of-memory error")
def step_refused(context: Context) -> None:
    pressure = state(context).data.pressure
    refusal = pressure.refusal or "never refused"
    assert_that(refusal, starts_with("OutOfMemoryError"), f"the write past maxmemory: {pressure}")


@then("no key was evicted")
def step_no_eviction(context: Context) -> None:
    pressure = state(context).data.pressure
    assert_that(pressure.evicted, equal_to(0), f"keys evicted while filling: {pressure}")


@then("the Redis that was filled still runs: the kernel did not kill it")
def step_not_killed(context: Context) -> None:
    node, now = context.suite.node(), state(context).data
    after = node.state()
    kept = memory.StillRunning(
        now.before_filling, after, after.memory_limit, node.project.containers.peak_memory(node.service)
    )
    assert_that(context.suite.evidence.observe(kept).killed, is_(False), kept.value)


@then("the lock, the {tasks:d} queued tasks and the job are all still there")
def step_all_kept(context: Context, tasks: int) -> None:
    now, client = state(context), context.suite.node().endpoint.client()
    kept = context.suite.consumers().kept(client, now.lock.holding.owner, now.celery.queue, now.jobs.job_id)
    expected = {"lock held by its worker": True, "tasks queued": tasks, "job stored": True}
    assert_that(
        context.suite.evidence.observe(kept).value, equal_to(expected), "what the consumers keep in Redis, afterwards"
    )

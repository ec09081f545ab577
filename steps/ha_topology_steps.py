"""The Sentinel topology ready, restarted whole, and its faults' preconditions:
the steps features/ha shares."""

import secrets

from behave.runner import Context
from hamcrest import assert_that, empty, equal_to, less_than_or_equal_to

from harness.run.ha import watched
from harness.run.scenario_state import state
from harness.run.step_errors import best_effort
from harness.run.steps import given, then, when
from harness.topology.sentinel_facts import Absorbed
from harness.topology.sentinel_rules import node_problems

STANDBYS, OTHER_SENTINELS = 2, 2  # the plan's topology: three Redis and three sentinels


@given("the HA topology is ready")
def step_ready(context: Context) -> None:
    context.suite.sentinel().ensure_ready()


@when("the operator starts the HA topology from nothing")
def step_start_fresh(context: Context) -> None:
    topology = context.suite.sentinel()
    topology.project.down(topology.names, volumes=True)
    state(context).service.started_at = topology.up()


@then("within {seconds:d} seconds of the start every Redis and sentinel is healthy")
def step_ready_within(context: Context, seconds: int) -> None:
    ready = context.suite.sentinel().ready(since=state(context).service.started_at, within=seconds)
    assert_that(context.suite.evidence.observe(ready).elapsed, less_than_or_equal_to(seconds))


@then("all sentinels name the same main Redis, and each sees both standbys and the other two sentinels")
def step_sentinels_agree(context: Context) -> None:
    # The plan's numbers, not the running file's: a file with two sentinels must fail here.
    # Quorum too: each sentinel's CKQUORUM (sentinel_rules.sentinel_problems).
    agreement = context.suite.sentinel().watch.agreement(replicas=STANDBYS, others=OTHER_SENTINELS)
    context.suite.evidence.observe(agreement)
    assert_that(agreement.problems, empty(), "sentinels that disagree, or do not see the whole topology")


@then("both standbys follow the main Redis, up to date")
def step_replicas_linked(context: Context) -> None:
    snapshot = context.suite.sentinel().watch.snapshot()
    assert_that(node_problems(snapshot.nodes, snapshot.master), empty(), f"replication: {snapshot}")


@then(
    "every Redis keeps an append-only file written to disk at least once a second, never evicts, "
    "and refuses writes that no standby receives"
)
def step_node_settings(context: Context) -> None:
    settings = context.suite.evidence.observe(context.suite.sentinel().watch.node_settings())
    assert_that(settings.wrong, equal_to({}), f"data nodes without {settings.required}")


@when("both standbys and every sentinel crash")
def step_crash_standbys_and_sentinels(context: Context) -> None:
    # The main Redis's own crash Docker absorbs is @ha:restart-absorbs'.
    topology, now = context.suite.sentinel(), state(context).topology
    crashing = [*(node for node in topology.data if node is not topology.primary), *topology.sentinels]
    now.crashed = [(node, node.faults.crash()) for node in crashing]


@then("each is restarted by Docker, and within {seconds:d} seconds of the crashes the topology is ready again")
def step_crashes_absorbed(context: Context, seconds: int) -> None:
    topology, crashed = context.suite.sentinel(), state(context).topology.crashed
    restarted = {node.service: node.faults.wait_restarted(crash, within=seconds).elapsed for node, crash in crashed}
    ready = topology.wait_ready(since=crashed[0][1].at, within=seconds).elapsed
    context.suite.evidence.observe(Absorbed(restarted, ready))


@given("both standbys are stopped")
def step_replicas_stopped(context: Context) -> None:
    topology = context.suite.sentinel()
    context.add_cleanup(best_effort(topology.forget_failed_failover))
    for replica in [n for n in topology.data if n is not topology.primary]:
        context.add_cleanup(best_effort(replica.faults.bring_back))
        replica.stop()


@then("within {seconds:d} seconds of the crash every sentinel's own health check fails, while all of them still answer")
def step_sentinels_unhealthy(context: Context, seconds: int) -> None:
    watch, fault_at = context.suite.sentinel().watch, watched(context).fault_at
    context.suite.evidence.observe(watch.wait_sentinel_checks_fail(since=fault_at, within=seconds))


@given("the main Redis crashed for good and a standby took over")
def step_failed_over(context: Context) -> None:
    failover = watched(context)
    failover.crash(for_good=True)
    # A precondition, with no bound of its own: the failover scenarios judge the time.
    failover.wait_switched(within=context.suite.settings.ha_settle_timeout)


@given("a key was written to the new main Redis and a standby has it")
@given("a key was written to the main Redis and a standby has it")
def step_key_written(context: Context) -> None:
    now = state(context).data
    now.key, now.value = f"opterp20:ha:key:{secrets.token_hex(4)}", secrets.token_hex(8)
    context.suite.sentinel().write_confirmed(now.key, now.value)


@when("the operator takes the whole topology down, keeping its volumes, and starts it again")
def step_restart_stack(context: Context) -> None:
    topology = context.suite.sentinel()
    watched(context).close()
    topology.down()
    state(context).service.started_at = topology.up()


@then("within {seconds:d} seconds of the start the topology is ready again")
def step_ready_again(context: Context, seconds: int) -> None:
    ready = context.suite.sentinel().ready(since=state(context).service.started_at, within=seconds, restarted=True)
    context.suite.evidence.observe(ready)


@then("the sentinels still name the standby that took over as the main Redis")
def step_same_master(context: Context) -> None:
    named = context.suite.sentinel().watch.named_master(promoted=watched(context).new_master)
    assert_that(context.suite.evidence.observe(named).named, equal_to(named.promoted), named.seen)


@then("the key is still there")
def step_key_kept(context: Context) -> None:
    topology, now = context.suite.sentinel(), state(context).data
    assert_that(topology.writer_client(topology.primary).get(now.key), equal_to(now.value), f"{now.key} on the master")


@given("{count:w} sentinel is stopped")
@given("{count:w} sentinels are stopped")
def step_sentinels_stopped(context: Context, count: str) -> None:
    stopped = context.suite.sentinel().sentinels[-{"one": 1, "two": 2}[count] :]
    for sentinel in stopped:
        context.add_cleanup(best_effort(sentinel.faults.bring_back))
        sentinel.stop()
    names = [s.service for s in stopped]
    context.suite.evidence.record("sentinels stopped", names, f"Stopped: {', '.join(names)}.")

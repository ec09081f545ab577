"""The Sentinel topology ready, restarted whole, and its faults' preconditions:
the steps features/ha shares."""

import functools
import secrets

from behave.runner import Context
from hamcrest import assert_that, empty, equal_to, less_than_or_equal_to

from harness.run.ha import watched
from harness.run.scenario_state import state
from harness.run.step_errors import best_effort
from harness.run.steps import given, then, when
from harness.topology.sentinel import DATA_NODE_SETTINGS
from harness.topology.sentinel_rules import node_problems


@given("the HA topology is ready")
def step_ready(context: Context) -> None:
    topology, settings = context.suite.sentinel(), context.suite.settings
    # What an earlier scenario's fault left (a stopped node, a paused one, a policy set aside) is undone first.
    began = topology.restore() if topology.data[0].state().status != "absent" else topology.up()
    topology.wait_ready(since=began, within=settings.ha_settle_timeout)


@when("the operator starts the HA topology from nothing")
def step_start_fresh(context: Context) -> None:
    topology = context.suite.sentinel()
    topology.project.down(topology.names, volumes=True)
    state(context).started_at = topology.up()


@then("within {seconds:d} seconds of the start every node and sentinel is healthy")
def step_ready_within(context: Context, seconds: int) -> None:
    topology = context.suite.sentinel()
    ready = topology.wait_ready(since=state(context).started_at, within=seconds)
    said = f"Every node and sentinel healthy and the topology ready {ready.elapsed:.2f} s after `up` began."
    context.suite.evidence.record("seconds from up to ready", round(ready.elapsed, 3), said)
    assert_that(ready.elapsed, less_than_or_equal_to(seconds))


@then(
    "all sentinels name the same master, each seeing {replicas:d} replicas and {others:d} other sentinels, with quorum"
)
def step_sentinels_agree(context: Context, replicas: int, others: int) -> None:
    snapshot = context.suite.sentinel().snapshot()
    expected = (snapshot.master, "master", replicas, others, "OK")
    wrong = [
        str(v) for v in snapshot.sentinels
        if v.error or (v.master, v.flags, v.replicas, v.other_sentinels, v.quorum[:2]) != expected
    ]  # fmt: skip
    # Fewer sentinels than 1 + others cannot have the majority a failover needs.
    if len(snapshot.sentinels) != others + 1:
        wrong.append(f"{len(snapshot.sentinels)} sentinels in the file, not {others + 1}")
    said = f"All {len(snapshot.sentinels)} sentinels asked; " + "; ".join(map(str, snapshot.sentinels)) + "."
    context.suite.evidence.record("what each sentinel says", [str(v) for v in snapshot.sentinels], said)
    assert_that(wrong, empty(), "sentinels that disagree, or do not see the whole topology")


@then("both replicas follow that master with their link up")
def step_replicas_linked(context: Context) -> None:
    snapshot = context.suite.sentinel().snapshot()
    assert_that(node_problems(snapshot.nodes, snapshot.master), empty(), f"replication: {snapshot}")


@then("every data node keeps an append-only file, never evicts, and refuses writes that no replica receives")
def step_node_settings(context: Context) -> None:
    topology = context.suite.sentinel()
    settings = {node.service: topology.node_settings(node) for node in topology.data}
    wrong = {name: found for name, found in settings.items() if found != DATA_NODE_SETTINGS}
    said = f"Every data node asked: {next(iter(settings.values()), {})}."
    context.suite.evidence.record("data node settings", settings, said)
    assert_that(wrong, equal_to({}), f"data nodes without {DATA_NODE_SETTINGS}")


@given("both replicas are stopped")
def step_replicas_stopped(context: Context) -> None:
    topology, within = context.suite.sentinel(), context.suite.settings.ha_settle_timeout
    context.add_cleanup(best_effort(functools.partial(topology.forget_failed_failover, within)))
    for replica in [n for n in topology.data if n is not topology.primary]:
        context.add_cleanup(best_effort(functools.partial(topology.bring_back, replica)))
        topology.stop(replica)


@then("within {seconds:d} seconds of the crash every sentinel's own health check fails, while all of them still answer")
def step_sentinels_unhealthy(context: Context, seconds: int) -> None:
    topology, failover = context.suite.sentinel(), watched(context)
    checked = topology.wait_sentinel_checks_fail(since=failover.fault_at, within=seconds)
    said = (
        f"With the master down and no replica to promote, every sentinel's health check failed "
        f"{checked.elapsed:.2f} s after the crash, each still answering PING: "
        + "; ".join(f"exit {run.exit_code} {run.output!r}" for run in checked.value)
        + "."
    )
    context.suite.evidence.record("sentinel health checks with no master", [str(r) for r in checked.value], said)


@given("the master crashed for good and a replica was promoted")
def step_failed_over(context: Context) -> None:
    failover = watched(context)
    failover.crash(for_good=True)
    # A precondition, with no bound of its own: the failover scenarios judge the time.
    failover.wait_switched(within=context.suite.settings.ha_settle_timeout)


@given("a key was written to the new master and acknowledged by a replica")
@given("a key was written to the master and acknowledged by a replica")
def step_key_written(context: Context) -> None:
    now = state(context)
    now.key, now.value = f"opterp20:ha:key:{secrets.token_hex(4)}", secrets.token_hex(8)
    context.suite.sentinel().write_confirmed(now.key, now.value)


@when("the operator takes the whole topology down, keeping its volumes, and starts it again")
def step_restart_stack(context: Context) -> None:
    topology, now = context.suite.sentinel(), state(context)
    now.failover.close()
    topology.down()
    now.started_at = topology.up()


@then("within {seconds:d} seconds of the start the topology is ready again")
def step_ready_again(context: Context, seconds: int) -> None:
    ready = context.suite.sentinel().wait_ready(since=state(context).started_at, within=seconds)
    said = f"After `down` and `up`, the topology was ready again {ready.elapsed:.2f} s after `up` began."
    context.suite.evidence.record("seconds from up to ready after a restart", round(ready.elapsed, 3), said)


@then("the sentinels still name the promoted node as master")
def step_same_master(context: Context) -> None:
    snapshot, promoted = context.suite.sentinel().snapshot(), state(context).failover.new_master.service
    named = snapshot.master[0] if snapshot.master else None
    said = f"After the restart the sentinels named {named} master; {promoted} was promoted before it."
    context.suite.evidence.record("master after a whole-stack restart", named, said)
    assert_that(named, equal_to(promoted), f"the master the sentinels name after the restart: {snapshot}")


@then("the key is still there")
def step_key_kept(context: Context) -> None:
    topology, now = context.suite.sentinel(), state(context)
    assert_that(topology.writer_client(topology.primary).get(now.key), equal_to(now.value), f"{now.key} on the master")


@given("{count:w} sentinel is stopped")
@given("{count:w} sentinels are stopped")
def step_sentinels_stopped(context: Context, count: str) -> None:
    topology = context.suite.sentinel()
    stopped = topology.sentinels[-{"one": 1, "two": 2}[count] :]
    for sentinel in stopped:
        context.add_cleanup(best_effort(functools.partial(topology.bring_back, sentinel)))
        topology.stop(sentinel)
    names = ", ".join(s.service for s in stopped)
    context.suite.evidence.record("sentinels stopped", [s.service for s in stopped], f"Stopped: {names}.")

"""What Redis does with its data when its storage fails: a log torn or damaged
while it was down, and the README's repair of it."""

from pathlib import Path

from behave.runner import Context
from hamcrest import all_of, assert_that, empty, equal_to, greater_than, less_than

from harness.consumers import job_store, refusals, sync_lock
from harness.infra.small_disk import SmallDisk
from harness.probes import operator_docs
from harness.probes.sequence import Sequence
from harness.run.scenario_state import state
from harness.run.step_errors import best_effort
from harness.run.steps import given, takes, then, when

# What a power cut leaves of the last write: a few bytes short of its end.
TORN_BYTES = 5
FULL_WITHIN = 5.0  # seconds for Redis to refuse writes once its disk is full: it learns at its next write
FREED_WITHIN = 10.0  # seconds for it to take them again: it retries writing its log once a second


@given("a client has written {count:d} keys one after another")
def step_written_in_order(context: Context, count: int) -> None:
    sequence = state(context).storage.sequence = Sequence.new(count)
    sequence.write(context.suite.node().endpoint.client())


@when("the power fails while Redis writes its log, cutting its last write short")
def step_tear_log(context: Context) -> None:
    context.add_cleanup(best_effort(context.suite.node().storage.discard_if_down))
    damage = state(context).storage.damage = context.suite.node().storage.tear_log(TORN_BYTES)
    context.suite.evidence.observe(damage)


@when("Redis's log is damaged in its middle while it is down")
def step_damage_log(context: Context) -> None:
    context.add_cleanup(best_effort(context.suite.node().storage.discard_if_down))
    now = state(context).storage
    damage = now.damage = context.suite.node().storage.damage_log(now.sequence.log_bytes)
    context.suite.evidence.observe(damage)


@then("Redis answers again with every key whose write the log holds whole")
def step_all_but_torn(context: Context) -> None:
    node, now = context.suite.node(), state(context)
    node.wait_ready(since=now.service.started_at)
    back = context.suite.evidence.observe(now.storage.sequence.back(node.endpoint.client(), now.storage.damage))
    # Only the last write can have been cut short: every one before it is whole in the log.
    assert_that(back.whole, greater_than(back.written - 2), f"{back}; Redis's last log line: {node.last_log_line()}")


@then("Redis stays down and unhealthy, never answering a client, and says why")
def step_refuses_start(context: Context) -> None:
    node, now = context.suite.node(), state(context)
    refused = node.storage.wait_refuses_start(since=now.service.started_at, within=node.start_timeout).value
    context.suite.evidence.observe(refused)
    assert_that(refused.healthy, equal_to(False), str(refused))


@when("the operator repairs the log as the README says")
def step_repair(context: Context) -> None:
    suite = context.suite
    env, seconds = suite.project().operator_shell(), suite.settings.operator_command_timeout
    readme = Path(context.config.base_dir) / "README.md"
    state(context).storage.repair = operator_docs.run_all(readme, env, seconds, heading=operator_docs.REPAIR)


@then("the repair does what the README says, and says where it cut the log")
def step_repair_said(context: Context) -> None:
    now = state(context).storage
    repair = operator_docs.Repair(operator_docs.Followed("repair", tuple(now.repair)), now.damage)
    assert_that(context.suite.evidence.observe(repair).followed.wrong, empty(), "\n".join(repair.value))
    assert_that(repair.at_the_damage, equal_to(True), str(repair))


@then("Redis answers again with the keys before the damage, and none after it")
def step_prefix_back(context: Context) -> None:
    node, now = context.suite.node(), state(context)
    back = context.suite.evidence.observe(now.storage.sequence.back(node.endpoint.client(), now.storage.damage))
    assert_that((back.after_gap, back.whole), equal_to((0, back.whole)), str(back))
    assert_that(back.whole, all_of(greater_than(0), less_than(back.written)), str(back))


@given("the Redis service is running with its data on a small disk")
def step_small_disk(context: Context) -> None:
    suite = context.suite
    node, project = suite.node(), suite.project()
    disk = state(context).storage.disk = SmallDisk(project.client, project.name, suite.scratch())
    context.add_cleanup(best_effort(lambda: node.storage.move_back(disk)))
    node.storage.move_to(disk)


@given("Redis's disk fills up")
@when("Redis's disk fills up")
def step_fill_disk(context: Context) -> None:
    node, now = context.suite.node(), state(context).storage
    now.before_full = node.state()
    now.full = node.storage.fill(now.disk, within=FULL_WITHIN).value
    context.suite.evidence.observe(now.full)


@then("a sync worker asking for the sync lock is refused, told why")
@takes(sync_lock.KIND)
def step_lock_refused(context: Context) -> None:
    _refused(context, refusals.lock(context.suite.consumers()))


@then("a task sent from the host is refused, told why")
def step_task_refused(context: Context) -> None:
    _refused(context, refusals.task(context.suite.consumers(), "sync"))


@then("a scheduler storing a job is refused, told why")
@takes(job_store.KIND)
def step_job_refused(context: Context) -> None:
    _refused(context, refusals.job(context.suite.consumers()))


def _refused(context: Context, refusal: refusals.Refusal) -> None:
    code = state(context).storage.full.code  # MISCONF, as Redis answered a plain write
    assert_that(context.suite.evidence.observe(refusal).said(code), equal_to(True), f"{refusal} (expected {code})")


@then("the health check fails, told why")
def step_health_fails(context: Context) -> None:
    probe = context.suite.node().health.run_check()
    answer = " ".join(probe.output.split()) or "nothing"
    said = f"The health check, run by hand on the full disk, exited {probe.exit_code}: Redis answered {answer}."
    context.suite.evidence.record("health check on a full disk", str(probe), said)
    assert_that((probe.exit_code != 0, "MISCONF" in probe.output), equal_to((True, True)), str(probe))


@then("the {count:d} keys still read back")
def step_keys_read(context: Context, count: int) -> None:
    node, now = context.suite.node(), state(context).storage
    back = context.suite.evidence.observe(now.sequence.back(node.endpoint.client()))
    assert_that(back.whole, equal_to(count), str(back))


@when("space is freed on Redis's disk")
def step_free_disk(context: Context) -> None:
    node, now = context.suite.node(), state(context)
    now.storage.freed_after = node.storage.free(now.storage.disk, within=FREED_WITHIN).elapsed


@then("Redis takes writes again within {bound:g} seconds, without a restart")
def step_writes_again(context: Context, bound: float) -> None:
    node, now = context.suite.node(), state(context)
    seconds, before, after = now.storage.freed_after, now.storage.before_full, node.state()
    restarts = f"restarts {before.restart_count} -> {after.restart_count}, pid {before.pid} -> {after.pid}"
    said = f"Redis took writes again {seconds:.2f} s after space was freed ({restarts})."
    context.suite.evidence.record("seconds from freeing the disk to a write taken", round(seconds, 2), said)
    same = (after.pid, after.restart_count) == (before.pid, before.restart_count)
    assert_that((seconds <= bound, same), equal_to((True, True)), said)


@then("after a restart, Redis still has every write it took before its disk was full")
def step_nothing_lost(context: Context) -> None:
    node, now = context.suite.node(), state(context).storage
    node.restart()
    client = node.endpoint.client()
    back = context.suite.evidence.observe(now.sequence.back(client))
    lost = [key for key in now.full.taken if client.get(key) is None]
    assert_that((back.whole, lost), equal_to((back.written, [])), f"{back}; taken on the full disk and lost: {lost}")

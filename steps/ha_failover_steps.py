"""Faults of the Sentinel topology and what must follow them: the switch, the
writes kept, the old master's return, and the failovers that must not happen."""

from behave.runner import Context
from hamcrest import assert_that, empty, equal_to, less_than_or_equal_to

from harness.probes import writes
from harness.run.ha import watched
from harness.run.steps import given, then, when
from harness.topology.sentinel_rules import node_problems

WRITES_BEFORE_FAULT = 20  # replica-confirmed writes seen before the fault: the writer really writes


@given("a client writes continuously to the master the sentinels name, confirming each write with WAIT 1")
def step_writer(context: Context) -> None:
    failover = watched(context)
    failover.write_through()
    failover.wait_writes(WRITES_BEFORE_FAULT, within=context.suite.settings.ha_listen_timeout)


@when("the master's process is killed and its restart policy is set aside")
def step_crash_for_good(context: Context) -> None:
    watched(context).crash(for_good=True)


@when("the master's process is killed and its restart policy is left on")
def step_crash_absorbed(context: Context) -> None:
    watched(context).crash(for_good=False)


@when("the operator asks a sentinel for a failover")
def step_manual(context: Context) -> None:
    watched(context).manual(context.suite.settings.ha_handover_pause)


@when("the master is frozen")
def step_freeze(context: Context) -> None:
    watched(context).freeze()


@then("every sentinel names the same new master within {seconds:d} seconds of the {fault:w}")
@then("every running sentinel names the same new master within {seconds:d} seconds of the {fault:w}")
def step_switched(context: Context, seconds: int, fault: str) -> None:
    failover, topology = watched(context), context.suite.sentinel()
    running = [s for s in topology.sentinels if s.state().running]
    took = failover.wait_switched(within=seconds, among=running)
    times = failover.timeline()
    said = (
        f"{failover.fault}: {failover.old.service} lost, {failover.new_master.service} named master "
        f"by the first sentinel {_s(times['+switch-master (first sentinel)'])} "
        f"and by every sentinel {_s(took)} after the {fault}; "
        f"+sdown {_s(times['+sdown'])}, +odown {_s(times['+odown'])}."
    )
    context.suite.evidence.record("failover timeline", {"fault": failover.fault, **times}, said)
    assert_that(took, less_than_or_equal_to(seconds), f"seconds to the last sentinel's +switch-master ({said})")


@then("the new master says it is master, and the other replica follows it with its link up")
def step_new_master_linked(context: Context) -> None:
    failover, topology = watched(context), context.suite.sentinel()
    snapshot = topology.wait_replicas_follow(failover.new_master.service, exclude=failover.old.service)
    assert_that(node_problems([n for n in snapshot.nodes if n.service != failover.old.service], snapshot.master),
                empty(), f"replication after the failover: {snapshot}")  # fmt: skip


@then("a write to the new master succeeds")
def step_write_new_master(context: Context) -> None:
    topology, failover = context.suite.sentinel(), watched(context)
    client = topology.writer_client(failover.new_master)
    assert_that(client.set("opterp20:ha:after-failover", "1"), equal_to(True), f"SET on {failover.new_master.service}")


@then("every write a replica confirmed is on the new master, counted exactly")
def step_confirmed_kept(context: Context) -> None:
    failover, topology = watched(context), context.suite.sentinel()
    failover.stop_writes()
    tally = failover.tally
    assert tally is not None
    kept = writes.present(topology.writer_client(failover.new_master), tally.replicated)
    said = (
        f"{tally.attempts} writes tried through the {failover.fault}: {len(tally.acknowledged)} acknowledged, "
        f"{len(tally.replicated)} confirmed by a replica, {kept} of those on the new master "
        f"({len(tally.replicated) - kept} lost); refused meanwhile: {tally.refusals()}."
    )
    context.suite.evidence.record(
        "writes through the failover",
        {"tried": tally.attempts, "acknowledged": len(tally.acknowledged), "replicated": len(tally.replicated),
         "replicated kept": kept, "refused": tally.refused},
        said,
    )  # fmt: skip
    assert_that(len(tally.replicated) - kept, equal_to(0), "replica-confirmed writes missing on the new master")


@then("the writes only the old master acknowledged are counted, and how many of them were lost is reported")
def step_unconfirmed_counted(context: Context) -> None:
    failover, topology = watched(context), context.suite.sentinel()
    tally = failover.tally
    assert tally is not None
    unconfirmed = tally.unreplicated
    kept = writes.present(topology.writer_client(failover.new_master), unconfirmed)
    said = (
        f"{len(unconfirmed)} writes were acknowledged by a master without a replica's confirmation: "
        f"{kept} are on the new master, {len(unconfirmed) - kept} lost."
    )
    context.suite.evidence.record("unconfirmed writes lost", len(unconfirmed) - kept, said)


@when("the old master is started again while a client writes to it directly")
@when("the frozen master thaws while a client writes to it directly")
def step_old_master_back_hammered(context: Context) -> None:
    failover = watched(context)
    failover.hammer_old_master()
    failover.bring_back()


@when("the old master is started again")
def step_old_master_back(context: Context) -> None:
    watched(context).bring_back()


@then("within {seconds:d} seconds it is a replica of the new master with its link up")
@then("within {seconds:d} seconds the old master is a replica of the new master with its link up")
def step_demoted(context: Context, seconds: int) -> None:
    failover = watched(context)
    if failover.returned_at is None:  # a manual failover: the old master never went away
        failover.returned_at = failover.fault_at
    failover.wait_demoted(within=seconds)
    failover.stop_writes()
    times = failover.timeline()
    said = (
        f"{failover.old.service} was a linked replica of {failover.new_master.service} "
        f"{_s(times['old master a linked replica'])} after the {failover.fault}, "
        f"{_since(failover.demoted_at, failover.returned_at)} after it was back."
    )
    context.suite.evidence.record("failover timeline", {"fault": failover.fault, **times}, said)


@then("it accepted none of the writes sent to it directly")
def step_no_write_accepted(context: Context) -> None:
    hammered = watched(context).hammered
    assert hammered is not None
    said = (
        f"The returning old master was sent {hammered.attempts} writes directly: {len(hammered.acknowledged)} "
        f"accepted; refused: {hammered.refusals()}."
    )
    context.suite.evidence.record("writes the old master accepted", len(hammered.acknowledged), said)
    assert_that(len(hammered.acknowledged), equal_to(0), f"writes the returning old master accepted ({said})")


@then("the master answers again within {seconds:d} seconds of the crash")
def step_back_quickly(context: Context, seconds: int) -> None:
    failover = watched(context)
    assert failover.crash_record is not None, "no crash to come back from"
    back = failover.old.wait_back(failover.crash_record, within=seconds)
    said = f"The restart policy had {failover.old.service} answering again {back.elapsed:.2f} s after the crash."
    context.suite.evidence.record("seconds from crash to answering", round(back.elapsed, 3), said)


@then("no sentinel switches master within {seconds:d} seconds of the crash")
def step_no_switch(context: Context, seconds: int) -> None:
    failover = watched(context)
    failover.watch_masters(until=failover.fault_at + seconds)
    switches = failover.events.switches(after=failover.fault_at)
    said = (
        f"Watched {seconds} s after the crash: {len(switches)} +switch-master events, "
        f"at most {failover.most_masters} master at once."
    )
    context.suite.evidence.record("switches after an absorbed crash", [str(e) for e in switches], said)
    assert_that([str(e) for e in switches], empty(), "+switch-master events")


@then("it is master again with both replicas following it, and no two nodes were ever master at once")
def step_master_unchanged(context: Context) -> None:
    failover, topology = watched(context), context.suite.sentinel()
    failover.new = failover.old
    snapshot = topology.wait_replicas_follow(failover.old.service, exclude="", observe=failover.observe)
    said = f"{failover.old.service} was master again; at most {failover.most_masters} master at any moment."
    context.suite.evidence.record("masters at once", failover.most_masters, said)
    assert_that(failover.most_masters, less_than_or_equal_to(1), f"nodes that said they were master: {snapshot}")


def _s(seconds: float | None) -> str:
    return "never" if seconds is None else f"{seconds:.2f} s"


def _since(later: float | None, earlier: float | None) -> str:
    return "?" if later is None or earlier is None else f"{later - earlier:.2f} s"

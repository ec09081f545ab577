"""Faults of the Sentinel topology and what must follow them: the switch, the
writes kept, the old master's return, and the failovers that must not happen."""

from behave.runner import Context
from hamcrest import assert_that, empty, equal_to, less_than_or_equal_to

from harness.run.ha import asked_twice, watched
from harness.run.steps import given, then, when
from harness.topology.sentinel_rules import node_problems

WRITES_BEFORE_FAULT = 20  # replica-confirmed writes seen before the fault: the writer really writes
MANUAL_SWITCH = 5  # seconds a failover asked for takes at most (@ha:manual-failover)


@given("a client writes continuously to the main Redis, each write confirmed by a standby")
def step_writer(context: Context) -> None:
    failover = watched(context)
    failover.write_through()
    failover.writes.wait(WRITES_BEFORE_FAULT, within=context.suite.settings.ha_listen_timeout)


@when("the main Redis crashes and stays down")
def step_crash_for_good(context: Context) -> None:
    watched(context).crash(for_good=True)


@when("the main Redis crashes and Docker restarts it")
def step_crash_absorbed(context: Context) -> None:
    watched(context).crash(for_good=False)


@when("the operator asks for a failover")
def step_manual(context: Context) -> None:
    watched(context).manual(context.suite.settings.ha_handover_pause)


@when("the operator asks for a failover, and for another once the sentinels have made it")
def step_manual_twice(context: Context) -> None:
    context.suite.evidence.observe(asked_twice(context, context.suite.settings.ha_handover_pause, MANUAL_SWITCH))


@when("the main Redis freezes")
def step_freeze(context: Context) -> None:
    watched(context).freeze()


@then("all sentinels agree on a new main Redis within {seconds:d} seconds of the {fault:w}")
@then("the sentinels still running agree on a new main Redis within {seconds:d} seconds of the {fault:w}")
def step_switched(context: Context, seconds: int, fault: str) -> None:
    switch = context.suite.evidence.observe(watched(context).switch(within=seconds, called=fault))
    assert_that(
        switch.took, less_than_or_equal_to(seconds), f"seconds to the last sentinel's +switch-master ({switch})"
    )


@then("the new main Redis says so, and the other standby follows it, up to date")
def step_new_master_linked(context: Context) -> None:
    failover = watched(context)
    old, watch = failover.old.service, context.suite.sentinel().watch
    snapshot = watch.wait_replicas_follow(failover.new_master.service, exclude=old)
    following = [n for n in snapshot.nodes if n.service != old]
    assert_that(node_problems(following, snapshot.master), empty(), f"replication after the failover: {snapshot}")


@then("a write to the new main Redis succeeds")
def step_write_new_master(context: Context) -> None:
    failover = watched(context)
    written = failover.new_master_client().set("opterp20:ha:after-failover", "1")
    assert_that(written, equal_to(True), f"SET on {failover.new_master.service}")


@then("every write a standby confirmed is on the new main Redis, counted exactly")
def step_confirmed_kept(context: Context) -> None:
    kept = context.suite.evidence.observe(watched(context).writes_kept())
    assert_that(kept.lost, equal_to(0), f"replica-confirmed writes missing on the new master ({kept})")


@then("the writes only the old main Redis took are counted, and how many of them were lost is reported")
def step_unconfirmed_counted(context: Context) -> None:
    failover = watched(context)
    context.suite.evidence.observe(failover.writes.unconfirmed(failover.new_master_client()))


@when("the old main Redis is started again while a client writes to it directly")
@when("the frozen main Redis thaws while a client writes to it directly")
def step_old_master_back_hammered(context: Context) -> None:
    failover = watched(context)
    failover.hammer_old_master()
    failover.bring_back()


@when("the old main Redis is started again")
def step_old_master_back(context: Context) -> None:
    watched(context).bring_back()


@then("within {seconds:d} seconds it is a standby of the new main Redis, up to date")
@then("within {seconds:d} seconds the old main Redis is a standby of the new main Redis, up to date")
def step_demoted(context: Context, seconds: int) -> None:
    context.suite.evidence.observe(watched(context).demotion(within=seconds))


@then("it took none of the writes sent to it directly")
def step_no_write_accepted(context: Context) -> None:
    direct = context.suite.evidence.observe(watched(context).writes.direct_accepted())
    assert_that(direct.accepted, equal_to(0), f"writes the returning old master accepted ({direct})")


@then("the main Redis answers again within {seconds:d} seconds of the crash")
def step_back_quickly(context: Context, seconds: int) -> None:
    context.suite.evidence.observe(watched(context).answering_again(within=seconds))


@then("no sentinel hands over to a standby within {seconds:d} seconds of the crash")
def step_no_switch(context: Context, seconds: int) -> None:
    switches = context.suite.evidence.observe(watched(context).switches_within(seconds))
    assert_that(switches.announced, empty(), "+switch-master events")


@then("it is the main Redis again with both standbys following it, and there were never two at once")
def step_master_unchanged(context: Context) -> None:
    masters = context.suite.evidence.observe(watched(context).master_kept())
    assert_that(masters.most, less_than_or_equal_to(1), f"nodes that said they were master at once ({masters})")

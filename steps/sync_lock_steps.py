"""The fiscal sync worker's lock (OPTERP-21), through python-redis-lock in real
worker processes."""

from behave.runner import Context
from hamcrest import all_of, assert_that, empty, equal_to, greater_than_or_equal_to, less_than_or_equal_to

from harness.consumers import lock_facts, sync_lock
from harness.consumers.lock_facts import Contended, Handover
from harness.run.scenario_state import state
from harness.run.step_errors import best_effort
from harness.run.steps import given, takes, then, when


@given("{workers:d} sync workers each want to enter the sync lock many times")
def step_contenders(context: Context, workers: int) -> None:
    state(context).lock.contenders = (workers, context.suite.settings.sections_each)


@when("they all start at the same moment")
def step_contend(context: Context) -> None:
    consumers, settings, now = context.suite.consumers(), context.suite.settings, state(context).lock
    # A worker that fails leaves the lock held until its expiry: free it for the next scenario.
    node = context.suite.node()
    context.add_cleanup(best_effort(lambda: sync_lock.reset(node.endpoint.client())))
    workers, sections = now.contenders
    expire, timeout = settings.contention_expire, settings.contention_timeout
    now.contention = consumers.lock.contend(workers, sections, expire, consumers.scratch, timeout=timeout)
    context.suite.evidence.observe(Contended(now.contention))


@then("no two critical sections overlapped")
def step_no_overlap(context: Context) -> None:
    contention = state(context).lock.contention
    assert_that(len(contention.overlaps), equal_to(0), f"overlapping critical sections: {contention}")


@then("every one of their critical sections ran")
def step_all_ran(context: Context) -> None:
    contention = state(context).lock.contention
    workers, sections = state(context).lock.contenders
    total = workers * sections
    assert_that(
        (len(contention.sections), contention.counter),
        equal_to((total, total)),
        f"(sections journaled, shared counter): {contention}",
    )


@given("a sync worker holds the sync lock with a {expire:d}-second expiry")
@takes(sync_lock.KIND)
def step_holder(context: Context, expire: int) -> None:
    node = context.suite.node()
    context.add_cleanup(best_effort(lambda: sync_lock.reset(node.endpoint.client())))
    state(context).lock.holding = context.suite.consumers().lock.hold(expire)
    state(context).lock.expire = expire


@given(
    "a sync worker runs a sync three times as long as the lock's {expire:d}-second expiry, "
    "holding the lock as OpticsERP is told to"
)
@takes(sync_lock.KIND)
def step_long_sync(context: Context, expire: int) -> None:
    node = context.suite.node()
    # A lock an earlier scenario left when Redis went down under it (its cleanup could not
    # reach Redis, and the log kept the lock) would make this worker wait for its expiry.
    sync_lock.reset(node.endpoint.client())
    context.add_cleanup(best_effort(lambda: sync_lock.reset(node.endpoint.client())))
    state(context).lock.holding = context.suite.consumers().lock.sync(expire, seconds=3 * expire)
    state(context).lock.expire = expire


@when("another sync worker asks for the lock")
@takes(sync_lock.KIND)
def step_asker(context: Context) -> None:
    # It may get the lock at once (the first worker stopped, its lock expired), or wait for it.
    state(context).lock.waiter = context.suite.consumers().lock.wait(state(context).lock.expire, None)


@given("another sync worker is waiting for it")
@takes(sync_lock.KIND)
def step_waiter(context: Context) -> None:
    state(context).lock.waiter = context.suite.consumers().lock.wait(
        state(context).lock.expire, context.suite.node().endpoint.client()
    )


@when("the holder releases the lock")
def step_release(context: Context) -> None:
    state(context).lock.release = context.suite.consumers().lock.released(state(context).lock.holding)


@then("the waiting worker holds the lock within {bound:g} seconds of the release")
def step_waiter_took(context: Context, bound: float) -> None:
    now = state(context).lock
    seconds = context.suite.consumers().lock.handover(now.release, now.waiter, within=bound)
    handover = context.suite.evidence.observe(Handover(seconds))
    assert_that(handover.seconds, less_than_or_equal_to(bound), "seconds from the release to the waiter's acquire")


@when("the holder is killed")
def step_kill_holder(context: Context) -> None:
    state(context).lock.holding.process.kill()


@then("another worker can take the lock within {bound:g} seconds after its expiry, and not before")
def step_free_at_expiry(context: Context, bound: float) -> None:
    now, client = state(context).lock, context.suite.node().endpoint.client()
    freed = lock_facts.freed_at_expiry(client, context.suite.poller, now.holding, now.expire, bound)
    context.suite.evidence.observe(freed)
    assert_that(freed.after_expiry, all_of(greater_than_or_equal_to(0), less_than_or_equal_to(bound)), freed.reading())


@when("Redis is stopped {delay:g} seconds after the lock was taken, and started again {down:g} second later")
def step_restart_after_lock(context: Context, delay: float, down: float) -> None:
    # Down for longer than a renewal's interval, whichever the holder uses: one renewal at least meets it.
    node, taken = context.suite.node(), state(context).lock.holding.taken
    context.suite.poller.wait_until(taken + delay)
    node.stop()
    context.suite.poller.wait_until(taken + delay + down)
    back = node.wait_ready(since=node.start())
    said = f"Redis, stopped {delay:g} s after the lock was taken, answered again {back.elapsed:.2f} s after its start."
    context.suite.evidence.record("seconds from start to answering", round(back.elapsed, 3), said)


@when("the Redis process crashes {delay:g} second after the lock was taken")
def step_crash_after_lock(context: Context, delay: float) -> None:
    back = context.suite.node().faults.crash_after(state(context).lock.holding.taken, delay)
    context.suite.evidence.answering_after_crash(back.elapsed)


@then("the same worker still holds the lock")
def step_same_owner(context: Context) -> None:
    holder = state(context).lock.holding.owner
    owner = sync_lock.owner(context.suite.node().endpoint.client())
    same = "the same worker as before" if owner == holder else ("nobody" if owner is None else "another worker")
    context.suite.evidence.record(
        "lock owner afterwards", f"{owner} (held by {holder})", f"Afterwards the lock was held by {same}."
    )
    assert_that(owner, equal_to(holder), "owner of sync_lock afterwards")


@then("it hands the lock to a waiting worker within {bound:g} seconds, without error")
@takes(sync_lock.KIND)
def step_hand_over(context: Context, bound: float) -> None:
    lock, now = context.suite.consumers().lock, state(context).lock
    waiter = lock.wait(now.expire, context.suite.node().endpoint.client())
    release = lock.released(now.holding)  # an error here fails the step: "without error"
    said = f"The holder's release after the crash: {release.outcome}."
    context.suite.evidence.record("holder's release after the crash", release.outcome, said)
    handover = context.suite.evidence.observe(Handover(lock.handover(release, waiter, within=bound)))
    assert_that(handover.seconds, less_than_or_equal_to(bound), "seconds from the release to the waiter's acquire")


@then("the waiting worker never held the lock while the first still sent fiscal receipts")
def step_never_beside(context: Context) -> None:
    now, workers = state(context).lock, context.suite.consumers().lock
    sync = lock_facts.long_sync(workers, now.holding, now.waiter, now.expire, seconds=3 * now.expire)
    assert_that(context.suite.evidence.observe(sync).overlapping, empty(), str(sync))

"""The fiscal sync worker's lock (OPTERP-21), through python-redis-lock in real
worker processes."""

from behave.runner import Context
from hamcrest import all_of, assert_that, equal_to, greater_than_or_equal_to, less_than_or_equal_to

from harness.consumers import sync_lock
from harness.run.scenario_state import state
from harness.run.step_errors import best_effort
from harness.run.steps import given, takes, then, when


@given("{workers:d} sync workers each want to enter the sync lock many times")
def step_contenders(context: Context, workers: int) -> None:
    state(context).contenders = (workers, context.suite.settings.sections_each)


@when("they all start at the same moment")
def step_contend(context: Context) -> None:
    consumers, settings = context.suite.consumers(), context.suite.settings
    workers, sections = state(context).contenders
    # A worker that fails leaves the lock held until its expiry: free it for the next scenario.
    node = context.suite.node()
    context.add_cleanup(best_effort(lambda: sync_lock.reset(node.redis())))
    contention = state(context).contention = consumers.lock.contend(
        workers, sections, settings.contention_expire, consumers.scratch, timeout=settings.contention_timeout
    )
    said = (
        f"{len(contention.sections)} critical sections by {contention.workers} workers in {contention.seconds:.2f} s: "
        f"{len(contention.overlaps)} overlapped; the shared counter reached {contention.counter}."
    )
    context.suite.evidence.record("contention", str(contention), said)


@then("no two critical sections overlapped")
def step_no_overlap(context: Context) -> None:
    contention = state(context).contention
    assert_that(len(contention.overlaps), equal_to(0), f"overlapping critical sections: {contention}")


@then("every one of their critical sections ran")
def step_all_ran(context: Context) -> None:
    contention = state(context).contention
    workers, sections = state(context).contenders
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
    context.add_cleanup(best_effort(lambda: sync_lock.reset(node.redis())))
    state(context).holding = context.suite.consumers().lock.hold(expire)
    state(context).expire = expire


@given("another sync worker is waiting for it")
@takes(sync_lock.KIND)
def step_waiter(context: Context) -> None:
    state(context).waiter = context.suite.consumers().lock.wait(state(context).expire, context.suite.node().redis())


@when("the holder releases the lock")
def step_release(context: Context) -> None:
    state(context).release = context.suite.consumers().lock.released(state(context).holding)


@then("the waiting worker holds the lock within {bound:g} seconds of the release")
def step_waiter_took(context: Context, bound: float) -> None:
    now = state(context)
    handover = context.suite.consumers().lock.handover(now.release, now.waiter, within=bound)
    _record_handover(context, handover)
    assert_that(handover, less_than_or_equal_to(bound), "seconds from the release to the waiter's acquire")


@when("the holder is killed")
def step_kill_holder(context: Context) -> None:
    state(context).holding.process.kill()


@then("another worker can take the lock within {bound:g} seconds after its expiry, and not before")
def step_free_at_expiry(context: Context, bound: float) -> None:
    holding, expire = state(context).holding, state(context).expire
    client = context.suite.node().redis()
    freed = sync_lock.first_take(client, context.suite.poller, expire, deadline=holding.taken + expire + bound).value
    held = freed.at - holding.taken
    context.suite.evidence.record(
        "lock free after its holder was killed",
        f"{held:.3f} s after it was taken (expiry {expire} s), {freed.tries} tries",
        f"The lock of the killed holder could be taken {held:.2f} s after it was taken, with a {expire} s expiry.",
    )
    assert_that(
        sync_lock.after_expiry(holding, freed, expire),
        all_of(greater_than_or_equal_to(0), less_than_or_equal_to(bound)),
        f"seconds from the expiry to the first successful take (taken {holding.taken:.3f}, freed {freed.at:.3f})",
    )


@when("the Redis process crashes {delay:g} second after the lock was taken")
def step_crash_after_lock(context: Context, delay: float) -> None:
    back = context.suite.node().crash_after(state(context).holding.taken, delay)
    context.suite.evidence.answering_after_crash(back.elapsed)


@then("the same worker still holds the lock")
def step_same_owner(context: Context) -> None:
    holder = state(context).holding.owner
    owner = sync_lock.owner(context.suite.node().redis())
    same = "the same worker as before" if owner == holder else ("nobody" if owner is None else "another worker")
    context.suite.evidence.record(
        "lock owner after the crash", f"{owner} (held by {holder})", f"After the crash the lock was held by {same}."
    )
    assert_that(owner, equal_to(holder), "owner of sync_lock after the crash")


@then("it hands the lock to a waiting worker within {bound:g} seconds, without error")
@takes(sync_lock.KIND)
def step_hand_over(context: Context, bound: float) -> None:
    lock, now = context.suite.consumers().lock, state(context)
    waiter = lock.wait(now.expire, context.suite.node().redis())
    release = lock.released(now.holding)  # an error here fails the step: "without error"
    context.suite.evidence.record(
        "holder's release after the crash", release.outcome, f"The holder's release after the crash: {release.outcome}."
    )
    handover = lock.handover(release, waiter, within=bound)
    _record_handover(context, handover)
    assert_that(handover, less_than_or_equal_to(bound), "seconds from the release to the waiter's acquire")


def _record_handover(context: Context, handover: float) -> None:
    context.suite.evidence.record(
        "seconds from release to the waiter holding the lock",
        round(handover, 4),
        f"The waiting worker held the lock {handover * 1000:.0f} ms after the release.",
    )

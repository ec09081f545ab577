"""The fiscal sync worker's lock (OPTERP-21), through python-redis-lock in real
worker processes."""

from behave import given, then, when
from behave.runner import Context
from hamcrest import all_of, assert_that, equal_to, greater_than_or_equal_to, less_than_or_equal_to

from harness.consumers import sync_lock
from harness.core.errors import best_effort, reported_as_failures

CONTENTION_EXPIRE = 60  # seconds: never reached while workers contend
CONTENTION_TIMEOUT = 15.0  # seconds for every worker to finish its sections (they take about 0.2 s)
SECTIONS_EACH = 25  # critical sections per contending worker: enough for every pair to meet


@given("{workers:d} sync workers each want to enter the sync lock many times")
def step_contenders(context: Context, workers: int) -> None:
    context.contenders = (workers, SECTIONS_EACH)


@when("they all start at the same moment")
@reported_as_failures
def step_contend(context: Context) -> None:
    consumers = context.suite.consumers()
    workers, sections = context.contenders
    # A worker that fails leaves the lock held until its expiry: free it for the next scenario.
    stack = context.suite.engine()
    context.add_cleanup(best_effort(lambda: sync_lock.reset(stack.redis())))
    context.contention = consumers.lock.contend(
        workers, sections, CONTENTION_EXPIRE, consumers.scratch, timeout=CONTENTION_TIMEOUT
    )
    contention = context.contention
    said = (
        f"{len(contention.sections)} critical sections by {contention.workers} workers in {contention.seconds:.2f} s: "
        f"{len(contention.overlaps)} overlapped; the shared counter reached {contention.counter}."
    )
    context.suite.evidence.record("contention", str(contention), said)


@then("no two critical sections overlapped")
def step_no_overlap(context: Context) -> None:
    contention = context.contention
    assert_that(len(contention.overlaps), equal_to(0), f"overlapping critical sections: {contention}")


@then("every one of their critical sections ran")
def step_all_ran(context: Context) -> None:
    contention = context.contention
    workers, sections = context.contenders
    total = workers * sections
    assert_that(
        (len(contention.sections), contention.counter),
        equal_to((total, total)),
        f"(sections journaled, shared counter): {contention}",
    )


@given("a sync worker holds the sync lock with a {expire:d}-second expiry")
@reported_as_failures
def step_holder(context: Context, expire: int) -> None:
    stack = context.suite.engine()
    context.add_cleanup(best_effort(lambda: sync_lock.reset(stack.redis())))
    context.holding = context.suite.consumers().lock.hold(expire)
    context.expire = expire


@given("another sync worker is waiting for it")
@reported_as_failures
def step_waiter(context: Context) -> None:
    stack = context.suite.engine()
    context.waiter = context.suite.consumers().lock.wait(context.expire, stack.redis())


@when("the holder releases the lock")
@reported_as_failures
def step_release(context: Context) -> None:
    lock = context.suite.consumers().lock
    context.release = lock.release(context.holding, timeout=5)
    assert_that(context.release.outcome, equal_to("released"), "the holder's release")


@then("the waiting worker holds the lock within {bound:g} seconds of the release")
@reported_as_failures
def step_waiter_took(context: Context, bound: float) -> None:
    handover = context.suite.consumers().lock.handover(context.release, context.waiter, within=bound)
    _record_handover(context, handover)
    assert_that(handover, less_than_or_equal_to(bound), "seconds from the release to the waiter's acquire")


@when("the holder is killed")
def step_kill_holder(context: Context) -> None:
    context.holding.process.kill()


@then("another worker can take the lock within {bound:g} seconds after its expiry, and not before")
@reported_as_failures
def step_free_at_expiry(context: Context, bound: float) -> None:
    holding, expire = context.holding, context.expire
    client = context.suite.engine().redis()
    freed = sync_lock.first_take(client, context.suite.poller, expire, deadline=holding.taken + expire + bound)
    after_expiry = freed.value.at - (holding.asked + expire)
    held = freed.value.at - holding.taken
    context.suite.evidence.record(
        "lock free after its holder was killed",
        f"{held:.3f} s after it was taken (expiry {expire} s), {freed.value.tries} tries",
        f"The lock of the killed holder could be taken {held:.2f} s after it was taken, with a {expire} s expiry.",
    )
    assert_that(
        after_expiry,
        all_of(greater_than_or_equal_to(0), less_than_or_equal_to(bound)),
        f"seconds from the expiry to the first successful take (taken {holding.taken:.3f}, freed {freed.value.at:.3f})",
    )


@when("the Redis process crashes {delay:g} second after the lock was taken")
@reported_as_failures
def step_crash_after_lock(context: Context, delay: float) -> None:
    back = context.suite.engine().crash_after(context.holding.taken, delay)
    context.suite.evidence.answering_after_crash(back.elapsed)


@then("the same worker still holds the lock")
@reported_as_failures
def step_same_owner(context: Context) -> None:
    owner = sync_lock.owner(context.suite.engine().redis())
    same = (
        "the same worker as before"
        if owner == context.holding.owner
        else ("nobody" if owner is None else "another worker")
    )
    context.suite.evidence.record(
        "lock owner after the crash",
        f"{owner} (held by {context.holding.owner})",
        f"After the crash the lock was held by {same}.",
    )
    assert_that(owner, equal_to(context.holding.owner), "owner of sync_lock after the crash")


@then("it hands the lock to a waiting worker within {bound:g} seconds, without error")
@reported_as_failures
def step_hand_over(context: Context, bound: float) -> None:
    lock = context.suite.consumers().lock
    waiter = lock.wait(context.expire, context.suite.engine().redis())
    release = lock.release(context.holding, timeout=5)
    context.suite.evidence.record(
        "holder's release after the crash", release.outcome, f"The holder's release after the crash: {release.outcome}."
    )
    assert_that(release.outcome, equal_to("released"), "the holder's release after the crash")
    handover = lock.handover(release, waiter, within=bound)
    _record_handover(context, handover)
    assert_that(handover, less_than_or_equal_to(bound), "seconds from the release to the waiter's acquire")


def _record_handover(context: Context, handover: float) -> None:
    context.suite.evidence.record(
        "seconds from release to the waiter holding the lock",
        round(handover, 4),
        f"The waiting worker held the lock {handover * 1000:.0f} ms after the release.",
    )

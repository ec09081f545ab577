"""The sync scheduler's job store (OPTERP-22), through APScheduler in real
scheduler processes."""

import uuid

from behave import given, then, when
from behave.runner import Context
from hamcrest import assert_that, equal_to, less_than_or_equal_to

from harness.core.errors import best_effort, reported_as_failures


@given("a scheduler process has stored a job that is due and exited without running it")
@reported_as_failures
def step_stored_job(context: Context) -> None:
    schedulers = context.suite.consumers().schedulers
    context.job_id, context.job_token = f"sync-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    context.add_cleanup(best_effort(schedulers.remove_all))
    context.stored = schedulers.store(context.job_id, context.job_token)


@when("the Redis process crashes {delay:g} second after the job was stored")
@reported_as_failures
def step_crash_after_store(context: Context, delay: float) -> None:
    back = context.suite.engine().crash_after(context.stored.t, delay)
    context.suite.evidence.answering_after_crash(back.elapsed)


@when("a new scheduler process starts")
@reported_as_failures
def step_new_scheduler(context: Context) -> None:
    schedulers = context.suite.consumers().schedulers
    # What the new scheduler can load: a job gone from the store decides the outcome at once.
    context.job_kept = schedulers.lookup(context.job_id) is not None
    context.scheduler_started = context.suite.poller.clock()
    context.scheduler = schedulers.run()


@then("the new scheduler fires the job within {bound:g} seconds of its start")
@reported_as_failures
def step_fired(context: Context, bound: float) -> None:
    schedulers = context.suite.consumers().schedulers
    lost = None if context.job_kept else "the job was no longer in the job store when the new scheduler started"
    fired = schedulers.wait_fired(
        context.scheduler, context.job_token, since=context.scheduler_started, within=bound, lost=lost
    )
    by = [e.pid for e in schedulers.fired(context.job_token)]
    context.suite.evidence.record(
        "seconds from the new scheduler's start to the job firing",
        round(fired.elapsed, 3),
        f"The new scheduler fired the job {fired.elapsed:.2f} s after it started.",
    )
    assert_that(by, equal_to([context.scheduler.pid]), "pids that fired the job (once, in the new scheduler)")
    assert_that(fired.elapsed, less_than_or_equal_to(bound), "seconds from the new scheduler's start to the firing")

"""The sync scheduler's job store (OPTERP-22), through APScheduler in real
scheduler processes."""

import uuid

from behave.runner import Context
from hamcrest import assert_that, equal_to, has_entries, less_than_or_equal_to

from harness.consumers import job_facts, job_store
from harness.run.scenario_state import state
from harness.run.step_errors import best_effort
from harness.run.steps import given, takes, then, when


@given("a scheduler process has stored a job that is due and exited without running it")
@takes(job_store.KIND)
def step_stored_job(context: Context) -> None:
    schedulers, now = context.suite.consumers().schedulers, state(context)
    now.jobs.job_id, now.jobs.job_token = f"sync-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    context.add_cleanup(best_effort(schedulers.remove_all))
    now.jobs.stored = schedulers.store(now.jobs.job_id, now.jobs.job_token)


@when("the Redis process crashes {delay:g} second after the job was stored")
def step_crash_after_store(context: Context, delay: float) -> None:
    back = context.suite.node().faults.crash_after(state(context).jobs.stored.t, delay)
    context.suite.evidence.answering_after_crash(back.elapsed)


@when("a new scheduler process starts")
@takes(job_store.KIND)
def step_new_scheduler(context: Context) -> None:
    schedulers, now = context.suite.consumers().schedulers, state(context)
    # What the new scheduler can load: a job gone from the store decides the outcome at once.
    now.jobs.job_kept = schedulers.lookup(now.jobs.job_id) is not None
    now.jobs.scheduler_started = context.suite.poller.clock()
    now.jobs.scheduler = schedulers.run()


@then("the new scheduler fires the job within {bound:g} seconds of its start")
def step_fired(context: Context, bound: float) -> None:
    schedulers, now = context.suite.consumers().schedulers, state(context).jobs
    lost = None if now.job_kept else "the job was no longer in the job store when the new scheduler started"
    fired = job_facts.fired_after_start(schedulers, now.scheduler, now.job_token, now.scheduler_started, bound, lost)
    expected = {"fired by": equal_to([now.scheduler.pid]), "seconds": less_than_or_equal_to(bound)}
    reading = "the pids that fired the job (once, in the new scheduler) and the seconds from its start"
    assert_that(context.suite.evidence.observe(fired).seen, has_entries(expected), reading)

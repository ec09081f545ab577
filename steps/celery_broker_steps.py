"""Redis as the Celery broker (OPTERP-24), through Celery and kombu, with
workers as real processes, one per queue."""

from collections import Counter

from behave import given, then, when
from behave.runner import Context
from hamcrest import (
    all_of,
    assert_that,
    contains_exactly,
    equal_to,
    greater_than_or_equal_to,
    is_in,
    less_than_or_equal_to,
)

from harness.consumers.celery_broker import VISIBILITY_TIMEOUT
from harness.core.errors import best_effort, reported_as_failures
from stand_ins.tasks import OCCUPY, OCCUPY_ACKS_LATE, RECORD

EXECUTION_TIMEOUT = 10.0  # seconds for queued tasks to be executed once a worker runs
# A worker journals a task's start a few milliseconds after Redis handed it out.
DELIVERY_SLACK = 0.05
# How soon after the visibility timeout the task must reach the new worker: a
# test setting (the workers run with a 1 s timeout, swept every second).
REDELIVERY_BOUND = 1.5


@given('a worker consumes the "{queue}" queue')
@reported_as_failures
def step_worker(context: Context, queue: str) -> None:
    context.suite.consumers().celery.ensure_workers([queue])
    context.queue = queue


@given('a worker consumes each of the queues "{first}" and "{second}"')
@reported_as_failures
def step_workers(context: Context, first: str, second: str) -> None:
    context.suite.consumers().celery.ensure_workers([first, second])


@given('no worker consumes the "{queue}" queue')
@reported_as_failures
def step_no_worker(context: Context, queue: str) -> None:
    context.suite.consumers().celery.stop_workers(queue)


@when('a client on the host sends a task to the "{queue}" queue')
@reported_as_failures
def step_send(context: Context, queue: str) -> None:
    celery = context.suite.consumers().celery
    context.sent_at = context.suite.poller.clock()
    context.token, context.result = celery.send(RECORD, queue)


@then('its result is read back within {bound:g} seconds, from the "{queue}" worker')
@reported_as_failures
def step_result(context: Context, bound: float, queue: str) -> None:
    _read_back(context, bound, queue, since=context.sent_at, measured="from sending")


@then('its result is read back within {bound:g} seconds of the crash, from the "{queue}" worker')
@reported_as_failures
def step_result_after_crash(context: Context, bound: float, queue: str) -> None:
    _read_back(context, bound, queue, since=context.crash.at, measured="from the crash")


def _read_back(context: Context, bound: float, queue: str, since: float, measured: str) -> None:
    celery = context.suite.consumers().celery
    read = celery.result(context.token, context.result, since=since, within=bound)
    executed_by = [e.pid for e in celery.executions(context.token)]
    workers = [p.pid for p in celery.running(queue)]
    context.suite.evidence.record(
        f"seconds {measured} to the result",
        round(read.elapsed, 3),
        f"The result was back {read.elapsed:.2f} s {measured.replace('from', 'after')}.",
    )
    assert_that(read.value, equal_to(context.token), f"result of task {context.token}")
    assert_that(
        executed_by, contains_exactly(is_in(workers)), f"pids that executed task {context.token} ({queue}: {workers})"
    )
    assert_that(read.elapsed, less_than_or_equal_to(bound), f"seconds {measured} to the result")


@given('a client on the host has queued {count:d} tasks on the "{queue}" queue')
@reported_as_failures
def step_queue_tasks(context: Context, count: int, queue: str) -> None:
    celery = context.suite.consumers().celery
    context.add_cleanup(best_effort(lambda: celery.purge(queue)))
    celery.purge(queue)  # what an earlier, failed scenario left there is not these tasks
    context.tokens = [celery.send(RECORD, queue)[0] for _ in range(count)]
    context.queued_at = context.suite.poller.clock()
    context.queue = queue


@when("the Redis process crashes {delay:g} second later and the container is then re-created")
@reported_as_failures
def step_crash_and_recreate(context: Context, delay: float) -> None:
    suite = context.suite
    stack = suite.engine()
    stack.crash_after(context.queued_at, delay)
    waiting = suite.consumers().celery.queued(context.queue)
    suite.evidence.record("tasks waiting after the crash", waiting, f"{waiting} tasks were waiting after the crash.")
    stack.recreate()
    context.still_queued = suite.consumers().celery.queued(context.queue)
    suite.evidence.record(
        "tasks waiting after re-creation",
        context.still_queued,
        f"{context.still_queued} tasks were waiting after the re-creation.",
    )


@when('a worker starts consuming the "{queue}" queue')
@reported_as_failures
def step_start_worker(context: Context, queue: str) -> None:
    context.suite.consumers().celery.start_worker(queue)


@then("each of the {count:d} tasks is executed exactly once")
@reported_as_failures
def step_exactly_once(context: Context, count: int) -> None:
    celery = context.suite.consumers().celery
    executed = celery.wait_all_executed(context.tokens, timeout=EXECUTION_TIMEOUT, still_queued=context.still_queued)
    times = Counter(e["token"] for e in executed if e.event == "executed")
    verdict = {
        "executed": sum(1 for t in context.tokens if times[t] >= 1),
        "twice or more": sum(1 for t in context.tokens if times[t] > 1),
        "still queued": celery.queued(context.queue),
    }
    said = (
        f"Of {count} queued tasks, {verdict['executed']} ran, {verdict['twice or more']} more than once; "
        f"{verdict['still queued']} were still queued."
    )
    context.suite.evidence.record(f"{count} queued tasks after crash and re-creation", verdict, said)
    assert_that(verdict, equal_to({"executed": count, "twice or more": 0, "still queued": 0}), "tasks")


@when("the Redis process crashes and comes back")
@reported_as_failures
def step_crash_and_back(context: Context) -> None:
    stack = context.suite.engine()
    context.crash = stack.crash()
    back = stack.wait_back(context.crash)
    context.suite.evidence.answering_after_crash(back.elapsed)


@given('the "{queue}" queue\'s worker is busy with a long task')
@reported_as_failures
def step_busy(context: Context, queue: str) -> None:
    celery = context.suite.consumers().celery
    worker = celery.worker(queue)
    token, _ = celery.send(OCCUPY, queue)
    context.add_cleanup(lambda: celery.release(token))
    started = celery.wait_started(token, timeout=EXECUTION_TIMEOUT).value
    assert_that(started.pid, equal_to(worker.pid), f"pid that started the long task ({queue} worker: {worker.pid})")


@given("it is in the middle of a task that is acknowledged only when done")
@reported_as_failures
def step_mid_task(context: Context) -> None:
    celery = context.suite.consumers().celery
    token, _ = celery.send(OCCUPY_ACKS_LATE, context.queue)
    context.add_cleanup(lambda: celery.release(token))
    context.first = celery.wait_started(token, timeout=EXECUTION_TIMEOUT).value


@when("that worker is killed and a new one starts on the queue")
@reported_as_failures
def step_kill_worker(context: Context) -> None:
    celery = context.suite.consumers().celery
    celery.kill_worker(context.first.pid)
    context.replacement = celery.start_worker(context.queue)


@then("the new worker is given the task again soon after the visibility timeout, and not before")
@reported_as_failures
def step_redelivered(context: Context) -> None:
    bound, visibility = REDELIVERY_BOUND, VISIBILITY_TIMEOUT
    celery, first = context.suite.consumers().celery, context.first
    again = celery.wait_started(first["token"], timeout=visibility + EXECUTION_TIMEOUT, nth=2).value
    delay = again.t - first.t
    context.suite.evidence.record(
        "task delivered again",
        f"{delay:.3f} s after its first delivery, redelivered flag {again['redelivered']}",
        f"The task reached the new worker {delay:.2f} s after its first delivery "
        f"(visibility timeout {visibility:g} s).",
    )
    assert_that(again.pid, equal_to(context.replacement.pid), "pid the task was delivered to again")
    assert_that(
        delay,
        all_of(greater_than_or_equal_to(visibility - DELIVERY_SLACK), less_than_or_equal_to(visibility + bound)),
        f"seconds between the two deliveries (visibility timeout {visibility:g} s)",
    )

"""Redis as the Celery broker (OPTERP-24), through Celery and kombu, with
workers as real processes, one per queue."""

from importlib.metadata import version

from behave.runner import Context
from hamcrest import (
    all_of,
    assert_that,
    contains_exactly,
    equal_to,
    greater_than_or_equal_to,
    has_entries,
    is_in,
    less_than_or_equal_to,
)

from harness.consumers import celery_facts
from harness.consumers.celery_broker import ANY_WORKER, DELIVERY_SLACK, QUEUES
from harness.consumers.celery_facts import Redelivery, Waiting
from harness.infra.faults import VARIED_GAPS
from harness.run.scenario_state import state
from harness.run.step_errors import best_effort
from harness.run.steps import given, takes, then, when
from stand_ins.tasks import OCCUPY, OCCUPY_ACKS_LATE, RECORD


@given('a worker consumes the "{queue}" queue')
@takes("celery-{queue}")
def step_worker(context: Context, queue: str) -> None:
    context.suite.consumers().celery.ensure_workers([queue])
    state(context).celery.queue = queue


@given('a worker consumes each of the queues "{first}" and "{second}"')
@takes("celery-{first}", "celery-{second}")
def step_workers(context: Context, first: str, second: str) -> None:
    context.suite.consumers().celery.ensure_workers([first, second])


@given('no worker consumes the "{queue}" queue')
def step_no_worker(context: Context, queue: str) -> None:
    context.suite.consumers().celery.stop_workers(queue)


@when('a client on the host sends a task to the "{queue}" queue')
def step_send(context: Context, queue: str) -> None:
    now = state(context)
    now.celery.sent_at = context.suite.poller.clock()
    now.celery.token, now.celery.result = context.suite.consumers().celery.send(RECORD, queue)


@when('a client on the host sends a task to the "{queue}" queue to run {countdown:g} seconds later')
def step_send_later(context: Context, queue: str, countdown: float) -> None:
    now = state(context)
    now.celery.sent_at, now.celery.countdown = context.suite.poller.clock(), countdown
    now.celery.token, now.celery.result = context.suite.consumers().celery.send_later(RECORD, queue, countdown)


@then("it runs once, when its time comes, at most {late:g} second late")
def step_runs_once_later(context: Context, late: float) -> None:
    now, celery = state(context).celery, context.suite.consumers().celery
    delayed = celery_facts.delayed_runs(celery, now.token, now.sent_at, now.countdown, late)
    on_time = all_of(
        greater_than_or_equal_to(now.countdown - DELIVERY_SLACK), less_than_or_equal_to(now.countdown + late)
    )
    expected = {"times run": 1, "seconds from sending to its run": on_time}
    assert_that(context.suite.evidence.observe(delayed).seen, has_entries(expected), f"task {now.token}")


@then('its result is read back within {bound:g} seconds, from the "{queue}" worker')
def step_result(context: Context, bound: float, queue: str) -> None:
    _read_back(context, bound, queue, since=state(context).celery.sent_at, measured="from sending")


@then('its result is read back within {bound:g} seconds of the crash, from the "{queue}" worker')
def step_result_after_crash(context: Context, bound: float, queue: str) -> None:
    _read_back(context, bound, queue, since=state(context).service.crash.at, measured="from the crash")


def _read_back(context: Context, bound: float, queue: str, since: float, measured: str) -> None:
    celery, token = context.suite.consumers().celery, state(context).celery.token
    read = celery.result(token, state(context).celery.result, since=since, within=bound)
    workers = [p.pid for p in celery.running(queue)]
    context.suite.evidence.record(
        f"seconds {measured} to the result",
        round(read.elapsed, 3),
        f"The result was back {read.elapsed:.2f} s {measured.replace('from', 'after')}.",
    )
    assert_that(
        {"result": read.value, "executed by": [e.pid for e in celery.executions(token)], "seconds": read.elapsed},
        has_entries(
            {"result": token, "executed by": contains_exactly(is_in(workers)), "seconds": less_than_or_equal_to(bound)}
        ),
        f"task {token}: its result, the pids that executed it ({queue} workers: {workers}), seconds {measured}",
    )


@given('a client on the host has queued {count:d} tasks on the "{queue}" queue')
def step_queue_tasks(context: Context, count: int, queue: str) -> None:
    celery, now = context.suite.consumers().celery, state(context)
    context.add_cleanup(best_effort(lambda: celery.purge(queue)))
    celery.purge(queue)  # what an earlier, failed scenario left there is not these tasks
    now.celery.tokens = [celery.send(RECORD, queue)[0] for _ in range(count)]
    now.celery.queued_at = context.suite.poller.clock()
    now.celery.queue = queue


@when("the Redis process crashes {delay:g} second later and the container is then re-created")
def step_crash_and_recreate(context: Context, delay: float) -> None:
    suite, now = context.suite, state(context).celery
    celery = suite.consumers().celery
    suite.node().faults.crash_after(now.queued_at, delay)
    suite.evidence.observe(Waiting(celery.queued(now.queue), "tasks waiting after the crash", "the crash"))
    suite.node().recreate()
    waiting = Waiting(celery.queued(now.queue), "tasks waiting after re-creation", "the re-creation")
    now.still_queued = suite.evidence.observe(waiting).count


@when('a worker starts consuming the "{queue}" queue')
@takes("celery-{queue}")
def step_start_worker(context: Context, queue: str) -> None:
    context.suite.consumers().celery.start_worker(queue)


@then("each of the {count:d} tasks is executed exactly once")
def step_exactly_once(context: Context, count: int) -> None:
    now, timeout = state(context).celery, context.suite.settings.execution_timeout
    what = f"{count} queued tasks after crash and re-creation"
    ran = celery_facts.executions(
        context.suite.consumers().celery, now.tokens, now.queue, timeout, now.still_queued, what=what
    )
    assert_that(
        context.suite.evidence.observe(ran).value,
        equal_to({"executed": count, "twice or more": 0, "still queued": 0}),
        "tasks",
    )


@when("the Redis process crashes and comes back")
def step_crash_and_back(context: Context) -> None:
    node = context.suite.node()
    crash = state(context).service.crash = node.faults.crash()
    context.suite.evidence.answering_after_crash(node.faults.wait_back(crash).elapsed)


@when("the workers lose their connection to Redis {drops:d} times in quick succession, and Redis then crashes twice")
def step_flapping(context: Context, drops: int) -> None:
    flapping = context.suite.node().faults.flap(VARIED_GAPS[:drops], crashes=2)
    state(context).service.flapping = context.suite.evidence.observe(flapping)


@then("each queue's worker runs a new task within {bound:g} seconds of Redis's return, and its result is read back")
def step_each_resumed(context: Context, bound: float) -> None:
    celery, since = context.suite.consumers().celery, state(context).service.flapping.ended
    for queue in QUEUES:
        worker = celery.running(queue)[0]
        resumed = celery_facts.resumed(
            celery, worker, queue, since, "Redis's return", bound, context.suite.settings.slack
        )
        expected = {"run by": worker.pid, "seconds": less_than_or_equal_to(bound), "result": resumed.token}
        assert_that(context.suite.evidence.observe(resumed).seen, has_entries(expected), str(resumed))
    context.suite.evidence.observe(celery_facts.Transport(version("kombu")))


@given('the "{queue}" queue\'s worker is busy with a long task')
@takes("celery-{queue}")
def step_busy(context: Context, queue: str) -> None:
    timeout = context.suite.settings.execution_timeout
    celery = context.suite.consumers().celery
    celery.occupy(OCCUPY, queue, timeout, until_released=context.add_cleanup, on_its_worker=True)


@given("it is in the middle of a task that is acknowledged only when done")
def step_mid_task(context: Context) -> None:
    celery, timeout = context.suite.consumers().celery, context.suite.settings.execution_timeout
    now = state(context)
    # The replacement's process loads first, so it is on the queue well within the
    # visibility timeout and what hands the task out again is its periodic sweep.
    celery.spare_loaded(now.celery.queue)
    now.celery.first = celery.occupy(OCCUPY_ACKS_LATE, now.celery.queue, timeout, until_released=context.add_cleanup)


@when("that worker is killed and a new one starts on the queue")
@takes(ANY_WORKER)
def step_kill_worker(context: Context) -> None:
    celery, now = context.suite.consumers().celery, state(context)
    celery.kill_worker(now.celery.first.pid)
    now.celery.replacement = celery.start_worker(now.celery.queue)


@then("the new worker is given the task again soon after the visibility timeout, and not before")
def step_redelivered(context: Context) -> None:
    settings, now = context.suite.settings, state(context).celery
    timeout = settings.visibility_timeout + settings.execution_timeout
    again = context.suite.consumers().celery.wait_started(now.first["token"], timeout=timeout, nth=2).value
    redelivery = context.suite.evidence.observe(Redelivery(now.first, again, settings.visibility_timeout))
    soon = all_of(
        greater_than_or_equal_to(redelivery.earliest),
        less_than_or_equal_to(redelivery.visibility + settings.redelivery_bound),
    )
    expected = {"delivered to": now.replacement.pid, "seconds between the deliveries": soon}
    reading = f"the task's second delivery: the new worker's pid and the seconds since the first ({redelivery})"
    assert_that(redelivery.seen, has_entries(expected), reading)

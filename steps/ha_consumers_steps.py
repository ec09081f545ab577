"""The plan's consumers across the Sentinel topology's faults: the sync lock
(OPTERP-21), the Celery broker (OPTERP-24) and the job store (OPTERP-22), each
reaching the master through the sentinels with README's settings."""

from behave.runner import Context
from hamcrest import assert_that, equal_to, greater_than, has_entries, less_than_or_equal_to
from redis_lock import Lock

from harness.consumers import job_store, sync_lock
from harness.consumers.drivers import Consumers
from harness.consumers.processes import Process
from harness.core.errors import HarnessError
from harness.run.ha import watched
from harness.run.scenario_state import state
from harness.run.step_errors import best_effort
from harness.run.steps import given, takes, then, when
from stand_ins.sentinel_clients import SOCKET_TIMEOUT
from stand_ins.sync_worker import LOCK_NAME
from stand_ins.tasks import RECORD

NOREPLICAS = "NOREPLICAS"  # what a master without a good replica answers a write command


@given("the consumers below run in a container on opticserp_network, finding the sentinels by their service names")
def step_in_network(context: Context) -> None:
    state(context).consumers = context.suite.consumers_in_network()


@given('a worker there consumes the "{queue}" queue')
@takes("celery-{queue}")
def step_worker_there(context: Context, queue: str) -> None:
    _consumers(context).celery.ensure_workers([queue])


@given("the sync scheduler fires a job stored in Redis every second")
@given("a sync scheduler there fires a job stored in Redis every second")
@takes(job_store.KIND)
def step_repeating_job(context: Context) -> None:
    _consumers(context).schedulers.every(1)


@given("a sync worker holds the sync lock with a {expire:d}-second expiry, acknowledged by a replica")
@takes(sync_lock.KIND)
def step_holder(context: Context, expire: int) -> None:
    topology = context.suite.sentinel()
    context.add_cleanup(best_effort(lambda: sync_lock.reset(topology.writer_client(topology.primary))))
    state(context).holding = _consumers(context).lock.hold(expire)
    state(context).expire = expire


@given("another sync worker is waiting for the sync lock")
@takes(sync_lock.KIND)
def step_waiter(context: Context) -> None:
    state(context).waiter = _consumers(context).lock.wait(state(context).expire, None)


@given('{count:d} tasks are queued for the "{queue}" queue, which no worker consumes, and a replica has them')
def step_tasks_replicated(context: Context, count: int, queue: str) -> None:
    celery, now = _consumers(context).celery, state(context)
    celery.stop_workers(queue)
    context.add_cleanup(best_effort(lambda: celery.purge(queue)))
    celery.purge(queue)
    now.tokens = [celery.send(RECORD, queue)[0] for _ in range(count)]
    # A write confirmed by WAIT after them: a replica's offset then covers them too.
    context.suite.sentinel().write_confirmed("opterp20:ha:tasks-queued", str(count))


@then("the sync lock is still held by its worker on the new master, and another worker cannot take it")
def step_lock_kept(context: Context) -> None:
    topology, failover, holding = context.suite.sentinel(), watched(context), state(context).holding
    client = topology.writer_client(failover.new_master)
    seen = {"owner": sync_lock.owner(client), "another worker took it": Lock(client, LOCK_NAME).acquire(blocking=False)}
    new = failover.new_master.service
    said = f"After the {failover.fault}, {new} says the sync lock is {holding.process.name}'s: {seen}."
    context.suite.evidence.record("sync lock after the failover", seen, said)
    assert_that(seen, equal_to({"owner": holding.owner, "another worker took it": False}), said)


@then(
    'the worker that was consuming "{queue}" runs a new task within {bound:d} seconds of {moment}, '
    "and its result is read back"
)
def step_consumer_resumed(context: Context, queue: str, bound: int, moment: str) -> None:
    celery, now = _consumers(context).celery, state(context)
    since = now.thawed_at if moment == "the thaw" else watched(context).switched_at
    assert since is not None
    consumer = _consumer(context, queue)
    celery.close()  # the suite's producer starts afresh; the worker is what is judged
    token, sent = celery.send_accepted(RECORD, queue, within=bound)
    started = celery.wait_started(token, timeout=bound + 3.0)
    took = started.value.t - since
    # A worker still holding a connection to a frozen master stores the result a socket timeout later.
    read = celery.result(token, sent, since=since, within=bound + SOCKET_TIMEOUT)
    said = (
        f"The Celery worker (pid {consumer.pid}) that was consuming {queue!r} before the fault ran a new task "
        f"{took:.2f} s after {moment}; its result was read back {read.elapsed:.2f} s after {moment}."
    )
    context.suite.evidence.record(f"seconds from {moment} to a task run", round(took, 3), said)
    seen = {"run by": started.value.pid, "seconds": took, "result": read.value}
    assert_that(seen, has_entries({"run by": consumer.pid, "seconds": less_than_or_equal_to(bound), "result": token}),
                said)  # fmt: skip


@then("the stored job fires within {bound:d} seconds of the new master being named, and fires again after that")
@takes(job_store.KIND)
def step_job_fires(context: Context, bound: int) -> None:
    schedulers, failover = _consumers(context).schedulers, watched(context)
    scheduler, token = schedulers.every(1)
    assert failover.switched_at is not None
    first = schedulers.wait_fired_after(scheduler, token, after=failover.switched_at, within=bound)
    took = first.value.t - failover.switched_at
    again = schedulers.wait_fired_after(scheduler, token, after=first.value.t, within=bound)
    said = (
        f"The job stored before the {failover.fault} fired {took:.2f} s after the new master was named, "
        f"and again {again.value.t - first.value.t:.2f} s later, by scheduler pid {scheduler.pid}."
    )
    context.suite.evidence.record("seconds from the new master to the job firing", round(took, 3), said)
    assert_that(took, less_than_or_equal_to(bound), said)


@then('a worker started for "{queue}" runs each of the {count:d} queued tasks exactly once')
@takes("celery-{queue}")
def step_queued_ran_once(context: Context, queue: str, count: int) -> None:
    celery, tokens = _consumers(context).celery, state(context).tokens
    celery.close()
    still_queued = celery.queued(queue)
    celery.ensure_workers([queue])
    tally = celery.tally(tokens, queue, timeout=context.suite.settings.execution_timeout, still_queued=still_queued)
    said = f"Of the {count} tasks queued before the fault, {still_queued} were still queued after it: {tally}."
    context.suite.evidence.record("tasks queued before the failover", tally, said)
    assert_that(tally, equal_to({"executed": count, "twice or more": 0, "still queued": 0}), said)


@when("the holder releases the sync lock")
def step_release(context: Context) -> None:
    lock, holding = _consumers(context).lock, state(context).holding
    # Its connection may still be to a frozen master: one socket timeout, then the new one.
    release = lock.release(holding, timeout=lock.release_timeout + SOCKET_TIMEOUT)
    assert_that(release.outcome, equal_to("released"), f"sync worker {holding.process.pid} releasing the lock")
    state(context).release = release


@then("the waiting worker holds it within {bound:d} second")
def step_waiter_took(context: Context, bound: int) -> None:
    _handover(context, bound, waited_at_least=0.0)


@then("the waiting worker holds it within {bound:d} second, having waited longer than any client socket timeout")
def step_long_waiter_took(context: Context, bound: int) -> None:
    _handover(context, bound, waited_at_least=SOCKET_TIMEOUT)


def _handover(context: Context, bound: int, waited_at_least: float) -> None:
    now, lock = state(context), _consumers(context).lock
    # From the release done: a holder still on a frozen master takes one socket timeout to release.
    handover = lock.handover(now.release, now.waiter, within=bound, from_done=True)
    asked = lock.processes.wait_for(now.waiter, "acquiring", timeout=0).value
    waited = now.release.done - asked.t
    said = (
        f"The holder released the sync lock {now.release.done - now.release.requested:.2f} s after it was told to; "
        # The waiter may journal its acquire a hair before the holder journals its release as done.
        f"the waiting worker held it {max(handover, 0.0):.3f} s later, having waited {waited:.1f} s through the "
        f"failover (client socket timeout {SOCKET_TIMEOUT:g} s)."
    )
    context.suite.evidence.record("seconds from the release to the waiter's acquire", round(handover, 3), said)
    expected = {"handover": less_than_or_equal_to(bound), "waited": greater_than(waited_at_least)}
    assert_that({"handover": handover, "waited": waited}, has_entries(expected), said)


@when("both replicas are frozen")
@takes("celery-sync")
def step_freeze_replicas(context: Context) -> None:
    topology, now = context.suite.sentinel(), state(context)
    consumers = _consumers(context)
    consumers.celery.worker("sync")
    consumers.lock.warm()  # the next sync worker asks within milliseconds of the freeze
    master = topology.primary
    now.frozen = [n for n in topology.data if n.service != master.service]
    now.froze_at = max(topology.pause(node) for node in now.frozen)  # both frozen


@then("a sync worker that asks for the sync lock is refused within {bound:d} seconds, and nobody holds it")
@takes(sync_lock.KIND)
def step_lock_refused(context: Context, bound: int) -> None:
    topology, now = context.suite.sentinel(), state(context)
    context.add_cleanup(best_effort(lambda: sync_lock.reset(topology.writer_client(topology.primary))))
    answer = _consumers(context).lock.ask(300)
    took = answer.t - now.froze_at
    holder = sync_lock.owner(topology.writer_client(topology.primary))
    said = (
        f"With both replicas frozen, a sync worker asking for the lock {took:.2f} s after the freeze was told "
        f"{answer.event}{': ' + answer['error'] if answer.event == 'refused' else ''}; the lock's owner: {holder}."
    )
    context.suite.evidence.record("sync lock without a replica", {"answer": answer.event, "owner": holder}, said)
    expected = {"answer": "refused", "seconds": less_than_or_equal_to(bound), "owner": None}
    assert_that({"answer": answer.event, "seconds": took, "owner": holder}, has_entries(expected), said)


@then("the master refuses the Celery worker's commands (NOREPLICAS) within {bound:d} seconds")
def step_worker_refused(context: Context, bound: int) -> None:
    worker = _consumer(context, "sync")
    refused = context.suite.poller.until(
        f"the sync queue's worker (pid {worker.pid}) logs {NOREPLICAS}",
        lambda: NOREPLICAS in worker.log_tail(40),
        lambda seen: seen,
        timeout=bound,
        since=state(context).froze_at,
    )
    context.suite.evidence.record(
        "seconds from losing both replicas to NOREPLICAS",
        round(refused.elapsed, 3),
        f"The master refused the Celery worker's BRPOP with {NOREPLICAS} {refused.elapsed:.2f} s after both "
        "replicas froze.",
    )


def _consumers(context: Context) -> Consumers:
    """The consumers the scenario's steps drive: on this host, or those seated on the network."""
    seated: Consumers | None = getattr(state(context), "consumers", None)
    return seated or context.suite.consumers()


def _consumer(context: Context, queue: str) -> Process:
    """The worker that has been consuming `queue` (the latest started), alive or not."""
    workers: list[Process] = _consumers(context).celery.workers.get(queue, [])
    if not workers:
        raise HarnessError(f"no worker was started for the {queue!r} queue before the fault")
    return workers[-1]


@when("the replicas thaw")
def step_thaw(context: Context) -> None:
    topology, now = context.suite.sentinel(), state(context)
    now.thawed_at = max(topology.bring_back(node) for node in now.frozen)

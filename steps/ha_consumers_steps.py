"""The plan's consumers across the Sentinel topology's faults: the sync lock
(OPTERP-21), the Celery broker (OPTERP-24) and the job store (OPTERP-22), each
reaching the master through the sentinels with README's settings."""

from behave.runner import Context
from hamcrest import assert_that, equal_to, greater_than, has_entries, less_than_or_equal_to

from harness.consumers import celery_facts, job_facts, job_store, lock_facts, sync_lock
from harness.consumers.drivers import Consumers
from harness.consumers.lock_facts import HandoverThroughFailover, RefusedWithoutReplica
from harness.consumers.processes import Process
from harness.core.errors import HarnessError
from harness.run.ha import watched
from harness.run.scenario_state import state
from harness.run.step_errors import best_effort
from harness.run.steps import given, takes, then, when
from stand_ins.sentinel_clients import SOCKET_TIMEOUT
from stand_ins.tasks import RECORD

NOREPLICAS = "NOREPLICAS"  # what a master without a good replica answers a write command
WAITING = "default"  # the queue no worker consumes until the fault is over
HOST_QUEUE, NETWORK_QUEUE = "sync", "network"  # apart: the host's sync workers live on between scenarios


@given("the consumers run on this machine")
@takes(f"celery-{HOST_QUEUE}", job_store.KIND)
def step_on_host(context: Context) -> None:
    _start_consuming(context, HOST_QUEUE)


@given("the consumers run in a container on OpticsERP's network")
@takes(f"celery-{NETWORK_QUEUE}", job_store.KIND)
def step_in_network(context: Context) -> None:
    # README's in-network settings: the sentinels by their service names, no address translation.
    state(context).topology.consumers = context.suite.consumers_in_network()
    _start_consuming(context, NETWORK_QUEUE)


def _start_consuming(context: Context, queue: str) -> None:
    """A Celery worker consuming `queue`, and the sync scheduler firing a stored job every second."""
    consumers = _consumers(context)
    consumers.celery.ensure_workers([queue])
    consumers.schedulers.every(1)
    state(context).celery.queue = queue


@given("a sync worker holds the sync lock for {expire:d} seconds, and a standby has it")
@takes(sync_lock.KIND)
def step_holder(context: Context, expire: int) -> None:
    topology = context.suite.sentinel()
    context.add_cleanup(best_effort(lambda: sync_lock.reset(topology.writer_client(topology.primary))))
    state(context).lock.holding = _consumers(context).lock.hold(expire)
    state(context).lock.expire = expire


@given("another sync worker is waiting for the sync lock")
@takes(sync_lock.KIND)
def step_waiter(context: Context) -> None:
    state(context).lock.waiter = _consumers(context).lock.wait(state(context).lock.expire, None)


@given("{count:d} tasks wait in a queue that no worker consumes, and a standby has them")
def step_tasks_replicated(context: Context, count: int) -> None:
    celery, now = _consumers(context).celery, state(context)
    celery.stop_workers(WAITING)
    context.add_cleanup(best_effort(lambda: celery.purge(WAITING)))
    # The worker the scenario starts for them goes with it: a later row's tasks must wait too.
    context.add_cleanup(best_effort(lambda: celery.stop_workers(WAITING)))
    celery.purge(WAITING)
    now.celery.tokens = [celery.send(RECORD, WAITING)[0] for _ in range(count)]
    # A write confirmed by WAIT after them: a replica's offset then covers them too.
    context.suite.sentinel().write_confirmed("opterp20:ha:tasks-queued", str(count))


@then("the sync lock is still held by its worker on the new main Redis, and nobody else can take it")
def step_lock_kept(context: Context) -> None:
    failover, holding = watched(context), state(context).lock.holding
    client, node = failover.new_master_client(), failover.new_master.service
    kept = context.suite.evidence.observe(lock_facts.kept(client, holding, failover.fault, node))
    assert_that(kept.value, equal_to({"owner": holding.owner, "another worker took it": False}), str(kept))


@then("the Celery worker runs a new task within {bound:d} seconds of {moment}, and its result is read back")
def step_consumer_resumed(context: Context, bound: int, moment: str) -> None:
    now = state(context)
    since = now.topology.thawed_at if moment == "the standbys' return" else watched(context).switched
    queue = now.celery.queue
    worker, celery = _consumer(context, queue), _consumers(context).celery
    # A worker still holding a connection to a frozen master stores the result a socket timeout later.
    resumed = celery_facts.resumed(celery, worker, queue, since, moment, within=bound, late=SOCKET_TIMEOUT)
    expected = {"run by": worker.pid, "seconds": less_than_or_equal_to(bound), "result": resumed.token}
    assert_that(context.suite.evidence.observe(resumed).seen, has_entries(expected), str(resumed))


@then("the stored job fires within {bound:d} seconds of the new main Redis, and fires again after that")
@takes(job_store.KIND)
def step_job_fires(context: Context, bound: int) -> None:
    schedulers, failover = _consumers(context).schedulers, watched(context)
    fires = job_facts.fires_after_switch(schedulers, failover.switched, failover.fault, within=bound)
    assert_that(context.suite.evidence.observe(fires).took, less_than_or_equal_to(bound), str(fires))


@then("a worker started for the waiting queue runs each of the {count:d} tasks exactly once")
@takes(f"celery-{WAITING}")
def step_queued_ran_once(context: Context, count: int) -> None:
    queue = WAITING
    celery, tokens, timeout = (
        _consumers(context).celery,
        state(context).celery.tokens,
        context.suite.settings.execution_timeout,
    )
    celery.close()
    still_queued = celery.queued(queue)
    celery.ensure_workers([queue])
    what = "tasks queued before the failover"
    ran = celery_facts.executions(celery, tokens, queue, timeout, still_queued, what=what, after_fault=True)
    context.suite.evidence.observe(ran)
    assert_that(ran.value, equal_to({"executed": count, "twice or more": 0, "still queued": 0}), str(ran))


@when("the holder releases the sync lock")
def step_release(context: Context) -> None:
    lock, holding = _consumers(context).lock, state(context).lock.holding
    # Its connection may still be to a frozen master: one socket timeout, then the new one.
    release = lock.release(holding, timeout=lock.release_timeout + SOCKET_TIMEOUT)
    assert_that(release.outcome, equal_to("released"), f"sync worker {holding.process.pid} releasing the lock")
    state(context).lock.release = release


@then("the waiting worker holds it within {bound:d} second")
def step_waiter_took(context: Context, bound: int) -> None:
    _handover(context, bound, waited_at_least=0.0)


@then("the waiting worker holds it within {bound:d} second, though it waited out a client timeout")
def step_long_waiter_took(context: Context, bound: int) -> None:
    _handover(context, bound, waited_at_least=SOCKET_TIMEOUT)


def _handover(context: Context, bound: int, waited_at_least: float) -> None:
    now, lock = state(context).lock, _consumers(context).lock
    # From the release done: a holder still on a frozen master takes one socket timeout to release.
    seconds = lock.handover(now.release, now.waiter, within=bound, from_done=True)
    asked = lock.processes.wait_for(now.waiter, "acquiring", timeout=0).value
    handover = HandoverThroughFailover(now.release, seconds, now.release.done - asked.t, SOCKET_TIMEOUT)
    expected = {"handover": less_than_or_equal_to(bound), "waited": greater_than(waited_at_least)}
    assert_that(context.suite.evidence.observe(handover).seen, has_entries(expected), str(handover))


@when("both standbys freeze")
def step_freeze_replicas(context: Context) -> None:
    topology, now = context.suite.sentinel(), state(context).topology
    _consumers(context).lock.warm()  # the next sync worker asks within milliseconds of the freeze
    now.frozen = [n for n in topology.data if n is not topology.primary]
    now.froze_at = max(node.faults.pause() for node in now.frozen)  # both frozen


@then("a sync worker that asks for the sync lock is refused within {bound:d} seconds, and nobody holds it")
@takes(sync_lock.KIND)
def step_lock_refused(context: Context, bound: int) -> None:
    topology, froze_at = context.suite.sentinel(), state(context).topology.froze_at
    context.add_cleanup(best_effort(lambda: sync_lock.reset(topology.writer_client(topology.primary))))
    answer = _consumers(context).lock.ask(300)
    refused = RefusedWithoutReplica(
        answer, answer.t - froze_at, sync_lock.owner(topology.writer_client(topology.primary))
    )
    expected = {"answer": "refused", "seconds": less_than_or_equal_to(bound), "owner": None}
    assert_that(context.suite.evidence.observe(refused).seen, has_entries(expected), str(refused))


@then("the main Redis refuses the Celery worker's commands within {bound:d} seconds")
def step_worker_refused(context: Context, bound: int) -> None:
    now, celery = state(context), _consumers(context).celery
    worker, froze_at = _consumer(context, now.celery.queue), now.topology.froze_at
    context.suite.evidence.observe(celery_facts.refused(celery, worker, NOREPLICAS, since=froze_at, within=bound))


def _consumers(context: Context) -> Consumers:
    """The consumers the scenario's steps drive: on this host, or those seated on the network."""
    return state(context).topology.consumers or context.suite.consumers()


def _consumer(context: Context, queue: str) -> Process:
    """The worker that has been consuming `queue` (the latest started), alive or not."""
    workers: list[Process] = _consumers(context).celery.workers.get(queue, [])
    if not workers:
        raise HarnessError(f"no worker was started for the {queue!r} queue before the fault")
    return workers[-1]


@when("the standbys thaw")
def step_thaw(context: Context) -> None:
    now = state(context).topology
    now.thawed_at = max(node.faults.bring_back() for node in now.frozen)

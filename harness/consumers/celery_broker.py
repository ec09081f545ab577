"""Redis as OpticsERP's Celery broker: worker processes per queue (the
bulkhead), and a producer on the host that sends tasks and reads results and
queue lengths through Celery and kombu themselves."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import redis
from celery import Celery
from celery.exceptions import TimeoutError as CeleryTimeout
from celery.result import AsyncResult
from kombu.transport.redis import PRIORITY_STEPS, Channel

from harness.consumers.processes import FEATURE, Process, Processes
from harness.core.errors import DeadlineExceeded, HarnessError, TerminalState
from harness.core.polling import Observed, Poller
from harness.service.redis_client import SOCKET_TIMEOUT
from stand_ins import contract, delayed_tasks, tasks
from stand_ins.journal import Entry

QUEUES = ("sync", "default")  # the bulkhead: one queue, and its own workers, per workload
WORKER_KIND_PREFIX = "celery-"  # a worker's kind: the prefix, then its queue
ANY_WORKER = "celery-*"  # the kinds `@takes` names: a worker of one queue (`celery-<queue>`), or of any
# A worker journals a task's start a few milliseconds after Redis handed it out.
DELIVERY_SLACK = 0.05
RESULT_SLICE = 0.5  # seconds per wait for a result, between checks that a worker is still there


@dataclass
class CeleryBroker:
    processes: Processes
    redis_url: Callable[[], str]
    poller: Poller
    start_timeout: float  # seconds for a process to start and report
    visibility_timeout: float  # seconds before an unacknowledged task is handed out again
    slack: float  # seconds a result is waited for past its bound, to measure it
    workers: dict[str, list[Process]] = field(default_factory=dict)  # queue -> its workers
    killed: set[int] = field(default_factory=set)  # pids of workers the suite killed on purpose
    # Where the producer, in the suite's own process on this host, reaches Redis (by default `redis_url`).
    producer_url: Callable[[], str] | None = None
    _app: Celery | None = None

    @property
    def _worker_env(self) -> dict[str, str]:
        return {contract.VISIBILITY_TIMEOUT: str(self.visibility_timeout)}

    # -- workers ---------------------------------------------------------------
    def start_worker(self, queue: str) -> Process:
        """A new worker on `queue`, once it reports ready. Workers live for the feature."""
        process = self._spawn(queue)
        self.processes.wait_for(process, "worker-ready", timeout=self.start_timeout)
        return process

    def ensure_workers(self, queues: list[str]) -> None:
        """A running worker on each queue; the missing ones start side by side."""
        started = [self._spawn(queue) for queue in queues if not self.running(queue)]
        for process in started:
            self.processes.wait_for(process, "worker-ready", timeout=self.start_timeout)

    def _spawn(self, queue: str) -> Process:
        process = self.processes.take(
            *_worker_kind(queue), redis_url=self.redis_url(), scope=FEATURE, extra_env=self._worker_env
        )
        process.send("go")
        self.workers.setdefault(queue, []).append(process)
        # The other bulkhead queues will want a worker soon; let theirs load meanwhile.
        for other in QUEUES:
            self.warm(other)
        return process

    def spare_loaded(self, queue: str) -> None:
        """The spare worker for `queue` has loaded Python and Celery, so that one
        started next is on the queue within a connect. A step that times what
        Redis does after a kill times Redis, not this machine loading Celery:
        with the spare still loading, a redelivery took 1.7-3.1 s under three
        parallel runs instead of 1.1-1.4 s."""
        kind, argv = _worker_kind(queue)
        redis_url = self.redis_url()
        self.processes.await_spare(kind, argv, redis_url=redis_url, loaded="worker-loaded", timeout=self.start_timeout)

    def warm(self, queue: str) -> None:
        """A spare worker for `queue` loading now, unless no step still to come takes one."""
        self.processes.warm(*_worker_kind(queue), redis_url=self.redis_url(), extra_env=self._worker_env)

    def running(self, queue: str) -> list[Process]:
        return [p for p in self.workers.get(queue, []) if p.alive]

    def worker(self, queue: str) -> Process:
        """A running worker on `queue`, started if there is none."""
        alive = self.running(queue)
        return alive[0] if alive else self.start_worker(queue)

    def stop_workers(self, queue: str) -> None:
        """No worker consumes `queue` any more. The next one to be wanted starts
        loading now, as a spare: it connects to nothing until it is taken."""
        for process in self.workers.pop(queue, []):
            process.stop()
        self.warm(queue)

    def forget_workers(self) -> None:
        """After the feature's processes were stopped."""
        self.workers.clear()
        self.killed.clear()

    def worker_died(self) -> str | None:
        """Why a wait for a worker is decided already: a worker of this feature
        exited by itself (Redis refused a command it needs, say), or Redis can
        answer nobody (frozen; in HA, every data node); None otherwise."""
        for process in (p for workers in self.workers.values() for p in workers):
            if process.pid not in self.killed and not process.alive:
                return process.exit_reason()
        return self.processes.service_gone()

    # -- the producer on the host ---------------------------------------------------
    @property
    def app(self) -> Celery:
        """The producer, for Redis as it is reached now (a scenario may change that)."""
        url = (self.producer_url or self.redis_url)()
        if self._app is None or self._app.conf.broker_url != url:
            self.close()
            self._app = Celery("opticserp-producer", set_as_current=False)
            self._app.conf.update(bounded(tasks.settings(url, self.visibility_timeout)))
        return self._app

    def send(self, task: str, queue: str, token: str | None = None, *, retry: bool = True) -> tuple[str, AsyncResult]:
        token = token or uuid.uuid4().hex
        return token, self.app.send_task(task, args=[token], queue=queue, retry=retry)

    def send_later(self, task: str, queue: str, countdown: float) -> tuple[str, AsyncResult]:
        """`send`, to run `countdown` seconds from now, as OpticsERP is told to send it (stand_ins/delayed_tasks.py)."""
        token = uuid.uuid4().hex
        return token, delayed_tasks.send_later(self.app, task, [token], queue=queue, countdown=countdown)

    def queued(self, queue: str) -> int:
        """Messages waiting in `queue`, as kombu counts them. Not passive: Redis
        drops an empty list, and kombu then calls the queue missing."""
        with self.app.connection_for_read() as connection:
            return int(connection.default_channel.queue_declare(queue=queue).message_count)

    def purge(self, queue: str) -> None:
        with self.app.connection_for_write() as connection:
            connection.default_channel.queue_purge(queue)

    def release(self, token: str) -> None:
        """End an `occupy` task."""
        tasks.release_file(self.processes.journal_dir, token).touch()

    def executions(self, token: str) -> list[Entry]:
        """What workers journaled doing with one task, in time order."""
        return [e for e in self.processes.entries() if e.event in ("executed", "started") and e["token"] == token]

    def result(self, token: str, sent: AsyncResult, since: float, within: float) -> Observed[str]:
        """The task's result through the result backend. Waits a little past
        `within`, so a late result is measured, not just refused."""
        deadline = since + within + self.slack
        while True:  # in slices, to stop as soon as no worker is left to produce it
            try:
                value = sent.get(timeout=min(RESULT_SLICE, max(0.0, deadline - self.poller.clock())))
            except CeleryTimeout as error:
                seen = [str(e) for e in self.executions(token)] or "no worker journaled it"
                died = self.worker_died()
                if died:
                    raise TerminalState(f"result of task {token}", died, seen) from error
                if self.poller.clock() >= deadline:
                    raise DeadlineExceeded(f"result of task {token}", within + self.slack, seen) from error
                continue
            return Observed(str(value), self.poller.clock() - since)

    def wait_started(self, token: str, timeout: float, nth: int = 1) -> Observed[Entry]:
        """The `nth` time a worker started (or executed) the task."""
        observed = self.poller.until(
            f"a worker starts task {token} (delivery {nth})",
            lambda: self.executions(token),
            lambda found: len(found) >= nth,
            timeout=timeout,
            give_up=lambda _: self.worker_died(),
        )
        return Observed(observed.value[nth - 1], observed.elapsed)

    def occupy(
        self,
        task: str,
        queue: str,
        timeout: float,
        until_released: Callable[[Callable[[], None]], None],
        *,
        on_its_worker: bool = False,
    ) -> Entry:
        """Send a long `task` to `queue` and wait until a worker has started it;
        `until_released` is given what ends the task (before the wait, so a
        failed wait still frees the worker). `on_its_worker`: it must start on
        the queue's running worker (started first if there is none)."""
        worker = self.worker(queue) if on_its_worker else None
        token, _ = self.send(task, queue)
        until_released(lambda: self.release(token))
        started = self.wait_started(token, timeout=timeout).value
        if worker is not None and started.pid != worker.pid:
            raise HarnessError(f"task {token} for {queue} started on pid {started.pid}, not on its worker {worker.pid}")
        return started

    def kill_worker(self, pid: int) -> None:
        """SIGKILL the worker with this pid, as an OOM kill or a power cut would."""
        for process in (p for workers in self.workers.values() for p in workers):
            if process.pid == pid:
                self.killed.add(pid)
                process.kill()
                return
        raise HarnessError(f"no worker of this run has pid {pid}")

    def close(self) -> None:
        if self._app is not None:
            self._app.close()
            self._app = None


def bounded(settings: dict[str, Any]) -> dict[str, Any]:
    """The producer's settings with every socket call bounded: kombu sets no
    socket timeout of its own (celery #6348), so a frozen Redis would hang the
    suite's own process in a read for good. The workers keep the consumer's
    settings; the suite bounds its waits around them."""
    transport = {**settings["broker_transport_options"], "socket_timeout": SOCKET_TIMEOUT, "socket_connect_timeout": 2}
    return {
        **settings,
        "broker_transport_options": transport,
        "broker_connection_timeout": 2,
        "broker_connection_max_retries": 1,
        "redis_socket_timeout": SOCKET_TIMEOUT,
        "redis_socket_connect_timeout": 2,
    }


def _worker_kind(queue: str) -> tuple[str, list[str]]:
    return f"{WORKER_KIND_PREFIX}{queue}", [
        "-m",
        "celery",
        "-A",
        "stand_ins.tasks",
        "worker",
        "--pool=solo",
        "--queues",
        queue,
        "--hostname",
        f"{queue}@%h",
        # No cluster chatter: the worker is up in about half a second.
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
        "--loglevel",
        "INFO",
    ]


def queued_plainly(client: redis.Redis, queue: str) -> int:
    """Messages waiting in `queue`, read with one LLEN per list kombu keeps for
    it (one per priority step). kombu's own count is a MULTI, which Redis
    refuses whole once memory is full; a plain read it still serves."""
    keys = [f"{queue}{Channel.sep}{pri}" if pri else queue for pri in PRIORITY_STEPS]
    return sum(int(client.llen(key)) for key in keys)

"""The plan's three consumers of Redis for one run: the sync lock's workers,
the Celery broker's workers and producer, and the scheduler's processes, all
sharing the run's scratch directory, journal and process registry."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import redis

from harness.consumers import celery_broker, job_store, sync_lock
from harness.consumers.celery_broker import CeleryBroker
from harness.consumers.job_store import Schedulers
from harness.consumers.processes import FEATURE, SCENARIO, Processes
from harness.consumers.spares import Always, Demand
from harness.consumers.sync_lock import SyncWorkers
from harness.core.config import Settings
from harness.core.polling import Poller


@dataclass(frozen=True)
class Kept:
    """What the three consumers keep in Redis, after a fault (memory run out, a backup restored)."""

    lock: bool  # still held by its worker
    tasks: int  # queued
    job: bool  # still stored
    what = "what the consumers keep in Redis"

    @property
    def value(self) -> dict[str, object]:
        return {"lock held by its worker": self.lock, "tasks queued": self.tasks, "job stored": self.job}

    def __str__(self) -> str:
        lock = "the lock held by its worker" if self.lock else "the lock LOST"
        job = "the job stored" if self.job else "the job LOST"
        return f"Afterwards: {lock}, {self.tasks} tasks queued, {job}."


@dataclass
class Consumers:
    scratch: Path
    processes: Processes
    lock: SyncWorkers
    celery: CeleryBroker
    schedulers: Schedulers

    @classmethod
    def reaching(
        cls,
        redis_url: Callable[[], str],
        run_marker: str,
        service_gone: Callable[[], str | None],
        settings: Settings,
        poller: Poller,
        scratch: Path,
        launcher: Sequence[str] = (),
        producer_url: Callable[[], str] | None = None,
        demand: Demand | None = None,
    ) -> Consumers:
        """Consumers that reach Redis by `redis_url` (a `sentinel://` one: through
        the sentinels), each process run by `launcher` (a seat on a network, say);
        the suite's own Celery producer by `producer_url` (by default `redis_url`);
        a spare of a kind loaded while `demand` says a step still to come takes one."""
        processes = Processes(
            scratch, run_marker, poller, service_gone=service_gone, launcher=launcher, demand=demand or Always()
        )
        started, slack = settings.process_start_timeout, settings.slack
        broker = CeleryBroker(
            processes, redis_url, poller, started, settings.visibility_timeout, slack, producer_url=producer_url
        )
        return cls(
            scratch,
            processes,
            SyncWorkers(processes, redis_url, poller, started, settings.release_timeout, slack),
            broker,
            Schedulers(processes, redis_url, poller, started, slack),
        )

    def kept(self, client: redis.Redis, lock_owner: str, queue: str, job_id: str) -> Kept:
        """What each consumer keeps in Redis, read through `client`: whether the
        lock is still `lock_owner`'s, how many tasks `queue` holds, and whether
        the job `job_id` is stored."""
        return Kept(
            sync_lock.owner(client) == lock_owner,
            celery_broker.queued_plainly(client, queue),
            self.schedulers.lookup(job_id) is not None,
        )

    def warm(self, kinds: frozenset[str]) -> None:
        """A spare of each of `kinds` loading now, so that the step that first takes one does not wait for it."""
        for kind in sorted(kinds):
            if kind == sync_lock.KIND:
                self.lock.warm()
            elif kind == job_store.KIND:
                self.schedulers.warm()
            elif kind.removeprefix(celery_broker.WORKER_KIND_PREFIX) in celery_broker.QUEUES:
                self.celery.warm(kind.removeprefix(celery_broker.WORKER_KIND_PREFIX))

    def end_scenario(self, failed: bool) -> None:
        self.processes.stop(SCENARIO)
        # Each scenario's producer starts afresh: one whose connections a crash
        # broke would first spend the next scenario's time reconnecting.
        self.celery.close()
        if failed:
            # What a failed scenario left behind (a worker backing off, a task
            # in flight) must not decide the next one: it gets fresh processes.
            self.processes.stop(FEATURE)
            self.celery.forget_workers()

    def end_feature(self) -> None:
        # Celery workers finish their warm shutdown while the next feature runs.
        self.processes.stop(FEATURE, wait=False)
        self.celery.forget_workers()

    def close(self) -> None:
        """Stop every process the run started."""
        self.processes.stop()
        self.celery.close()

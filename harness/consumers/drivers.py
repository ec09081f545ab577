"""The plan's three consumers of Redis for one run: the sync lock's workers,
the Celery broker's workers and producer, and the scheduler's processes, all
sharing the run's scratch directory, journal and process registry."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import redis

from harness.consumers import sync_lock
from harness.consumers.celery_broker import CeleryBroker
from harness.consumers.job_store import Schedulers
from harness.consumers.processes import FEATURE, SCENARIO, Always, Demand, Processes
from harness.consumers.sync_lock import SyncWorkers
from harness.core.config import Settings
from harness.core.polling import Poller
from harness.topology.node import Node


@dataclass
class Consumers:
    scratch: Path
    processes: Processes
    lock: SyncWorkers
    celery: CeleryBroker
    schedulers: Schedulers

    @classmethod
    def create(cls, node: Node, settings: Settings, poller: Poller, scratch: Path, demand: Demand) -> Consumers:
        """Consumers of the single node, on its published port."""
        return cls.reaching(node.redis_url, node.project.name, node.frozen, settings, poller, scratch, demand=demand)

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
        started = settings.process_start_timeout
        return cls(
            scratch,
            processes,
            SyncWorkers(processes, redis_url, poller, started, settings.release_timeout),
            CeleryBroker(processes, redis_url, poller, started, settings.visibility_timeout, producer_url=producer_url),
            Schedulers(processes, redis_url, poller, started),
        )

    def kept(self, client: redis.Redis, lock_owner: str, queue: str, job_id: str) -> dict[str, object]:
        """What each consumer keeps in Redis, read through `client`: whether the
        lock is still `lock_owner`'s, how many tasks `queue` holds, and whether
        the job `job_id` is stored."""
        return {
            "lock held by its worker": sync_lock.owner(client) == lock_owner,
            "tasks queued": self.celery.queued_plainly(client, queue),
            "job stored": self.schedulers.lookup(job_id) is not None,
        }

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

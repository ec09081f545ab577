"""The plan's three consumers of Redis for one run: the sync lock's workers,
the Celery broker's workers and producer, and the scheduler's processes, all
sharing the run's scratch directory, journal and process registry."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.consumers.celery_broker import CeleryBroker
from harness.consumers.job_store import Schedulers
from harness.consumers.processes import FEATURE, SCENARIO, Processes
from harness.consumers.sync_lock import SyncWorkers
from harness.core.polling import Poller
from harness.topology.stack import Stack


@dataclass
class Consumers:
    scratch: Path
    processes: Processes
    lock: SyncWorkers
    celery: CeleryBroker
    schedulers: Schedulers

    @classmethod
    def create(cls, stack: Stack, poller: Poller, scratch: Path) -> Consumers:
        processes = Processes(scratch, stack.compose.project, poller, service_gone=stack.frozen)
        return cls(
            scratch,
            processes,
            SyncWorkers(processes, stack.redis_url, poller),
            CeleryBroker(processes, stack.redis_url, poller),
            Schedulers(processes, stack.redis_url, poller),
        )

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

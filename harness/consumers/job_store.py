"""APScheduler's Redis job store as the sync scheduler uses it: scheduler
processes that store and fire jobs (stand_ins/scheduler.py), and a look into
the store through APScheduler itself."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from apscheduler.job import Job

from harness.consumers.processes import FEATURE, Process, Processes
from harness.core.polling import Observed, Poller
from stand_ins.journal import Entry
from stand_ins.scheduler import job_store

KIND = "scheduler"  # the kind of process `@takes` names
SCHEDULER = ("-m", "stand_ins.scheduler")


@dataclass
class Schedulers:
    processes: Processes
    redis_url: Callable[[], str]
    poller: Poller
    start_timeout: float  # seconds for a process to start and report
    slack: float  # seconds a firing is waited for past its bound, to measure it
    repeating: tuple[Process, str] | None = None  # the feature's repeating job's scheduler, and its token

    def warm(self) -> None:
        """A spare scheduler loading now, unless no step still to come takes one."""
        self.processes.warm(KIND, SCHEDULER, redis_url=self.redis_url())

    def _start(self, orders: str) -> Process:
        """A fresh scheduler process, given its orders."""
        process = self.processes.take(KIND, SCHEDULER, redis_url=self.redis_url())
        process.send(orders)
        return process

    def store(self, job_id: str, token: str) -> Entry:
        """A scheduler process stores a job due now and exits without running it."""
        process = self._start(f"store {job_id} {token}")
        stored = self.processes.wait_for(process, "stored", timeout=self.start_timeout).value
        process.stop()
        return stored

    def try_store(self, job_id: str, token: str) -> Entry:
        """`store`, where Redis may say no: what the scheduler journals first, `stored` or `refused`."""
        process = self._start(f"store {job_id} {token}")
        answer = self.processes.first_of(process, ("stored", "refused"), timeout=self.start_timeout)
        process.stop()
        return answer

    def run(self) -> Process:
        """A new scheduler process that loads the stored jobs and fires the due ones."""
        return self._start("run")

    def fired(self, token: str) -> list[Entry]:
        return [e for e in self.processes.entries("fired") if e["token"] == token]

    def wait_fired(
        self, scheduler: Process, token: str, since: float, within: float, lost: str | None = None
    ) -> Observed[Entry]:
        """The job firing anywhere; waits a little past `within`, to measure a
        late one, unless `lost` says why it cannot fire."""
        observed = self.poller.until(
            f"the job with token {token} fired",
            lambda: next(iter(self.fired(token)), None),
            lambda entry: entry is not None,
            timeout=within + self.slack,
            since=since,
            give_up=lambda _: lost or scheduler.exit_reason(),
        )
        assert observed.value is not None
        return Observed(observed.value, observed.elapsed)

    def lookup(self, job_id: str) -> Job | None:
        store = job_store(self.redis_url())
        store.start(None, "default")  # a store outside a scheduler still needs its alias
        try:
            return store.lookup_job(job_id)
        finally:
            store.shutdown()

    def remove_all(self) -> None:
        store = job_store(self.redis_url())
        try:
            store.remove_all_jobs()
        finally:
            store.shutdown()

    def every(self, seconds: float) -> tuple[Process, str]:
        """A scheduler, living for the feature, that has stored a job firing every
        `seconds` in Redis and fires it from there; and the job's token. The
        one started by an earlier scenario of the feature, if it still runs."""
        if self.repeating is not None and self.repeating[0].alive:
            return self.repeating
        token = uuid.uuid4().hex
        process = self.processes.take(KIND, SCHEDULER, redis_url=self.redis_url(), scope=FEATURE)
        process.send(f"every every-{token} {token} {seconds:g}")
        self.processes.wait_for(process, "stored", timeout=self.start_timeout)
        self.repeating = (process, token)
        return self.repeating

    def wait_fired_after(self, scheduler: Process, token: str, after: float, within: float) -> Observed[Entry]:
        """The job's first firing after the monotonic time `after`, waiting up to
        `within` seconds from then (plus a little, to measure a late one)."""
        observed = self.poller.until(
            f"the job with token {token} fired after {after:.3f}",
            lambda: next((e for e in self.fired(token) if e.t > after), None),
            lambda entry: entry is not None,
            timeout=within + self.slack,
            since=after,
            give_up=lambda _: scheduler.exit_reason(),
        )
        assert observed.value is not None
        return Observed(observed.value, observed.elapsed)

"""The sync lock as the fiscal sync workers use it (stand_ins/sync_worker.py),
driven and judged from outside: who holds it, who waits, and whether any two
critical sections overlapped, from the journal rather than from Redis."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import redis
from redis_lock import Lock

from harness.consumers.processes import Process, Processes
from harness.core.errors import HarnessError
from harness.core.polling import Observed, Poller
from stand_ins.journal import Entry
from stand_ins.sync_worker import LOCK_NAME

WORKER = ("-m", "stand_ins.sync_worker")
KIND = "sync-worker"  # the kind of process `@takes` names
ANSWERS = ("acquired", "refused")  # what a worker asking for the lock journals first
SYNC_ENDS = ("synced", "lost")  # a sync finished, or stopped once its worker learned the lock was lost
PROBE_INTERVAL = 0.02  # seconds between tries to take the lock when timing its expiry


@dataclass(frozen=True)
class Holding:
    process: Process
    owner: str  # the lock's id, as the holder took it
    asked: float  # monotonic time just before the holder asked for the lock
    taken: float  # monotonic time just after it had it


@dataclass(frozen=True)
class Release:
    outcome: str  # "released", or the error the holder got
    requested: float  # monotonic time the holder was told to release
    done: float  # monotonic time it had released, or failed to


@dataclass(frozen=True)
class Section:
    pid: int
    entered: float
    left: float

    def __str__(self) -> str:
        return f"pid {self.pid} [{self.entered:.6f}, {self.left:.6f}]"


def overlapping(sections: Iterable[Section]) -> list[tuple[Section, Section]]:
    """Pairs of sections that were inside the lock at the same time."""
    pairs = []
    latest: Section | None = None  # the section that left last so far
    for section in sorted(sections, key=lambda s: s.entered):
        if latest is not None and section.entered < latest.left:
            pairs.append((latest, section))
        if latest is None or section.left > latest.left:
            latest = section
    return pairs


@dataclass(frozen=True)
class Contention:
    workers: int
    sections: list[Section]
    counter: int  # the shared counter every section incremented
    overlaps: list[tuple[Section, Section]]
    seconds: float
    exit_codes: list[int]

    def __str__(self) -> str:
        first = f"; first: {self.overlaps[0][0]} and {self.overlaps[0][1]}" if self.overlaps else ""
        failed = [code for code in self.exit_codes if code != 0]
        exits = f", {len(failed)} workers failed (exit codes {failed})" if failed else ""
        return (
            f"{len(self.sections)} sections by {self.workers} workers in {self.seconds:.2f} s, "
            f"{len(self.overlaps)} overlapping pairs{first}, shared counter {self.counter}{exits}"
        )


@dataclass
class SyncWorkers:
    processes: Processes
    redis_url: Callable[[], str]
    poller: Poller
    start_timeout: float  # seconds for a process to start and report
    release_timeout: float  # seconds for a holder to release when told to
    slack: float  # seconds a handover is waited for past its bound, to measure it

    def _start(self, *args: str) -> Process:
        return self.processes.start("sync-worker", [*WORKER, *args], redis_url=self.redis_url())

    def warm(self) -> None:
        """A worker process loaded and waiting, so the next one asked acts at once."""
        self.processes.warm(KIND, [*WORKER, "hold"], redis_url=self.redis_url())

    def _take(self, expire: int) -> Process:
        """A fresh worker process, told to take the lock."""
        return self._ordered(f"take {expire}")

    def _ordered(self, orders: str) -> Process:
        process = self.processes.take(KIND, [*WORKER, "hold"], redis_url=self.redis_url())
        process.send(orders)
        return process

    def hold(self, expire: int) -> Holding:
        """A worker that has taken the lock and holds it until told to release."""
        return self._holding(self._take(expire))

    def sync(self, expire: int, seconds: float) -> Holding:
        """A worker that has taken the lock as OpticsERP is told to (stand_ins/fiscal_lock.py)
        and runs a sync of `seconds`, checking the lock before each fiscal write."""
        return self._holding(self._ordered(f"sync {expire} {seconds}"))

    def _holding(self, process: Process) -> Holding:
        """Once `process` has the lock: when it asked, and when it had it."""
        taken = self.processes.wait_for(process, "acquired", timeout=self.start_timeout).value
        asked = self.processes.wait_for(process, "acquiring", timeout=0).value
        return Holding(process, taken["owner"], asked.t, taken.t)

    def wait(self, expire: int, client: redis.Redis | None) -> Process:
        """A worker blocked waiting for the lock, as Redis itself reports it
        through `client`; None: as the worker reports it (its waits through the
        sentinels are slices, each on a connection of its own choosing)."""
        process = self._take(expire)
        self.processes.wait_for(process, "acquiring", timeout=self.start_timeout)
        if client is None:
            return process
        self.poller.until(
            f"sync worker {process.pid} blocked waiting for {LOCK_NAME}",
            lambda: blocked_clients(client),
            lambda names: f"sync-worker-{process.pid}" in names,
            timeout=self.start_timeout,
            give_up=lambda _: process.exit_reason(),
        )
        return process

    def ask(self, expire: int) -> Entry:
        """A fresh worker asks for the lock; what it journals first: `acquired`,
        or `refused` (Redis said no: no replica acknowledged it, or its disk is full)."""
        return self.processes.first_of(self._take(expire), ANSWERS, timeout=self.start_timeout)

    def release(self, holding: Holding, timeout: float) -> Release:
        """Tell the holder to release; its journal says whether it could."""
        holding.process.send("release")
        observed = self.poller.until(
            f"sync worker {holding.process.pid} releases {LOCK_NAME}",
            lambda: next(
                (e for e in self.processes.entries(pid=holding.process.pid) if e.event.startswith("release")), None
            ),
            lambda entry: entry is not None,
            timeout=timeout,
            give_up=lambda _: holding.process.exit_reason(),
        )
        entry = observed.value
        assert entry is not None
        outcome = "released" if entry.event == "released" else entry["error"]
        return Release(outcome, entry["requested"], entry.t)

    def released(self, holding: Holding) -> Release:
        """`release`, where the step needs it done: the holder's error fails it."""
        release = self.release(holding, self.release_timeout)
        if release.outcome != "released":
            raise HarnessError(f"sync worker {holding.process.pid} could not release {LOCK_NAME}: {release.outcome}")
        return release

    def handover(self, release: Release, waiter: Process, within: float, *, from_done: bool = False) -> float:
        """Seconds from the release (asked for; `from_done`: done) to the waiter
        holding the lock. Waits a little past `within`, so a late handover is
        measured, not just refused."""
        since = release.done if from_done else release.requested
        taken = self.processes.wait_for(waiter, "acquired", timeout=within + self.slack, since=since)
        return taken.value.t - since

    def contend(self, workers: int, sections: int, expire: int, scratch: Path, timeout: float) -> Contention:
        """`workers` processes run `sections` critical sections each, all
        starting at once; the journal and a shared counter say what happened."""
        counter = scratch / "sync-counter"
        counter.write_text("0", encoding="ascii")
        supervisor = self._start(
            "contend",
            "--workers",
            str(workers),
            "--expire",
            str(expire),
            "--sections",
            str(sections),
            "--counter",
            str(counter),
        )
        pids = set(self.processes.wait_for(supervisor, "ready", timeout=self.start_timeout).value["workers"])
        began = self.poller.clock()
        supervisor.send("go")
        done = self.processes.wait_for(supervisor, "done", timeout=timeout, since=began)
        recorded = [Section(e.pid, e["entered"], e["left"]) for e in self.processes.entries("section") if e.pid in pids]
        return Contention(
            workers, recorded, int(counter.read_text()), overlapping(recorded), done.elapsed, done.value["exit_codes"]
        )


def blocked_clients(client: redis.Redis) -> set[str]:
    """Names of the clients Redis has blocked on a list (BLPOP), from CLIENT LIST."""
    return {c.get("name", "") for c in client.client_list() if "b" in c.get("flags", "")}


def reset(client: redis.Redis) -> None:
    """Free the lock whoever holds it, so the next scenario starts from a free
    lock. Plain DEL, python-redis-lock's key names: no Lua, which may be broken."""
    client.delete(f"lock:{LOCK_NAME}", f"lock-signal:{LOCK_NAME}")


def owner(client: redis.Redis) -> str | None:
    """Who holds the sync lock, by python-redis-lock's own reckoning."""
    found = Lock(client, LOCK_NAME).get_owner_id()
    return found.decode() if isinstance(found, bytes) else found


@dataclass(frozen=True)
class Freed:
    at: float  # monotonic time of the first successful take
    tries: int


def after_expiry(holding: Holding, freed: Freed, expire: int) -> float:
    """Seconds from the lock's expiry (counted from when the holder asked for
    it, the earliest it can have begun) to the first successful take."""
    return freed.at - (holding.asked + expire)


def first_take(client: redis.Redis, poller: Poller, expire: int, deadline: float) -> Observed[Freed]:
    """Try to take the lock as another worker would, until it can; returns when
    it first could (and then releases it)."""
    fine = dataclasses.replace(poller, interval=PROBE_INTERVAL)
    tries = 0

    def take() -> Freed | None:
        nonlocal tries
        tries += 1
        lock = Lock(client, LOCK_NAME, expire=expire)
        if not lock.acquire(blocking=False):
            return None
        at = poller.clock()
        lock.release()
        return Freed(at, tries)

    start = poller.clock()
    observed = fine.until(
        f"{LOCK_NAME} free to take", take, lambda freed: freed is not None, timeout=max(0.0, deadline - start)
    )
    assert observed.value is not None
    return Observed(observed.value, observed.elapsed)

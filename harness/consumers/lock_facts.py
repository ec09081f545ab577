"""What the sync lock did for OpticsERP's sync workers, as typed findings:
each holds what a Then step asserts on and says itself in one sentence for
the sign-off (`Evidence.observe`). The probes that produce them are here too."""

from __future__ import annotations

from dataclasses import dataclass

import redis
from redis_lock import Lock

from harness.consumers import sync_lock
from harness.consumers.processes import Process
from harness.consumers.sync_lock import SYNC_ENDS, Contention, Freed, Holding, Release
from harness.core.polling import Poller
from stand_ins.journal import Entry
from stand_ins.sync_worker import LOCK_NAME


@dataclass(frozen=True)
class Contended:
    """Contending workers' critical sections, journaled."""

    contention: Contention
    what = "contention"

    @property
    def value(self) -> str:
        return str(self.contention)

    def __str__(self) -> str:
        c = self.contention
        return (
            f"{len(c.sections)} critical sections by {c.workers} workers in {c.seconds:.2f} s: "
            f"{len(c.overlaps)} overlapped; the shared counter reached {c.counter}."
        )


@dataclass(frozen=True)
class FreedAtExpiry:
    """A killed holder's lock, first taken by another worker."""

    holding: Holding
    freed: Freed
    expire: int  # seconds: the lock's expiry
    what = "lock free after its holder was killed"

    @property
    def held(self) -> float:
        return self.freed.at - self.holding.taken

    @property
    def test_setting(self) -> tuple[str, str]:
        return "lock expiry", f"{self.expire} s"

    @property
    def after_expiry(self) -> float:
        return sync_lock.after_expiry(self.holding, self.freed, self.expire)

    @property
    def value(self) -> str:
        return f"{self.held:.3f} s after it was taken (expiry {self.expire} s), {self.freed.tries} tries"

    def reading(self) -> str:
        taken, freed = self.holding.taken, self.freed.at
        return f"seconds from the expiry to the first successful take (taken {taken:.3f}, freed {freed:.3f})"

    def __str__(self) -> str:
        return (
            f"The lock of the killed holder could be taken {self.held:.2f} s after it was taken, "
            f"with a {self.expire} s expiry."
        )


def freed_at_expiry(client: redis.Redis, poller: Poller, holding: Holding, expire: int, bound: float) -> FreedAtExpiry:
    """Take the lock as another worker would, until it can (or `bound` seconds past its expiry)."""
    freed = sync_lock.first_take(client, poller, expire, deadline=holding.taken + expire + bound).value
    return FreedAtExpiry(holding, freed, expire)


@dataclass(frozen=True)
class Kept:
    """The lock after a failover: still its holder's, and closed to another worker."""

    fault: str
    node: str  # the new master
    holder: str  # the holder's process name
    owner: str | None
    taken_by_another: bool
    what = "sync lock after the failover"

    @property
    def value(self) -> dict[str, object]:
        return {"owner": self.owner, "another worker took it": self.taken_by_another}

    def __str__(self) -> str:
        return f"After the {self.fault}, {self.node} says the sync lock is {self.holder}'s: {self.value}."


def kept(client: redis.Redis, holding: Holding, fault: str, node: str) -> Kept:
    """Who holds the lock now, as `client` sees it, and whether another worker can take it."""
    taken = Lock(client, LOCK_NAME).acquire(blocking=False)
    return Kept(fault, node, holding.process.name, sync_lock.owner(client), bool(taken))


@dataclass(frozen=True)
class RefusedWithoutReplica:
    """A worker asking for the lock while no replica can acknowledge it."""

    answer: Entry  # what the worker journaled first: acquired or refused
    took: float  # seconds from the freeze
    owner: str | None  # who holds the lock after
    what = "sync lock without a replica"

    @property
    def seen(self) -> dict[str, object]:
        return {"answer": self.answer.event, "seconds": self.took, "owner": self.owner}

    @property
    def value(self) -> dict[str, object]:
        return {"answer": self.answer.event, "owner": self.owner}

    def __str__(self) -> str:
        error = f": {self.answer['error']}" if self.answer.event == "refused" else ""
        return (
            f"With both standbys frozen, a sync worker asking for the lock {self.took:.2f} s after the freeze was "
            f"told {self.answer.event}{error}; the lock's owner: {self.owner}."
        )


@dataclass(frozen=True)
class Handover:
    """The lock passing from its holder's release to a waiting worker."""

    seconds: float  # from the release to the waiter holding it
    what = "seconds from release to the waiter holding the lock"

    @property
    def value(self) -> float:
        return round(self.seconds, 4)

    def __str__(self) -> str:
        return f"The waiting worker held the lock {self.seconds * 1000:.0f} ms after the release."


@dataclass(frozen=True)
class HandoverThroughFailover:
    """The lock passing to a worker that waited for it through a failover."""

    release: Release
    seconds: float  # from the release done to the waiter holding it
    waited: float  # seconds the waiter waited
    socket_timeout: float  # the consumers' client socket timeout
    what = "seconds from the release to the waiter's acquire"

    @property
    def value(self) -> float:
        return round(self.seconds, 3)

    @property
    def seen(self) -> dict[str, float]:
        return {"handover": self.seconds, "waited": self.waited}

    def __str__(self) -> str:
        told = self.release.done - self.release.requested
        return (
            f"The holder released the sync lock {told:.2f} s after it was told to; "
            # The waiter may journal its acquire a hair before the holder journals its release as done.
            f"the waiting worker held it {max(self.seconds, 0.0):.3f} s later, having waited {self.waited:.1f} s "
            f"through the failover (client socket timeout {self.socket_timeout:g} s)."
        )


@dataclass(frozen=True)
class LongSync:
    """A sync longer than the lock's expiry, beside the worker that waited for the lock."""

    expire: int
    seconds: float  # the sync's length
    writes: list[float]  # monotonic times of the holder's fiscal writes
    ended: str  # "synced": it finished; "lost": it stopped, having learned the lock was lost
    ended_at: float
    taken: float  # monotonic time the holder had the lock
    other: float  # monotonic time the waiting worker had it
    why: str = ""  # what told the holder it had lost the lock
    what = "a sync longer than the lock's expiry"

    @property
    def test_setting(self) -> tuple[str, str]:
        return "lock expiry", f"{self.expire} s"

    @property
    def overlapping(self) -> list[float]:
        """The holder's writes while the other worker held the lock."""
        return [t for t in self.writes if t >= self.other]

    @property
    def value(self) -> dict[str, object]:
        return {
            "writes": len(self.writes),
            "ended": self.ended,
            "seconds to the end": round(self.ended_at - self.taken, 3),
            "seconds to the other's turn": round(self.other - self.taken, 3),
            "writes while the other held it": len(self.overlapping),
        }

    def __str__(self) -> str:
        how = "finished it" if self.ended == "synced" else f"stopped ({self.why}),"
        return (
            f"A {self.seconds:g} s sync under a {self.expire} s lock sent {len(self.writes)} fiscal writes and {how} "
            f"{self.ended_at - self.taken:.2f} s after taking the lock; the waiting worker took it "
            f"{self.other - self.taken:.2f} s after the first had: "
            f"{len(self.overlapping)} writes while the other held it."
        )


def long_sync(
    workers: sync_lock.SyncWorkers, holding: Holding, waiter: Process, expire: int, seconds: float
) -> LongSync:
    """The holder's sync to its end (finished, or stopped on losing the lock) and the
    waiter's turn at the lock, which comes at that end or at the lock's expiry."""
    processes, pid = workers.processes, holding.process.pid
    ended = workers.poller.until(
        f"sync worker {pid} ends its {seconds:g} s sync",
        lambda: next((e for e in processes.entries(pid=pid) if e.event in SYNC_ENDS), None),
        lambda entry: entry is not None,
        timeout=seconds + expire + workers.start_timeout,
        give_up=lambda _: holding.process.exit_reason(),
    ).value
    assert ended is not None
    other = processes.wait_for(waiter, "acquired", timeout=expire + workers.slack).value
    writes = [e.t for e in processes.entries("wrote", pid=pid)]
    why = ended["error"] if ended.event == "lost" else ""
    return LongSync(expire, seconds, writes, ended.event, ended.t, holding.taken, other.t, why)

"""What the sync lock did for OpticsERP's sync workers, as typed findings:
each holds what a Then step asserts on and says itself in one sentence for
the sign-off (`Evidence.observe`). The probes that produce them are here too."""

from __future__ import annotations

from dataclasses import dataclass

import redis
from redis_lock import Lock

from harness.consumers import sync_lock
from harness.consumers.sync_lock import Contention, Freed, Holding, Release
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

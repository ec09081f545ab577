"""Writes counted through a fault. `Writer` writes continuously to whichever
node the sentinels name master, as a client would, and records each write
the master acknowledged and whether a replica acknowledged it too (`WAIT 1`).
`Hammer` writes to one node directly, to count the writes a node that should
refuse them (a returning old master) accepted. Both are bounded in count and
time, and run in a thread of their own."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import redis

PREFIX = "opterp20:ha:write:"
DIRECT = f"{PREFIX}direct:"  # the keys `hammer` writes
WAIT_REPLICAS, WAIT_MS = 1, 500  # WAIT 1 500: one replica within half a second
MAX_WRITES = 200_000
BOUND = 120.0  # seconds: a writer nobody stopped still ends
RETRY_PAUSE = 0.02  # seconds after a refused write before the next, so a dead master is not spun on
# At most one write every 2 ms: still a millisecond's resolution around a fault, without spending a core
# (unpaced, a direct writer ran at 2,000-7,000 writes a second).
PACE = 0.002
MGET_BATCH = 1000
NO_MASTER = "NOMASTER"  # a write not sent: no majority of the sentinels named a master
# What one write came to: the node that acknowledged it and whether a replica did too, or the refusal's kind.
Outcome = tuple[str, bool] | str


@dataclass(frozen=True)
class Write:
    n: int
    at: float  # monotonic time of the master's acknowledgement
    replicated: bool  # a replica acknowledged it (WAIT returned at least 1)
    node: str  # the node that acknowledged it


@dataclass
class Tally:
    acknowledged: list[Write] = field(default_factory=list)
    refused: dict[str, int] = field(default_factory=dict)  # error class -> count
    first_refusal: float | None = None
    attempts: int = 0

    @property
    def replicated(self) -> list[Write]:
        return [w for w in self.acknowledged if w.replicated]

    @property
    def unreplicated(self) -> list[Write]:
        return [w for w in self.acknowledged if not w.replicated]

    def first_success_after(self, moment: float) -> Write | None:
        return next((w for w in self.acknowledged if w.at > moment), None)

    def resumed_after(self, moment: float, old: str) -> Write | None:
        """The first write after `moment` that a node other than `old` acknowledged
        and a replica confirmed: the writes' pause ends there, not at a write the
        old master took alone (a cut-off one goes on acknowledging for seconds)."""
        return next((w for w in self.replicated if w.at > moment and w.node != old), None)

    def refusals(self) -> str:
        return ", ".join(f"{count} {kind}" for kind, count in sorted(self.refused.items())) or "none"

    def __str__(self) -> str:
        """A summary, for an error's "last observed": tens of thousands of writes are no message."""
        replicated = len(self.replicated)
        return f"{len(self.acknowledged)} writes acknowledged, {replicated} by a replica; refused: {self.refusals()}"


@dataclass
class Loop:
    """A bounded write loop in a thread; `write(n)` returns its Outcome."""

    write: Callable[[int], Outcome]
    clock: Callable[[], float] = time.monotonic
    tally: Tally = field(default_factory=Tally)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True, name="writer")
        self._thread.start()

    def stop(self) -> Tally:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        return self.tally

    def snapshot(self) -> Tally:
        with self._lock:
            return Tally(
                list(self.tally.acknowledged), dict(self.tally.refused), self.tally.first_refusal, self.tally.attempts
            )

    def _run(self) -> None:
        ends = self.clock() + BOUND
        n, last = 0, -PACE
        while not self._stop.is_set() and n < MAX_WRITES and self.clock() < ends:
            if (early := last + PACE - self.clock()) > 0 and self._stop.wait(early):
                break
            last = self.clock()
            try:
                outcome = self.write(n)
            except (redis.RedisError, OSError) as error:
                outcome = _kind(error)
            with self._lock:
                self._count(n, outcome)
            if isinstance(outcome, str):
                self._stop.wait(RETRY_PAUSE)
            n += 1

    def _count(self, n: int, outcome: Outcome) -> None:
        self.tally.attempts += 1
        if isinstance(outcome, str):
            self.tally.refused[outcome] = self.tally.refused.get(outcome, 0) + 1
            if self.tally.first_refusal is None:
                self.tally.first_refusal = self.clock()
            return
        node, replicated = outcome
        self.tally.acknowledged.append(Write(n, self.clock(), replicated, node))


def writer(master: Callable[[], tuple[str, redis.Redis] | None]) -> Loop:
    """Writes to the master `master()` names at each write (the client's own
    discovery); none named, the write is refused as NO_MASTER."""

    def write(n: int) -> Outcome:
        named = master()
        if named is None:
            return NO_MASTER
        node, client = named
        client.set(f"{PREFIX}{n}", n)
        return node, int(client.execute_command("WAIT", WAIT_REPLICAS, WAIT_MS)) >= WAIT_REPLICAS

    return Loop(write)


def hammer(node: str, client: redis.Redis) -> Loop:
    """Writes to `node` directly, wherever the master is: what it accepts is counted."""

    def write(n: int) -> Outcome:
        client.set(f"{DIRECT}{n}", n)
        return node, False

    return Loop(write)


def present(client: redis.Redis, writes: list[Write], prefix: str = PREFIX) -> int:
    """How many of `writes` (`prefix`: a `hammer`'s DIRECT) the node behind `client` holds, with their values."""
    return len(writes) - len(missing(client, writes, prefix))


def missing(client: redis.Redis, writes: list[Write], prefix: str = PREFIX) -> list[Write]:
    """The `writes` the node behind `client` does not hold, with their values."""
    gone = []
    for start in range(0, len(writes), MGET_BATCH):
        batch = writes[start : start + MGET_BATCH]
        values = client.mget([f"{prefix}{w.n}" for w in batch])
        gone += [w for w, value in zip(batch, values, strict=True) if value != str(w.n)]
    return gone


def _kind(error: BaseException) -> str:
    """An error's kind as a client sees it: NOREPLICAS, READONLY and the like by
    their code, else the exception's class."""
    if isinstance(error, redis.ResponseError) and str(error).split(" ")[0].isupper():
        return str(error).split(" ")[0]
    return type(error).__name__

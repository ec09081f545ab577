"""The durability check under load: a bounded writer of numbered keys over
loopback (a fixed maximum count and a deadline, recording when each was
acknowledged), the crashes between its writes, and the judgement of what a
crash may lose."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import redis

from harness.core.polling import Clock, Poller
from harness.topology.node import Node


@dataclass
class BoundedWriter:
    connect: Callable[[], redis.Redis]
    prefix: str
    max_writes: int = 500_000  # bounded in count, whatever the server does
    max_seconds: float = 300.0  # and in time, beyond the durability run's own bound
    clock: Clock = time.monotonic
    pause_after_error: float = 0.05  # rate limit while the server is down
    acked: list[tuple[int, float]] = field(default_factory=list)  # (number, monotonic ack time)
    errors: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="bounded-writer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def key(self, number: int) -> str:
        return f"{self.prefix}:{number}"

    def _run(self) -> None:
        deadline = self.clock() + self.max_seconds
        client = self.connect()
        number = 0
        while number < self.max_writes and not self._stop.is_set() and self.clock() < deadline:
            number += 1
            try:
                client.set(self.key(number), number)
            except redis.RedisError:
                self.errors += 1
                self._stop.wait(self.pause_after_error)
                continue
            self.acked.append((number, self.clock()))


@dataclass(frozen=True)
class Durability:
    acked: int
    must_survive: int  # acknowledged at least `grace` seconds before a later crash, or after the last
    lost: list[int]  # of those, the numbers missing afterwards

    def __str__(self) -> str:
        return f"{self.acked} writes acknowledged, {self.must_survive} required to survive, {len(self.lost)} lost"

    @property
    def problems(self) -> list[str]:
        """Why the check fails, if it does: writes were lost, or none was put to the test."""
        untested = [] if self.must_survive else ["no write was required to survive a crash"]
        return untested + ([f"lost, the first 20 shown: {self.lost[:20]}"] if self.lost else [])


def judge(acked: list[tuple[int, float]], crashes: list[float], present: set[int], grace: float) -> Durability:
    """A write is required to survive unless it was acknowledged within `grace`
    seconds before some crash (AOF everysec may lose that last second)."""

    def exempt(at: float) -> bool:
        return any(0 <= crash - at < grace for crash in crashes)

    required = [number for number, at in acked if not exempt(at)]
    return Durability(len(acked), len(required), [n for n in required if n not in present])


WRITE_WINDOW = 2.0  # seconds of writes between crashes: twice the AOF everysec window
BATCH = 1000  # keys per MGET when reading the writes back


def crash_repeatedly(node: Node, writer: BoundedWriter, crashes: int, recovery: float) -> list[tuple[float, float]]:
    """Crash the node's Redis `crashes` times while `writer` writes, each time
    after writes were acknowledged for longer than the AOF's window since it
    came back, then stop the writer. Returns each crash's monotonic time and
    the seconds it took to answer again (at most `recovery`)."""
    poller, done = node.poller, []
    up_since = poller.clock()
    for _ in range(crashes):
        keep_writing(poller, writer, up_since)
        crash = node.faults.crash()
        back = node.faults.wait_back(crash, within=recovery)
        up_since = poller.clock()
        done.append((crash.at, back.elapsed))
    keep_writing(poller, writer, up_since)
    writer.stop()
    return done


def keep_writing(poller: Poller, writer: BoundedWriter, up_since: float) -> None:
    """Let the writer run for WRITE_WINDOW seconds since the server came back,
    so every crash has writes it must not lose."""
    seen = len(writer.acked)
    poller.until(
        f"writes acknowledged for {WRITE_WINDOW:g} s since the server came back",
        lambda: (len(writer.acked), poller.clock()),
        lambda now: now[0] > seen + 100 and now[1] - up_since >= WRITE_WINDOW,
        timeout=30,
    )


def present(client: redis.Redis, writer: BoundedWriter) -> set[int]:
    """The numbers of the writer's acknowledged keys that are in Redis now."""
    numbers = [number for number, _ in writer.acked]
    found: set[int] = set()
    for start in range(0, len(numbers), BATCH):
        batch = numbers[start : start + BATCH]
        values = client.mget([writer.key(n) for n in batch])
        found |= {n for n, v in zip(batch, values, strict=True) if v is not None}
    return found

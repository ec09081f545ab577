"""A bounded writer for the durability check: numbered keys over loopback,
with a fixed maximum count and a deadline, recording when each was acknowledged."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import redis

from harness.core.polling import Clock


@dataclass
class BoundedWriter:
    connect: Callable[[], redis.Redis]
    prefix: str
    max_writes: int
    max_seconds: float
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


def judge(acked: list[tuple[int, float]], crashes: list[float], present: set[int], grace: float) -> Durability:
    """A write is required to survive unless it was acknowledged within `grace`
    seconds before some crash (AOF everysec may lose that last second)."""

    def exempt(at: float) -> bool:
        return any(0 <= crash - at < grace for crash in crashes)

    required = [number for number, at in acked if not exempt(at)]
    return Durability(len(acked), len(required), [n for n in required if n not in present])

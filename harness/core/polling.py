"""Poll to a deadline on a monotonic clock; never a fixed sleep. The clock and
the sleep are injectable so timeouts are unit-tested without waiting."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from harness.core.errors import DeadlineExceeded, TerminalState

T = TypeVar("T")
Clock = Callable[[], float]
Sleep = Callable[[float], None]


@dataclass(frozen=True)
class Observed(Generic[T]):
    value: T
    elapsed: float  # seconds from `since` (or the call) to the observation


@dataclass(frozen=True)
class Poller:
    clock: Clock = time.monotonic
    sleep: Sleep = time.sleep
    interval: float = 0.1

    def until(
        self,
        what: str,
        observe: Callable[[], T],
        done: Callable[[T], bool],
        *,
        timeout: float,
        since: float | None = None,
        give_up: Callable[[T], str | None] = lambda _: None,
        why_not: Callable[[T], str] = lambda _: "",
    ) -> Observed[T]:
        """Observe until `done`; raise DeadlineExceeded at `since + timeout`
        (saying first what `why_not` finds still missing in the last value),
        or TerminalState as soon as `give_up` names a reason."""
        start = self.clock() if since is None else since
        deadline = start + timeout
        while True:
            value = observe()
            now = self.clock()
            if done(value):
                return Observed(value, now - start)
            reason = give_up(value)
            if reason:
                raise TerminalState(what, reason, value)
            if now >= deadline:
                raise DeadlineExceeded(what, timeout, value, why_not(value))
            self.sleep(min(self.interval, deadline - now))

    def holds(self, what: str, observe: Callable[[], T], ok: Callable[[T], bool], *, duration: float) -> T:
        """Observe for `duration` seconds; raise TerminalState the first time `ok` is false."""
        deadline = self.clock() + duration
        while True:
            value = observe()
            if not ok(value):
                raise TerminalState(what, "the condition stopped holding", value)
            now = self.clock()
            if now >= deadline:
                return value
            self.sleep(min(self.interval, deadline - now))

    def wait_until(self, moment: float) -> None:
        """Block until the monotonic clock reaches `moment` (for time-based guarantees)."""
        while (now := self.clock()) < moment:
            self.sleep(moment - now)

"""Sentinel's own account of a failover: every sentinel's events, received on
a PSUBSCRIBE from this machine and timed on arrival. Failover times come from
these events, never from Docker health (which did not change during a 3 s
failover here)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import redis

# What a failover is made of: a node seen down by one sentinel (+sdown), by the
# quorum (+odown), the switch (+switch-master), a node told to follow the new
# master (+convert-to-slave), a node seen back (-sdown), a sentinel
# suspending itself after a clock jump (+tilt), and a failover given up for
# want of a replica it may promote (-failover-abort-no-good-slave).
NO_GOOD_REPLICA = "-failover-abort-no-good-slave"
CHANNELS = (
    "+sdown",
    "-sdown",
    "+odown",
    "+switch-master",
    "+convert-to-slave",
    "+failover-end",
    "+tilt",
    NO_GOOD_REPLICA,
)
LISTEN_BOUND = 300.0  # seconds: a listener nobody stopped still ends


@dataclass(frozen=True)
class Event:
    at: float  # monotonic time of arrival
    sentinel: str
    channel: str
    data: str  # e.g. "master mymaster redis-1 16380", or "slave redis-1:16380 redis-1 16380 @ mymaster redis-2 16381"

    @property
    def about(self) -> str:
        """The service the event is about: the instance named in its data."""
        words = self.data.split()
        if self.channel == "+switch-master":
            return words[3] if len(words) > 3 else ""  # <name> <old ip> <old port> <new ip> <new port>
        return words[2] if len(words) > 2 else ""

    @property
    def is_master(self) -> bool:
        return self.data.startswith("master ")

    def __str__(self) -> str:
        return f"{self.sentinel} {self.channel} {self.data}"


@dataclass
class EventLog:
    """Listens on every sentinel at once, from `start` until `stop`."""

    clients: dict[str, Callable[[], redis.Redis]]  # sentinel -> a client factory
    clock: Callable[[], float] = time.monotonic
    events: list[Event] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self, within: float = 5.0) -> None:
        """Subscribe on every sentinel, returning once each has confirmed."""
        subscribed = [threading.Event() for _ in self.clients]
        for (name, make), ready in zip(self.clients.items(), subscribed, strict=True):
            thread = threading.Thread(target=self._listen, args=(name, make, ready), daemon=True, name=f"events-{name}")
            thread.start()
            self._threads.append(thread)
        deadline = self.clock() + within
        for ready in subscribed:
            ready.wait(max(0.0, deadline - self.clock()))
        with self._lock:
            errors = list(self.errors)
        if errors or not all(ready.is_set() for ready in subscribed):
            self.stop()
            raise redis.ConnectionError(f"could not listen to every sentinel's events: {'; '.join(errors)}")

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=2)

    def _listen(self, name: str, make: Callable[[], redis.Redis], ready: threading.Event) -> None:
        ends = self.clock() + LISTEN_BOUND
        try:
            pubsub = make().pubsub(ignore_subscribe_messages=True)
            pubsub.psubscribe(*CHANNELS)
            ready.set()
            while not self._stop.is_set() and self.clock() < ends:
                message = pubsub.get_message(timeout=0.1)
                if message and message.get("type") == "pmessage":
                    event = Event(self.clock(), name, str(message["channel"]), str(message["data"]))
                    with self._lock:
                        self.events.append(event)
            pubsub.close()
        except (redis.RedisError, OSError) as error:
            with self._lock:
                self.errors.append(f"{name}: {type(error).__name__}: {error}")
            ready.set()  # `start` reports the failure now, not at its bound

    def seen(self) -> list[Event]:
        with self._lock:
            return list(self.events)

    def first(self, channel: str, about: str | None = None, after: float = float("-inf")) -> Event | None:
        """The earliest `channel` event (about the service `about`, on any sentinel) after `after`."""
        for event in sorted(self.seen(), key=lambda e: e.at):
            if event.channel == channel and event.at >= after and (about is None or event.about == about):
                return event
        return None

    def abandoned(self, after: float) -> str | None:
        """Why a failover will not come, once a sentinel has given it up for want
        of a replica it may promote: it tries again only after twice its failover-timeout."""
        aborted = self.first(NO_GOOD_REPLICA, after=after)
        if aborted is None:
            return None
        return f"{aborted.sentinel} gave the failover up: no replica it may promote ({NO_GOOD_REPLICA})"

    def by_sentinel(self, channel: str, after: float = float("-inf")) -> dict[str, float]:
        """Each sentinel's first `channel` event after `after`."""
        firsts: dict[str, float] = {}
        for event in sorted(self.seen(), key=lambda e: e.at):
            if event.channel == channel and event.at >= after:
                firsts.setdefault(event.sentinel, event.at)
        return firsts

    def switches(self, after: float = float("-inf")) -> list[Event]:
        return [e for e in self.seen() if e.channel == "+switch-master" and e.at >= after]


def describe(events: Sequence[Event], since: float) -> str:
    """The events as lines of `+t s sentinel channel data`, for evidence."""
    return "\n".join(f"+{e.at - since:6.3f} s {e}" for e in sorted(events, key=lambda e: e.at))

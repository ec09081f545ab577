"""Keys written one after another, each acknowledged, and which of them a
Redis brings back from its log. A log torn at its end may lose its last write
only; one repaired after damage in its middle keeps a first part, whole, and
nothing after it: never a gap, and never nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import redis

from harness.infra.data_log import Damage

BATCH = 500  # keys per round trip


@dataclass(frozen=True)
class Sequence:
    prefix: str
    count: int

    @classmethod
    def new(cls, count: int) -> Sequence:
        return cls(f"opterp20:sequence:{uuid.uuid4().hex}:", count)

    def key(self, n: int) -> str:
        return f"{self.prefix}{n}"

    @property
    def log_bytes(self) -> int:
        """What its writes take in Redis's log, each a `SET key value` in Redis's protocol."""

        def bulk(text: str) -> int:
            return len(f"${len(text)}\r\n{text}\r\n")

        return sum(len("*3\r\n") + bulk("SET") + bulk(self.key(n)) + bulk(str(n)) for n in range(self.count))

    def write(self, client: redis.Redis) -> None:
        """Each key in turn, its value its number; in the order Redis logs them."""
        for start in range(0, self.count, BATCH):
            pipe = client.pipeline(transaction=False)
            for n in range(start, min(start + BATCH, self.count)):
                pipe.set(self.key(n), str(n))
            pipe.execute()

    def back(self, client: redis.Redis, damage: Damage | None = None) -> Back:
        """Which keys hold their value now."""
        present: list[bool] = []
        for start in range(0, self.count, BATCH):
            numbers = range(start, min(start + BATCH, self.count))
            values = client.mget([self.key(n) for n in numbers])
            present += [value is not None and int(value) == n for n, value in zip(numbers, values, strict=True)]
        return Back(self.count, tuple(present), damage)


@dataclass(frozen=True)
class Back:
    """The keys written, and which came back: the first `whole` of them, then whatever follows."""

    written: int
    present: tuple[bool, ...]
    damage: Damage | None  # what was done to the log, if anything
    what = "keys written one after another, read back"

    @property
    def whole(self) -> int:
        """How many came back in an unbroken run from the first."""
        return next((n for n, here in enumerate(self.present) if not here), self.written)

    @property
    def after_gap(self) -> int:
        """How many came back after the first missing one: a log read past its damage."""
        return sum(self.present[self.whole :])

    @property
    def value(self) -> str:
        return f"{sum(self.present)} of {self.written} back: the first {self.whole}, then {self.after_gap}"

    def __str__(self) -> str:
        return (
            f"Redis came back with the first {self.whole} of the {self.written} keys written one after another"
            f"{f', and {self.after_gap} after a gap' if self.after_gap else ', and none after them'}"
            f"{f' ({self.damage.value})' if self.damage else ''}."
        )

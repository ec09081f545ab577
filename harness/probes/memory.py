"""Memory pressure: lower `maxmemory` to just above what Redis uses, write
until Redis refuses, and see what its configured policy did. The policy is
never set here: the point is to observe the one the service runs with."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import redis

HEADROOM = 2 * 1024 * 1024  # bytes allowed above what Redis uses now
CHUNK = 64 * 1024  # bytes per write
MOST = 4 * HEADROOM  # stop writing after this much was accepted: eviction made room


@dataclass(frozen=True)
class Pressure:
    policy: str
    maxmemory: int  # what the scenario lowered it to
    accepted: int  # bytes written before the first refusal (or in all)
    refusal: str | None  # the error Redis answered, or None if it never refused
    evicted: int  # keys evicted while writing

    def __str__(self) -> str:
        refused = f"refused with {self.refusal!r}" if self.refusal else "never refused"
        return (
            f"policy {self.policy}, maxmemory {self.maxmemory} bytes: {self.accepted} bytes accepted, then "
            f"{refused}; {self.evicted} keys evicted"
        )


@dataclass(frozen=True)
class RanOut:
    """Redis out of memory, as the product owner reads it."""

    pressure: Pressure
    what = "under memory pressure"

    @property
    def test_setting(self) -> tuple[str, str]:
        return "memory cap", f"{self.pressure.maxmemory // 1024} KiB"

    @property
    def value(self) -> str:
        return str(self.pressure)

    def __str__(self) -> str:
        p = self.pressure
        refused = f"and then refused a write ({p.refusal.split(':')[0]})" if p.refusal else "and never refused"
        return (
            f"With memory capped at {p.maxmemory // 1024} KiB and policy {p.policy}, Redis took "
            f"{p.accepted // 1024} KiB more {refused}; {p.evicted} keys were evicted."
        )


def maxmemory(client: redis.Redis) -> int:
    return int(client.config_get("maxmemory")["maxmemory"] or 0)


def filler_prefix() -> str:
    return f"opterp20:filler:{uuid.uuid4().hex}:"


def exhaust(client: redis.Redis, prefix: str) -> Pressure:
    """Fill Redis to its lowered limit with keys under `prefix`. The caller
    restores `maxmemory` and removes those keys afterwards, with `relieve`."""
    policy = str(client.config_get("maxmemory-policy")["maxmemory-policy"])
    evicted_before = int(client.info("stats")["evicted_keys"])
    limit = int(client.info("memory")["used_memory"]) + HEADROOM
    client.config_set("maxmemory", limit)
    accepted, refusal = 0, None
    while accepted < MOST and refusal is None:
        try:
            client.set(f"{prefix}{accepted // CHUNK}", b"x" * CHUNK)
            accepted += CHUNK
        except redis.exceptions.ResponseError as error:
            refusal = f"{type(error).__name__}: {error}"  # redis-py names OOM replies OutOfMemoryError
    evicted = int(client.info("stats")["evicted_keys"]) - evicted_before
    return Pressure(policy, limit, accepted, refusal, evicted)


def relieve(client: redis.Redis, original_maxmemory: int, prefix: str) -> None:
    client.config_set("maxmemory", original_maxmemory)
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        client.delete(*keys)

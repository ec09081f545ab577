"""Memory pressure: write until the running server refuses, at the cap the
service is delivered with, and see what its configured policy did. Neither
the cap nor the policy is set here: the point is to observe the ones the
service runs with. A server without a cap is not filled at all: it would take
the host's memory."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import redis

from harness.core.polling import Poller
from harness.infra.containers import ContainerState

CHUNK = 1024 * 1024  # bytes per write: a 128 MB cap is reached in some 130 writes (0.3 s here)
BATCH = 8  # writes per round trip
SLACK = 8 * CHUNK  # left free below the cap when the log's rewrite starts, so rewriting values is taken
REWRITE_TIMEOUT = 30.0  # seconds for a rewrite of the log to end (0.1 s for 128 MB here; 1.3 s held)
# Redis's own test knob (its tests/integration use it to hold a fork open): the rewriting child
# waits this long per key, so it still runs while every value is written again, and every page
# the two share is copied: a rewrite's worst case, every time. Only while the scenario fills.
HOLD_FORK_PER_KEY = 10_000  # microseconds
MIB = 2**20


@dataclass(frozen=True)
class Pressure:
    policy: str
    maxmemory: int  # the running server's cap, in bytes (0: none)
    accepted: int  # bytes written before the first refusal (or in all)
    refusal: str | None  # the error Redis answered, or None if it never refused
    evicted: int  # keys evicted while writing
    forks: int = 0  # rewrites of the log (or snapshots) that ran while Redis was filled

    def __str__(self) -> str:
        if not self.maxmemory:
            return f"policy {self.policy}, no maxmemory: not filled, as Redis would grow until the kernel killed it"
        refused = f"refused with {self.refusal!r}" if self.refusal else "never refused"
        rewrites = f"; {self.forks} rewrite(s) of the log ran meanwhile" if self.forks else ""
        return (
            f"policy {self.policy}, maxmemory {self.maxmemory} bytes: {self.accepted} bytes accepted, then "
            f"{refused}; {self.evicted} keys evicted{rewrites}"
        )


@dataclass(frozen=True)
class RanOut:
    """Redis out of memory, as the product owner reads it."""

    pressure: Pressure
    what = "under memory pressure"

    @property
    def value(self) -> str:
        return str(self.pressure)

    def __str__(self) -> str:
        p = self.pressure
        if not p.maxmemory:
            return "Redis has no memory cap, so it was not filled: it would grow until the kernel killed it."
        refused = f"and then refused a write ({p.refusal.split(':')[0]})" if p.refusal else "and never refused"
        rewriting = " while it rewrote its log" if p.forks else ""
        return (
            f"With its memory capped at {p.maxmemory // MIB} MiB and policy {p.policy}, Redis took "
            f"{p.accepted // MIB} MiB{rewriting} {refused}; {p.evicted} keys were evicted."
        )


@dataclass(frozen=True)
class StillRunning:
    """Whether the Redis that was filled is the one still running: the kernel did not kill it."""

    before: ContainerState
    after: ContainerState
    limit: int  # the container's memory limit, in bytes (0: none)
    peak: int | None  # the container's highest memory use, where the engine reports it (cgroup v1)
    what = "Redis after it was filled"

    @property
    def killed(self) -> bool:
        b, a = self.before, self.after
        return a.oom_killed or not a.running or a.pid != b.pid or a.restart_count != b.restart_count

    @property
    def value(self) -> str:
        return (
            f"OOMKilled {self.after.oom_killed}, pid {self.before.pid} -> {self.after.pid}, restarts "
            f"{self.before.restart_count} -> {self.after.restart_count}, peak {self.peak} of limit {self.limit}"
        )

    def __str__(self) -> str:
        peak = (
            f", its container using at most {self.peak // MIB} MiB of its {self.limit // MIB} MiB (the kernel's "
            "file cache included, which it gives back before it kills)"
            if self.peak and self.limit
            else ""
        )
        if self.killed:
            why = "the kernel killed it for lack of memory" if self.after.oom_killed else "it did not survive"
            return f"The Redis that was filled is gone: {why} ({self.after})."
        return f"The Redis that was filled still runs, never killed by the kernel{peak}."


def filler_prefix() -> str:
    return f"opterp20:filler:{uuid.uuid4().hex}:"


def _cap(client: redis.Redis) -> tuple[str, int]:
    config = client.config_get("maxmemory*")
    return str(config["maxmemory-policy"]), int(config["maxmemory"] or 0)


def _counters(client: redis.Redis) -> tuple[int, int]:
    stats = client.info("stats")
    return int(stats["evicted_keys"]), int(stats["total_forks"])


def _fill(client: redis.Redis, prefix: str, most: int, below: int = 0) -> tuple[int, str | None]:
    """Write CHUNK-sized values under `prefix` until Redis refuses, `most` bytes were
    taken (eviction made room), or (`below`) its memory use reaches that."""
    accepted, value = 0, b"x" * CHUNK
    while accepted < most:
        if below and int(client.info("memory")["used_memory"]) >= below:
            return accepted, None
        pipe = client.pipeline(transaction=False)
        for n in range(BATCH):
            pipe.set(f"{prefix}{accepted // CHUNK + n}", value)
        for answer in pipe.execute(raise_on_error=False):
            if isinstance(answer, redis.exceptions.ResponseError):
                return accepted, f"{type(answer).__name__}: {answer}"  # redis-py names OOM replies OutOfMemoryError
            accepted += CHUNK
    return accepted, None


def exhaust(client: redis.Redis, prefix: str) -> Pressure:
    """Fill Redis to its own cap with keys under `prefix` (`relieve` removes them)."""
    policy, cap = _cap(client)
    if not cap:
        return Pressure(policy, 0, 0, None, 0)
    evicted, forks = _counters(client)
    accepted, refusal = _fill(client, prefix, most=2 * cap)
    evicted_after, forks_after = _counters(client)
    return Pressure(policy, cap, accepted, refusal, evicted_after - evicted, forks_after - forks)


def exhaust_while_rewriting(client: redis.Redis, prefix: str, poller: Poller) -> Pressure:
    """Fill Redis to just below its cap, start a rewrite of its log held open,
    write every value again twice while the forked child still shares them (each
    page Redis writes is then copied: the most memory a rewrite costs), then fill
    it to its cap."""
    policy, cap = _cap(client)
    if not cap:
        return Pressure(policy, 0, 0, None, 0)
    evicted, forks = _counters(client)
    near, _ = _fill(client, prefix, most=2 * cap, below=cap - SLACK)
    _no_rewrite(client, poller)  # an automatic one starts at 64 MB; a second would be refused
    held = str(client.config_get("rdb-key-save-delay").get("rdb-key-save-delay") or 0)
    client.config_set("rdb-key-save-delay", HOLD_FORK_PER_KEY)
    try:
        client.bgrewriteaof()
        for _ in range(2):
            _fill(client, prefix, most=near)  # the same keys, written again: their pages copied
        accepted, refusal = _fill(client, f"{prefix}more:", most=2 * cap)
    finally:
        client.config_set("rdb-key-save-delay", held)
    evicted_after, forks_after = _counters(client)
    return Pressure(policy, cap, near + accepted, refusal, evicted_after - evicted, forks_after - forks)


def relieve(client: redis.Redis, prefix: str, poller: Poller) -> None:
    """Remove the filler and rewrite the log without it, so that later starts do not load it."""
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        client.delete(*keys)
    _no_rewrite(client, poller)
    client.bgrewriteaof()
    _no_rewrite(client, poller)


def _no_rewrite(client: redis.Redis, poller: Poller) -> None:
    def rewriting() -> bool:
        persistence = client.info("persistence")
        return bool(int(persistence["aof_rewrite_in_progress"]) or int(persistence["aof_rewrite_scheduled"]))

    poller.until("no rewrite of the log in progress", rewriting, lambda busy: not busy, timeout=REWRITE_TIMEOUT)

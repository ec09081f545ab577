"""The memory-pressure judge against a stand-in for redis-py: what a
noeviction server and an evicting one answer while being filled."""

from __future__ import annotations

from typing import Any

import redis

from harness.probes import memory


class FakeRedis:
    def __init__(self, policy: str, refuse_after: int | None, evicts: int = 0) -> None:
        self.policy, self.refuse_after, self.evicts = policy, refuse_after, evicts
        self.writes, self.config = 0, {"maxmemory": "0"}

    def config_get(self, name: str) -> dict[str, str]:
        return {"maxmemory-policy": self.policy} if name == "maxmemory-policy" else {name: self.config[name]}

    def config_set(self, name: str, value: Any) -> None:
        self.config[name] = str(value)

    def info(self, section: str) -> dict[str, int]:
        return {"used_memory": 1_000_000} if section == "memory" else {"evicted_keys": self.evicts * self.writes}

    def set(self, key: str, value: bytes) -> None:
        if self.refuse_after is not None and self.writes >= self.refuse_after:
            raise redis.exceptions.OutOfMemoryError("command not allowed when used memory > 'maxmemory'.")
        self.writes += 1


def test_a_noeviction_server_refuses_the_write_that_does_not_fit():
    server = FakeRedis("noeviction", refuse_after=3)
    pressure = memory.exhaust(server, "filler:")  # type: ignore[arg-type]
    assert (pressure.accepted, pressure.evicted) == (3 * memory.CHUNK, 0)
    assert pressure.refusal == "OutOfMemoryError: command not allowed when used memory > 'maxmemory'."
    assert int(server.config["maxmemory"]) == 1_000_000 + memory.HEADROOM


def test_an_evicting_server_never_refuses_and_writing_stops_at_the_bound():
    server = FakeRedis("allkeys-lru", refuse_after=None, evicts=1)
    pressure = memory.exhaust(server, "filler:")  # type: ignore[arg-type]
    assert pressure.refusal is None and pressure.accepted == memory.MOST
    assert pressure.evicted == memory.MOST // memory.CHUNK
    assert "never refused" in str(pressure)

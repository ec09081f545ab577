"""The memory-pressure judge against a stand-in for redis-py: what a
noeviction server, an evicting one and one without a cap answer while being
filled; and what counts as killed."""

from __future__ import annotations

import dataclasses

import redis

from harness.infra.containers import ContainerState
from harness.probes import memory

CAP = 16 * memory.CHUNK


class FakePipeline:
    def __init__(self, server: FakeRedis) -> None:
        self.server, self.queued = server, 0

    def set(self, key: str, value: bytes) -> None:
        self.queued += 1

    def execute(self, raise_on_error: bool = True) -> list[object]:
        answers: list[object] = []
        for _ in range(self.queued):
            if self.server.refuse_after is not None and self.server.writes >= self.server.refuse_after:
                answers.append(redis.exceptions.OutOfMemoryError("command not allowed when used memory > 'maxmemory'."))
            else:
                self.server.writes += 1
                answers.append(True)
        return answers


class FakeRedis:
    def __init__(self, policy: str, refuse_after: int | None, evicts: int = 0, cap: int = CAP) -> None:
        self.policy, self.refuse_after, self.evicts, self.cap = policy, refuse_after, evicts, cap
        self.writes = 0

    def config_get(self, pattern: str) -> dict[str, str]:
        assert pattern == "maxmemory*"
        return {"maxmemory": str(self.cap), "maxmemory-policy": self.policy}

    def config_set(self, name: str, value: object) -> None:
        raise AssertionError("the cap is the service's own: never set")

    def info(self, section: str) -> dict[str, int]:
        if section == "memory":
            return {"used_memory": self.writes * memory.CHUNK}
        return {"evicted_keys": self.evicts * self.writes, "total_forks": 0}

    def pipeline(self, transaction: bool = True) -> FakePipeline:
        return FakePipeline(self)


def test_a_noeviction_server_refuses_the_write_that_does_not_fit_at_its_own_cap():
    server = FakeRedis("noeviction", refuse_after=3)
    pressure = memory.exhaust(server, "filler:")  # type: ignore[arg-type]
    assert (pressure.accepted, pressure.evicted, pressure.maxmemory) == (3 * memory.CHUNK, 0, CAP)
    assert pressure.refusal == "OutOfMemoryError: command not allowed when used memory > 'maxmemory'."


def test_an_evicting_server_never_refuses_and_writing_stops_at_twice_its_cap():
    server = FakeRedis("allkeys-lru", refuse_after=None, evicts=1)
    pressure = memory.exhaust(server, "filler:")  # type: ignore[arg-type]
    assert pressure.refusal is None and pressure.accepted == 2 * CAP
    assert pressure.evicted == 2 * CAP // memory.CHUNK
    assert "never refused" in str(pressure)


def test_a_server_without_a_cap_is_not_filled():
    server = FakeRedis("noeviction", refuse_after=None, cap=0)
    pressure = memory.exhaust(server, "filler:")  # type: ignore[arg-type]
    assert (server.writes, pressure.refusal) == (0, None)
    assert "no memory cap" in str(memory.RanOut(pressure))


RUNNING = ContainerState("opticserp_redis", "running", "healthy", 0, None, 0, 4242, "sha256:x", ())


def test_the_redis_that_was_filled_counts_as_killed_when_the_kernel_killed_it_or_it_restarted():
    same = memory.StillRunning(RUNNING, RUNNING, 384 * memory.MIB, 230 * memory.MIB)
    assert not same.killed and "using at most 230 MiB of its 384 MiB" in str(same)
    restarted = dataclasses.replace(RUNNING, pid=4343, restart_count=1)
    assert memory.StillRunning(RUNNING, restarted, 0, None).killed
    oom = dataclasses.replace(RUNNING, status="exited", oom_killed=True)
    assert "the kernel killed it" in str(memory.StillRunning(RUNNING, oom, 0, None))

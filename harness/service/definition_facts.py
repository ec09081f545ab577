"""What the service definition says, as typed findings: each holds what a
Then step asserts on and says itself in one sentence for the sign-off
(`Evidence.observe`). They are read from a `ServiceDefinition`, no daemon."""

from __future__ import annotations

from dataclasses import dataclass

from harness.service.definition import FSYNC_WORDS, HealthCheck, ServiceDefinition


def _command(definition: ServiceDefinition) -> str:
    return str(list(definition.command) or "(image default)")


@dataclass(frozen=True)
class Fsync:
    setting: str  # appendfsync, as Redis will read it
    stated: bool  # the command says it (else it is Redis's default)
    command: str
    what = "append-only log flushed"

    @classmethod
    def of(cls, definition: ServiceDefinition) -> Fsync:
        stated = bool(definition.server_options.get("appendfsync"))
        return cls(definition.appendfsync, stated, str(list(definition.command)))

    @property
    def _default(self) -> str:
        return "" if self.stated else " (not stated: Redis's default)"

    @property
    def value(self) -> object:
        return f"appendfsync {self.setting}{self._default}"

    def __str__(self) -> str:
        return f"Redis writes its log to disk {FSYNC_WORDS.get(self.setting, self.setting)}{self._default}."


@dataclass(frozen=True)
class EvictionPolicy:
    stated: list[str] | None  # --maxmemory-policy, as often as the command gives it
    command: str
    what = "--maxmemory-policy in the definition"

    @classmethod
    def of(cls, definition: ServiceDefinition) -> EvictionPolicy:
        return cls(definition.server_options.get("maxmemory-policy"), _command(definition))

    @property
    def value(self) -> object:
        return self.stated or "not stated"

    def __str__(self) -> str:
        return (
            f"The eviction policy stated is {', '.join(self.stated)}."
            if self.stated
            else "No eviction policy is stated."
        )


# A forked child (a rewrite of the log) shares Redis's memory, and each page Redis writes
# meanwhile is copied: up to twice the data set in all (Redis's persistence docs).
FORK_COPY = 2
MIB = 2**20


@dataclass(frozen=True)
class MemoryBound:
    maxmemory: int  # Redis's cap, in bytes (0: none)
    limit: int  # the container's, in bytes (0: none)
    command: str
    what = "memory cap and container limit"

    @classmethod
    def of(cls, definition: ServiceDefinition) -> MemoryBound:
        return cls(definition.maxmemory, definition.memory_limit, _command(definition))

    @property
    def room(self) -> bool:
        """Redis is capped, and its container's limit holds it and the copy a fork makes."""
        return bool(self.maxmemory) and bool(self.limit) and self.limit >= FORK_COPY * self.maxmemory

    @property
    def value(self) -> object:
        return f"maxmemory {self.maxmemory or 'none'}, container limit {self.limit or 'none'}"

    def __str__(self) -> str:
        if not self.maxmemory:
            return "Redis's memory is not capped: it would grow until the kernel killed it."
        if not self.limit:
            return f"Redis's memory is capped at {self.maxmemory // MIB} MiB; its container has no limit."
        return (
            f"Redis's memory is capped at {self.maxmemory // MIB} MiB, in a container limited to "
            f"{self.limit // MIB} MiB: {self.limit / self.maxmemory:.1f} times the cap."
        )


@dataclass(frozen=True)
class HealthTest:
    check: HealthCheck | None
    what = "health check test"

    @property
    def value(self) -> object:
        return list(self.check.test) if self.check else "none"

    def __str__(self) -> str:
        check = self.check
        if check is None or check.disabled:
            return "The service has no health check."
        pings = "ping" in check.command_line
        said = (
            "The health check runs the Redis command-line client's ping"
            if pings
            else "The health check does not ping Redis"
        )
        return said + (", giving it the password when one is set." if "REDISCLI_AUTH" in check.command_line else ".")


@dataclass(frozen=True)
class HealthSchedule:
    check: HealthCheck
    what = "health check schedule"

    @property
    def seconds(self) -> dict[str, float | int | None]:
        return {"interval": self.check.interval, "timeout": self.check.timeout, "retries": self.check.retries}

    @property
    def value(self) -> object:
        c = self.check
        return f"interval {c.interval}s, timeout {c.timeout}s, retries {c.retries}"

    def __str__(self) -> str:
        c = self.check
        return (
            f"The health check runs every {c.interval:g} s, times out after {c.timeout:g} s and allows "
            f"{c.retries} retries."
        )


@dataclass(frozen=True)
class HealthStart:
    check: HealthCheck
    what = "health check start"

    @property
    def seconds(self) -> dict[str, float | None]:
        return {"start_interval": self.check.start_interval, "start_period": self.check.start_period or 0.0}

    @property
    def value(self) -> object:
        return f"start_period {self.check.start_period}s, start_interval {self.check.start_interval}s"

    def __str__(self) -> str:
        c = self.check
        if c.start_interval and c.start_period:
            return f"For {c.start_period:g} s after a start, the health check probes every {c.start_interval:g} s."
        return "The health check probes no faster while the service starts."


@dataclass(frozen=True)
class Storage:
    mounts: list[str]
    driver: str | None  # the named volume's driver
    what = "mounts and volume driver"

    @classmethod
    def of(cls, definition: ServiceDefinition, volume: str) -> Storage:
        return cls([str(m) for m in definition.mounts], definition.volume_drivers.get(volume))

    @property
    def value(self) -> dict[str, object]:
        return {"mounts": self.mounts, "driver": self.driver}

    def __str__(self) -> str:
        mounted = "; ".join(self.mounts) or "nothing"
        return f"Mounted in the container: {mounted}. The volume's driver: {self.driver or 'none'}."


@dataclass(frozen=True)
class Network:
    name: str
    attached: list[str]
    driver: str | None  # the named network's driver
    what = "networks and driver"

    @classmethod
    def of(cls, definition: ServiceDefinition, network: str) -> Network:
        return cls(network, list(definition.networks), definition.network_drivers.get(network))

    @property
    def value(self) -> dict[str, object]:
        return {"attached": self.attached, "driver": self.driver}

    def __str__(self) -> str:
        networks = ", ".join(self.attached) or "no network"
        return f"The service is attached to {networks}; {self.name}'s driver is {self.driver or 'not set'}."


@dataclass(frozen=True)
class Acceptance:
    rejected: str | None  # Compose's reason, when it rejects the file
    services: list[str]  # what it read, when it accepts it
    what = "`docker compose config`"

    @property
    def value(self) -> object:
        return self.rejected or "accepted"

    def __str__(self) -> str:
        return (
            f"Docker Compose rejected the file: {self.rejected}"
            if self.rejected
            else "Docker Compose accepted the file."
        )

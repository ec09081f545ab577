"""Container state from the docker SDK, as small typed values built from
inspect data, so steps compare fields instead of digging through dicts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import docker
import docker.errors
from docker.models.containers import Container

from harness.infra.engine import Engine

_ANONYMOUS = re.compile(r"[0-9a-f]{64}")
PROJECT_LABEL = "com.docker.compose.project"
SERVICE_LABEL = "com.docker.compose.service"


def parse_time(text: str) -> datetime:
    """Docker's RFC 3339 timestamps (nanoseconds are truncated to micro)."""
    return datetime.fromisoformat(text)


@dataclass(frozen=True)
class Probe:
    """One health-check run, as Docker logged it."""

    start: datetime
    exit_code: int
    output: str

    def __str__(self) -> str:
        return f"probe at {self.start:%H:%M:%S.%f} exit {self.exit_code}: {self.output.strip()!r}"


@dataclass(frozen=True)
class ContainerState:
    name: str
    status: str  # created | running | paused | restarting | exited | dead | absent
    health: str | None  # starting | healthy | unhealthy | None (no health check)
    restart_count: int
    started_at: datetime | None
    exit_code: int
    pid: int
    image_id: str
    probes: tuple[Probe, ...]
    restart_policy: str = "no"  # HostConfig.RestartPolicy: no | always | unless-stopped | on-failure
    restart_limit: int = 0  # on-failure's maximum retry count; 0: unlimited
    health_check: bool = False  # whether the container is configured with one
    first_probe_after: float = 0.0  # seconds from a start to Docker's first health probe
    container_id: str = ""
    oom_killed: bool = False  # its last process was killed for the container's lack of memory
    memory_limit: int = 0  # HostConfig.Memory, in bytes; 0: none

    @classmethod
    def absent(cls, name: str) -> ContainerState:
        return cls(name, "absent", None, 0, None, 0, 0, "", ())

    @classmethod
    def from_inspect(cls, attrs: dict[str, Any]) -> ContainerState:
        state = attrs["State"]
        health = state.get("Health") or {}
        started = state.get("StartedAt") or ""
        policy = (attrs.get("HostConfig") or {}).get("RestartPolicy") or {}
        check = (attrs.get("Config") or {}).get("Healthcheck") or {}
        return cls(
            name=attrs["Name"].lstrip("/"),
            status=state["Status"],
            health=health.get("Status"),
            restart_count=int(attrs.get("RestartCount", 0)),
            started_at=None if started.startswith("0001") or not started else parse_time(started),
            exit_code=int(state.get("ExitCode", 0)),
            pid=int(state.get("Pid", 0)),
            image_id=attrs.get("Image", ""),
            probes=tuple(
                Probe(parse_time(p["Start"]), int(p["ExitCode"]), p.get("Output", "")) for p in health.get("Log") or ()
            ),
            restart_policy=policy.get("Name") or "no",
            restart_limit=int(policy.get("MaximumRetryCount") or 0),
            health_check=bool(check.get("Test")) and check["Test"][0] != "NONE",
            first_probe_after=_first_probe_after(check),
            container_id=attrs.get("Id", ""),
            oom_killed=bool(state.get("OOMKilled")),
            memory_limit=int((attrs.get("HostConfig") or {}).get("Memory") or 0),
        )

    @property
    def running(self) -> bool:
        return self.status == "running"

    @property
    def stays_down(self) -> str | None:
        """Why Docker will not start this stopped container again by itself, if it will not."""
        if self.status == "absent":
            return "the container was removed"
        if self.status not in ("exited", "dead"):
            return None
        if self.restart_policy == "no":
            return f"it exited ({self.exit_code}) and its restart policy 'no' will not start it again"
        if self.restart_policy == "on-failure" and self.exit_code == 0:
            return "it exited cleanly (0), which restart policy 'on-failure' does not restart"
        if self.restart_policy == "on-failure" and 0 < self.restart_limit <= self.restart_count:
            return f"it exited ({self.exit_code}) after all {self.restart_limit} restarts 'on-failure' allows"
        return None

    @property
    def fresh_probes(self) -> tuple[Probe, ...]:
        """Probes Docker ran since the current start (its log keeps older ones)."""
        if self.started_at is None:
            return ()
        started = self.started_at
        return tuple(p for p in self.probes if p.start > started)

    @property
    def last_probe(self) -> Probe | None:
        return self.probes[-1] if self.probes else None

    @property
    def healthy_on_fresh_probe(self) -> bool:
        """Healthy, and the probe that says so ran after the current start,
        so a status left over from before a crash does not count."""
        probe = self.last_probe
        return (
            self.running
            and self.health == "healthy"
            and probe is not None
            and self.started_at is not None
            and probe.start > self.started_at
            and probe.exit_code == 0
        )

    def __str__(self) -> str:
        health = f", health {self.health}" if self.health else ", no health check"
        probe = f", last {self.last_probe}" if self.last_probe else ""
        return f"{self.name} {self.status} (exit {self.exit_code}, restarts {self.restart_count}{health}{probe})"


def _first_probe_after(check: dict[str, Any]) -> float:
    """When Docker runs the first probe after a start: start_interval during a
    start period, else interval (Docker's default 30 s); durations are in ns."""
    start_period, start_interval = check.get("StartPeriod") or 0, check.get("StartInterval") or 0
    first = start_interval if start_period and start_interval else check.get("Interval") or 30_000_000_000
    return float(first) / 1e9


class Containers:
    """Read-only view of one compose project's containers. Each container is
    found once by its labels and then read by its id, one inspect per look
    (the SDK's list inspects every match, and a reload inspects again); a
    container that is gone (removed, re-created) is looked for afresh."""

    def __init__(self, client: docker.DockerClient, project: str) -> None:
        self.client = client
        self.project = project
        self._ids: dict[str, str] = {}  # service -> the id it was last found under

    def find(self, service: str) -> Container | None:
        """The service's container, freshly inspected; None when there is none."""
        known = self._ids.get(service)
        if known is not None:
            try:
                return self.client.containers.get(known)
            except docker.errors.NotFound:
                del self._ids[service]
        labels = [f"{PROJECT_LABEL}={self.project}", f"{SERVICE_LABEL}={service}"]
        found = self.client.api.containers(all=True, filters={"label": labels})
        if not found:
            return None
        self._ids[service] = str(found[0]["Id"])
        try:
            return self.client.containers.get(self._ids[service])
        except docker.errors.NotFound:  # removed between the list and the look
            del self._ids[service]
            return None

    def state(self, service: str) -> ContainerState:
        container = self.find(service)
        if container is None:
            return ContainerState.absent(f"{self.project}/{service}")
        return ContainerState.from_inspect(container.attrs)

    def statuses(self) -> dict[str, str]:
        """Every service's status in one list of the project: its health when it
        has a health check and runs (healthy, unhealthy, starting), else its status."""
        found = self.client.api.containers(all=True, filters={"label": f"{PROJECT_LABEL}={self.project}"})
        return {str(c["Labels"].get(SERVICE_LABEL, "")): _status(c) for c in found}

    def logs_tail(self, service: str, lines: int = 20) -> str:
        container = self.find(service)
        if container is None:
            return "(no container)"
        return container.logs(tail=lines).decode(errors="replace")

    def peak_memory(self, service: str) -> int | None:
        """The container's highest memory use so far, in bytes, where the engine
        reports one (cgroup v1; cgroup v2 keeps no peak): one sample, no waiting."""
        container = self.find(service)
        if container is None:
            return None
        stats: dict[str, Any] = container.stats(stream=False, one_shot=True)  # type: ignore[assignment]
        peak = (stats.get("memory_stats") or {}).get("max_usage")
        return int(peak) if peak else None

    def anonymous_volumes(self, service: str) -> set[str]:
        """Volumes Docker made for the image's VOLUME lines. `down` without
        --volumes orphans them, so the run remembers them to remove later."""
        container = self.find(service)
        if container is None:
            return set()
        return {
            m["Name"]
            for m in container.attrs.get("Mounts", ())
            if m.get("Type") == "volume" and _ANONYMOUS.fullmatch(m.get("Name", ""))
        }

    def addresses(self, service: str) -> list[str]:
        """The container's own addresses, one per network it is on (none when absent)."""
        container = self.find(service)
        if container is None:
            return []
        networks = container.attrs["NetworkSettings"].get("Networks") or {}
        return [n["IPAddress"] for n in networks.values() if n.get("IPAddress")]

    def host_endpoint(
        self, service: str, port: int, engine: Engine, *, published_only: bool = False
    ) -> tuple[str, int] | None:
        """Where this machine reaches the container's `port`: the published port,
        at the address `engine` says it is reached on; else (unless
        `published_only`, and only on a local engine) the container's own
        address (Linux only); else None."""
        container = self.find(service)
        if container is None:
            return None
        settings = container.attrs["NetworkSettings"]
        for binding in settings.get("Ports", {}).get(f"{port}/tcp") or ():
            return engine.reach(binding.get("HostIp") or ""), int(binding["HostPort"])
        if published_only or not engine.local:
            return None
        for network in settings.get("Networks", {}).values():
            if network.get("IPAddress"):
                return network["IPAddress"], port
        return None


def _status(listed: dict[str, Any]) -> str:
    """A listed container's health, read from its status line (`Up 3 seconds (healthy)`), else its state."""
    state, line = str(listed.get("State", "")), str(listed.get("Status", ""))
    if state != "running":
        return state
    for health in ("unhealthy", "healthy", "health: starting"):
        if f"({health})" in line:
            return health.removeprefix("health: ")
    return state

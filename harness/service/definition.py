"""The service as Compose normalizes it (`docker compose config --format json`).
Only `declares_version` reads the raw YAML, because Compose drops that key."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from harness.core.errors import HarnessError

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def seconds(duration: str | int | float | None) -> float | None:
    """Go duration as Compose prints it ('1m30s', '500ms') -> seconds."""
    if duration is None:
        return None
    if isinstance(duration, (int, float)):
        return float(duration) / 1e9  # Compose prints bare numbers as nanoseconds
    parts = _DURATION.findall(duration)
    if not parts or "".join(n + u for n, u in parts) != duration:
        raise ValueError(f"not a duration: {duration!r}")
    return sum(float(n) * _UNIT_SECONDS[u] for n, u in parts)


SERVICE = "redis"  # the plan's service in docker-compose.yml, which the suite checks
REDIS_PORT = 6379  # the port Redis listens on inside its container
APPENDFSYNC_DEFAULT = "everysec"  # Redis's own, when the command does not say
# `no` leaves flushing to the kernel: a process crash loses nothing, a host crash up to ~30 s.
DURABLE_FSYNC = ("everysec", "always")
FSYNC_WORDS = {"everysec": "once a second", "always": "after every write", "no": "when the kernel chooses"}
DATA_DIR = "/data"  # where the official image's Redis keeps its files
VOLUME_DRIVER = "local"  # a volume on the engine's own disk
# The agreed health-check probing while the service starts (a change from the
# plan: healthy within about a second instead of after the 10 s interval).
START_INTERVAL = 0.25


# Redis's memory units (redis.conf: "1k => 1000 bytes, 1kb => 1024 bytes", case-insensitive).
_REDIS_BYTES = re.compile(r"(\d+)(k|kb|m|mb|g|gb)?", re.IGNORECASE)
_REDIS_UNITS = {"": 1, "k": 10**3, "kb": 2**10, "m": 10**6, "mb": 2**20, "g": 10**9, "gb": 2**30}


def redis_bytes(text: str) -> int:
    """A size as redis-server reads it ('128mb' -> 134217728)."""
    match = _REDIS_BYTES.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not a Redis memory size: {text!r}")
    return int(match[1]) * _REDIS_UNITS[(match[2] or "").lower()]


def server_options(command: list[str]) -> dict[str, list[str]]:
    """`redis-server --appendonly yes --save ''` -> {'appendonly': ['yes'], 'save': ['']}.
    Later options win, as in redis-server itself."""
    if not command or Path(command[0]).name != "redis-server":
        return {}
    options: dict[str, list[str]] = {}
    name: str | None = None
    for token in command[1:]:
        if token.startswith("--"):
            name = token[2:].lower()
            options[name] = []
        elif name is not None:
            options[name].append(token)
    return options


@dataclass(frozen=True)
class HealthCheck:
    test: tuple[str, ...]
    interval: float | None
    timeout: float | None
    retries: int | None
    start_period: float | None
    start_interval: float | None
    disabled: bool

    @classmethod
    def from_model(cls, raw: dict[str, Any] | None) -> HealthCheck | None:
        if raw is None:
            return None
        test = raw.get("test") or []
        return cls(
            test=tuple(test),
            interval=seconds(raw.get("interval")),
            timeout=seconds(raw.get("timeout")),
            retries=raw.get("retries"),
            start_period=seconds(raw.get("start_period")),
            start_interval=seconds(raw.get("start_interval")),
            disabled=bool(raw.get("disable")) or tuple(test[:1]) == ("NONE",),
        )

    @property
    def command_line(self) -> str:
        return " ".join(self.test[1:])


@dataclass(frozen=True)
class PortMapping:
    target: int
    published: str | None
    protocol: str
    host_ip: str | None

    def __str__(self) -> str:
        host = f"{self.host_ip}:" if self.host_ip else ""
        return f"{host}{self.published or '(ephemeral)'}->{self.target}/{self.protocol}"


@dataclass(frozen=True)
class Mount:
    type: str
    source: str | None
    target: str

    def __str__(self) -> str:
        return f"{self.type} {self.source or '(anonymous)'} at {self.target}"


@dataclass(frozen=True)
class ServiceDefinition:
    name: str
    image: str | None
    container_name: str | None
    command: tuple[str, ...]
    restart: str | None
    ports: tuple[PortMapping, ...]
    mounts: tuple[Mount, ...]
    networks: tuple[str, ...]
    healthcheck: HealthCheck | None
    volume_drivers: dict[str, str]  # top-level named volumes -> driver
    network_drivers: dict[str, str]  # top-level networks -> driver
    memory_limit: int = 0  # the container's (mem_limit), in bytes; 0: none

    @classmethod
    def from_model(cls, model: dict[str, Any], service: str) -> ServiceDefinition:
        raw = model["services"][service]
        return cls(
            name=service,
            image=raw.get("image"),
            container_name=raw.get("container_name"),
            command=tuple(raw.get("command") or ()),
            restart=raw.get("restart"),
            ports=tuple(
                PortMapping(int(p["target"]), p.get("published"), p.get("protocol", "tcp"), p.get("host_ip"))
                for p in raw.get("ports") or ()
            ),
            mounts=tuple(Mount(v["type"], v.get("source"), v["target"]) for v in raw.get("volumes") or ()),
            networks=tuple(raw.get("networks") or ()),
            healthcheck=HealthCheck.from_model(raw.get("healthcheck")),
            # An unset driver is Compose's default: `local` for volumes, `bridge` for networks.
            volume_drivers={k: (v or {}).get("driver") or "local" for k, v in (model.get("volumes") or {}).items()},
            network_drivers={k: (v or {}).get("driver") or "bridge" for k, v in (model.get("networks") or {}).items()},
            # Compose prints mem_limit in bytes; `deploy.resources.limits.memory` sets the same limit.
            memory_limit=int(raw.get("mem_limit") or _deploy_memory(raw) or 0),
        )

    @property
    def server_options(self) -> dict[str, list[str]]:
        return server_options(list(self.command))

    @property
    def appendfsync(self) -> str:
        """The fsync policy of the append-only log: the last one stated, else Redis's default."""
        stated = self.server_options.get("appendfsync")
        return stated[-1] if stated else APPENDFSYNC_DEFAULT

    @property
    def maxmemory(self) -> int:
        """Redis's memory cap in bytes, the last one stated (0: none, Redis's default)."""
        stated = self.server_options.get("maxmemory")
        return redis_bytes(stated[-1]) if stated and stated[-1] else 0

    @property
    def published_host_ports(self) -> list[int]:
        return [int(p.published) for p in self.ports if p.published and p.published.isdigit()]


def _deploy_memory(raw: dict[str, Any]) -> int | None:
    limits = ((raw.get("deploy") or {}).get("resources") or {}).get("limits") or {}
    return int(limits["memory"]) if limits.get("memory") else None


def declares_version(path: Path) -> object | None:
    """The raw file's top-level `version` value, or None when it has none."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise HarnessError(f"cannot read {path} as YAML: {error}".splitlines()[0]) from error
    return document.get("version") if isinstance(document, dict) else None

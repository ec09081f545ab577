"""One place for defaults. `[tool.behave.userdata]` in pyproject.toml and
`behave -D name=value` override them."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    compose_file: Path = Path("docker-compose.yml")
    service: str = "redis"
    redis_port: int = 6379  # the port inside the container
    # Bounds for getting the stack into a scenario's precondition. The bounds a
    # criterion promises are stated in the feature text instead.
    start_timeout: float = 5.0  # a fresh Redis answers PING well inside the 5 s the plan gives it to be healthy
    command_timeout: float = 120.0
    pull_timeout: float = 300.0  # for the image, when the engine does not have it
    poll_interval: float = 0.02
    reports_dir: Path = Path("reports")
    # Where this machine reaches the engine's published ports, when no rule
    # (the engine's host name; loopback for a local socket) finds it.
    published_host: str = ""
    crashes: int = 10  # how often load/durability.feature crashes Redis
    # The whole run's bound (a watchdog), beyond the image pull's own: a run that
    # still hangs ends red, says what was running and removes what it made. The
    # suite takes about 35 s; the durability load about 2 minutes.
    run_timeout: float = 300.0
    # Seconds a run's cleanup waits for an engine that went away (a restart takes ~5 s).
    engine_return_timeout: float = 20.0

    @classmethod
    def from_userdata(cls, userdata: Mapping[str, str]) -> Settings:
        known = {f.name: f for f in fields(cls)}
        values = {}
        for name, raw in userdata.items():
            if name in known:
                kind = type(getattr(cls(), name))
                values[name] = kind(raw)
        return cls(**values)


def new_project_name() -> str:
    """A compose project of this run's own, so it never shares anything."""
    return f"opterp20-accept-{secrets.token_hex(4)}"

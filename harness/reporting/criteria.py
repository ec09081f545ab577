"""The acceptance criteria of OPTERP-20, worded and ordered as the plan lists
them, each with the `@ac:` tag its scenarios carry."""
from __future__ import annotations

from dataclasses import dataclass

TAG_PREFIX = "ac:"


@dataclass(frozen=True)
class Criterion:
    tag: str  # without "@ac:"
    text: str


# The plan's "Acceptance Criteria" checklist, verbatim.
PLAN = (
    Criterion("compose-file", "docker-compose.yml created"),
    Criterion("image", "Redis 7-alpine service defined"),
    Criterion("port", "Port 6379 exposed"),
    Criterion("aof", "AOF persistence enabled"),
    Criterion("healthcheck", "Health check configured"),
    Criterion("volume", "Volume for data persistence"),
    Criterion("no-version", "Removed obsolete version attribute (Docker Compose v2)"),
    Criterion("starts", "Redis starts successfully (requires Docker Desktop to be running)"),
    Criterion("ping", "Redis connectivity tested (redis-cli ping)"),
    Criterion("docs", "Documentation updated"),
)

# The plan's configuration details and testing strategy, also proven.
ALSO = (
    Criterion("set-get", 'Set/get: "Hello Redis" is read back'),
    Criterion("persistence", "Persistence test: a written key survives restart, re-creation and a crash"),
    Criterion("recovery", "Health check test: stopped stays stopped, healthy again after start and after a crash"),
    Criterion("restart-policy", "Restart policy unless-stopped"),
    Criterion("network", "Network opticserp_network (bridge)"),
    Criterion("container-name", "Container name opticserp_redis"),
)


def criterion_of(tags: object) -> str:
    """The criterion an element's tags name ('run' when none does)."""
    for tag in tags:  # type: ignore[attr-defined]
        if str(tag).startswith(TAG_PREFIX):
            return str(tag)[len(TAG_PREFIX):]
    return "run"

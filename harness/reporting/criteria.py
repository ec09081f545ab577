"""The acceptance criteria of OPTERP-20, worded and ordered as the plan lists
them, each with the `@ac:` tag its scenarios carry; then what the plan's
consumers need of Redis, each with its `@fit:` tag."""

from __future__ import annotations

from dataclasses import dataclass

# `@ac:` names a criterion of the plan; `@fit:` a consumer's criterion.
TAG_PREFIXES = ("ac:", "fit:")


@dataclass(frozen=True)
class Criterion:
    tag: str  # without its prefix
    text: str
    prefix: str = "ac"

    @property
    def label(self) -> str:
        return f"@{self.prefix}:{self.tag}"


# The plan's "Acceptance Criteria" checklist, verbatim but for what "exposed"
# means now that the port is published on loopback by default.
PLAN = (
    Criterion("compose-file", "docker-compose.yml created"),
    Criterion("image", "Redis 7-alpine service defined"),
    Criterion("port", "Port 6379 exposed (on this machine only, unless REDIS_BIND_ADDRESS names another address)"),
    Criterion("aof", "AOF persistence enabled"),
    Criterion("healthcheck", "Health check configured"),
    Criterion("volume", "Volume for data persistence"),
    Criterion("no-version", "Removed obsolete version attribute (Docker Compose v2)"),
    Criterion("starts", "Redis starts successfully (requires Docker Desktop to be running)"),
    Criterion("ping", "Redis connectivity tested (redis-cli ping)"),
    Criterion("docs", "Documentation updated"),
)

# The plan's configuration details and testing strategy, also proven; and
# the security the plan names as a next step, proven now.
ALSO = (
    Criterion("set-get", 'Set/get: "Hello Redis" is read back'),
    Criterion("persistence", "Persistence test: a written key survives restart, re-creation and a crash"),
    Criterion("recovery", "Health check test: stopped stays stopped, healthy again after start and after a crash"),
    Criterion("restart-policy", "Restart policy unless-stopped"),
    Criterion("network", "Network opticserp_network (bridge)"),
    Criterion("container-name", "Container name opticserp_redis"),
    Criterion(
        "security",
        "Redis is not open to the network: no client from elsewhere gets in without the "
        "password, a password set is demanded and shown nowhere, Redis does not run as root",
    ),
)

# Fit for the plan's consumers ("Used by"), each through its own client library.
CONSUMERS = tuple(
    Criterion(tag, text, "fit")
    for tag, text in (
        (
            "lock-exclusive",
            "Sync lock (OPTERP-21): one contending worker at a time is inside the lock, and every "
            "critical section runs",
        ),
        (
            "lock-handover",
            "Sync lock (OPTERP-21): a waiting worker gets the lock as soon as it is released, not at its expiry",
        ),
        (
            "lock-expiry",
            "Sync lock (OPTERP-21): the lock of a worker killed while holding it frees at its expiry, not before",
        ),
        (
            "lock-survives-crash",
            "Sync lock (OPTERP-21): a lock taken over a second before a Redis crash is still "
            "held after it, and is released and passed on cleanly",
        ),
        ("task-roundtrip", "Celery broker (OPTERP-24): a task sent from the host is executed and its result read back"),
        (
            "queued-tasks-survive",
            "Celery broker (OPTERP-24): tasks queued while no worker runs survive a crash and a "
            "re-creation, and each runs exactly once",
        ),
        (
            "worker-reconnects",
            "Celery broker (OPTERP-24): a consuming worker carries on after Redis crashes and comes back",
        ),
        ("bulkhead", "Celery broker (OPTERP-24): a busy sync queue does not hold up another queue"),
        (
            "redelivery",
            "Celery broker (OPTERP-24): a task whose worker died mid-task is delivered again after the "
            "visibility timeout",
        ),
        (
            "jobs-survive-crash",
            "Job store (OPTERP-22): a stored job survives a Redis crash and fires in the next scheduler",
        ),
        ("no-eviction", "All three: a full Redis refuses writes and evicts no lock, task or job"),
    )
)


def criterion_of(tags: object) -> str:
    """The criterion an element's tags name ('run' when none does)."""
    for tag in tags:  # type: ignore[attr-defined]
        prefix, sep, name = str(tag).partition(":")
        if sep and f"{prefix}:" in TAG_PREFIXES:
            return name
    return "run"

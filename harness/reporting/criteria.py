"""What the sign-off checks, in the plan's own words and order: its 10
acceptance criteria, the 3 tests of its testing strategy, further checks of
its configuration, and what the plan's consumers need of Redis. Each names
the tags whose scenarios prove it (`@ac:` for the plan, `@fit:` for a
consumer). Also the deliberate changes from the plan, for the product owner
to approve."""

from __future__ import annotations

from dataclasses import dataclass

# `@ac:` names a criterion of the plan; `@fit:` a consumer's criterion; `@ha:`
# one of the Sentinel topology (features/ha, signed off by a run of `--tags=@ha`,
# harness/reporting/criteria_ha.py); `@ops:` one of what the data goes through when
# storage or memory fails (features/ops, `--tags=@ops`, harness/reporting/criteria_ops.py).
TAG_PREFIXES = ("ac:", "fit:", "ha:", "ops:")


@dataclass(frozen=True)
class Criterion:
    key: str  # unique in the sign-off; the tag that proves it, unless `tags` says otherwise
    text: str
    prefix: str = "ac"
    tags: tuple[str, ...] = ()  # the tags (without prefix) whose scenarios prove it, when not just `key`
    # What the plan ties it to: "engine" (Docker Desktop on Windows), "image" (the registry's image).
    # Passed elsewhere, its row says where, and its box stays unticked.
    needs: tuple[str, ...] = ()

    @property
    def proven_by(self) -> tuple[str, ...]:
        return self.tags or (self.key,)

    @property
    def label(self) -> str:
        return ", ".join(f"@{self.prefix}:{tag}" for tag in self.proven_by)


# The plan's "Acceptance Criteria" checklist, verbatim.
PLAN = (
    Criterion("compose-file", "docker-compose.yml created"),
    Criterion("image", "Redis 7-alpine service defined", needs=("image",)),
    Criterion("port", "Port 6379 exposed"),
    Criterion("aof", "AOF persistence enabled"),
    Criterion("healthcheck", "Health check configured"),
    Criterion("volume", "Volume for data persistence"),
    Criterion("no-version", "Removed obsolete version attribute (Docker Compose v2)"),
    Criterion("starts", "Redis starts successfully (requires Docker Desktop to be running)", needs=("engine",)),
    Criterion("ping", "Redis connectivity tested (redis-cli ping)"),
    Criterion("docs", "Documentation updated"),
)

# The plan's "Testing Strategy": its three tests.
STRATEGY = (
    Criterion("smoke", "1. Smoke test: Redis starts, turns healthy and answers PONG", tags=("starts", "ping")),
    Criterion("persistence", "2. Persistence test: a written key survives a restart (and re-creation and a crash)"),
    Criterion("recovery", "3. Health check test: stopped stays stopped, healthy again after a start (and a crash)"),
)

# The plan's configuration details (Step 2) and set/get test (Step 3), and the
# security the plan names as a next step, proven now.
FURTHER = (
    Criterion("set-get", 'Set/get: "Hello Redis" is read back'),
    Criterion("restart-policy", "Restart policy unless-stopped"),
    Criterion("network", "Network opticserp_network (bridge)"),
    Criterion("container-name", "Container name opticserp_redis"),
    Criterion(
        "security",
        "Redis is not open to the network: nobody gets in from elsewhere without the password, a password "
        "set is demanded and shown nowhere, Redis does not run as root",
    ),
)

# Fit for the plan's consumers ("Used by"), each through its own client library.
CONSUMERS = tuple(
    Criterion(key, text, "fit")
    for key, text in (
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
        (
            "lock-long-sync",
            "Sync lock (OPTERP-21): a sync longer than the lock's expiry, held as README says, never runs beside "
            "another worker's, even across a Redis restart: it keeps the lock, or stops before another gets it",
        ),
        ("task-roundtrip", "Celery broker (OPTERP-24): a task sent from the host is executed and its result read back"),
        (
            "queued-tasks-survive",
            "Celery broker (OPTERP-24): tasks queued while no worker runs survive a crash and a "
            "re-creation, and each runs exactly once",
        ),
        (
            "worker-keeps-consuming",
            "Celery broker (OPTERP-24): each queue's worker keeps taking tasks after Redis crashes and comes back "
            "twice in a row and its connection drops again and again",
        ),
        ("bulkhead", "Celery broker (OPTERP-24): a busy sync queue does not hold up another queue"),
        (
            "redelivery",
            "Celery broker (OPTERP-24): a task whose worker died mid-task is delivered again after the "
            "visibility timeout",
        ),
        (
            "delayed-task-once",
            "Celery broker (OPTERP-24): a task sent as README says to run later than the visibility timeout runs "
            "once, when its time comes",
        ),
        (
            "jobs-survive-crash",
            "Job store (OPTERP-22): a stored job survives a Redis crash and fires in the next scheduler",
        ),
        ("no-eviction", "All three: a full Redis refuses writes and evicts no lock, task or job"),
    )
)


@dataclass(frozen=True)
class Change:
    """A deliberate departure from the plan's text, and the criterion that proves it holds."""

    text: str
    why: str
    proven_by: str  # a criterion's key


CHANGES = (
    Change(
        "Port 6379 is published on this machine only (127.0.0.1), not on every address; REDIS_BIND_ADDRESS "
        "publishes it on another.",
        "The official image turns Redis's protected mode off and Docker's published ports bypass host "
        "firewalls; the plan's consumers connect to localhost.",
        "port",
    ),
    Change(
        "Redis is started with the eviction policy noeviction and a memory cap of 128 MB (maxmemory), in a "
        "container limited to 384 MiB.",
        "When memory is full, writes fail loudly; any other policy may silently drop the sync lock, "
        "queued tasks or stored jobs, and without a cap Redis grows until the kernel kills it (the "
        "storage and memory sign-off, `--tags=@ops`, proves the container's room for a rewrite of the log).",
        "no-eviction",
    ),
    Change(
        "The health check probes every 0.25 s for the first 30 s after a start, then every 10 s as planned. "
        "This needs Docker Compose 2.20.2 and Docker Engine 25 or newer.",
        "A started Redis is reported healthy within about a second instead of after 10 s.",
        "healthcheck",
    ),
    Change(
        "A password can be set (REDIS_PASSWORD_FILE); without one, Redis runs as the plan has it. The empty "
        "stand-in for the password file needs Docker Compose 2.23.1 or newer.",
        "The plan names password authentication as its next step; Redis published beyond this machine needs it.",
        "security",
    ),
    Change(
        "Redis runs as the image's redis user, not as root.",
        "A compromised Redis process does not get root in its container.",
        "security",
    ),
)


def criterion_of(tags: object) -> str:
    """The criterion tag an element's tags name ('run' when none does)."""
    for tag in tags:  # type: ignore[attr-defined]
        prefix, sep, name = str(tag).partition(":")
        if sep and f"{prefix}:" in TAG_PREFIXES:
            return name
    return "run"

"""What the sign-off checks, in the plan's own words and order: its 10
acceptance criteria, the 3 tests of its testing strategy, further checks of
its configuration, and what the plan's consumers need of Redis. Each names
the tags whose scenarios prove it (`@ac:` for the plan, `@fit:` for a
consumer). Also the deliberate changes from the plan, for the product owner
to approve."""

from __future__ import annotations

from dataclasses import dataclass

# `@ac:` names a criterion of the plan; `@fit:` a consumer's criterion; `@ha:`
# one of the Sentinel topology (features/ha, signed off by a run of `--tags=@ha`).
TAG_PREFIXES = ("ac:", "fit:", "ha:")


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

# The plan's production phase: the Sentinel topology of docker-compose.ha.yml, in
# OpticsERP's words: the master is "the main Redis", a replica "a standby".
HA = tuple(
    Criterion(key, text, "ha")
    for key, text in (
        (
            "ready",
            "Ready within 10 s of the start: every Redis and sentinel healthy, all three sentinels agreeing on the "
            "main Redis, both standbys following it",
        ),
        (
            "crash-failover",
            "A main Redis that crashes is replaced by a standby within 6 s, which takes writes, the other standby "
            "following it",
        ),
        (
            "no-write-lost",
            "No write a standby confirmed is lost when the main Redis crashes; the writes only it took are counted "
            "and their loss reported",
        ),
        (
            "old-master-returns",
            "The old main Redis comes back as a standby, never as a second main Redis, and takes no write",
        ),
        (
            "restart-absorbs",
            "Negative control: a crash that Docker's restart absorbs is no failover, and the data is intact",
        ),
        (
            "manual-failover",
            "A failover the operator asks for (writes paused first): within 5 s, no confirmed write lost, the old "
            "main Redis demoted",
        ),
        ("frozen-master", "A main Redis that freezes is replaced within 7 s, and demoted without taking a write"),
        (
            "partition",
            "A network split: a standby takes over on the sentinels' side, the cut-off main Redis refuses writes "
            "within 6 s and becomes a standby when the network heals; only the writes it took alone are lost, "
            "counted, never a confirmed one",
        ),
        (
            "majority",
            "Two of three sentinels decide: with one down a crash still fails over; with two down none happens, "
            "and there are never two main Redis at once",
        ),
        ("stack-restart", "A restart of the whole stack after a failover keeps the new main Redis and its data"),
        ("truthful-health", "Truthful health: a sentinel that sees no main Redis reports itself unhealthy"),
        (
            "consumers-crash",
            "Through a crash: the sync lock still held by its worker and passed on, the Celery worker carrying on "
            "within 10 s of the new main Redis, every waiting task run once, the stored job firing",
        ),
        ("consumers-manual", "Through a failover the operator asks for: the same"),
        ("consumers-frozen", "Through a main Redis that freezes and keeps the consumers' connections open: the same"),
        (
            "consumers-in-network",
            "Consumers in a container on OpticsERP's network, finding the sentinels by name: the same through a crash",
        ),
        (
            "consumers-partition",
            "Consumers on the cut-off side of a network split: the same, once the cut-off main Redis refuses them",
        ),
        (
            "lock-long-sync",
            "A sync longer than the lock's expiry, held as README says, stops before another gets it in a failover",
        ),
        (
            "consumers-two-failovers",
            "Through two failovers in a row: the Celery worker carrying on within 10 s of the last new main Redis",
        ),
        (
            "replicas-lost",
            "With both standbys lost, the sync lock is refused rather than granted on one copy, and a Celery worker "
            "waits for the standbys instead of exiting",
        ),
        (
            "not-open",
            "No Redis or sentinel is open to the network: nobody gets in from elsewhere without the password, "
            "which is demanded and shown nowhere; none runs as root",
        ),
    )
)

ALL = (*PLAN, *STRATEGY, *FURTHER, *CONSUMERS, *HA)


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
        "Redis is started with the eviction policy noeviction.",
        "When memory is full, writes fail loudly; any other policy may silently drop the sync lock, "
        "queued tasks or stored jobs.",
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


# What the Sentinel topology's design asks OpticsERP to accept: its trade-offs, each proven by a criterion.
HA_CHANGES = (
    Change(
        "With both standbys lost, the sync lock is refused and the Celery workers wait: the main Redis takes no "
        "write that no standby receives (min-replicas-to-write 1).",
        "A lock or task only the main Redis holds is lost with it in the next failover; stopping the fiscal sync "
        "is safer than running it twice.",
        "replicas-lost",
    ),
    Change(
        "Only the sync lock waits for a standby's confirmation (WAIT). A Celery task or a stored job that the "
        "main Redis took alone can be lost when it crashes, and up to about 5 s of them in a network split.",
        "Waiting for a standby on every task would slow every enqueue; the loss is counted and reported by the "
        "failover and partition scenarios, never silent.",
        "partition",
    ),
    Change(
        "OPTERP-21, OPTERP-22 and OPTERP-24 connect through the sentinels, with the settings of "
        "stand_ins/sentinel_clients.py (README, Connecting to the HA topology), not as the plan's "
        "redis.Redis(host='localhost', port=6379).",
        "A fixed address keeps writing to a main Redis that has been replaced, or to one that is cut off.",
        "consumers-crash",
    ),
    Change(
        "The topology publishes ports 16380-16392 on this machine only (Redis and sentinels), not 6379.",
        "Six services need six ports; 6379 stays free for the single node.",
        "not-open",
    ),
    Change(
        "A failover the operator asks for pauses writes on the main Redis first (CLIENT PAUSE ... WRITE), then "
        "asks a sentinel (README, High availability).",
        "Without the pause the old main Redis takes writes while a standby takes over, and they are lost.",
        "manual-failover",
    ),
)

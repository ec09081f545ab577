"""What the Sentinel topology of docker-compose.ha.yml signs off (a run of
`--tags=@ha`): its criteria in OpticsERP's words, and the trade-offs its design
asks OpticsERP to accept."""

from __future__ import annotations

from harness.reporting.criteria import Change, Criterion

# The plan's production phase: the Sentinel topology of docker-compose.ha.yml, in
# OpticsERP's words: the master is "the main Redis", a replica "a standby".
HA = tuple(
    Criterion(key, text, "ha")
    for key, text in (
        (
            "ready",
            "Ready within 10 s of the start: every Redis and sentinel healthy, all three sentinels agreeing on the "
            "main Redis, both standbys following it; every Redis writing its log to disk at least once a second",
        ),
        (
            "crashes-absorbed",
            "Standbys and sentinels that crash are restarted by Docker, and the topology is ready again within 10 s: "
            "a crashed sentinel never stays down to cost the majority a failover needs",
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

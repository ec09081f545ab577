"""The Sentinel topology's rules: pure functions over what each sentinel and
each data node says at one moment. `sentinel.py` gathers those answers;
`tests/unit/test_sentinel_rules.py` proves each rule."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Address = tuple[str, int]


@dataclass(frozen=True)
class SentinelView:
    """One sentinel's answers about the monitored master, or why it gave none."""

    sentinel: str
    master: Address | None = None  # SENTINEL GET-MASTER-ADDR-BY-NAME
    flags: str = ""  # SENTINEL MASTER: exactly "master" when it sees it up
    replicas: int = 0  # num-slaves
    other_sentinels: int = 0  # num-other-sentinels
    quorum: str = ""  # SENTINEL CKQUORUM's reply
    error: str | None = None

    def __str__(self) -> str:
        if self.error is not None:
            return f"{self.sentinel}: {self.error}"
        where = f"{self.master[0]}:{self.master[1]}" if self.master else "none"
        return (
            f"{self.sentinel}: master {where} flags {self.flags or '?'}, {self.replicas} replicas, "
            f"{self.other_sentinels} other sentinels, ckquorum {self.quorum.split(' ')[0] or '?'}"
        )


@dataclass(frozen=True)
class NodeView:
    """One data node's INFO replication, or why it gave none."""

    service: str
    role: str = ""  # master / slave
    master: Address | None = None  # a replica's master_host:master_port
    link: str = ""  # a replica's master_link_status
    error: str | None = None

    def __str__(self) -> str:
        if self.error is not None:
            return f"{self.service}: {self.error}"
        if self.role == "master":
            return f"{self.service}: master"
        where = f"{self.master[0]}:{self.master[1]}" if self.master else "?"
        return f"{self.service}: {self.role or '?'} of {where}, link {self.link or '?'}"


@dataclass(frozen=True)
class Monitoring:
    """How the sentinels monitor the master (SENTINEL MASTER): what a failover needs."""

    quorum: int  # sentinels that must see the master down before it is objectively down
    down_after: float  # seconds without an answer before a sentinel sees the master down
    sentinels: int  # the sentinels that know of each other, this one included

    @classmethod
    def from_fields(cls, fields: Mapping[str, object]) -> Monitoring:
        return cls(
            int(str(fields["quorum"])),
            int(str(fields["down-after-milliseconds"])) / 1000,
            int(str(fields["num-other-sentinels"])) + 1,
        )

    def why_no_failover(self, running: int, within: float) -> str | None:
        """Why no failover can happen within `within` seconds of a fault with
        `running` sentinels up, if none can: a failover needs the quorum to see
        the master down, after down-after, and a majority of all the sentinels
        to vote for its leader."""
        if self.down_after >= within:
            return f"the sentinels take the master for down only after {self.down_after:g} s (down-after)"
        if running < self.quorum:
            return f"{running} sentinels run, fewer than the quorum of {self.quorum}"
        if running <= self.sentinels // 2:
            return f"{running} of {self.sentinels} sentinels run, not a majority to vote for a failover"
        return None


def agreed_master(views: Sequence[SentinelView]) -> Address | None:
    """The master every sentinel names, if they all answer and agree."""
    named = {view.master for view in views}
    if not views or len(named) != 1 or any(view.error for view in views):
        return None
    return next(iter(named))


def majority_master(views: Sequence[SentinelView], sentinels: int) -> Address | None:
    """The master a majority of all `sentinels` names: who clients are sent to."""
    counts = Counter(view.master for view in views if view.master is not None and view.error is None)
    for master, count in counts.most_common(1):
        if count > sentinels // 2:
            return master
    return None


def masters(nodes: Sequence[NodeView]) -> list[str]:
    """The data nodes that say they are master: more than one is split brain."""
    return [node.service for node in nodes if node.role == "master"]


def ready_problems(
    sentinels: Sequence[SentinelView], nodes: Sequence[NodeView], health: Mapping[str, str]
) -> list[str]:
    """Why the topology is not ready, empty when it is: every container healthy;
    every sentinel answering, naming the same master flagged exactly `master`,
    seeing every replica and every other sentinel, with quorum; that master a
    master by its own account, and every other node its replica with the link up."""
    problems = [f"{name} is {status}" for name, status in health.items() if status != "healthy"]
    problems += sentinel_problems(sentinels, replicas=len(nodes) - 1, others=len(sentinels) - 1)
    problems += node_problems(nodes, agreed_master(sentinels))
    return problems


def sentinel_problems(sentinels: Sequence[SentinelView], replicas: int, others: int) -> list[str]:
    """Why the sentinels do not agree: every one answering, naming the same
    master flagged exactly `master`, seeing `replicas` replicas and `others`
    other sentinels, with quorum; and there being `others + 1` of them (fewer
    cannot have the majority a failover needs)."""
    problems = [str(view) for view in sentinels if view.error]
    if len(sentinels) != others + 1:
        problems.append(f"{len(sentinels)} sentinels in the file, not {others + 1}")
    if agreed_master(sentinels) is None:
        named = ", ".join(sorted({str(view.master) for view in sentinels if not view.error}))
        problems.append(f"the sentinels do not all name one master ({named or 'none named'})")
    for view in sentinels:
        if view.error:
            continue
        if view.flags != "master":
            problems.append(f"{view.sentinel} flags the master {view.flags!r}")
        if view.replicas != replicas:
            problems.append(f"{view.sentinel} sees {view.replicas} replicas, not {replicas}")
        if view.other_sentinels != others:
            problems.append(f"{view.sentinel} sees {view.other_sentinels} other sentinels, not {others}")
        if not view.quorum.startswith("OK"):
            problems.append(f"{view.sentinel} CKQUORUM: {view.quorum or 'no answer'}")
    return problems


def node_problems(nodes: Sequence[NodeView], master: Address | None) -> list[str]:
    """Why the data nodes are not one master with every other node its linked replica."""
    problems = [str(node) for node in nodes if node.error]
    if master is None:
        return problems
    for node in nodes:
        if node.error:
            continue
        if node.service == master[0]:
            if node.role != "master":
                problems.append(f"{node.service} is named master but says {node.role}")
        elif node.role != "slave" or node.master != master or node.link != "up":
            problems.append(f"{node} (should replicate {master[0]}:{master[1]} with the link up)")
    return problems


def named_outside(views: Sequence[SentinelView], services: Sequence[str]) -> str | None:
    """Why readiness can never come, when the sentinels name as master an address
    that is no service of the topology (an IP: hostnames not announced)."""
    named = sorted({v.master[0] for v in views if v.master and not v.error} - set(services))
    if not named:
        return None
    return f"the sentinels name {', '.join(named)} as master, which is no service of the file: clients cannot find it"

"""What the Sentinel topology says of itself: every sentinel's and data node's
view at one moment, the master a majority of the sentinels names, how they
monitor it, and the waits on what they say (ready, switched, replicas
following, health checks failing). It asks each service, never Docker health
alone; the rules it applies are in `sentinel_rules.py`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import redis

from harness.core.errors import HarnessError
from harness.core.polling import Observed
from harness.infra.engine_errors import ENGINE_ERRORS
from harness.service import redis_client
from harness.topology import inside
from harness.topology.inside import HealthRun
from harness.topology.node import Node
from harness.topology.project import Project
from harness.topology.sentinel_facts import Agreement, ChecksFailing, NamedMaster, NodeSettings
from harness.topology.sentinel_rules import (
    Address,
    Monitoring,
    NodeView,
    SentinelView,
    agreed_master,
    majority_master,
    masters,
    named_outside,
    node_problems,
    ready_problems,
    sentinel_problems,
)

MASTER_NAME = "mymaster"  # the name the sentinels monitor the master under
# What every data node must say of itself: AOF, no eviction, no write without a replica.
# Each with the values it may have; appendfsync as the single node's (`no`: up to ~30 s lost in a power cut).
DATA_NODE_SETTINGS = {
    "appendonly": ("yes",),
    "appendfsync": ("everysec", "always"),
    "maxmemory-policy": ("noeviction",),
    "min-replicas-to-write": ("1",),
}


@dataclass(frozen=True)
class Snapshot:
    """What every sentinel and data node said, and Docker's health of each, at one moment."""

    sentinels: tuple[SentinelView, ...]
    nodes: tuple[NodeView, ...]
    health: dict[str, str]

    @property
    def problems(self) -> list[str]:
        return ready_problems(self.sentinels, self.nodes, self.health)

    @property
    def master(self) -> Address | None:
        """The master all sentinels name, when they agree."""
        return agreed_master(self.sentinels)

    @property
    def masters(self) -> list[str]:
        """The data nodes that say they are master."""
        return masters(self.nodes)

    def __str__(self) -> str:
        return "; ".join([*map(str, self.sentinels), *map(str, self.nodes)])


@dataclass(frozen=True)
class Naming:
    """What the sentinels asked said the master is, and the node a majority of them names."""

    views: tuple[SentinelView, ...]
    master: Node | None

    def __str__(self) -> str:
        named = self.master.service if self.master else "no majority of the sentinels names a master"
        return f"{named}: {'; '.join(map(str, self.views))}"


@dataclass
class Watch:
    project: Project
    data: list[Node]
    sentinels: list[Node]
    follow_within: float  # seconds for every replica to follow a master
    masterless_check: float  # seconds between asking the engine whether any data node could be master
    _masterless: tuple[float, str | None] = (float("-inf"), None)  # when last asked, and the answer

    @property
    def nodes(self) -> list[Node]:
        return [*self.data, *self.sentinels]

    def node(self, service: str) -> Node:
        for node in self.nodes:
            if node.service == service:
                return node
        names = ", ".join(n.service for n in self.nodes)
        raise HarnessError(f"the topology has no service {service!r} (it has {names})")

    def snapshot(self) -> Snapshot:
        statuses = self.project.containers.statuses()  # one list of the project, not an inspect per node
        return Snapshot(
            tuple(self.sentinel_view(s) for s in self.sentinels),
            tuple(self.node_view(n) for n in self.data),
            {n.service: statuses.get(n.service, "absent") for n in self.nodes},
        )

    def naming(self, among: Sequence[Node] | None = None) -> Naming:
        """The data node a majority of the sentinels names now, asking only where
        it is, as a client's discovery does (`among`: the sentinels asked, and
        the majority is of them; all by default)."""
        views, asked = [], among or self.sentinels
        for sentinel in asked:
            try:
                answer = sentinel.endpoint.shared().execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME)
            except (redis.RedisError, OSError) as error:
                views.append(SentinelView(sentinel.service, error=why(error)))
                continue
            views.append(SentinelView(sentinel.service, (str(answer[0]), int(answer[1])) if answer else None))
        master = majority_master(views, len(asked))
        return Naming(tuple(views), self.node(master[0]) if master else None)

    def monitoring(self, among: Sequence[Node]) -> Monitoring | None:
        """How the sentinels monitor the master, as the first of `among` that answers says; None if none does."""
        for sentinel in among:
            try:
                state = sentinel.endpoint.shared().execute_command("SENTINEL", "MASTER", MASTER_NAME)
            except (redis.RedisError, OSError):
                continue
            return Monitoring.from_fields(_fields(state))
        return None

    def masterless(self) -> str | None:
        """Why no data node can be master now, if none can: every one frozen or
        not running. For waits on consumer processes, which one frozen or
        crashed master does not decide (it is failed over); asked of the engine
        at most every `masterless_check` seconds."""
        asked, reason = self._masterless
        now = self.project.poller.clock()
        if now - asked >= self.masterless_check:
            try:
                states = [(n.service, n.state().status) for n in self.data]
            except ENGINE_ERRORS as error:
                reason = f"the Docker engine does not answer: {type(error).__name__}"
            else:
                out = [f"{service} {status}" for service, status in states if status != "running"]
                reason = f"no data node can be master: {', '.join(out)}" if len(out) == len(states) else None
            self._masterless = (now, reason)
        return reason

    def node_settings(self) -> NodeSettings:
        """Each data node's own values of DATA_NODE_SETTINGS (CONFIG GET)."""

        def asked(node: Node) -> dict[str, str]:
            client = node.endpoint.shared()
            return {name: str(client.config_get(name).get(name, "")) for name in DATA_NODE_SETTINGS}

        return NodeSettings({node.service: asked(node) for node in self.data}, DATA_NODE_SETTINGS)

    def agreement(self, replicas: int, others: int) -> Agreement:
        """What every sentinel says now, against `replicas` replicas and `others` other sentinels each."""
        views = self.snapshot().sentinels
        return Agreement(views, sentinel_problems(views, replicas, others))

    def named_master(self, promoted: Node) -> NamedMaster:
        """The master every sentinel names now, beside `promoted`."""
        snapshot = self.snapshot()
        return NamedMaster(snapshot.master[0] if snapshot.master else None, promoted.service, str(snapshot))

    # -- waits -----------------------------------------------------------------
    def wait_ready(self, since: float, within: float) -> Observed[Snapshot]:
        names = [n.service for n in self.nodes]
        return self.project.poller.until(
            "the topology ready (healthy; every sentinel naming one master, seeing every replica and sentinel, "
            "with quorum; every replica linked)",
            self.snapshot,
            lambda s: not s.problems,
            timeout=within,
            since=since,
            give_up=lambda s: named_outside(s.sentinels, names),
            why_not=lambda s: "; ".join(s.problems),
        )

    def wait_switched(self, old: str, since: float, within: float, among: Sequence[Node] = ()) -> Observed[Snapshot]:
        """Until every sentinel (of `among`, all by default) names one master other
        than `old`. Only the sentinels are asked: a frozen node would slow each look."""
        asked = [n for n in self.sentinels if n in among] if among else self.sentinels

        def look() -> Snapshot:
            return Snapshot(tuple(self.sentinel_view(n) for n in asked), (), {})

        def switched(s: Snapshot) -> bool:
            named = {v.master[0] if v.master else "" for v in s.sentinels}
            return not any(v.error for v in s.sentinels) and len(named) == 1 and named.isdisjoint({"", old})

        services = ", ".join(n.service for n in asked)
        goal = f"every sentinel ({services}) naming one new master instead of {old}"
        return self.project.poller.until(goal, look, switched, timeout=within, since=since)

    def wait_replicas_follow(
        self, master: str, exclude: str, observe: Callable[[], Snapshot] | None = None, within: float | None = None
    ) -> Snapshot:
        """Until `master` says it is master and every other data node but `exclude` is its linked replica."""
        address = self.node(master).endpoint.in_network()

        def why_not(s: Snapshot) -> str:
            return "; ".join(node_problems([n for n in s.nodes if n.service != exclude], address))

        goal = f"{master} master, with every other node its linked replica"
        observed = observe or self.snapshot
        return self.project.poller.until(
            goal, observed, lambda s: not why_not(s), timeout=within or self.follow_within, why_not=why_not
        ).value

    def wait_sentinel_checks_fail(self, since: float, within: float) -> ChecksFailing:
        """Until every sentinel's configured health check, run now by hand, fails
        while the sentinel itself still answers PING (so the check, not the
        sentinel, says no)."""

        def checks() -> list[HealthRun]:
            return [inside.run_health_check(s.container()) for s in self.sentinels]

        def failing(runs: list[HealthRun]) -> bool:
            answering = all(redis_client.answers_ping(s.endpoint.shared()) == "PONG" for s in self.sentinels)
            return answering and all(run.exit_code != 0 for run in runs)

        goal = "every sentinel's health check failing while it answers"
        seen = self.project.poller.until(goal, checks, failing, timeout=within, since=since)
        return ChecksFailing(seen.elapsed, seen.value)

    # -- one service's view ------------------------------------------------------
    def sentinel_view(self, sentinel: Node) -> SentinelView:
        client = sentinel.endpoint.shared()
        try:
            master = client.execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME)
            fields = _fields(client.execute_command("SENTINEL", "MASTER", MASTER_NAME))
            try:
                quorum = str(client.execute_command("SENTINEL", "CKQUORUM", MASTER_NAME))
            except redis.ResponseError as error:
                quorum = str(error)
            return SentinelView(
                sentinel.service,
                (str(master[0]), int(master[1])) if master else None,
                str(fields.get("flags", "")),
                int(fields.get("num-slaves", 0)),
                int(fields.get("num-other-sentinels", 0)),
                quorum,
            )
        except (redis.RedisError, OSError) as error:
            return SentinelView(sentinel.service, error=why(error))

    def node_view(self, node: Node) -> NodeView:
        try:
            info = node.endpoint.shared().info("replication")
        except (redis.RedisError, OSError) as error:
            return NodeView(node.service, error=why(error))
        master = (str(info["master_host"]), int(info["master_port"])) if "master_host" in info else None
        return NodeView(node.service, str(info.get("role", "")), master, str(info.get("master_link_status", "")))


def _fields(state: Any) -> dict[str, Any]:
    """A `SENTINEL MASTER` reply (a flat list under RESP2, a map under RESP3) as a dict."""
    pairs = dict(zip(state[::2], state[1::2], strict=True)) if isinstance(state, list) else dict(state)
    return {str(k): v for k, v in pairs.items()}


def why(error: BaseException) -> str:
    return f"{type(error).__name__}: {' '.join(str(error).split())[:120]}"

"""The production topology of `docker-compose.ha.yml`: data nodes and the
sentinels that monitor them. It reads what each sentinel and each node says
(never Docker health alone), waits for the whole topology to be ready, finds
the master the sentinels name, and injects the faults a failover is proven
under: a crash the restart policy does not undo, a freeze, a partition, a
stopped sentinel, a manual failover. The rules it applies are in `sentinel_rules.py`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis

from harness.core.errors import HarnessError, ServiceUnreachable
from harness.core.polling import Observed
from harness.infra import faults
from harness.infra.engine_errors import ENGINE_ERRORS
from harness.infra.seat import NetworkSeat
from harness.service import redis_client
from harness.service.access import Access
from harness.topology import inside
from harness.topology.inside import HealthRun
from harness.topology.node import Node
from harness.topology.project import Project
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
)

MASTER_NAME = "mymaster"  # the name the sentinels monitor the master under
DATA_PREFIX, SENTINEL_PREFIX = "redis", "sentinel"  # how the file names its services
# What every data node must say of itself: AOF, no eviction, no write without a replica.
DATA_NODE_SETTINGS = {"appendonly": "yes", "maxmemory-policy": "noeviction", "min-replicas-to-write": "1"}
ASK_TIMEOUT = 0.5  # seconds for one answer: a frozen node must not stall a poll of six
WRITE_TIMEOUT = 1.0  # seconds for a write and its WAIT (at most 0.5 s)
MASTERLESS_CHECK = 0.5  # seconds between asking the engine whether any data node could be master


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


@dataclass
class SentinelTopology:
    project: Project
    data: list[Node]
    sentinels: list[Node]
    _clients: dict[str, redis.Redis] = field(default_factory=dict)
    _addresses: dict[str, tuple[str, int]] = field(default_factory=dict)
    _cuts: dict[str, faults.Partition] = field(default_factory=dict)  # partitions not yet healed, by service
    _masterless: tuple[float, str | None] = (float("-inf"), None)  # when last asked, and the answer

    @classmethod
    def from_model(cls, project: Project, model: dict[str, Any], make: Callable[[str, int], Node]) -> SentinelTopology:
        """Data nodes and sentinels as the file names them, each on the port it
        publishes; `make(service, port)` makes a Node."""
        services = model.get("services", {})

        def port(service: str) -> int:
            published = services[service].get("ports") or [{}]
            return int(published[0].get("target", 0))

        def named(prefix: str) -> list[Node]:
            return [make(s, port(s)) for s in sorted(services) if s.startswith(prefix)]

        return cls(project, named(DATA_PREFIX), named(SENTINEL_PREFIX))

    # -- Topology ------------------------------------------------------------
    @property
    def nodes(self) -> Sequence[Node]:
        return (*self.data, *self.sentinels)

    @property
    def primary(self) -> Node:
        """The data node a majority of the sentinels names master: where clients write."""
        try:
            return self.named_master()
        except redis.ConnectionError as error:
            raise ServiceUnreachable(str(error)) from error

    def diagnostics(self) -> str:
        return f"topology: {self.snapshot()}\n" + self.project.diagnostics(n.service for n in self.nodes)

    def teardown(self, engine_return: float) -> list[str]:
        for client in self._clients.values():
            client.close()
        return self.project.teardown([n.service for n in self.nodes], engine_return)

    # -- lifecycle -----------------------------------------------------------
    def up(self) -> float:
        """`up` of every service; the monotonic time just before it."""
        return self.project.up_all()

    def switch(self, access: Access, within: float) -> None:
        """Re-create every container, on the same volumes, to be reached another
        way (a password of a scenario's own), and wait until it is ready again."""
        self.project.reconfigure(access)
        self._clients.clear()
        self.wait_ready(since=self.project.up_all(force_recreate=True), within=within)

    def down(self) -> None:
        """`down`, keeping the volumes: a whole-stack restart's first half."""
        self.project.down([n.service for n in self.nodes], volumes=False)
        self._clients.clear()

    def node(self, service: str) -> Node:
        for node in self.nodes:
            if node.service == service:
                return node
        raise HarnessError(f"the topology has no service {service!r} (it has {', '.join(self.names)})")

    @property
    def names(self) -> list[str]:
        return [n.service for n in self.nodes]

    # -- observing -----------------------------------------------------------
    def snapshot(self) -> Snapshot:
        statuses = self.project.containers.statuses()  # one list of the project, not an inspect per node
        return Snapshot(
            tuple(self._sentinel_view(s) for s in self.sentinels),
            tuple(self._node_view(n) for n in self.data),
            {n.service: statuses.get(n.service, "absent") for n in self.nodes},
        )

    def wait_ready(self, since: float, within: float) -> Observed[Snapshot]:
        return self.project.poller.until(
            "the topology ready (healthy; every sentinel naming one master, seeing every replica and sentinel, "
            "with quorum; every replica linked)",
            self.snapshot,
            lambda s: not s.problems,
            timeout=within,
            since=since,
            give_up=lambda s: named_outside(s.sentinels, self.names),
            why_not=lambda s: "; ".join(s.problems),
        )

    def wait_switched(self, old: str, since: float, within: float, among: Sequence[Node] = ()) -> Observed[Snapshot]:
        """Until every sentinel (of `among`, all by default) names one master other
        than `old`. Only the sentinels are asked: a frozen node would slow each look."""
        asked = [n for n in self.sentinels if n in among] if among else self.sentinels

        def look() -> Snapshot:
            return Snapshot(tuple(self._sentinel_view(n) for n in asked), (), {})

        def switched(s: Snapshot) -> bool:
            named = {v.master[0] if v.master else "" for v in s.sentinels}
            return not any(v.error for v in s.sentinels) and len(named) == 1 and named.isdisjoint({"", old})

        return self.project.poller.until(
            f"every sentinel ({', '.join(n.service for n in asked)}) naming one new master instead of {old}",
            look, switched, timeout=within, since=since,
        )  # fmt: skip

    def masterless(self) -> str | None:
        """Why no data node can be master now, if none can: every one frozen or
        not running. For waits on consumer processes, which one frozen or
        crashed master does not decide (it is failed over); asked of the engine
        at most every MASTERLESS_CHECK seconds."""
        asked, reason = self._masterless
        now = self.project.poller.clock()
        if now - asked >= MASTERLESS_CHECK:
            try:
                states = [(n.service, n.state().status) for n in self.data]
            except ENGINE_ERRORS as error:
                reason = f"the Docker engine does not answer: {type(error).__name__}"
            else:
                out = [f"{service} {status}" for service, status in states if status != "running"]
                reason = f"no data node can be master: {', '.join(out)}" if len(out) == len(states) else None
            self._masterless = (now, reason)
        return reason

    def named_master(self, among: Sequence[Node] | None = None) -> Node:
        """The data node a majority of the sentinels names now, asking only where
        it is, as a client's discovery does (`among`: the sentinels asked, and
        the majority is of them; all by default)."""
        views, asked = [], among or self.sentinels
        for sentinel in asked:
            try:
                answer = self.client(sentinel).execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME)
            except (redis.RedisError, OSError) as error:
                views.append(SentinelView(sentinel.service, error=_why(error)))
                continue
            views.append(SentinelView(sentinel.service, (str(answer[0]), int(answer[1])) if answer else None))
        master = majority_master(views, len(asked))
        if master is None:
            raise redis.ConnectionError(f"no majority of the sentinels names a master: {'; '.join(map(str, views))}")
        return self.node(master[0])

    def monitoring(self, among: Sequence[Node]) -> Monitoring | None:
        """How the sentinels monitor the master, as the first of `among` that answers says; None if none does."""
        for sentinel in among:
            try:
                state = self.client(sentinel).execute_command("SENTINEL", "MASTER", MASTER_NAME)
            except (redis.RedisError, OSError):
                continue
            fields = dict(zip(state[::2], state[1::2], strict=True)) if isinstance(state, list) else dict(state)
            return Monitoring.from_fields({str(k): v for k, v in fields.items()})
        return None

    def writer_client(self, node: Node) -> redis.Redis:
        """A client of its own for a writer thread, with room for `WAIT`'s half second."""
        return redis_client.connect(*self.address(node.service), password=self.access_password, timeout=WRITE_TIMEOUT)

    def wait_replicas_follow(
        self, master: str, exclude: str, within: float = 15.0, observe: Callable[[], Snapshot] | None = None
    ) -> Snapshot:
        """Until `master` says it is master and every other data node but `exclude` is its linked replica."""
        address = self.address_in_network(master)

        def why_not(s: Snapshot) -> str:
            return "; ".join(node_problems([n for n in s.nodes if n.service != exclude], address))

        return self.project.poller.until(
            f"{master} master, with every other node its linked replica",
            observe or self.snapshot, lambda s: not why_not(s), timeout=within, why_not=why_not,
        ).value  # fmt: skip

    def address_in_network(self, service: str) -> Address:
        """How the sentinels and replicas name a node: its service name and its port."""
        return service, self.node(service).redis_port

    def client(self, node: Node) -> redis.Redis:
        """A client of the node's published port with the run's password, made once:
        redis-py reconnects on the next call after a failed one."""
        if node.service not in self._clients:
            self._clients[node.service] = redis_client.connect(
                *self.address(node.service), password=self.access_password, protocol=2, timeout=ASK_TIMEOUT
            )
        return self._clients[node.service]

    def consumer_url(self) -> str:
        """Where a consumer process on this host finds the master: every
        sentinel's published address in kombu's `sentinel://` form, with the
        run's password (stand_ins/contract.py reads it)."""
        return self._sentinel_url(self.address)

    def consumer_url_in_network(self) -> str:
        """The same for a consumer in a container on the topology's network:
        every sentinel by its service name and its own port."""
        return self._sentinel_url(self.address_in_network)

    def _sentinel_url(self, address: Callable[[str], tuple[str, int]]) -> str:
        """Every sentinel at `address(service)`, in kombu's `sentinel://` form, with the run's password."""
        urls = (self.project.access.url(*address(s.service)) for s in self.sentinels)
        return ";".join(url.replace("redis://", "sentinel://", 1) for url in urls)

    def seat(self, scratch: Path) -> NetworkSeat:
        """A seat for this machine's processes on the network the data nodes are on."""
        container = self.data[0].container()
        network = next(iter(container.attrs["NetworkSettings"]["Networks"]))
        return NetworkSeat(self.project.client, self.project.name, network, str(container.attrs["Image"]), scratch)

    @property
    def access_password(self) -> str | None:
        return self.project.access.password

    def address(self, service: str) -> tuple[str, int]:
        """Where this machine reaches `service`: the in-network name a sentinel
        gives is swapped for the host the engine publishes on, the port kept.
        Asked once: the file publishes fixed ports, also while a node is down."""
        if service not in self._addresses:
            endpoint = self.node(service).published()
            if endpoint is None:
                raise ServiceUnreachable(f"{service} publishes no port for {self.node(service).redis_port}/tcp")
            self._addresses[service] = endpoint
        return self._addresses[service]

    def node_settings(self, node: Node) -> dict[str, str]:
        """The node's own values of DATA_NODE_SETTINGS (CONFIG GET)."""
        client = self.client(node)
        return {name: str(client.config_get(name).get(name, "")) for name in DATA_NODE_SETTINGS}

    def wait_sentinel_checks_fail(self, since: float, within: float) -> Observed[list[HealthRun]]:
        """Until every sentinel's configured health check, run now by hand, fails
        while the sentinel itself still answers PING (so the check, not the
        sentinel, says no)."""

        def checks() -> list[HealthRun]:
            return [inside.run_health_check(s.container()) for s in self.sentinels]

        def failing(runs: list[HealthRun]) -> bool:
            answering = all(redis_client.answers_ping(self.client(s)) == "PONG" for s in self.sentinels)
            return answering and all(run.exit_code != 0 for run in runs)

        return self.project.poller.until(
            "every sentinel's health check failing while it answers", checks, failing, timeout=within, since=since
        )

    def _sentinel_view(self, sentinel: Node) -> SentinelView:
        client = self.client(sentinel)
        try:
            master = client.execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME)
            state = client.execute_command("SENTINEL", "MASTER", MASTER_NAME)
            fields = dict(zip(state[::2], state[1::2], strict=True)) if isinstance(state, list) else dict(state)
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
            return SentinelView(sentinel.service, error=_why(error))

    def _node_view(self, node: Node) -> NodeView:
        try:
            info = self.client(node).info("replication")
        except (redis.RedisError, OSError) as error:
            return NodeView(node.service, error=_why(error))
        master = (str(info["master_host"]), int(info["master_port"])) if "master_host" in info else None
        return NodeView(node.service, str(info.get("role", "")), master, str(info.get("master_link_status", "")))

    # -- faults --------------------------------------------------------------
    def crash_for_good(self, node: Node) -> faults.Crash:
        """SIGKILL the node's process with its restart policy set aside, so it
        stays down and the sentinels must act (`keep_down` puts it back)."""
        self.set_restart_policy(node, "no")
        return node.crash()

    def bring_back(self, node: Node) -> float:
        """Restore the node's restart policy and start it; the monotonic time before the start."""
        self.set_restart_policy(node, "unless-stopped")
        began = self.project.poller.clock()
        container = node.container()
        if container.status == "paused":
            container.unpause()
        elif container.status != "running":
            container.start()
        return began

    def set_restart_policy(self, node: Node, policy: str) -> None:
        # The stubs know only "always" and "on-failure"; the engine takes every policy.
        node.container().update(restart_policy={"Name": policy})  # type: ignore[arg-type]

    def pause(self, node: Node) -> float:
        """Freeze the node (`docker pause`): its sockets stay open and nothing answers."""
        node.container().pause()
        return self.project.poller.clock()

    def stop(self, node: Node) -> None:
        node.container().stop(timeout=5)

    def cut_off(self, node: Node) -> float:
        """Cut the node off from every other container of the topology, data
        nodes and sentinels, while this host still reaches its published port;
        the monotonic time just after the cut."""
        others = (other.service for other in self.nodes if other is not node)
        peers = [ip for other in others for ip in self.project.containers.addresses(other)]
        self._cuts[node.service] = faults.partition(node.state().pid, peers)
        return self.project.poller.clock()

    def heal(self, node: Node) -> float:
        """Undo the node's partition; the monotonic time just after. A container
        started since has a new network namespace, without the cut."""
        cut = self._cuts.pop(node.service, None)
        if cut is not None and node.state().pid == cut.pid:
            cut.heal()
        return self.project.poller.clock()

    def manual_failover(self, pause: float) -> float:
        """The README's hand-over: writes paused on the master for `pause` seconds
        (`CLIENT PAUSE ... WRITE`), then `SENTINEL FAILOVER` on the first sentinel.
        Without the pause the old master acknowledges writes, which the replica
        it keeps replicates, while another is promoted, and they are lost.
        Returns the monotonic time the failover was asked for."""
        began = self.project.poller.clock()
        self.client(self.primary).execute_command("CLIENT", "PAUSE", int(pause * 1000), "WRITE")
        self.client(self.sentinels[0]).execute_command("SENTINEL", "FAILOVER", MASTER_NAME)
        return began

    def forget_failed_failover(self, within: float) -> None:
        """After a failover the sentinels had to abort (no replica to promote):
        every node back, then `SENTINEL RESET`, because a sentinel waits twice
        its failover-timeout (20 s) before it tries another one, and the next
        scenario's fault would meet that wait instead of a failover. The reset
        waits for both replicas' links: a reset sentinel learns the replicas from
        the master's INFO, which it asks for once and then every 10 s, so a
        replica linked after that first INFO kept the next scenario from being
        ready for 10 s (the whole-stack restart, seen failing that way in CI)."""
        self.restore()
        master = self.named_master()
        self.wait_replicas_follow(master.service, exclude="", within=within)
        for sentinel in self.sentinels:
            self.client(sentinel).execute_command("SENTINEL", "RESET", MASTER_NAME)

    def write_confirmed(self, key: str, value: str) -> None:
        """SET on the master the sentinels name, confirmed by a replica (`WAIT 1`)."""
        client = self.writer_client(self.primary)
        client.set(key, value)
        if int(client.execute_command("WAIT", 1, 1000)) < 1:
            raise ServiceUnreachable(f"no replica acknowledged {key} within 1 s: {self.snapshot()}")

    def restore(self) -> float:
        """Every container running with its restart policy (a scenario's faults
        undone); the monotonic time before, to measure readiness from."""
        began = self.project.poller.clock()
        for service in list(self._cuts):
            self.heal(self.node(service))
        for node in self.nodes:
            state = node.state()
            if state.restart_policy != "unless-stopped" and state.status != "absent":
                self.set_restart_policy(node, "unless-stopped")
            if state.status in ("paused", "exited", "created", "dead"):
                self.bring_back(node)
        return began


def _why(error: BaseException) -> str:
    return f"{type(error).__name__}: {' '.join(str(error).split())[:120]}"

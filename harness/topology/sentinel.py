"""The production topology of `docker-compose.ha.yml`: data nodes and the
sentinels that monitor them. What they say of themselves is its `watch`
(`sentinel_watch.py`); the faults of one node are that node's. What is here
needs the whole topology: its lifecycle, where consumers find the master, a
node cut off from all its peers, a manual handover and writes a replica confirmed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis

from harness.core.errors import ServiceUnreachable
from harness.core.polling import Observed
from harness.infra.seat import NetworkSeat
from harness.service.access import Access
from harness.topology.node import Node
from harness.topology.project import Project
from harness.topology.sentinel_facts import Ready
from harness.topology.sentinel_watch import MASTER_NAME, Snapshot, Watch

DATA_PREFIX, SENTINEL_PREFIX = "redis", "sentinel"  # how the file names its services


@dataclass(frozen=True)
class Bounds:
    settle: float  # seconds for the topology to be ready again (an old master resyncing)
    follow: float  # seconds for every replica to follow a master
    confirm: float  # seconds a replica has to confirm a write (`WAIT 1`)
    write: float  # seconds for a writer's one write and its WAIT
    masterless_check: float  # seconds between asking the engine whether any data node could be master


FAILOVER_ASKED_AGAIN = 0.5  # seconds between requests for a failover the sentinels refused for want of a replica


@dataclass
class SentinelTopology:
    project: Project
    data: list[Node]
    sentinels: list[Node]
    bounds: Bounds
    watch: Watch = field(init=False)

    def __post_init__(self) -> None:
        self.watch = Watch(self.project, self.data, self.sentinels, self.bounds.follow, self.bounds.masterless_check)

    @classmethod
    def from_model(
        cls, project: Project, model: dict[str, Any], make: Callable[[str, int], Node], bounds: Bounds
    ) -> SentinelTopology:
        """Data nodes and sentinels as the file names them, each on the port it
        publishes; `make(service, port)` makes a Node."""
        services = model.get("services", {})

        def port(service: str) -> int:
            published = services[service].get("ports") or [{}]
            return int(published[0].get("target", 0))

        def named(prefix: str) -> list[Node]:
            return [make(s, port(s)) for s in sorted(services) if s.startswith(prefix)]

        return cls(project, named(DATA_PREFIX), named(SENTINEL_PREFIX), bounds)

    # -- Topology ------------------------------------------------------------
    @property
    def nodes(self) -> Sequence[Node]:
        return (*self.data, *self.sentinels)

    @property
    def primary(self) -> Node:
        """The data node a majority of the sentinels names master: where clients write."""
        naming = self.watch.naming()
        if naming.master is None:
            raise ServiceUnreachable(str(naming))
        return naming.master

    def up(self) -> float:
        """`up` of every service; the monotonic time just before it."""
        return self.project.up_all()

    def wait_ready(self, since: float, within: float | None = None) -> Observed[Snapshot]:
        return self.watch.wait_ready(since, within or self.bounds.settle)

    def ensure_ready(self) -> None:
        """What an earlier scenario's fault left (a stopped node, a paused one, a
        policy set aside) undone, or the topology started when there is none; then ready."""
        began = self.restore() if self.data[0].state().status != "absent" else self.up()
        self.wait_ready(since=began)

    def ready(self, since: float, within: float, *, restarted: bool = False) -> Ready:
        """Until the topology is ready, as a finding: how long it took since `since`."""
        return Ready(self.wait_ready(since, within).elapsed, restarted)

    def restore(self) -> float:
        """Every container running with its restart policy (a scenario's faults
        undone); the monotonic time before, to measure readiness from."""
        began = self.project.poller.clock()
        for node in self.nodes:
            node.faults.undo()
        return began

    def switch(self, access: Access) -> None:
        """Re-create every container, on the same volumes, to be reached another
        way (a password of a scenario's own), and wait until it is ready again."""
        self.project.reconfigure(access)
        self._close_clients()
        self.wait_ready(since=self.project.up_all(force_recreate=True))

    def consumer_url(self) -> str:
        """Where a consumer process on this host finds the master: every
        sentinel's published address in kombu's `sentinel://` form, with the
        run's password (stand_ins/contract.py reads it)."""
        return self._sentinel_url(lambda n: n.endpoint.address())

    def unavailable(self) -> str | None:
        return self.watch.masterless()

    def diagnostics(self) -> str:
        return f"topology: {self.watch.snapshot()}\n" + self.project.diagnostics(n.service for n in self.nodes)

    def teardown(self, engine_return: float) -> list[str]:
        self._close_clients()
        return self.project.teardown([n.service for n in self.nodes], engine_return)

    # -- the rest of its lifecycle -----------------------------------------------
    def down(self) -> None:
        """`down`, keeping the volumes: a whole-stack restart's first half."""
        self.project.down([n.service for n in self.nodes], volumes=False)
        self._close_clients()

    def node(self, service: str) -> Node:
        return self.watch.node(service)

    @property
    def names(self) -> list[str]:
        return [n.service for n in self.nodes]

    def consumer_url_in_network(self) -> str:
        """The same for a consumer in a container on the topology's network:
        every sentinel by its service name and its own port."""
        return self._sentinel_url(lambda n: n.endpoint.in_network())

    def seat(self, scratch: Path) -> NetworkSeat:
        """A seat for this machine's processes on the network the data nodes are on."""
        container = self.data[0].container()
        network = next(iter(container.attrs["NetworkSettings"]["Networks"]))
        return NetworkSeat(self.project.client, self.project.name, network, str(container.attrs["Image"]), scratch)

    def writer_client(self, node: Node) -> redis.Redis:
        """The node's client for a writer, with room for `WAIT`."""
        return node.endpoint.client(timeout=self.bounds.write)

    # -- what needs the whole topology -------------------------------------------
    def cut_off(self, node: Node) -> float:
        """Cut the node off from every other container of the topology, data
        nodes and sentinels, while this host still reaches its published port;
        the monotonic time just after the cut."""
        others = (other.service for other in self.nodes if other is not node)
        return node.faults.cut_off([ip for other in others for ip in self.project.containers.addresses(other)])

    def manual_failover(self, pause: float) -> float:
        """The README's hand-over: writes paused on the master for `pause` seconds
        (`CLIENT PAUSE ... WRITE`), then `SENTINEL FAILOVER` on the first sentinel.
        Without the pause the old master acknowledges writes, which the replica
        it keeps replicates, while another is promoted, and they are lost. Asked
        again while the sentinels have no replica to promote yet, for up to
        `follow` seconds. Returns the monotonic time the failover was asked for."""
        poller = self.project.poller
        asked_until = poller.clock() + self.bounds.follow
        while True:  # NOGOODSLAVE: a replica just linked is judged on its next INFO, about a second later
            began = poller.clock()
            self.primary.endpoint.shared().execute_command("CLIENT", "PAUSE", int(pause * 1000), "WRITE")
            try:
                self.sentinels[0].endpoint.shared().execute_command("SENTINEL", "FAILOVER", MASTER_NAME)
                return began
            except redis.ResponseError as refused:
                if "NOGOODSLAVE" not in str(refused) or began >= asked_until:
                    raise
            poller.wait_until(began + FAILOVER_ASKED_AGAIN)

    def forget_failed_failover(self) -> None:
        """After a failover the sentinels had to abort (no replica to promote):
        every node back, then `SENTINEL RESET`, because a sentinel waits twice
        its failover-timeout (20 s) before it tries another one, and the next
        scenario's fault would meet that wait instead of a failover. The reset
        waits for both replicas' links: a reset sentinel learns the replicas from
        the master's INFO, which it asks for once and then every 10 s, so a
        replica linked after that first INFO kept the next scenario from being
        ready for 10 s (the whole-stack restart, seen failing that way in CI)."""
        self.restore()
        self.watch.wait_replicas_follow(self.primary.service, exclude="", within=self.bounds.settle)
        for sentinel in self.sentinels:
            sentinel.endpoint.shared().execute_command("SENTINEL", "RESET", MASTER_NAME)

    def write_confirmed(self, key: str, value: str) -> None:
        """SET on the master the sentinels name, confirmed by a replica (`WAIT 1`)."""
        client = self.writer_client(self.primary)
        client.set(key, value)
        waited = int(self.bounds.confirm * 1000)
        if int(client.execute_command("WAIT", 1, waited)) < 1:
            unconfirmed = f"no replica acknowledged {key} within {self.bounds.confirm:g} s"
            raise ServiceUnreachable(f"{unconfirmed}: {self.watch.snapshot()}")

    def _close_clients(self) -> None:
        """Addresses are kept: the file publishes fixed ports, and a stopped node publishes none."""
        for node in self.nodes:
            node.endpoint.close()

    def _sentinel_url(self, address: Callable[[Node], tuple[str, int]]) -> str:
        """Every sentinel at `address(node)`, in kombu's `sentinel://` form, with the run's password."""
        urls = (self.project.access.url(*address(s)) for s in self.sentinels)
        return ";".join(url.replace("redis://", "sentinel://", 1) for url in urls)

"""One fault of the Sentinel topology, watched from before it to after its
end: every sentinel's events, writes through it, the switch as the sentinels
report it, and the old master's return. Its timeline, measured from the
fault, is what the sign-off's figures and report.html's picture show."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import redis

from harness.core.errors import HarnessError
from harness.infra import faults
from harness.probes import writes
from harness.probes.sentinel_events import NO_GOOD_REPLICA, EventLog
from harness.probes.writes import Tally
from harness.service import redis_client
from harness.topology.node import Node
from harness.topology.sentinel import SentinelTopology, Snapshot
from harness.topology.sentinel_rules import Monitoring

# Seconds a wait goes on past its bound, so that a switch announced just after
# it is measured and reported (as too late) rather than missed.
ANNOUNCE_SLACK = 2.0
MANUAL = "SENTINEL FAILOVER"  # the fault of a failover asked for by hand


@dataclass
class Failover:
    topology: SentinelTopology
    old: Node  # the master before the fault
    events: EventLog
    fault: str = ""
    fault_at: float = math.nan
    switched_at: float | None = None  # every sentinel named the new master (polled)
    new: Node | None = None  # the master every sentinel named after the fault
    returned_at: float | None = None  # the old master started, thawed or healed again
    demoted_at: float | None = None  # the old master a linked replica (polled)
    most_masters: int = 1  # the most data nodes that said they were master at one moment
    crash_record: faults.Crash | None = None
    _writer: writes.Loop | None = None
    _hammer: writes.Loop | None = None
    tally: Tally | None = None
    hammered: Tally | None = None
    _loops: list[writes.Loop] = field(default_factory=list)
    monitoring: Monitoring | None = None  # what a failover needs, as the sentinels said before the fault

    @classmethod
    def watch(cls, topology: SentinelTopology, listen_timeout: float) -> Failover:
        """Start listening to every sentinel, before any fault."""
        password = topology.access_password

        def listener(sentinel: Node) -> Callable[[], redis.Redis]:
            host, port = topology.address(sentinel.service)
            return lambda: redis_client.connect(host, port, password, protocol=2, timeout=1.0)

        for node in topology.nodes:
            topology.address(node.service)  # while every node runs: a stopped one publishes nothing
        # A stopped sentinel has nothing to say: the others are listened to.
        running = [s for s in topology.sentinels if s.state().running]
        events = EventLog({s.service: listener(s) for s in running})
        events.start(listen_timeout)
        master = topology.named_master(among=running)
        return cls(topology, master, events, monitoring=topology.monitoring(running))

    @property
    def new_master(self) -> Node:
        """The master the sentinels named after the fault; asking before the switch is a harness error."""
        if self.new is None:
            raise HarnessError("no new master was named: the failover's switch was not awaited")
        return self.new

    @property
    def clock(self) -> float:
        return self.topology.project.poller.clock()

    def write_through(self) -> None:
        """Write continuously to the master the sentinels name, from now until `close`."""
        topology = self.topology
        clients: dict[str, redis.Redis] = {}

        def master() -> tuple[str, redis.Redis]:
            node = topology.named_master()
            if node.service not in clients:
                clients[node.service] = topology.writer_client(node)
            return node.service, clients[node.service]

        self._writer = self._started(writes.writer(master))

    def wait_writes(self, count: int, within: float) -> None:
        """Until the writer has `count` writes acknowledged (it is really writing)."""
        assert self._writer is not None
        loop = self._writer
        self.topology.project.poller.until(
            f"{count} writes acknowledged before the fault",
            loop.snapshot,
            lambda t: len(t.replicated) >= count,
            timeout=within,
        )

    def hammer_old_master(self) -> None:
        """Write to the old master directly from now on, wherever the sentinels point."""
        client = self.topology.writer_client(self.old)
        self._hammer = self._started(writes.hammer(self.old.service, client))

    def direct_writes(self) -> Tally:
        """What the old master did with the writes sent to it directly, so far."""
        if self._hammer is None:
            raise HarnessError("nobody writes to the old master directly in this scenario")
        return self._hammer.snapshot()

    def _started(self, loop: writes.Loop) -> writes.Loop:
        loop.start()
        self._loops.append(loop)
        return loop

    # -- faults --------------------------------------------------------------
    def crash(self, *, for_good: bool) -> None:
        """SIGKILL the master; `for_good`: with its restart policy set aside."""
        self.fault = "crash" if for_good else "crash, restart policy on"
        crash = self.topology.crash_for_good(self.old) if for_good else self.old.crash()
        self.crash_record, self.fault_at = crash, crash.at

    def freeze(self) -> None:
        self.fault, self.fault_at = "frozen (docker pause)", self.topology.pause(self.old)

    def manual(self, pause: float) -> None:
        self.fault, self.fault_at = MANUAL, self.topology.manual_failover(pause)

    def cut_off(self, *, hammered: bool) -> None:
        """Cut the master off from the sentinels and the replicas; this host's
        clients still reach it. `hammered`: a client writes to it directly, from
        just before the cut on."""
        if hammered:
            self.hammer_old_master()
        self.fault, self.fault_at = "partition", self.topology.cut_off(self.old)

    def heal(self) -> None:
        self.returned_at = self.topology.heal(self.old)

    # -- waits ---------------------------------------------------------------
    def wait_switched(self, within: float, among: list[Node] | None = None) -> float:
        """Until every sentinel (of `among`) has announced +switch-master and names
        the new master; returns the seconds from the fault to the last announcement,
        which may exceed `within` (the caller judges it; the wait ends soon after)."""
        asked = {s.service for s in among or self.topology.sentinels}
        poller = self.topology.project.poller
        ruled_out = self._failover_ruled_out(within + ANNOUNCE_SLACK)
        announced = poller.until(
            f"+switch-master from every sentinel ({', '.join(sorted(asked))})",
            lambda: self.events.by_sentinel("+switch-master", self.fault_at),
            lambda firsts: asked <= firsts.keys(),
            timeout=within + ANNOUNCE_SLACK, since=self.fault_at,
            give_up=lambda _: ruled_out or self._failover_abandoned(),
        ).value  # fmt: skip
        seen = self.topology.wait_switched(self.old.service, self.fault_at, within + ANNOUNCE_SLACK, among or [])
        self.switched_at = max(announced[name] for name in asked)
        view = seen.value.sentinels[0]
        self.new = self.topology.node(view.master[0]) if view.master else None
        return self.switched_at - self.fault_at

    def _failover_ruled_out(self, within: float) -> str | None:
        """Why no failover can come within `within` seconds of the fault, by the
        sentinels' own settings and how many of them run, if none can. A manual
        failover needs neither down-after nor a vote: none is ruled out."""
        if self.monitoring is None or self.fault == MANUAL:
            return None
        running = sum(1 for s in self.topology.sentinels if s.state().running)
        return self.monitoring.why_no_failover(running, within)

    def _failover_abandoned(self) -> str | None:
        """Why the failover will not come, once a sentinel has given it up for want
        of a replica it may promote: it tries again only after twice its failover-timeout."""
        aborted = self.events.first(NO_GOOD_REPLICA, after=self.fault_at)
        return (
            f"{aborted.sentinel} gave the failover up: no replica it may promote ({NO_GOOD_REPLICA})"
            if aborted
            else None
        )

    def bring_back(self) -> None:
        self.returned_at = self.topology.bring_back(self.old)

    def observe(self) -> Snapshot:
        """The topology now, counting the data nodes that say they are master."""
        snapshot = self.topology.snapshot()
        self.most_masters = max(self.most_masters, len(snapshot.masters))
        return snapshot

    def wait_demoted(self, within: float) -> Snapshot:
        """Until the old master is a linked replica of the new one; counts masters meanwhile."""
        assert self.returned_at is not None
        new = self.new_master.service

        def demoted(s: Snapshot) -> bool:
            view = next(v for v in s.nodes if v.service == self.old.service)
            return view.role == "slave" and view.link == "up" and view.master is not None and view.master[0] == new

        seen = self.topology.project.poller.until(
            f"{self.old.service} a replica of {new} with its link up",
            self.observe, demoted, timeout=within, since=self.returned_at,
            give_up=lambda _: self.old.frozen(),  # paused (by someone else): it cannot follow anyone
        )  # fmt: skip
        self.demoted_at = self.returned_at + seen.elapsed
        return seen.value

    def watch_masters(self, until: float) -> Snapshot:
        """Observe until the monotonic moment `until`, counting the data nodes that say they are master."""
        while True:
            snapshot = self.observe()
            if self.clock >= until:
                return snapshot
            self.topology.project.poller.sleep(self.topology.project.poller.interval)

    # -- the end -------------------------------------------------------------
    def stop_writes(self) -> None:
        if self._writer is not None:
            self.tally = self._writer.stop()
        if self._hammer is not None:
            self.hammered = self._hammer.stop()

    def close(self) -> None:
        for loop in self._loops:
            loop.stop()
        self.events.stop()

    def timeline(self) -> dict[str, float | None]:
        """Seconds from the fault to each moment of the failover (None: it did not happen)."""

        def since(moment: float | None) -> float | None:
            return None if moment is None or math.isnan(self.fault_at) else round(moment - self.fault_at, 3)

        old = self.old.service
        after = self.fault_at
        switches = self.events.by_sentinel("+switch-master", after)
        sdown = self.events.first("+sdown", old, after)
        odown = self.events.first("+odown", old, after)
        converted = self.events.first("+convert-to-slave", old, after)
        first_write = self.tally.first_success_after(after) if self.tally else None
        hammered = self.hammered.acknowledged[-1].at if self.hammered and self.hammered.acknowledged else None
        return {
            "+sdown": since(sdown.at if sdown else None),
            "+odown": since(odown.at if odown else None),
            "+switch-master (first sentinel)": since(min(switches.values()) if switches else None),
            "+switch-master (last sentinel)": since(max(switches.values()) if switches else None),
            "first write acknowledged after the fault": since(first_write.at if first_write else None),
            "old master back": since(self.returned_at),
            "last write the old master accepted": since(hammered),
            "+convert-to-slave (old master)": since(converted.at if converted else None),
            "old master a linked replica": since(self.demoted_at),
        }

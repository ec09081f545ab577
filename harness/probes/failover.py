"""One fault of the Sentinel topology, watched from before it to after its
end: every sentinel's events, the switch as the sentinels report it, and the
old master's return. The writes through it are its `writes`
(`failover_writes.py`); what it came to, its findings (`failover_facts.py`).
Its timeline, measured from the fault, is what the sign-off's figures and
report.html's picture show."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import redis

from harness.core.errors import HarnessError, ServiceUnreachable
from harness.infra import faults
from harness.probes.failover_facts import (
    AnsweringAgain,
    Demotion,
    MastersAtOnce,
    PartitionLoss,
    Refusal,
    Switch,
    Switches,
    WritesKept,
)
from harness.probes.failover_timeline import Moments, timeline
from harness.probes.failover_writes import WritesThrough
from harness.probes.sentinel_events import EventLog
from harness.topology.node import Node
from harness.topology.sentinel import SentinelTopology
from harness.topology.sentinel_rules import Monitoring
from harness.topology.sentinel_watch import Snapshot

MANUAL = "SENTINEL FAILOVER"  # the fault of a failover asked for by hand
LISTEN_READ = 1.0  # seconds one read of a sentinel's events waits: how soon a listener notices it must stop


@dataclass
class Failover:
    topology: SentinelTopology
    old: Node  # the master before the fault
    events: EventLog
    slack: float = 0.0  # seconds a wait goes on past its bound, so a late switch is measured, not missed
    fault: str = ""
    fault_at: float = math.nan
    switched_at: float | None = None  # every sentinel named the new master (polled)
    new: Node | None = None  # the master every sentinel named after the fault
    returned_at: float | None = None  # the old master started, thawed or healed again
    demoted_at: float | None = None  # the old master a linked replica (polled)
    most_masters: int = 1  # the most data nodes that said they were master at one moment
    crash_record: faults.Crash | None = None
    monitoring: Monitoring | None = None  # what a failover needs, as the sentinels said before the fault
    writes: WritesThrough = field(init=False)

    def __post_init__(self) -> None:
        self.writes = WritesThrough(self.topology.project.poller)

    @classmethod
    def watch(cls, topology: SentinelTopology, listen_timeout: float, slack: float) -> Failover:
        """Start listening to every sentinel, before any fault."""
        for node in topology.nodes:
            node.endpoint.address()  # while every node runs: a stopped one publishes nothing
        # A stopped sentinel has nothing to say: the others are listened to.
        running = _running(topology.sentinels)
        events = EventLog({s.service: _listener(s) for s in running})
        events.start(listen_timeout)
        naming = topology.watch.naming(among=running)
        if naming.master is None:
            events.stop()
            raise ServiceUnreachable(f"no master to fail over: {naming}")
        return cls(topology, naming.master, events, slack, monitoring=topology.watch.monitoring(running))

    @property
    def new_master(self) -> Node:
        """The master the sentinels named after the fault; asking before the switch is a harness error."""
        if self.new is None:
            raise HarnessError("no new master was named: the failover's switch was not awaited")
        return self.new

    @property
    def switched(self) -> float:
        """When every sentinel had named the new master; asking before the switch is a harness error."""
        if self.switched_at is None:
            raise HarnessError("the failover's switch was not awaited")
        return self.switched_at

    @property
    def clock(self) -> float:
        return self.topology.project.poller.clock()

    def write_through(self) -> None:
        """Write continuously to the master the sentinels name, from now until `close`."""
        self.writes.follow(self.topology)

    def hammer_old_master(self) -> None:
        """Write to the old master directly from now on, wherever the sentinels point."""
        self.writes.hammer(self.old.service, self.topology.writer_client(self.old))

    def new_master_client(self) -> redis.Redis:
        return self.topology.writer_client(self.new_master)

    def first_direct_refusal(self, within: float) -> Refusal:
        """Until the old master refuses a write sent to it directly (a little past `within`, to measure it)."""
        return self.writes.first_refusal(self.old.service, self.fault_at, within + self.slack)

    def writes_kept(self) -> WritesKept:
        """The writes through the fault, stopped, and the replica-confirmed ones looked for on the new master."""
        return self.writes.kept(self.fault, self.fault_at, self.old.service, self.new_master_client())

    def partition_loss(self) -> PartitionLoss:
        """The writes only the cut-off side acknowledged, looked for on the new master."""
        return self.writes.partition_loss(self.old.service, self.fault_at, self.new_master_client())

    # -- faults --------------------------------------------------------------
    def crash(self, *, for_good: bool) -> None:
        """SIGKILL the master; `for_good`: with its restart policy set aside."""
        self.fault = "crash" if for_good else "crash, restart policy on"
        crash = self.old.faults.crash_for_good() if for_good else self.old.faults.crash()
        self.crash_record, self.fault_at = crash, crash.at

    def freeze(self) -> None:
        self.fault, self.fault_at = "frozen (docker pause)", self.old.faults.pause()

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
        self.returned_at = self.old.faults.heal()

    def bring_back(self) -> None:
        self.returned_at = self.old.faults.bring_back()

    # -- waits ---------------------------------------------------------------
    def switch(self, within: float, called: str) -> Switch:
        """Until every running sentinel names the new master: the switch, as a
        finding (`called`: the fault as the scenario calls it)."""
        took = self.wait_switched(within, among=_running(self.topology.sentinels))
        return Switch(self.fault, called, self.old.service, self.new_master.service, took, self.timeline())

    def wait_switched(self, within: float, among: list[Node] | None = None) -> float:
        """Until every sentinel (of `among`) has announced +switch-master and names
        the new master; returns the seconds from the fault to the last announcement,
        which may exceed `within` (the caller judges it; the wait ends soon after)."""
        asked = {s.service for s in among or self.topology.sentinels}
        poller, bound = self.topology.project.poller, within + self.slack
        ruled_out = self._failover_ruled_out(bound)
        announced = poller.until(
            f"+switch-master from every sentinel ({', '.join(sorted(asked))})",
            lambda: self.events.by_sentinel("+switch-master", self.fault_at),
            lambda firsts: asked <= firsts.keys(),
            timeout=bound,
            since=self.fault_at,
            give_up=lambda _: ruled_out or self.events.abandoned(after=self.fault_at),
        ).value
        seen = self.topology.watch.wait_switched(self.old.service, self.fault_at, bound, among or [])
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
        return self.monitoring.why_no_failover(len(_running(self.topology.sentinels)), within)

    def observe(self) -> Snapshot:
        """The topology now, counting the data nodes that say they are master."""
        snapshot = self.topology.watch.snapshot()
        self.most_masters = max(self.most_masters, len(snapshot.masters))
        return snapshot

    def demotion(self, within: float) -> Demotion:
        """Until the old master is a linked replica of the new one, counting masters
        meanwhile; then the writes stop. After a manual failover the old master
        never went away: its return is the fault itself."""
        back = self.returned_at if self.returned_at is not None else self.fault_at
        self.returned_at, new = back, self.new_master.service

        def demoted(s: Snapshot) -> bool:
            view = next(v for v in s.nodes if v.service == self.old.service)
            return view.role == "slave" and view.link == "up" and view.master is not None and view.master[0] == new

        seen = self.topology.project.poller.until(
            f"{self.old.service} a replica of {new} with its link up",
            self.observe,
            demoted,
            timeout=within,
            since=back,
            give_up=lambda _: self.old.frozen(),  # paused (by someone else): it cannot follow anyone
        )
        self.demoted_at = back + seen.elapsed
        self.writes.stop()
        return Demotion(self.fault, self.old.service, new, seen.elapsed, self.timeline())

    def answering_again(self, within: float) -> AnsweringAgain:
        """Until the crashed master answers again, its restart policy on."""
        if self.crash_record is None:
            raise HarnessError("no crash to come back from: the scenario's fault was not a crash")
        back = self.old.faults.wait_back(self.crash_record, within=within)
        return AnsweringAgain(self.old.service, back.elapsed)

    def switches_within(self, seconds: float) -> Switches:
        """Observe for `seconds` after the fault, counting the masters at once; the switches announced."""
        until, poller = self.fault_at + seconds, self.topology.project.poller
        self.observe()
        while self.clock < until:
            poller.sleep(poller.interval)
            self.observe()
        announced = [str(e) for e in self.events.switches(after=self.fault_at)]
        return Switches(seconds, announced, self.most_masters)

    def master_kept(self) -> MastersAtOnce:
        """Until the old master is master again with every replica following, counting masters meanwhile."""
        self.new = self.old  # the fault was absorbed: the master after it is the one before
        self.topology.watch.wait_replicas_follow(self.old.service, exclude="", observe=self.observe)
        return MastersAtOnce(self.old.service, self.most_masters)

    # -- the end -------------------------------------------------------------
    def close(self) -> None:
        self.writes.close()
        self.events.stop()

    def timeline(self) -> dict[str, float | None]:
        """Seconds from the fault to each moment of the failover (None: it did not happen)."""
        moments = Moments(self.fault_at, self.returned_at, self.demoted_at)
        return timeline(self.events, self.old.service, moments, self.writes.tally, self.writes.hammered)


def _running(sentinels: list[Node]) -> list[Node]:
    return [s for s in sentinels if s.state().running]


def _listener(sentinel: Node) -> Callable[[], redis.Redis]:
    """A connection of its own for a sentinel's event stream: one second per read, so a listener can stop."""
    return lambda: sentinel.endpoint.client(protocol=2, timeout=LISTEN_READ)

"""The writes through one watched fault: a client's, to whichever node the
sentinels name, and another's, directly to the old master; then what they
came to on the new master, as findings (`failover_facts.py`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import redis

from harness.core.errors import HarnessError
from harness.core.polling import Poller
from harness.probes import writes
from harness.probes.failover_facts import DirectWrites, PartitionLoss, Refusal, UnconfirmedLost, WritesKept, after
from harness.probes.writes import Tally
from harness.topology.sentinel import SentinelTopology


@dataclass
class WritesThrough:
    poller: Poller
    tally: Tally | None = None  # the sentinel-following client's writes, once stopped
    hammered: Tally | None = None  # the direct writes to the old master, once stopped
    _writer: writes.Loop | None = None
    _hammer: writes.Loop | None = None
    _loops: list[writes.Loop] = field(default_factory=list)

    def follow(self, topology: SentinelTopology) -> None:
        """Write continuously to the master the sentinels name at each write, as
        a client's discovery does, from now until `close`; a client per master."""
        clients: dict[str, redis.Redis] = {}

        def master() -> tuple[str, redis.Redis] | None:
            node = topology.watch.naming().master
            if node is None:
                return None
            if node.service not in clients:
                clients[node.service] = topology.writer_client(node)
            return node.service, clients[node.service]

        self._writer = self._started(writes.writer(master))

    def wait(self, count: int, within: float) -> None:
        """Until the writer has `count` writes acknowledged (it is really writing)."""
        if self._writer is None:
            raise HarnessError("nobody writes through the sentinels in this scenario")
        loop = self._writer
        self.poller.until(
            f"{count} writes acknowledged before the fault",
            loop.snapshot,
            lambda t: len(t.replicated) >= count,
            timeout=within,
        )

    def hammer(self, node: str, client: redis.Redis) -> None:
        """Write to `node` directly from now on, wherever the sentinels point."""
        self._hammer = self._started(writes.hammer(node, client))

    def direct(self) -> Tally:
        """What the directly written node did with the writes, so far."""
        if self._hammer is None:
            raise HarnessError("nobody writes to the old master directly in this scenario")
        return self._hammer.snapshot()

    def stop(self) -> None:
        if self._writer is not None:
            self.tally = self._writer.stop()
        if self._hammer is not None:
            self.hammered = self._hammer.stop()

    def close(self) -> None:
        for loop in self._loops:
            loop.stop()

    # -- what they came to ---------------------------------------------------------
    def kept(self, fault: str, fault_at: float, old: str, new: redis.Redis) -> WritesKept:
        """The writes stopped, and the replica-confirmed ones looked for on the new master (`new`)."""
        self.stop()
        tally = self._stopped(self.tally)
        resumed = tally.resumed_after(fault_at, old)
        paused = None if resumed is None else resumed.at - fault_at
        return WritesKept(fault, tally, writes.present(new, tally.replicated), paused)

    def unconfirmed(self, new: redis.Redis) -> UnconfirmedLost:
        unconfirmed = self._stopped(self.tally).unreplicated
        return UnconfirmedLost(len(unconfirmed), writes.present(new, unconfirmed))

    def direct_accepted(self) -> DirectWrites:
        return DirectWrites(self._stopped(self.hammered))

    def first_refusal(self, old: str, fault_at: float, within: float) -> Refusal:
        """Until the directly written node refuses a write (or `within` seconds of the fault pass)."""
        seen = self.poller.until(
            f"{old} refusing a write sent to it directly",
            self.direct,
            lambda t: t.first_refusal is not None,
            timeout=within,
            since=fault_at,
        ).value
        took = (seen.first_refusal or fault_at) - fault_at
        return Refusal(old, len(after(seen, fault_at)), took, seen.refusals())

    def partition_loss(self, old: str, fault_at: float, new: redis.Redis) -> PartitionLoss:
        """The writes stopped; those only the cut-off side acknowledged looked for on the new master (`new`)."""
        self.stop()
        hammered, tally = self._stopped(self.hammered), self._stopped(self.tally)
        lost = writes.missing(new, hammered.acknowledged, writes.DIRECT)
        unconfirmed_lost = writes.missing(new, tally.unreplicated)
        refused_at = hammered.first_refusal if hammered.first_refusal is not None else float("inf")
        last = max((w.at for w in [*lost, *unconfirmed_lost]), default=fault_at)
        return PartitionLoss(
            old,
            direct=len(hammered.acknowledged),
            direct_lost=len(lost),
            unconfirmed=len(tally.unreplicated),
            unconfirmed_lost=len(unconfirmed_lost),
            confirmed=len(tally.replicated),
            confirmed_lost=len(writes.missing(new, tally.replicated)),
            window=last - fault_at,
            refused=hammered.first_refusal is not None,
            late=[w.n for w in hammered.acknowledged if w.at > refused_at],
        )

    def _started(self, loop: writes.Loop) -> writes.Loop:
        loop.start()
        self._loops.append(loop)
        return loop

    @staticmethod
    def _stopped(tally: Tally | None) -> Tally:
        if tally is None:
            raise HarnessError("the scenario's writes were not started, or not stopped, before they were counted")
        return tally

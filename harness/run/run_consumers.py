"""The run's consumer processes: those on this host, reaching the topology as
OpticsERP's programs do, and those seated on the Sentinel topology's network,
finding the sentinels by their service names. Each set is made on first use
and lives until the run ends."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harness.consumers.drivers import Consumers
from harness.core.config import Settings
from harness.core.errors import HarnessError
from harness.core.polling import Poller
from harness.infra.engine_errors import ENGINE_ERRORS
from harness.infra.seat import NetworkSeat
from harness.run.demand import RunDemand
from harness.topology.sentinel import SentinelTopology
from harness.topology.topology import Topology


@dataclass
class RunConsumers:
    settings: Settings
    poller: Poller
    _here: Consumers | None = None
    _in_network: Consumers | None = None
    _seat: NetworkSeat | None = None

    def here(self, topology: Topology, scratch: Path, demand: RunDemand) -> Consumers:
        """Consumers on this host, reaching `topology` where its consumers do."""
        if self._here is None:
            self._here = Consumers.reaching(
                topology.consumer_url,
                topology.project.name,
                topology.unavailable,
                self.settings,
                self.poller,
                scratch,
                demand=demand,
            )
        return self._here

    def in_network(self, topology: SentinelTopology, scratch: Path, demand: RunDemand) -> Consumers:
        """Consumers as in a container on the topology's network; their journal and
        logs kept apart (`scratch`); the suite's Celery producer stays on this host."""
        if self._in_network is None:
            scratch.mkdir(exist_ok=True)
            self._seat = topology.seat(scratch)
            self._in_network = Consumers.reaching(
                topology.consumer_url_in_network,
                topology.project.name,
                topology.unavailable,
                self.settings,
                self.poller,
                scratch,
                launcher=self._seat.launcher(),
                producer_url=topology.consumer_url,
                demand=demand.this_scenario(),  # made for one scenario: no spare outlives it
            )
        return self._in_network

    @property
    def _all(self) -> list[Consumers]:
        return [c for c in (self._here, self._in_network) if c is not None]

    def end_scenario(self, failed: bool) -> None:
        for consumers in self._all:
            consumers.end_scenario(failed)

    def warm(self, kinds: frozenset[str], here: Callable[[], Consumers]) -> None:
        """Spares of `kinds` for the consumers on this host (`here` makes them on first
        use), best effort: a spare only saves time, and a service that is down or
        being switched (its address unknown for now) gets its spares when taken."""
        if not kinds:
            return
        with contextlib.suppress(HarnessError, RuntimeError, *ENGINE_ERRORS):
            here().warm(kinds)

    def end_feature(self) -> None:
        for consumers in self._all:
            consumers.end_feature()

    def close(self) -> None:
        every, self._here, self._in_network = self._all, None, None
        for consumers in every:
            consumers.close()
        if self._seat is not None:
            with contextlib.suppress(*ENGINE_ERRORS):  # the teardown's sweep removes it too
                self._seat.close()

"""Everything one behave run shares: settings, its own compose project, the
engine and the topology (when runtime scenarios run), the definition and the
evidence."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from harness.consumers.drivers import Consumers
from harness.core import engine_kind
from harness.core.config import Settings
from harness.core.errors import EngineLost, HarnessError
from harness.core.evidence import Evidence
from harness.core.polling import Poller
from harness.infra import engine, leftovers, ports
from harness.infra import image as images
from harness.infra.compose import Compose
from harness.infra.engine import Engine
from harness.infra.engine_errors import engine_connection_error
from harness.run import preflight
from harness.run.demand import RunDemand
from harness.run.run_consumers import RunConsumers
from harness.run.step_errors import best_effort
from harness.service.access import Access
from harness.service.definition import SERVICE, ServiceDefinition
from harness.topology import kinds
from harness.topology.kinds import TopologyKind
from harness.topology.node import Node
from harness.topology.project import Project
from harness.topology.sentinel import SentinelTopology
from harness.topology.topology import Topology

T = TypeVar("T")


@dataclass
class Suite:
    settings: Settings
    poller: Poller
    evidence: Evidence = field(default_factory=Evidence)
    engine_at: Engine | None = None
    # Before `connect` (and in a run of @static scenarios only) the run's compose
    # CLI and access mode are its own; after it the topology's project owns them.
    _compose: Compose | None = None
    _access: Access = field(default_factory=Access)
    _topology: Topology | None = None
    _consumers: RunConsumers = field(init=False)
    _scratch: Path | None = None
    _model: dict[str, Any] | None = None
    _closed: bool = False
    _closing: threading.Lock = field(default_factory=threading.Lock, repr=False)
    removed_abandoned: list[str] = field(default_factory=list)  # what earlier runs left, removed by this one
    # Which consumer processes the run's steps start (set once the run's scenarios are known).
    demand: RunDemand = field(default_factory=RunDemand.unknown)
    kind: TopologyKind = kinds.STANDALONE  # the topology the run's scenarios are about

    def __post_init__(self) -> None:
        self._consumers = RunConsumers(self.settings, self.poller)

    @classmethod
    def create(cls, settings: Settings, kind: TopologyKind = kinds.STANDALONE) -> Suite:
        file = kind.compose_file(settings)
        compose = Compose(settings.project(), file.resolve(), timeout=settings.command_timeout)
        suite = cls(settings, Poller(interval=kind.poll_interval(settings)), _compose=compose, kind=kind)
        suite.evidence.topology = kind.name
        return suite

    @property
    def compose(self) -> Compose:
        if self._topology is not None:
            return self._topology.project.compose
        assert self._compose is not None
        return self._compose

    @property
    def access(self) -> Access:
        return self._topology.project.access if self._topology is not None else self._access

    @property
    def topology(self) -> Topology | None:
        """The run's Redis topology, once preflight has connected to the engine."""
        return self._topology

    def check_offline(self) -> str:
        """Preflight that needs no daemon; returns the Compose version."""
        version = preflight.compose_cli(subprocess.run)
        preflight.compose_file(self.compose.file)
        self._access = Access.from_environment(os.environ, self.compose.file.parent)
        self.evidence.environment["access"] = str(self._access)
        at = self.engine_at = engine.resolve(os.environ, self.settings.published_host or None)
        if at.cli_environment():
            self._compose = self.compose.with_variables(at.cli_environment())
        self.evidence.environment["Docker endpoint"] = f"{at.endpoint} ({at.source})"
        self.evidence.environment["published ports reached at"] = f"{at.ports_host} ({at.ports_host_source})"
        return version

    def connect(self) -> None:
        """Preflight for runtime scenarios, in the order a user fixes things."""
        if self.engine_at is None:
            raise RuntimeError("connect() before check_offline() resolved the engine")
        client = preflight.engine_client(self.engine_at)
        version = preflight.engine_version(client)
        services = preflight.model(self.compose, self.kind.service)
        self._model = services
        definitions = [ServiceDefinition.from_model(services, name) for name in self.kind.services(services)]
        first = definitions[0]
        image = images.ensure(client, self.compose, first.name, first.image, self.settings.pull_timeout)
        self.removed_abandoned = leftovers.remove_abandoned(client)
        for definition in definitions:
            preflight.container_name_free(client, definition.container_name, self.compose.project)
        preflight.reachable_from_here(self.engine_at, self.access)
        ports.ensure_free([p for d in definitions for p in d.published_host_ports], self.engine_at, client)
        self.evidence.environment["Docker Engine"] = version
        self.evidence.environment["image"] = image.description
        self.evidence.environment["image pulled"] = image.pulled
        self.evidence.image_from_registry = image.from_registry
        self.evidence.engine = engine_kind.of(client.info())
        self.evidence.environment["engine kind"] = str(self.evidence.engine)
        # Marked before anything is made: if this run dies, the next one knows what it left.
        leftovers.claim(client, self.compose.project, self.run_timeout + self.settings.pull_timeout)
        project = Project(self.compose, client, self.engine_at, self.poller, self.access, self.settings.down_timeout)
        self._topology = self.kind.make(project, services, self.settings)

    @property
    def run_timeout(self) -> float:
        """The whole run's bound: its kind's (the Sentinel topology's runs are longer)."""
        return self.kind.run_timeout(self.settings)

    def running(self, shape: type[T]) -> T:
        """The run's topology, for steps that need its own shape (a Sentinel step needs the sentinels)."""
        topology = self._running()
        if not isinstance(topology, shape):
            raise RuntimeError(f"a step of the {shape.__name__} in a run of the {self.kind.name} topology")
        return topology

    def sentinel(self) -> SentinelTopology:
        """The Sentinel topology the @ha features run against."""
        return self.running(SentinelTopology)

    def node(self) -> Node:
        """The Redis node the single-node specification runs against."""
        return self._running().primary

    def nodes(self) -> Sequence[Node]:
        """Every node of the run's topology (a Sentinel topology's sentinels too)."""
        return self._running().nodes

    def project(self) -> Project:
        return self._running().project

    def _running(self) -> Topology:
        if self._closed:
            raise HarnessError("the run is ending: what it created is being removed")
        if self._topology is None:
            raise RuntimeError("runtime step in a run whose preflight did not connect to Docker")
        return self._topology

    def consumers(self) -> Consumers:
        """The run's consumer processes on this host, made on first use."""
        return self._consumers.here(self._consumers_may_start(), self.scratch(), self.demand)

    def consumers_in_network(self) -> Consumers:
        """Consumer processes as in a container on the Sentinel topology's
        network, finding the sentinels by their service names; made on first use."""
        self._consumers_may_start()
        return self._consumers.in_network(self.sentinel(), self.scratch() / "in-network", self.demand)

    def _consumers_may_start(self) -> Topology:
        if self._closed:
            raise HarnessError("the run is ending: no consumer process starts any more")
        return self._running()

    def scratch(self) -> Path:
        """A directory of the run's own (journal, logs, a temporary password), removed at the end."""
        if self._scratch is None:
            self._scratch = Path(tempfile.mkdtemp(prefix=f"{self.compose.project}-"))
        return self._scratch

    def with_password(self, add_cleanup: Callable[[Callable[[], None]], None]) -> None:
        """The service running with a password: the run's own, or, for a run
        without one, a password of the run's own, with `add_cleanup` given what
        puts the run's mode back before the switch is tried (so a switch that
        fails half-way is undone too)."""
        topology = self._running()
        if topology.project.access.password is not None:
            topology.ensure_ready()
            return
        run_access = topology.project.access
        add_cleanup(best_effort(lambda: topology.switch(run_access)))
        topology.switch(Access.with_temporary_password(self.scratch(), self.access.bind_address))

    def model(self) -> dict[str, Any]:
        if self._model is None:
            self._model = self.compose.config()
        return self._model

    def definition(self) -> ServiceDefinition:
        return ServiceDefinition.from_model(self.model(), SERVICE)

    def engine_lost(self, during: str, failure: BaseException | None) -> EngineLost | None:
        """After a failed step: whether the engine is gone, or went away during
        the step and came back (a restart, whose restart policies brought back
        what they would): either way nothing after it can be trusted to run."""
        if self._topology is None or self.engine_at is None:
            return None
        if not self._topology.project.engine_answers():
            return EngineLost(self.engine_at.endpoint, during, "it no longer answers a ping")
        went_away = engine_connection_error(failure)
        if went_away is not None:
            return EngineLost(self.engine_at.endpoint, during, f"it went away and came back: {went_away}")
        return None

    def end_scenario(self, failed: bool) -> None:
        self._consumers.end_scenario(failed)
        self._consumers.warm(self.demand.ahead(), self.consumers)  # what the next scenarios take, loading

    def end_feature(self) -> None:
        self._consumers.end_feature()

    def close(self) -> list[str]:
        """Stop the run's processes, then tear down its project, once; returns
        what could not be removed."""
        # The watchdog's thread and the main thread may both get here: the second waits for the first.
        with self._closing:
            return self._close()

    def _close(self) -> list[str]:
        if self._closed:
            return []
        self._closed = True
        self._consumers.close()
        topology = self._topology
        left = topology.teardown(self.settings.engine_return_timeout) if topology else []
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
        return left

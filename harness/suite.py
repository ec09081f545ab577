"""Everything one behave run shares: settings, its own compose project, the
engine (when runtime scenarios run), the definition and the evidence."""
from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from typing import Any

from harness import preflight
from harness.compose import Compose
from harness.config import Settings, new_project_name
from harness.consumers import Consumers
from harness.definition import ServiceDefinition
from harness.evidence import Evidence
from harness.polling import Poller
from harness.stack import Stack


@dataclass
class Suite:
    settings: Settings
    compose: Compose
    poller: Poller
    evidence: Evidence = field(default_factory=Evidence)
    stack: Stack | None = None
    _consumers: Consumers | None = None
    _model: dict[str, Any] | None = None

    @classmethod
    def create(cls, settings: Settings) -> Suite:
        compose = Compose(new_project_name(), settings.compose_file.resolve(), timeout=settings.command_timeout)
        return cls(settings, compose, Poller(interval=settings.poll_interval))

    def check_offline(self) -> str:
        """Preflight that needs no daemon; returns the Compose version."""
        version = preflight.compose_cli(subprocess.run)
        preflight.compose_file(self.settings.compose_file)
        return version

    def connect(self) -> None:
        """Preflight for runtime scenarios, in the order a user fixes things."""
        client = preflight.engine()
        engine = preflight.engine_version(client)
        self._model = preflight.model(self.compose, self.settings.service)
        definition = self.definition()
        image = preflight.image_present(client, definition.image)
        preflight.container_name_free(client, definition.container_name, self.compose.project)
        preflight.ports_free(definition.published_host_ports)
        self.evidence.environment["Docker Engine"] = engine
        self.evidence.environment["image"] = image
        self.stack = Stack(
            self.compose, client, self.settings.service, self.settings.redis_port, self.poller,
            self.settings.start_timeout,
        )

    def consumers(self) -> Consumers:
        """The run's consumer processes, made on first use."""
        if self._consumers is None:
            self._consumers = Consumers.create(self.engine(), self.poller)
        return self._consumers

    def model(self) -> dict[str, Any]:
        if self._model is None:
            self._model = self.compose.config()
        return self._model

    def definition(self) -> ServiceDefinition:
        return ServiceDefinition.from_model(self.model(), self.settings.service)

    def engine(self) -> Stack:
        if self.stack is None:
            raise RuntimeError("runtime step in a run whose preflight did not connect to Docker")
        return self.stack

    def end_scenario(self, failed: bool) -> None:
        if self._consumers is not None:
            self._consumers.end_scenario(failed)

    def end_feature(self) -> None:
        if self._consumers is not None:
            self._consumers.end_feature()

    def close(self) -> list[str]:
        """Stop the run's processes, then tear down its project, once; returns
        what could not be removed."""
        consumers, self._consumers = self._consumers, None
        if consumers is not None:
            consumers.close()
        stack, self.stack = self.stack, None
        return stack.teardown() if stack else []

"""Everything one behave run shares: settings, its own compose project, the
engine (when runtime scenarios run), the definition and the evidence."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.consumers.drivers import Consumers
from harness.core import engine_kind
from harness.core.config import Settings, new_project_name
from harness.core.errors import EngineLost, HarnessError, engine_connection_error
from harness.core.evidence import Evidence
from harness.core.polling import Poller
from harness.infra import engine, leftovers, ports
from harness.infra import image as images
from harness.infra.compose import Compose
from harness.infra.engine import Engine
from harness.run import preflight
from harness.service.access import Access
from harness.service.definition import ServiceDefinition
from harness.topology.stack import Stack


@dataclass
class Suite:
    settings: Settings
    compose: Compose
    poller: Poller
    evidence: Evidence = field(default_factory=Evidence)
    access: Access = field(default_factory=Access)
    engine_at: Engine | None = None
    stack: Stack | None = None
    _consumers: Consumers | None = None
    _scratch: Path | None = None
    _model: dict[str, Any] | None = None
    _closed: bool = False
    _closing: threading.Lock = field(default_factory=threading.Lock, repr=False)
    removed_abandoned: list[str] = field(default_factory=list)  # what earlier runs left, removed by this one

    @classmethod
    def create(cls, settings: Settings) -> Suite:
        compose = Compose(new_project_name(), settings.compose_file.resolve(), timeout=settings.command_timeout)
        return cls(settings, compose, Poller(interval=settings.poll_interval))

    def check_offline(self) -> str:
        """Preflight that needs no daemon; returns the Compose version."""
        version = preflight.compose_cli(subprocess.run)
        preflight.compose_file(self.settings.compose_file)
        self.access = Access.from_environment(os.environ, self.compose.file.parent)
        self.evidence.environment["access"] = str(self.access)
        at = self.engine_at = engine.resolve(os.environ, self.settings.published_host or None)
        if at.cli_environment():
            self.compose = self.compose.with_variables(at.cli_environment())
        self.evidence.environment["Docker endpoint"] = f"{at.endpoint} ({at.source})"
        self.evidence.environment["published ports reached at"] = f"{at.ports_host} ({at.ports_host_source})"
        return version

    def connect(self) -> None:
        """Preflight for runtime scenarios, in the order a user fixes things."""
        if self.engine_at is None:
            raise RuntimeError("connect() before check_offline() resolved the engine")
        client = preflight.engine_client(self.engine_at)
        version = preflight.engine_version(client)
        self._model = preflight.model(self.compose, self.settings.service)
        definition = self.definition()
        image = images.ensure(client, self.compose, self.settings.service, definition.image, self.settings.pull_timeout)
        self.removed_abandoned = leftovers.remove_abandoned(client)
        preflight.container_name_free(client, definition.container_name, self.compose.project)
        preflight.reachable_from_here(self.engine_at, self.access)
        ports.ensure_free(definition.published_host_ports, self.engine_at, client)
        self.evidence.environment["Docker Engine"] = version
        self.evidence.environment["image"] = image.description
        self.evidence.environment["image pulled"] = image.pulled
        self.evidence.image_from_registry = image.from_registry
        self.evidence.engine = engine_kind.of(client.info())
        self.evidence.environment["engine kind"] = str(self.evidence.engine)
        # Marked before anything is made: if this run dies, the next one knows what it left.
        leftovers.claim(client, self.compose.project, self.settings.run_timeout + self.settings.pull_timeout)
        self.stack = Stack(
            self.compose,
            client,
            self.engine_at,
            self.settings.service,
            self.settings.redis_port,
            self.poller,
            self.settings.start_timeout,
            self.access,
        )

    def consumers(self) -> Consumers:
        """The run's consumer processes, made on first use."""
        if self._closed:
            raise HarnessError("the run is ending: no consumer process starts any more")
        if self._consumers is None:
            self._consumers = Consumers.create(self.engine(), self.poller, self.scratch())
        return self._consumers

    def scratch(self) -> Path:
        """A directory of the run's own (journal, logs, a temporary password), removed at the end."""
        if self._scratch is None:
            self._scratch = Path(tempfile.mkdtemp(prefix=f"{self.compose.project}-"))
        return self._scratch

    def temporary_password_access(self) -> Access:
        """Access with a password of the run's own, in a file only this user can read,
        with the characters a shell or a URL would mangle if quoted wrongly."""
        file = self.scratch() / "redis-password"
        descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(f"opterp20 {secrets.token_urlsafe(18)} $'\"|&;\\\n")
        return Access.with_password_file(file, self.access.bind_address)

    def model(self) -> dict[str, Any]:
        if self._model is None:
            self._model = self.compose.config()
        return self._model

    def definition(self) -> ServiceDefinition:
        return ServiceDefinition.from_model(self.model(), self.settings.service)

    def engine(self) -> Stack:
        if self._closed:
            raise HarnessError("the run is ending: what it created is being removed")
        if self.stack is None:
            raise RuntimeError("runtime step in a run whose preflight did not connect to Docker")
        return self.stack

    def engine_lost(self, during: str, failure: BaseException | None) -> EngineLost | None:
        """After a failed step: whether the engine is gone, or went away during
        the step and came back (a restart, whose restart policies brought back
        what they would): either way nothing after it can be trusted to run."""
        if self.stack is None or self.engine_at is None:
            return None
        if not self.stack.engine_answers():
            return EngineLost(self.engine_at.endpoint, during, "it no longer answers a ping")
        went_away = engine_connection_error(failure)
        if went_away is not None:
            return EngineLost(self.engine_at.endpoint, during, f"it went away and came back: {went_away}")
        return None

    def end_scenario(self, failed: bool) -> None:
        if self._consumers is not None:
            self._consumers.end_scenario(failed)

    def end_feature(self) -> None:
        if self._consumers is not None:
            self._consumers.end_feature()

    def close(self) -> list[str]:
        """Stop the run's processes, then tear down its project, once; returns
        what could not be removed."""
        # The watchdog's thread and the main thread may both get here: the second waits for the first.
        with self._closing:
            return self._close()

    def _close(self) -> list[str]:
        self._closed = True
        consumers, self._consumers = self._consumers, None
        if consumers is not None:
            consumers.close()
        stack, self.stack = self.stack, None
        left = stack.teardown(self.settings.engine_return_timeout) if stack else []
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
        return left

"""One run's compose project on one engine: the compose CLI, the SDK client
and the access mode it was started with. Every `up` goes through here, so a
failed one means the same thing whichever step ran it, and teardown and
diagnostics cover every service of the project."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import docker

from harness.core.errors import CommandFailed, DeadlineExceeded, HarnessError, UpFailed
from harness.core.polling import Poller
from harness.infra import faults, leftovers, ports
from harness.infra.compose import REDISCLI_AUTH, Compose
from harness.infra.containers import Containers, ContainerState, parse_time
from harness.infra.engine import Engine
from harness.infra.engine_errors import ENGINE_ERRORS
from harness.service.access import BIND_ADDRESS, PASSWORD_FILE, Access

T = TypeVar("T")


@dataclass
class Project:
    compose: Compose
    client: docker.DockerClient
    engine: Engine
    poller: Poller
    access: Access = field(default_factory=Access)
    down_timeout: float = 30.0
    anonymous_volumes: set[str] = field(default_factory=set)
    _killer: faults.Killer | None = None
    _engine_offset: timedelta | None = None  # the engine's clock minus this machine's
    _up_failed: dict[str, str] = field(default_factory=dict)  # service -> Compose's reason, for this configuration
    _containers: Containers | None = None

    @property
    def name(self) -> str:
        return self.compose.project

    @property
    def containers(self) -> Containers:
        """The project's containers, one view for the run, so each is found once and then read by its id."""
        if self._containers is None:
            self._containers = Containers(self.client, self.compose.project)
        return self._containers

    @property
    def killer(self) -> faults.Killer:
        if self._killer is None:
            self._killer = faults.Killer(self.client, self.compose.project)
        return self._killer

    def up(self, service: str, *, force_recreate: bool = False) -> float:
        """`up` one service; returns the monotonic time just before Compose was
        asked, to measure from. A port another process holds is the run's refusal
        (found only now on a remote engine); any other failure is Compose's
        reason in one line. An `up` that could not create the container fails
        the same way for every later `up` of it (without running it again),
        until the project is reconfigured: the definition itself cannot start."""
        creates = force_recreate or self.containers.state(service).status == "absent"
        if creates and service in self._up_failed:
            raise UpFailed(service, self._up_failed[service], again=True)
        began = self.poller.clock()
        try:
            self.compose.up(service, force_recreate=force_recreate)
        except CommandFailed as error:
            conflict = ports.conflict(error.stderr, self.engine, self.client)
            if conflict is not None:
                raise conflict from error
            if creates:
                self._up_failed[service] = error.reason
            raise UpFailed(service, error.reason) from error
        return began

    def up_all(self, *, force_recreate: bool = False) -> float:
        """`up` of every service of the file, with the same failure mapping as `up`."""
        began = self.poller.clock()
        try:
            self.compose.up(force_recreate=force_recreate)
        except CommandFailed as error:
            conflict = ports.conflict(error.stderr, self.engine, self.client)
            if conflict is not None:
                raise conflict from error
            raise UpFailed("", error.reason) from error
        return began

    def reconfigure(self, access: Access) -> None:
        """Reach the project another way from now on (a password of a scenario's
        own, say): the next `up` uses it. The project is the one owner of its
        compose variables and access, so nothing keeps the old ones."""
        self.compose = self.compose.with_variables(access.compose_variables(), unset=(BIND_ADDRESS, PASSWORD_FILE))
        self.access = access
        self._up_failed.clear()

    def override(self, *files: Path) -> None:
        """Merge `files` over the project's compose file from now on (none: its own
        alone again); the next `up` that re-creates the service uses them."""
        self.compose = self.compose.with_overrides(*files)
        self._up_failed.clear()

    def operator_shell(self) -> dict[str, str]:
        """An operator's shell for the README's commands: plain `docker compose`
        targets this project, and redis-cli finds the password where the README
        tells an operator with one to put it."""
        env = self.compose.operator_shell()
        if self.access.password is not None:
            env[REDISCLI_AUTH] = self.access.password
        return env

    def remove(self, service: str) -> None:
        """Remove the service's container, keeping its named volumes."""
        self._remember_volumes(service)
        self.compose.rm(service)

    def down(self, services: Iterable[str], *, volumes: bool) -> None:
        for service in services:
            self._remember_volumes(service)
        self.compose.down(volumes=volumes, timeout=self.down_timeout)

    def _remember_volumes(self, service: str) -> None:
        """An anonymous /data volume outlives its container: the teardown removes it by name."""
        self.anonymous_volumes |= self.containers.anonymous_volumes(service)

    def engine_now(self) -> datetime:
        """The engine's clock, which times a container's starts and probes (a VM's
        may differ from this machine's): asked once, then kept as an offset."""
        if self._engine_offset is None:
            self._engine_offset = parse_time(str(self.client.info()["SystemTime"])) - datetime.now(UTC)
        return datetime.now(UTC) + self._engine_offset

    def engine_answers(self) -> bool:
        try:
            return bool(self.client.ping())
        except ENGINE_ERRORS:
            return False

    def diagnostics(self, services: Iterable[str]) -> str:
        """Each service's state, health log and log tail, then `compose ps`; each
        part says why it is missing instead of failing the report (an engine
        that went away)."""
        parts = [self._service_diagnostics(service) for service in services]
        return "\n".join([*parts, f"compose ps:\n{or_why(self.compose.ps)}"])

    def _service_diagnostics(self, service: str) -> str:
        state = or_why(lambda: self.containers.state(service))
        probes = "\n".join(f"  {p}" for p in state.probes) if isinstance(state, ContainerState) else ""
        return (
            f"state: {state}\nhealth log:\n{probes or '  (none)'}\n"
            f"logs (last 15 lines):\n{or_why(lambda: self.containers.logs_tail(service, 15))}"
        )

    def teardown(self, services: Iterable[str], engine_return: float) -> list[str]:
        """Remove this run's containers, volumes and networks, and nothing else.
        `down` first; then the SDK sweeps by label, because `down` cannot read a
        broken compose file. An engine that went away is given `engine_return`
        seconds to come back (a restart takes seconds). Returns what could not
        be removed: the run's mark then stays, and the next run removes it all."""
        if not self.engine_answers():
            try:
                self.poller.until("the Docker engine answering again", self.engine_answers, bool, timeout=engine_return)
            except DeadlineExceeded:
                return [
                    f"everything: the Docker engine at {self.engine.endpoint} did not answer within "
                    f"{engine_return:g} s; the next run removes it"
                ]
        with contextlib.suppress(HarnessError, *ENGINE_ERRORS):
            self.down(services, volumes=True)
        return leftovers.sweep(self.client, self.compose.project, self.anonymous_volumes)


def or_why(observe: Callable[[], T]) -> T | str:
    try:
        return observe()
    except (HarnessError, *ENGINE_ERRORS) as error:
        return f"(not available: {type(error).__name__}: {' '.join(str(error).split())[:200]})"

"""Checks made before anything is created. Each failure is a PreflightError
with one line that says what is wrong and what to do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docker
import docker.errors

from harness.core import hints
from harness.core.errors import (
    CommandFailed,
    ComposeFileMissing,
    ComposeFileRejected,
    ComposeV2Missing,
    ContainerNameTaken,
    DockerDaemonUnreachable,
    EngineTooOld,
    RemoteEngineLoopbackOnly,
    ServiceMissing,
)
from harness.infra import leftovers
from harness.infra.compose import MIN_COMPOSE, Compose, Runner, compose_version, parse_version
from harness.infra.containers import PROJECT_LABEL
from harness.infra.engine import OVERRIDE, Engine, loopback_only
from harness.service.access import Access

MIN_ENGINE = 25


def compose_cli(run: Runner) -> str:
    try:
        version = compose_version(run)
    except CommandFailed as error:
        raise ComposeV2Missing(str(error)) from error
    if parse_version(version) < MIN_COMPOSE:
        raise ComposeV2Missing(f"found {version}")
    return version


def compose_file(path: Path) -> None:
    if not path.is_file():
        raise ComposeFileMissing(str(path))


def engine_client(engine: Engine) -> docker.DockerClient:
    """A client of the run's engine, which answered a ping."""
    try:
        client = engine.client(timeout=10)
        client.ping()
    except docker.errors.DockerException as error:
        remedy = hints.start_engine(engine.endpoint, engine.local)
        raise DockerDaemonUnreachable(engine.endpoint, _why_unreachable(error), remedy) from error
    return client


def reachable_from_here(engine: Engine, access: Access) -> None:
    """A remote engine's loopback is not this machine's: Redis published there
    only is out of reach, unless -D published_host says how it is reached."""
    if not engine.local and engine.ports_host_source != OVERRIDE and loopback_only(access.bind_address):
        raise RemoteEngineLoopbackOnly(engine.endpoint, access.bind_address)


def engine_version(client: docker.DockerClient) -> str:
    version = str(client.version().get("Version", "0"))
    if parse_version(version)[0] < MIN_ENGINE:
        raise EngineTooOld(version)
    return version


def model(compose: Compose, service: str | None) -> dict[str, Any]:
    """The file's model as Compose reads it, which must define `service` (when named)."""
    try:
        config = compose.config()
    except CommandFailed as error:
        raise ComposeFileRejected(str(compose.file), _last_line(error.stderr)) from error
    services = sorted((config.get("services") or {}).keys())
    if service is not None and service not in services:
        raise ServiceMissing(str(compose.file), service, services)
    return config


def container_name_free(client: docker.DockerClient, name: str | None, project: str) -> None:
    """A fixed container_name is global on the engine: refuse, never touch, a
    container of that name that is not this run's; one of another run of this
    suite, still going (its mark outlived the sweep), is named as that run."""
    if not name:
        return
    for container in client.containers.list(all=True, filters={"name": f"^/{name}$"}):
        owner = container.labels.get(PROJECT_LABEL)
        if owner != project:
            run = next((str(m) for m in leftovers.marks(client) if m.project == owner), "") if owner else ""
            raise ContainerNameTaken(name, owner, container.status, run)


def _why_unreachable(error: Exception) -> str:
    text = str(error)
    for marker, reason in (
        ("cannot find the file specified", "no named pipe there"),  # Windows: Docker Desktop not running
        ("No such file", "no socket there"),
        ("FileNotFoundError", "no socket there"),
        ("Permission denied", "permission denied: add your user to the docker group"),
        ("Connection refused", "connection refused"),
        ("timed out", "no answer in time"),
        ("No route to host", "no route to host"),
        ("Name or service not known", "host name unknown"),
    ):
        if marker in text:
            return reason
    return _last_line(text)[:120]


def _last_line(error: object) -> str:
    text = str(error).strip()
    return text.splitlines()[-1] if text else "no detail"

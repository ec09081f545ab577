"""Whether the port Redis is to be published on is free, decided on the
engine's machine: a local probe for a local engine; for a remote one, the
engine's own list of containers publishing it, and Compose's error when
something else holds it there."""

from __future__ import annotations

import errno
import socket
from collections.abc import Iterable

import docker

from harness.core import hints
from harness.core.errors import PortInUse
from harness.infra.engine import Engine

# How `docker compose up` reports a taken port: by another container, or by any other process.
_TAKEN = ("port is already allocated", "address already in use")


def ensure_free(ports: Iterable[int], engine: Engine, client: docker.DockerClient) -> None:
    for port in ports:
        if engine.local:
            _probe_locally(port, engine)
        else:
            _ask_engine(port, engine, client)


def conflict(stderr: str, engine: Engine, client: docker.DockerClient) -> PortInUse | None:
    """The refusal for a failed `up` that a taken port explains, else None."""
    lowered = stderr.lower()
    if not any(marker in lowered for marker in _TAKEN):
        return None
    port = _port_in(stderr)
    return PortInUse(port or 0, _where(engine), _remedy(port or 0, engine))


def _probe_locally(port: int, engine: Engine) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # SO_REUSEADDR: a socket in TIME_WAIT is not a listener in the way.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("0.0.0.0", port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PortInUse(port, _where(engine), _remedy(port, engine)) from error
            raise


def _ask_engine(port: int, engine: Engine, client: docker.DockerClient) -> None:
    holders = client.containers.list(filters={"publish": f"{port}/tcp"})
    if holders:
        names = ", ".join(sorted(str(container.name) for container in holders))
        raise PortInUse(
            port,
            f"{_where(engine)} (published by container {names})",
            f"stop {names} there (`docker stop {names.split(', ')[0]}`)",
        )


def _where(engine: Engine) -> str:
    return "on this machine" if engine.local else f"on the engine's machine ({engine.endpoint})"


def _remedy(port: int, engine: Engine) -> str:
    if not engine.local:
        return f"free port {port} on that machine (`docker ps --filter publish={port}` lists containers holding it)"
    return f"stop whatever listens on it (`{hints.who_listens(port)}` shows it)"


def _port_in(stderr: str) -> int | None:
    """'Bind for 0.0.0.0:6379 failed: ...' or 'listen tcp4 0.0.0.0:6379: bind: ...'."""
    for token in stderr.replace(",", " ").split():
        host, _, port = token.rstrip(":").rpartition(":")
        if host and port.isdigit():
            return int(port)
    return None

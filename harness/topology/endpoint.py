"""Where one service is reached, and the one way to get a client of it: from
this machine (its published port, at the address the engine publishes on),
from its own network (its service name), and as a URL a consumer's library
takes. The run's access decides the password a client sends."""

from __future__ import annotations

from dataclasses import dataclass, field

import redis

from harness.core.errors import ServiceUnreachable
from harness.service import redis_client
from harness.service.access import Access
from harness.topology.project import Project


@dataclass
class Endpoint:
    project: Project
    service: str
    port: int  # the port Redis (or a sentinel) listens on inside the container
    # The file publishes fixed ports, so the address is asked once, also while the node is down;
    # without them a re-created container may be reached elsewhere, so it is asked every time.
    fixed: bool = False
    ask_timeout: float = 0.5  # seconds for one answer of the shared client (Settings.ask_timeout)
    _address: tuple[str, int] | None = None
    _shared: redis.Redis | None = field(default=None, repr=False)

    @property
    def access(self) -> Access:
        return self.project.access

    def client(
        self,
        password: str | None = None,
        *,
        anonymous: bool = False,
        protocol: int | None = None,
        timeout: float = redis_client.SOCKET_TIMEOUT,
    ) -> redis.Redis:
        """The one way to a client of the service: a connection of its own with
        `password`, else the run's own; or, when `anonymous`, one without any
        that sends commands as they are (RESP2, no HELLO)."""
        if anonymous:
            return redis_client.connect(*self.address(), protocol=2, timeout=timeout)
        secret = password or self.access.password
        return redis_client.connect(*self.address(), password=secret, protocol=protocol, timeout=timeout)

    def shared(self) -> redis.Redis:
        """A client made once for quick questions (RESP2, `ask_timeout`): redis-py
        reconnects on the next call after a failed one."""
        if self._shared is None:
            self._shared = self.client(protocol=2, timeout=self.ask_timeout)
        return self._shared

    def close(self) -> None:
        """The shared client closed: the next is made afresh (after a change of access, say)."""
        if self._shared is not None:
            self._shared.close()
        self._shared = None

    def forget(self) -> None:
        """After a re-creation: the address is asked again, and the next client made afresh."""
        self.close()
        self._address = None

    def address(self) -> tuple[str, int]:
        """Where this machine reaches the service: its published port, else (a local engine) its own address."""
        if self._address is not None:
            return self._address
        found = self.project.containers.host_endpoint(self.service, self.port, self.project.engine)
        if found is None:
            raise ServiceUnreachable(f"no way to reach {self.service}: {self.project.containers.state(self.service)}")
        if self.fixed:
            self._address = found
        return found

    def published(self) -> tuple[str, int] | None:
        """The host address and port the service is published on, if it is."""
        return self.project.containers.host_endpoint(self.service, self.port, self.project.engine, published_only=True)

    def published_port(self) -> int:
        """The host port the service is published on (the port inside when it is not)."""
        endpoint = self.published()
        return endpoint[1] if endpoint else self.port

    def host_for(self, port: int) -> tuple[str, int]:
        """Where a client on the host tries `port`: the published address if there
        is one, else the address the engine's published ports are reached at."""
        return (self.published() or (self.project.engine.ports_host, port))[0], port

    def in_network(self) -> tuple[str, int]:
        """How the sentinels, the replicas and a container on the project's network name it."""
        return self.service, self.port

    def url(self) -> str:
        """Where a consumer process on the host reaches it, as a URL its library
        takes: the published port only, as the plan's consumers connect."""
        endpoint = self.published()
        if endpoint is None:
            raise ServiceUnreachable(
                f"{self.service} publishes no host port for {self.port}/tcp, where the plan's consumers "
                f"connect: {self.project.containers.state(self.service)}"
            )
        return self.access.url(*endpoint)

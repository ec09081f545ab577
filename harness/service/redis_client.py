"""Redis traffic through redis-py, with short timeouts so a dead server fails
a step in seconds rather than hanging it."""

from __future__ import annotations

from dataclasses import dataclass

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from harness.service.definition import FSYNC_WORDS

SOCKET_TIMEOUT = 5.0  # seconds for any one reply: a frozen server fails a call, never hangs it


def connect(
    host: str, port: int, password: str | None = None, *, protocol: int | None = None, timeout: float = SOCKET_TIMEOUT
) -> redis.Redis:
    """`protocol=2` sends each command as it is, as redis-cli or an attacker's
    raw socket does; redis-py's default RESP3 first sends HELLO, which an
    unauthenticated client cannot get past."""
    return redis.Redis(
        host=host,
        port=port,
        password=password,
        protocol=protocol,
        socket_connect_timeout=min(2.0, timeout),
        socket_timeout=timeout,
        decode_responses=True,
        # One attempt per call: callers poll to their own deadlines.
        retry=Retry(NoBackoff(), 0),
    )


@dataclass(frozen=True)
class ServerFacts:
    """What the running server says of itself."""

    version: str
    appendonly: str
    aof_enabled: int
    appendfsync: str

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])

    def __str__(self) -> str:
        return (
            f"redis_version={self.version} appendonly={self.appendonly} "
            f"aof_enabled={self.aof_enabled} appendfsync={self.appendfsync}"
        )


@dataclass(frozen=True)
class RunningServer:
    """The running server, as the product owner reads it."""

    facts: ServerFacts
    what = "server"

    @property
    def value(self) -> str:
        return str(self.facts)

    def __str__(self) -> str:
        f = self.facts
        flushed = FSYNC_WORDS.get(f.appendfsync, f.appendfsync)
        log = "on" if f.appendonly == "yes" else "off"
        return f"The server is Redis {f.version}, append-only log {log}, written to disk {flushed}."


def server_facts(client: redis.Redis) -> ServerFacts:
    info = client.info("server") | client.info("persistence")
    config = client.config_get("append*")
    return ServerFacts(
        version=str(info["redis_version"]),
        appendonly=str(config.get("appendonly", "?")),
        aof_enabled=int(info.get("aof_enabled", 0)),
        appendfsync=str(config.get("appendfsync", "?")),
    )


def answers_ping(client: redis.Redis) -> str:
    """'PONG', or the error that came back instead, as text for evidence."""
    try:
        return "PONG" if client.ping() else "no PONG"
    except redis.RedisError as error:
        return f"{type(error).__name__}: {error}"

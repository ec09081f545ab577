"""Which Docker engine the run talks to, found the way the docker CLI finds it,
so the SDK and `docker compose` always reach the same one; and the address on
which the engine's published ports are reached from here.

The CLI's order: DOCKER_HOST (which beats DOCKER_CONTEXT), then DOCKER_CONTEXT,
then `currentContext` in the CLI's config.json, then the platform's socket."""

from __future__ import annotations

import hashlib
import ipaddress
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import docker
import docker.errors
import docker.utils
from docker.tls import TLSConfig

from harness.core.errors import DockerContextUnusable, DockerDaemonUnreachable

LOOPBACK = "127.0.0.1"
DEFAULT_CONTEXT = "default"
OVERRIDE = "-D published_host"


@dataclass(frozen=True)
class Engine:
    endpoint: str  # unix:///var/run/docker.sock, tcp://docker:2376, ssh://ci@build-host, npipe://...
    source: str  # what chose it: DOCKER_HOST, a context, or the platform default
    ports_host: str  # where this machine reaches the ports the engine publishes
    ports_host_source: str
    tls: TLSConfig | None = None
    context: str | None = None  # the context to pass on, when a context chose the engine

    @property
    def scheme(self) -> str:
        return urlsplit(self.endpoint).scheme

    @property
    def local(self) -> bool:
        """Whether the engine runs on this machine, so its published ports are
        this machine's ports: a local socket, or TCP/SSH to a loopback address."""
        if self.scheme in ("unix", "npipe", "fd", ""):
            return True
        return _is_loopback(urlsplit(self.endpoint).hostname or "")

    def reach(self, host_ip: str) -> str:
        """Where this machine connects to a port the engine published on
        `host_ip`: a port on every address is reached at the engine's ports
        host; one on a single address, at that address. An override wins."""
        if self.ports_host_source == OVERRIDE or host_ip in ("", "0.0.0.0", "::"):
            return self.ports_host
        return host_ip

    def client(self, timeout: int = 10) -> docker.DockerClient:
        """An SDK client of exactly this engine (docker SDK 7.1 ignores contexts,
        so the endpoint is passed, never re-read from the environment)."""
        return docker.DockerClient(base_url=self.endpoint, tls=self.tls or False, timeout=timeout)

    def cli_environment(self) -> dict[str, str]:
        """What the docker CLI must see to pick the same engine. It already reads
        the same variables and config; pin the context so a concurrent
        `docker context use` cannot move the run to another engine midway."""
        return {"DOCKER_CONTEXT": self.context} if self.context and self.source != "DOCKER_HOST" else {}

    def __str__(self) -> str:
        return f"{self.endpoint} ({self.source}), published ports on {self.ports_host} ({self.ports_host_source})"


def resolve(env: Mapping[str, str], ports_host: str | None = None, platform: str = sys.platform) -> Engine:
    """The engine as the CLI would choose it; `ports_host` (`-D published_host=...`)
    overrides the address of its published ports for setups no rule can guess."""
    host = env.get("DOCKER_HOST")
    if host:
        try:
            params = docker.utils.kwargs_from_env(environment=dict(env))
        except docker.errors.TLSParameterError as error:
            raise DockerDaemonUnreachable(
                host,
                "its TLS files are missing",
                "put ca.pem, cert.pem and key.pem in DOCKER_CERT_PATH "
                "(GitLab's docker:dind writes them to $DOCKER_TLS_CERTDIR/client)",
            ) from error
        endpoint, source, tls, context = host, "DOCKER_HOST", params.get("tls"), None
    else:
        context = env.get("DOCKER_CONTEXT") or _current_context(env) or DEFAULT_CONTEXT
        if context == DEFAULT_CONTEXT:
            endpoint, source, tls = _platform_socket(platform), "default socket", None
        else:
            endpoint, tls = _from_context(context, env)
            how = "DOCKER_CONTEXT" if env.get("DOCKER_CONTEXT") else "current context"
            source = f"context {context!r} ({how})"
    if ports_host:
        return Engine(endpoint, source, ports_host, OVERRIDE, tls, context)
    address, why = published_address(endpoint)
    return Engine(endpoint, source, address, why, tls, context)


def published_address(endpoint: str) -> tuple[str, str]:
    """Where published ports open: the engine's own host name for TCP and SSH
    (a dind service's `docker`), loopback for a local socket."""
    parts = urlsplit(endpoint)
    if parts.scheme in ("tcp", "ssh", "http", "https") and parts.hostname:
        return parts.hostname, "the engine's host"
    return LOOPBACK, "local engine"


def _platform_socket(platform: str) -> str:
    if platform.startswith("win"):
        return "npipe:////./pipe/docker_engine"
    return "unix:///var/run/docker.sock"


def _config_dir(env: Mapping[str, str]) -> Path:
    return Path(env.get("DOCKER_CONFIG") or Path.home() / ".docker")


def _current_context(env: Mapping[str, str]) -> str | None:
    try:
        config = json.loads((_config_dir(env) / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # no config, or one the CLI would also ignore
    return config.get("currentContext") or None


def _from_context(name: str, env: Mapping[str, str]) -> tuple[str, TLSConfig | None]:
    """The context's Docker endpoint and TLS files, read from the CLI's store as
    the CLI does (the SDK's reader looks in the wrong place without a config.json)."""
    digest = hashlib.sha256(name.encode()).hexdigest()
    store = _config_dir(env) / "contexts"
    try:
        meta = json.loads((store / "meta" / digest / "meta.json").read_text(encoding="utf-8"))
        endpoint = meta["Endpoints"]["docker"]
        host = endpoint["Host"]
    except OSError:
        raise DockerContextUnusable(name, "no such context") from None
    except (ValueError, KeyError, TypeError):
        raise DockerContextUnusable(name, "its metadata has no Docker endpoint") from None
    tls_dir = store / "tls" / digest / "docker"
    if not tls_dir.is_dir():
        return host, None
    files = {name: str(tls_dir / name) for name in ("ca.pem", "cert.pem", "key.pem") if (tls_dir / name).is_file()}
    cert = (files["cert.pem"], files["key.pem"]) if "cert.pem" in files and "key.pem" in files else None
    verify = not endpoint.get("SkipTLSVerify", False)
    return host, TLSConfig(client_cert=cert, ca_cert=files.get("ca.pem"), verify=verify)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def loopback_only(bind_address: str) -> bool:
    """Whether a REDIS_BIND_ADDRESS publishes on loopback only."""
    return _is_loopback(bind_address.strip("[]"))

"""Faults injected on purpose: a crash outside Docker's manual-stop path, and
a server that refuses clients."""
from __future__ import annotations

from dataclasses import dataclass

import docker
import redis

from harness.errors import HarnessError

# Marks helper containers so the run's cleanup finds them even if one is left.
RUN_LABEL = "opticserp.acceptance.project"


@dataclass(frozen=True)
class Crash:
    pid: int
    restart_count_before: int
    at: float  # monotonic time right after the kill was delivered


def sigkill(client: docker.DockerClient, image_id: str, pid: int, project: str) -> None:
    """SIGKILL a process by its host PID from a short-lived helper container in
    the host PID namespace, so it also works on Docker Desktop where host PIDs
    are not visible. `docker kill`/`stop` would count as a manual stop, and
    `unless-stopped` would rightly not restart after them."""
    helper = client.containers.create(
        image_id,
        ["-KILL", str(pid)],
        entrypoint=["kill"],
        pid_mode="host",
        network_mode="none",
        # The image declares VOLUME /data; a tmpfs there keeps the helper from
        # creating an anonymous volume that would outlive it.
        tmpfs={"/data": ""},
        labels={RUN_LABEL: project},
    )
    try:
        helper.start()
        result = helper.wait(timeout=30)
        if result.get("StatusCode") != 0:
            logs = helper.logs().decode(errors="replace").strip()
            raise HarnessError(f"could not SIGKILL pid {pid}: kill exited {result.get('StatusCode')}: {logs}")
    finally:
        helper.remove(force=True, v=True)


def require_password(client: redis.Redis, password: str) -> None:
    """Make the server answer every unauthenticated command with NOAUTH."""
    client.config_set("requirepass", password)


def clear_password(authenticated: redis.Redis) -> None:
    """Undo `require_password`, through a client that carries the password."""
    authenticated.config_set("requirepass", "")

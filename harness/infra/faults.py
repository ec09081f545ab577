"""Faults injected on purpose: a crash outside Docker's manual-stop path, and
a server that demands a password its clients do not have."""

from __future__ import annotations

from dataclasses import dataclass

import docker
import redis
from docker.models.containers import Container

from harness.core.errors import HarnessError

# Marks helper containers so the run's cleanup finds them even if one is left.
from harness.infra.leftovers import RUN_LABEL

HELPER_LIFETIME = 3600  # seconds: a helper the run failed to remove still ends by itself


@dataclass(frozen=True)
class Crash:
    pid: int
    restart_count_before: int
    at: float  # monotonic time right after the kill was delivered


@dataclass
class Killer:
    """SIGKILLs processes by their host PID from a helper container in the host
    PID namespace, so it also works on Docker Desktop where host PIDs are not
    visible. `docker kill`/`stop` would count as a manual stop, and
    `unless-stopped` would rightly not restart after them. The helper is made
    once per run (a crash then costs one exec, not a container) and carries
    the run's label, so the run's cleanup removes it."""

    client: docker.DockerClient
    project: str
    _helper: Container | None = None

    def sigkill(self, image_id: str, pid: int) -> None:
        exit_code, output = self._ready(image_id).exec_run(["kill", "-KILL", str(pid)])
        if exit_code != 0:
            text = output.decode(errors="replace").strip() if isinstance(output, bytes) else ""
            raise HarnessError(f"could not SIGKILL pid {pid}: kill exited {exit_code}: {text}")

    def _ready(self, image_id: str) -> Container:
        if self._helper is None:
            self._helper = self.client.containers.run(
                image_id,
                [str(HELPER_LIFETIME)],
                entrypoint=["sleep"],
                pid_mode="host",
                network_mode="none",
                # The image declares VOLUME /data; a tmpfs there keeps the helper from
                # creating an anonymous volume that would outlive it.
                tmpfs={"/data": ""},
                labels={RUN_LABEL: self.project},
                detach=True,
            )
        return self._helper


def require_password(client: redis.Redis, password: str) -> None:
    """Make the server demand `password` of every client (none when empty),
    through a client that may still talk to it."""
    client.config_set("requirepass", password)

"""What a run leaves on the engine, and how the next run knows it.

Each run marks the engine with a volume of its own before it creates anything
(`claim`): labelled with its compose project, the host and process that own it,
and a lease that ends after the run's watchdog bound. Its cleanup sweeps its
project by label and removes the mark last, so a mark outlives its run only
when something could not be removed: a SIGKILL, an engine that went away, or
an engine restart that brought the run's containers back through their
`unless-stopped` policy after the run had ended. The next run finds such marks
(`abandoned`) and removes what they name. A stack without a mark, such as the
user's own `docker compose up` of this file, is never touched."""

from __future__ import annotations

import functools
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

import docker
import docker.errors

from harness.infra.containers import PROJECT_LABEL
from harness.infra.engine_errors import ENGINE_ERRORS

RUN_LABEL = "opticserp.acceptance.project"  # on the mark and on helper containers
OWNER_LABEL = "opticserp.acceptance.owner"  # host/pid/process start of the run
LEASE_LABEL = "opticserp.acceptance.lease-until"  # unix time after which the run is over anyway


@dataclass(frozen=True)
class Owner:
    host: str
    pid: int
    started: str  # the process's start time as its kernel counts it ("" where unknown)

    @classmethod
    def me(cls) -> Owner:
        return cls(socket.gethostname(), os.getpid(), process_start(os.getpid()))

    @classmethod
    def parse(cls, text: str) -> Owner | None:
        host, _, rest = text.partition("/")
        pid, _, started = rest.partition("/")
        return cls(host, int(pid), started) if pid.isdigit() else None

    def __str__(self) -> str:
        return f"{self.host}/{self.pid}/{self.started}"

    def gone(self, here: str, alive: Callable[[int, str], bool]) -> bool:
        """Whether the owning process has ended; knowable only on its own host."""
        return self.host == here and not alive(self.pid, self.started)


@dataclass(frozen=True)
class Mark:
    project: str
    owner: Owner | None
    lease_until: float

    @property
    def volume(self) -> str:
        return mark_name(self.project)

    def abandoned(self, now: float, here: str, alive: Callable[[int, str], bool]) -> bool:
        return now > self.lease_until or (self.owner is not None and self.owner.gone(here, alive))

    def __str__(self) -> str:
        who = f"process {self.owner.pid} on {self.owner.host}" if self.owner else "an unknown run"
        return f"compose project {self.project}, run by {who}"


def mark_name(project: str) -> str:
    return f"{project}-acceptance-run"


def claim(client: docker.DockerClient, project: str, lease: float) -> None:
    """Mark the engine as holding this run's project, before anything is made."""
    client.volumes.create(
        mark_name(project),
        labels={RUN_LABEL: project, OWNER_LABEL: str(Owner.me()), LEASE_LABEL: str(int(time.time() + lease))},
    )


def marks(client: docker.DockerClient) -> list[Mark]:
    found = []
    for volume in client.volumes.list(filters={"label": RUN_LABEL}):
        labels = volume.attrs.get("Labels") or {}
        try:
            lease_until = float(labels.get(LEASE_LABEL, "0"))
        except ValueError:
            lease_until = 0.0
        found.append(Mark(labels[RUN_LABEL], Owner.parse(labels.get(OWNER_LABEL, "")), lease_until))
    return found


def abandoned(
    client: docker.DockerClient,
    now: float | None = None,
    here: str | None = None,
    alive: Callable[[int, str], bool] | None = None,
) -> list[Mark]:
    """Marks of runs that ended without removing what they made."""
    now = time.time() if now is None else now
    here = socket.gethostname() if here is None else here
    alive = alive or process_alive
    return [mark for mark in marks(client) if mark.abandoned(now, here, alive)]


def sweep(client: docker.DockerClient, project: str, volumes: Collection[str] = ()) -> list[str]:
    """Remove the project's containers (and helpers), volumes and networks by
    label, then its mark; returns what could not be removed (the mark stays then)."""
    by_project: dict[str, str | list[str] | bool] = {"label": f"{PROJECT_LABEL}={project}"}
    left: list[str] = []
    try:
        containers = [
            *client.containers.list(all=True, filters=by_project),
            *client.containers.list(all=True, filters={"label": f"{RUN_LABEL}={project}"}),
        ]
        for container in containers:
            left += _remove(f"container {container.name}", functools.partial(container.remove, force=True, v=True))
        for volume in client.volumes.list(filters=by_project):
            left += _remove(f"volume {volume.name}", functools.partial(volume.remove, force=True))
        for name in sorted(volumes):
            left += _remove(f"volume {name}", functools.partial(_remove_volume, client, name))
        networks = [
            *client.networks.list(filters=by_project),
            *client.networks.list(filters={"label": f"{RUN_LABEL}={project}"}),  # a helper's, from elsewhere
        ]
        for network in networks:
            left += _remove(f"network {network.name}", network.remove)
    except ENGINE_ERRORS as error:
        return [*left, f"project {project}: the engine did not answer ({_short(error)})"]
    if not left:
        left += _remove(f"volume {mark_name(project)}", functools.partial(_remove_volume, client, mark_name(project)))
    return left


def remove_abandoned(client: docker.DockerClient) -> list[str]:
    """Remove what earlier runs of the suite left (they were killed, or their
    engine went away), found by the marks they made; one line each."""
    said = []
    for mark in abandoned(client):
        left = sweep(client, mark.project)
        for scratch in leftover_scratch(mark.project):
            shutil.rmtree(scratch, ignore_errors=True)
        outcome = "removed" if not left else f"could not remove all of it: {'; '.join(left)}"
        said.append(f"what an earlier run left ({mark}, which ended without cleaning up): {outcome}")
    return said


def leftover_scratch(project: str, tmp: Path | None = None) -> list[Path]:
    """A run's scratch directories on this machine (journal, logs, a temporary password)."""
    return sorted((tmp or Path(tempfile.gettempdir())).glob(f"{project}-*"))


DEAD_STATES = ("Z", "X")  # exited, not yet reaped; being reaped


def process_start(pid: int, proc: Path = Path("/proc")) -> str:
    """When the process started, in clock ticks since boot (Linux), so a reused
    pid is not taken for the run that owned it; "" elsewhere."""
    try:
        return (proc / str(pid) / "stat").read_text().rsplit(") ", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def process_state(pid: int, proc: Path = Path("/proc")) -> str:
    """Its state letter (Linux: R, S, ..., Z for a zombie); "" where unknown."""
    try:
        return (proc / str(pid) / "stat").read_text().rsplit(") ", 1)[1][:1]
    except (OSError, IndexError):
        return ""


def process_alive(pid: int, started: str) -> bool:
    """A run's process still runs: it exists, is the one that started then, and
    has not exited. An exited one that nobody reaped yet (a zombie: in a CI job's
    container without an init process, a killed run's stays so) is dead too,
    though `kill(pid, 0)` still reaches it."""
    if os.name != "posix":
        return True  # Windows' os.kill(pid, 0) would end the process: the lease decides there
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process: alive
    return (not started or process_start(pid) in ("", started)) and process_state(pid) not in DEAD_STATES


def _remove_volume(client: docker.DockerClient, name: str) -> None:
    client.volumes.get(name).remove(force=True)


def _remove(what: str, remove: Callable[[], object]) -> list[str]:
    try:
        remove()
    except docker.errors.NotFound:
        pass
    except docker.errors.APIError as error:
        return [f"{what}: {error.explanation or error}"]
    return []


def _short(error: BaseException) -> str:
    return " ".join(str(error).split())[:160]

"""What the engine pool asks of this machine: `ip`, a process's liveness,
an engine's answer, and lazy unmounts, each bounded in time."""

from __future__ import annotations

import subprocess
from pathlib import Path

import docker
import docker.errors


class PoolUnavailable(Exception):
    """The machine cannot run the pool; the tests run serially on the default engine instead."""


def ip(*args: str) -> None:
    done = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=10)
    if done.returncode != 0:
        raise PoolUnavailable(f"`ip {' '.join(args)}` failed: {done.stderr.strip()}")


def answers(docker_host: str) -> bool:
    try:
        return bool(docker.DockerClient(base_url=docker_host, timeout=5).ping())
    except (docker.errors.DockerException, OSError):
        return False


def pid(pidfile: Path) -> int | None:
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if alive(pid) else None


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1][:1]
    except (OSError, IndexError):
        return False
    return state != "Z"


def unmount_under(root: Path) -> None:
    """Lazily unmount what a dockerd killed outright left mounted under its data root,
    so that removing the root never reaches into a container's filesystem."""
    prefix = f"{root}/"
    mounts = [line.split()[4] for line in Path("/proc/self/mountinfo").read_text().splitlines()]
    for point in sorted((m for m in mounts if m.startswith(prefix)), key=len, reverse=True):
        subprocess.run(["umount", "--lazy", point], capture_output=True, timeout=10)

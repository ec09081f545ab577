"""What a Docker engine holds, and which processes a run of the suite started,
to prove that a run left nothing behind and removed nothing it did not create."""

from __future__ import annotations

from pathlib import Path

import docker

from stand_ins.contract import RUN


def engine_objects(client: docker.DockerClient | None = None) -> set[str]:
    client = client or docker.from_env()
    return (
        {f"container {c.name} ({c.short_id})" for c in client.containers.list(all=True)}
        | {f"volume {v.name}" for v in client.volumes.list()}
        | {f"network {n.name} ({n.short_id})" for n in client.networks.list()}
    )


def run_processes(project: str | None = None, proc: Path = Path("/proc")) -> set[str]:
    """Live processes a run started (of one project, or of any), found by the
    marker the suite puts in each one's environment (Linux)."""
    wanted = f"{RUN}={project}".encode() if project else f"{RUN}=".encode()
    found = set()
    for entry in proc.glob("[0-9]*"):
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            if any(v == wanted if project else v.startswith(wanted) for v in environ):
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
                state = (entry / "stat").read_text().split(") ", 1)[1][:1]
                if state != "Z":  # a zombie has ended; only its parent's wait is missing
                    found.add(f"{entry.name} {command}")
        except (OSError, IndexError):
            continue  # ended while we looked, or not ours to read
    return found

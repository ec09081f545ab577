"""What a Docker engine holds, to prove that a run left nothing behind and
removed nothing it did not create."""
from __future__ import annotations

import docker


def engine_objects(client: docker.DockerClient | None = None) -> set[str]:
    client = client or docker.from_env()
    return (
        {f"container {c.name} ({c.id[:12]})" for c in client.containers.list(all=True)}
        | {f"volume {v.name}" for v in client.volumes.list()}
        | {f"network {n.name} ({n.id[:12]})" for n in client.networks.list()}
    )

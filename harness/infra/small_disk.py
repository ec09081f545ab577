"""Redis's data on a small disk of the run's own, to fill: a tmpfs volume of
SIZE in place of the delivered volume, put there by a compose file merged
over the delivered one (Compose merges a service's volumes by their path in
the container), so the service is otherwise the delivered one. A helper
container keeps the volume mounted: Docker unmounts a tmpfs volume once no
container uses it, and what it held is gone, so without one a restart of
Redis would find an empty disk instead of what it wrote."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import docker
import docker.errors
from docker.models.containers import Container

from harness.infra import volume_helper
from harness.infra.faults import sleeping_helper

SIZE = "4m"  # room for Redis's log and a few thousand keys; the filler takes the rest
VOLUME = "opterp20_small_disk"
FILLER = "/data/opterp20-filler"
OVERRIDE = f"""# The acceptance run's own: Redis's data on a small disk ({SIZE} of memory), to fill.
services:
  redis:
    volumes:
      - type: volume
        source: {VOLUME}
        target: /data
volumes:
  {VOLUME}:
    driver_opts:
      type: tmpfs
      device: tmpfs
      o: size={SIZE}
"""
# Fill to the last byte: dd stops at ENOSPC; then say what is left.
_FILL = f"dd if=/dev/zero of={FILLER} bs=4096 2>/dev/null; sync; df -k /data | tail -n 1"


@dataclass
class SmallDisk:
    client: docker.DockerClient
    project: str
    scratch: Path  # the run's directory, where the merged file is written
    holder: Container | None = field(default=None, repr=False)

    @property
    def volume(self) -> str:
        return f"{self.project}_{VOLUME}"  # as Compose names a project's volume

    def file(self) -> Path:
        path = self.scratch / "small-disk.override.yml"
        path.write_text(OVERRIDE, encoding="utf-8")
        return path

    def hold(self, image_id: str) -> None:
        """Keep the volume mounted, whatever Redis's container does."""
        if self.holder is None:
            self.holder = sleeping_helper(
                self.client, image_id, self.project, network_mode="none", volumes={self.volume: {"bind": "/held"}}
            )

    def fill(self, container: Container) -> str:
        """Fill the disk under Redis; what `df` says is left (the last line)."""
        return volume_helper.act(self.client, container, self.project, _FILL, "filling Redis's disk").strip()

    def free(self, container: Container) -> None:
        volume_helper.act(self.client, container, self.project, f"rm -f {FILLER}", "freeing Redis's disk")

    def remove(self) -> None:
        """The holder, then the volume (Redis's container must be on another by now)."""
        if self.holder is not None:
            self.holder.remove(force=True)
            self.holder = None
        try:
            self.client.volumes.get(self.volume).remove(force=True)
        except docker.errors.NotFound:
            pass

"""A seat on a compose network for this machine's own processes: they run as
a container of that network would, reaching its services by name, without an
image of their own (there is no registry to pull one with Python from).

A helper container sleeps on the network; a process enters its network
namespace (`nsenter --net`) and, in a private mount namespace of its own
(`unshare --mount`), sees a resolv.conf naming Docker's embedded DNS
(127.0.0.11), which answers service names inside that namespace. The host's
resolv.conf is untouched. Needs root, nsenter, unshare and mount, and an
engine whose container PIDs are this machine's (a local engine)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import docker
from docker.models.containers import Container

from harness.core.errors import HarnessError
from harness.infra.faults import require_tools, sleeping_helper

EMBEDDED_DNS = "nameserver 127.0.0.11\noptions ndots:0\n"  # what Docker writes into a container on a user network
# Bind the resolv.conf given as $0 over the mount namespace's own, then become the program.
ENTER = 'mount --bind "$0" /etc/resolv.conf && exec "$@"'
TOOLS = ("nsenter", "unshare", "mount")


@dataclass
class NetworkSeat:
    client: docker.DockerClient
    project: str
    network: str  # the network's name on the engine
    image_id: str  # an image already on the engine, with `sleep`
    scratch: Path  # where the seat's resolv.conf is written
    _helper: Container | None = field(default=None, repr=False)

    def launcher(self) -> list[str]:
        """The argv that runs a program (appended to it) seated on the network."""
        require_tools(TOOLS, f"a process on {self.network}")
        helper = self._ready()
        pid = int(helper.attrs["State"]["Pid"])
        if not Path(f"/proc/{pid}/ns/net").exists():
            raise HarnessError(
                f"the helper on {self.network} runs as pid {pid}, which is not this machine's: "
                "a process on the network needs a local engine"
            )
        resolv = self.scratch / "resolv.conf"
        resolv.write_text(EMBEDDED_DNS, encoding="utf-8")
        return [
            "nsenter",
            f"--net=/proc/{pid}/ns/net",
            "--",
            "unshare",
            "--mount",
            "--",
            "sh",
            "-c",
            ENTER,
            str(resolv),
        ]

    def _ready(self) -> Container:
        if self._helper is None:
            self._helper = sleeping_helper(self.client, self.image_id, self.project, network=self.network)
        self._helper.reload()
        return self._helper

    def close(self) -> None:
        if self._helper is not None:
            self._helper.remove(force=True)
            self._helper = None

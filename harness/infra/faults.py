"""Faults injected on purpose: a crash outside Docker's manual-stop path, a
container cut off from its peers by the network, and a server that demands a
password its clients do not have."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import docker
import redis
from docker.models.containers import Container

from harness.core.errors import HarnessError

# Marks helper containers so the run's cleanup finds them even if one is left.
from harness.infra.leftovers import RUN_LABEL

HELPER_LIFETIME = 3600  # seconds: a helper the run failed to remove still ends by itself


def sleeping_helper(client: docker.DockerClient, image_id: str, project: str, **where: Any) -> Container:
    """A container of `image_id` that only sleeps, for HELPER_LIFETIME at most,
    placed by `where` (its PID or network namespace), and labelled with the
    run's project so that the run's cleanup removes it."""
    return client.containers.run(
        image_id,
        [str(HELPER_LIFETIME)],
        entrypoint=["sleep"],
        # The image declares VOLUME /data; a tmpfs there keeps the helper from
        # creating an anonymous volume that would outlive it.
        tmpfs={"/data": ""},
        labels={RUN_LABEL: project},
        detach=True,
        **where,
    )


def require_tools(tools: Sequence[str], needed_for: str) -> None:
    """One line naming the tools `needed_for` lacks on this machine, if any."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        raise HarnessError(f"{needed_for} needs {' and '.join(missing)} on this machine")


@dataclass(frozen=True)
class Crash:
    pid: int
    restart_count_before: int
    at: float  # monotonic time right after the kill was delivered


# Seconds before each drop of a flapping connection: at once, mid-reconnect, about
# when the reconnected worker polls again, and once it is idle (kombu #2629: a
# reconnect that lands before the next poll).
VARIED_GAPS = (0.0, 0.05, 0.15, 0.3)


@dataclass(frozen=True)
class Flapping:
    """Connections dropped again and again, then crashes in a row."""

    started: float  # monotonic time of the first drop
    dropped: int  # client connections closed by the drops
    back: tuple[float, ...]  # seconds each crash took to answer again
    ended: float  # monotonic time Redis answered after the last crash
    what = "connections dropped, then crashes"

    @property
    def value(self) -> dict[str, object]:
        return {
            "connections dropped": self.dropped,
            "seconds to answer after each crash": [round(b, 3) for b in self.back],
        }

    def __str__(self) -> str:
        crashes = " and ".join(f"{b:.2f} s" for b in self.back)
        return (
            f"{self.dropped} client connections were dropped, then Redis crashed {len(self.back)} times, "
            f"answering again after {crashes}; all within {self.ended - self.started:.2f} s."
        )


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
            self._helper = sleeping_helper(self.client, image_id, self.project, pid_mode="host", network_mode="none")
        return self._helper


PARTITION_CHAIN = "OPTERP20-PARTITION"  # the one chain a cut adds, in the container's own namespace
NETFILTER_TIMEOUT = 10.0  # seconds for one iptables-restore


@dataclass(frozen=True)
class Partition:
    """A container cut off from `peers` (their addresses) while every other
    address, the bridge's gateway through which this host's published ports
    arrive included, still reaches it: Jepsen's partition of a master and the
    clients on its side. The rules are packet drops in the container's own
    network namespace, entered from this host by the container's PID, so
    nothing changes outside it and they end with the container. Each change is
    one `iptables-restore` transaction: the cut and the heal are each one instant."""

    pid: int
    peers: tuple[str, ...]

    def cut(self) -> None:
        drops = [f"-A {PARTITION_CHAIN} -{way} {peer} -j DROP" for peer in self.peers for way in "sd"]
        self._apply(
            f":{PARTITION_CHAIN} - [0:0]", *drops, f"-I INPUT -j {PARTITION_CHAIN}", f"-I OUTPUT -j {PARTITION_CHAIN}"
        )

    def heal(self) -> None:
        self._apply(
            f"-D INPUT -j {PARTITION_CHAIN}",
            f"-D OUTPUT -j {PARTITION_CHAIN}",
            f"-F {PARTITION_CHAIN}",
            f"-X {PARTITION_CHAIN}",
        )

    def _apply(self, *rules: str) -> None:
        require_tools(("nsenter", "iptables-restore"), "a partition")
        script = "\n".join(["*filter", *rules, "COMMIT", ""])
        argv = ["nsenter", f"--target={self.pid}", "--net", "iptables-restore", "--noflush", "--wait=5"]
        try:
            done = subprocess.run(argv, input=script, capture_output=True, text=True, timeout=NETFILTER_TIMEOUT)
        except subprocess.TimeoutExpired as error:
            raise HarnessError(f"iptables-restore in pid {self.pid}'s network took over {error.timeout} s") from error
        if done.returncode != 0:
            why = " ".join((done.stderr or done.stdout).split())[:200]
            raise HarnessError(
                f"could not change pid {self.pid}'s network rules (iptables-restore exited {done.returncode}: {why}); "
                "a partition needs root and an engine whose container PIDs are this machine's (a local engine)"
            )


def partition(pid: int, peers: Sequence[str]) -> Partition:
    """Cut the process `pid`'s network namespace off from `peers`, now."""
    cut = Partition(pid, tuple(peers))
    cut.cut()
    return cut


def require_password(client: redis.Redis, password: str) -> None:
    """Make the server demand `password` of every client (none when empty),
    through a client that may still talk to it."""
    client.config_set("requirepass", password)

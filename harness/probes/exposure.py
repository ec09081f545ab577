"""Whether Redis lets in a client that has no password, tried from where
someone else could be: this machine's own network addresses (what another
machine would connect to) and a container on a network other than
opticserp_network. Every try is one PING, bounded in time."""

from __future__ import annotations

import fcntl
import socket
import struct
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import docker
import redis

from harness.infra import faults
from harness.infra.engine import Engine
from harness.service import redis_client
from harness.topology.node import Node

# Per try from the container: on a local bridge an answer takes microseconds, so
# a second of silence means the packets are dropped.
PROBE_SECONDS = 1
_SIOCGIFADDR = 0x8915
_MARK = "--- target "


@dataclass(frozen=True)
class Attempt:
    origin: str  # where the client stood and what it connected to
    answer: str  # what it got: an error, NOAUTH, or PONG

    @property
    def let_in(self) -> bool:
        """Redis served a client that never authenticated."""
        return self.answer.strip() == "PONG"

    def __str__(self) -> str:
        return f"{self.origin}: {self.answer}"


# Reads, writes and the reconfiguration attackers use (REPLICAOF, FLUSHALL).
ATTACKER_COMMANDS = [
    ["PING"],
    ["GET", "opterp20:probe"],
    ["SET", "opterp20:probe", "x"],
    ["KEYS", "*"],
    ["CONFIG", "GET", "maxmemory"],
    ["REPLICAOF", "NO", "ONE"],
    ["FLUSHALL"],
]


def from_elsewhere(node: Node) -> list[Attempt]:
    """PING the node's published port without a password from this machine's
    network addresses (as another machine would), then from another container
    network through this machine, as that network sees it. Redis's own address
    on opticserp_network is Docker's to isolate, whatever the service says."""
    port, project = node.endpoint.published_port(), node.project
    attempts = from_host(machine_addresses(project.engine), port)
    return attempts + from_other_network(project.client, node.state().image_id, project.name, port)


def machine_addresses(engine: Engine) -> list[str]:
    """Where a client on another machine reaches the engine's machine: this
    machine's own addresses for a local engine; for a remote one, the address
    its published ports are reached at from here, itself another machine."""
    return host_addresses() if engine.local else [engine.ports_host]


def host_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback: where a client on
    another machine would reach a port published on every address."""
    if not sys.platform.startswith("linux"):
        return []
    found = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _, name in socket.if_nameindex():
            try:
                packed = fcntl.ioctl(probe.fileno(), _SIOCGIFADDR, struct.pack("256s", name[:15].encode()))
            except OSError:
                continue  # no IPv4 address on this interface
            address = socket.inet_ntoa(packed[20:24])
            if not address.startswith("127."):
                found.append(address)
    return found


def from_host(addresses: list[str], port: int) -> list[Attempt]:
    attempts = []
    for address in addresses:
        client = redis_client.connect(address, port, protocol=2)  # no password; a 2 s connect timeout
        try:
            answer = redis_client.answers_ping(client)
        finally:
            client.close()
        attempts.append(Attempt(f"from this machine to {address}:{port}", answer))
    return attempts


def from_other_network(client: docker.DockerClient, image_id: str, project: str, port: int) -> list[Attempt]:
    """PING the published port from a container on a network of its own,
    through that network's gateway: this machine, as a container sees it."""
    network = client.networks.create(f"{project}_outsider", driver="bridge", labels={faults.RUN_LABEL: project})
    try:
        network.reload()
        host = network.attrs["IPAM"]["Config"][0]["Gateway"]
        script = (
            f'echo "{_MARK}{host}:{port}"; timeout {PROBE_SECONDS} redis-cli -h {host} -p {port} ping 2>&1; '
            "exit 0"  # a refused try is an answer, not a failure of the helper
        )
        output = client.containers.run(
            image_id,
            [script],
            entrypoint=["/bin/sh", "-c"],
            network=network.name,
            remove=True,
            tmpfs={"/data": ""},
            labels={faults.RUN_LABEL: project},
        )
    finally:
        network.remove()
    return _parse(output.decode(errors="replace"), str(network.name))


def _parse(output: str, network: str) -> list[Attempt]:
    attempts = []
    for chunk in output.split(_MARK)[1:]:
        target, _, answer = chunk.partition("\n")
        answer = answer.strip()
        if answer in ("", "Terminated"):  # what busybox `timeout` leaves when it stops redis-cli
            answer = f"no answer within {PROBE_SECONDS} s"
        attempts.append(Attempt(f"from a container on {network} to {target}", answer))
    return attempts


def unauthenticated(client: redis.Redis, commands: list[list[str]] = ATTACKER_COMMANDS) -> dict[str, str]:
    """What Redis answers each command from a client that never authenticated."""
    answers = {}
    for command in commands:
        try:
            answers[" ".join(command)] = f"served: {client.execute_command(*command)!r}"[:80]
        except redis.RedisError as error:
            answers[" ".join(command)] = f"{type(error).__name__}: {error}"
    return answers


def served(answers: dict[str, str]) -> dict[str, str]:
    """The commands Redis answered. Redis looks a command up before it checks
    authentication, so a command renamed or removed away (`rename-command
    FLUSHALL ""`, as Redis's security page advises) is refused either way, with
    "unknown command": that is no answer."""
    return {
        command: answer
        for command, answer in answers.items()
        if not answer.startswith("Authentication") and "unknown command" not in answer
    }


@dataclass(frozen=True)
class Tries:
    """Clients without the password trying every node from elsewhere, and how many were served."""

    attempts: list[Attempt]
    nodes: int  # the nodes and sentinels tried
    what = "clients without the password, from elsewhere"

    @property
    def let_in(self) -> list[str]:
        """The tries that were served; none tried proves nothing, so that is one too."""
        return [str(a) for a in self.attempts if a.let_in] if self.attempts else ["no place was tried from"]

    @property
    def value(self) -> list[str]:
        return [str(a) for a in self.attempts]

    def __str__(self) -> str:
        served = sum(a.let_in for a in self.attempts)
        at = f" at {self.nodes} nodes and sentinels," if self.nodes > 1 else ""
        return f"{len(self.attempts)} tries{at} from other addresses and another container network: {served} served."


def tries(nodes: Sequence[Node]) -> Tries:
    return Tries([a for node in nodes for a in from_elsewhere(node)], len(nodes))


@dataclass(frozen=True)
class Unauthenticated:
    """Commands that read, write and reconfigure, sent to every node without the password, and their answers."""

    answers: dict[str, str]  # command (prefixed by the node, for several) -> answer
    nodes: int
    what = "commands without the password"

    @property
    def served(self) -> dict[str, str]:
        return served(self.answers)

    @property
    def value(self) -> dict[str, str]:
        return self.answers

    def __str__(self) -> str:
        to = f"to {self.nodes} nodes and sentinels" if self.nodes > 1 else "(read, write, reconfigure)"
        return f"{len(self.answers)} commands without the password {to}: {len(self.served)} served."


def unauthenticated_to(nodes: Sequence[Node]) -> Unauthenticated:
    """`unauthenticated` on every node; answers named by node when there are several."""

    def named(node: Node, command: str) -> str:
        return f"{node.service}: {command}" if len(nodes) > 1 else command

    answers = {
        named(node, command): answer
        for node in nodes
        for command, answer in unauthenticated(node.endpoint.client(anonymous=True)).items()
    }
    return Unauthenticated(answers, len(nodes))

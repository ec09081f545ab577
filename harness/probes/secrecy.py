"""Where a password must never show: the container's configuration as Docker
reports it, the Compose configuration, the process lists of this machine and
of the engine's container, and the container's logs."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.topology.node import Node


@dataclass(frozen=True)
class Place:
    name: str
    text: str

    def hits(self, secret: str) -> int:
        return self.text.count(secret)


@dataclass(frozen=True)
class Finding:
    place: str
    searched: int  # characters searched
    hits: int

    def __str__(self) -> str:
        return f"{self.place}: {self.hits} hits in {self.searched} characters"


def places(node: Node) -> list[Place]:
    """Where the node's password must not show, read now."""
    container = node.container()
    return [
        Place("docker inspect", json.dumps(container.attrs)),
        Place("docker compose config", node.project.compose.call("config").stdout),
        Place("this machine's process list", host_command_lines()),
        Place("docker top", json.dumps(container.top())),
        Place("container logs", container.logs().decode(errors="replace")),
    ]


def search(secret: str, places: list[Place]) -> list[Finding]:
    return [Finding(place.name, len(place.text), place.hits(secret)) for place in places]


def host_command_lines(proc: Path = Path("/proc")) -> str:
    """Every process's command line on this machine, as `ps -ef` shows them
    (Linux; elsewhere the engine's own list, `docker top`, stands in)."""
    if not sys.platform.startswith("linux"):
        return ""
    lines = []
    for entry in proc.glob("[0-9]*"):
        try:
            lines.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:
            continue  # ended while we looked
    return "\n".join(lines)


@dataclass(frozen=True)
class Search:
    """The password searched for in every place of every node that must not show it."""

    found: list[tuple[str, Finding]]  # (node, finding)
    nodes: int
    what = "the password searched for"

    @property
    def shown(self) -> list[str]:
        return [self._named(service, f) for service, f in self.found if f.hits]

    @property
    def value(self) -> list[str]:
        return [self._named(service, f) for service, f in self.found]

    def __str__(self) -> str:
        places = [self._named(s, f) if self.nodes > 1 else f.place for s, f in self.found if f.hits]
        of = f" of {self.nodes} containers" if self.nodes > 1 else ""
        shown = f"found in {', '.join(places)}." if places else "found in none."
        return f"The password was searched for in {len(self.found)} places{of}: {shown}"

    def _named(self, service: str, finding: Finding) -> str:
        return f"{service}: {finding}" if self.nodes > 1 else str(finding)


def search_nodes(secret: str, nodes: Sequence[Node]) -> Search:
    return Search([(n.service, f) for n in nodes for f in search(secret, places(n))], len(nodes))

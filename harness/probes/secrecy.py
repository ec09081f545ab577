"""Where a password must never show: the container's configuration as Docker
reports it, the Compose configuration, the process lists of this machine and
of the engine's container, and the container's logs."""

from __future__ import annotations

import json
import sys
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

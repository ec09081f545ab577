"""What the run's steps and lifecycle need of a topology, whatever its shape:
its project, its nodes, the node clients reach, and diagnostics and teardown
over all of them. `Standalone` is the single node of `docker-compose.yml`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from harness.topology.node import Node
from harness.topology.project import Project


class Topology(Protocol):
    project: Project

    @property
    def nodes(self) -> Sequence[Node]: ...

    @property
    def primary(self) -> Node:
        """The node the plan's clients write to."""
        ...

    def diagnostics(self) -> str: ...

    def teardown(self, engine_return: float) -> list[str]: ...


@dataclass
class Standalone:
    """One Redis service: the plan's topology."""

    project: Project
    node: Node

    @property
    def nodes(self) -> Sequence[Node]:
        return (self.node,)

    @property
    def primary(self) -> Node:
        return self.node

    def diagnostics(self) -> str:
        return self.project.diagnostics(n.service for n in self.nodes)

    def teardown(self, engine_return: float) -> list[str]:
        return self.project.teardown([n.service for n in self.nodes], engine_return)

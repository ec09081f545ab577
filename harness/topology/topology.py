"""What the run's steps and lifecycle need of a topology, whatever its shape:
its project and nodes, the node clients write to, its lifecycle, where a
consumer finds it, and diagnostics and teardown over all of it. `Standalone`
is the single node of `docker-compose.yml`; `SentinelTopology` (sentinel.py)
is docker-compose.ha.yml's. Which kind a run is, is decided in `kinds.py`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from harness.service.access import Access
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

    def up(self) -> float:
        """`up` of every service; the monotonic time just before it."""
        ...

    def wait_ready(self, since: float) -> Any:
        """Until every node is ready for a scenario; what was last observed."""
        ...

    def ensure_ready(self) -> None:
        """A scenario's precondition: every fault undone and every node ready."""
        ...

    def restore(self) -> float:
        """Every node's faults undone; the monotonic time before, to measure readiness from."""
        ...

    def switch(self, access: Access) -> None:
        """Every node re-created, on its data, to be reached another way, and ready again."""
        ...

    def consumer_url(self) -> str:
        """Where a consumer process on this host finds the node to write to, as its library takes it."""
        ...

    def unavailable(self) -> str | None:
        """Why no consumer can be served now, once that is decided (for waits on consumer processes)."""
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

    def up(self) -> float:
        return self.node.start()

    def wait_ready(self, since: float) -> Any:
        return self.node.wait_ready(since)

    def ensure_ready(self) -> None:
        self.node.ensure_running()

    def restore(self) -> float:
        began = self.project.poller.clock()
        self.node.faults.undo()
        return began

    def switch(self, access: Access) -> None:
        self.node.switch(access)

    def consumer_url(self) -> str:
        return self.node.endpoint.url()

    def unavailable(self) -> str | None:
        return self.node.frozen()

    def diagnostics(self) -> str:
        return self.project.diagnostics(n.service for n in self.nodes)

    def teardown(self, engine_return: float) -> list[str]:
        return self.project.teardown([n.service for n in self.nodes], engine_return)

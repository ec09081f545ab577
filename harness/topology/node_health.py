"""A node's health as Docker sees it: the waits for its health check to pass
(on a probe after a start, on a probe that got PONG), what decides that it
never will, and the check run by hand. The rules are in `readiness.py`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from docker.models.containers import Container

from harness.core.polling import Observed, Poller
from harness.infra.containers import ContainerState
from harness.topology import inside, readiness, verdicts
from harness.topology.inside import HealthRun
from harness.topology.project import Project, or_why
from harness.topology.readiness import Readiness
from harness.topology.verdicts import CrashLoop, FailingProbe


class Observable(Protocol):
    """What a node's health and faults need to see of it (`Node` is one)."""

    service: str
    project: Project

    @property
    def poller(self) -> Poller: ...

    def state(self) -> ContainerState: ...

    def readiness(self, state: ContainerState | None = None) -> Readiness: ...

    def container(self) -> Container: ...

    def last_log_line(self) -> str: ...


@dataclass(frozen=True)
class Health:
    node: Observable

    def wait_healthy(self, since: float, within: float) -> Observed[ContainerState]:
        node, failing = self.node, self.failing_probe()
        return node.poller.until(
            f"{node.service} running and healthy on a probe after its start",
            node.state,
            lambda s: s.healthy_on_fresh_probe,
            timeout=within,
            since=since,
            give_up=lambda s: readiness.gave_up(s) or readiness.too_late(s, within) or failing(s),
        )

    def wait_healthy_on_pong(self, within: float) -> Observed[ContainerState]:
        """Healthy on a fresh probe whose output was PONG: a check that exits 0
        on NOAUTH reports a server that refuses it healthy, and fails here."""
        node = self.node
        # On the engine's clock, as the container's start and probes are.
        deadline = node.project.engine_now() + timedelta(seconds=within)
        failing = self.failing_probe()
        return node.poller.until(
            f"{node.service} healthy on a probe that got PONG",
            node.state,
            readiness.healthy_on_pong,
            timeout=within,
            give_up=lambda s: (
                readiness.misled(s)
                or readiness.gave_up(s)
                or readiness.probe_due_after(s, deadline, within)
                or failing(s)
            ),
        )

    def decided(self) -> Callable[[], str | None]:
        """For a command that waits on health (an operator's `up --wait`): why the
        service cannot turn healthy, once that is decided, asked of its state."""
        node = self.node
        failing, crash_loop = self.failing_probe(), CrashLoop(node.last_log_line)

        def decided() -> str | None:
            state = or_why(node.state)
            if not isinstance(state, ContainerState) or state.status == "absent":
                return None  # not created yet
            unhealthy = "the health check reports unhealthy" if state.health == "unhealthy" else None
            # Paused first: Docker marks a paused container unhealthy as well.
            return verdicts.paused(state) or unhealthy or crash_loop(state) or failing(state)

        return decided

    def failing_probe(self) -> FailingProbe:
        return FailingProbe(lambda: self.node.readiness().ready, self.node.project.engine_now)

    def run_check(self) -> HealthRun:
        """The configured health check, run now by hand inside the container."""
        return inside.run_health_check(self.node.container())

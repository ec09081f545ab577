"""The readiness rules: pure functions over one container's inspected state
(and, where a rule needs one, a deadline on the engine's clock), each naming
why a wait for healthy or for a restart is already decided. The waits in
`node.py` apply them; `tests/unit/test_readiness.py` proves each one on
recorded inspect states."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from harness.infra.containers import ContainerState
from harness.infra.faults import Crash
from harness.topology import verdicts


@dataclass(frozen=True)
class Readiness:
    state: ContainerState
    answer: str  # what PING got back, or why it was not sent

    @property
    def ready(self) -> bool:
        return self.state.running and self.answer == "PONG"

    def __str__(self) -> str:
        return f"{self.state}; PING: {self.answer}"


def gave_up_starting(state: ContainerState) -> str | None:
    """States from which waiting for a container to answer is pointless."""
    if state.status in ("exited", "dead", "absent"):
        return f"the container is {state.status}"
    return verdicts.paused(state)


def gave_up(state: ContainerState) -> str | None:
    """States from which waiting for healthy is pointless. The container's own
    state first: Docker marks a stopped or paused container unhealthy too
    (recorded in tests/unit/recorded), and "unhealthy" would hide why."""
    if reason := gave_up_starting(state):
        return reason
    if state.health == "unhealthy":
        return "the health check reports unhealthy"
    if state.running and not state.health_check:
        return "it has no health check, so Docker never reports it healthy"
    return None


def too_late(state: ContainerState, within: float) -> str | None:
    """Healthy takes a probe, and the container started after the wait began:
    a first probe due later than the bound decides the wait at once."""
    if state.running and not state.fresh_probes and state.first_probe_after > within:
        return (
            f"its first health probe is due {state.first_probe_after:g} s after it starts, "
            f"later than the {within:g} s allowed"
        )
    return None


def probe_due_after(state: ContainerState, deadline: datetime, within: float) -> str | None:
    """The same, for a container that started before the wait began."""
    if not state.running or state.fresh_probes or state.started_at is None:
        return None
    if state.started_at + timedelta(seconds=state.first_probe_after) > deadline:
        return (
            f"its first health probe is due {state.first_probe_after:g} s after it started, "
            f"later than the {within:g} s allowed"
        )
    return None


def not_recovering(state: ContainerState, crash: Crash, within: float) -> str | None:
    """After a crash: restarted, but it cannot turn healthy within the bound."""
    if state.restart_count <= crash.restart_count_before:
        return None  # not restarted yet
    if state.status in ("exited", "dead"):
        return "the container stopped for good"
    return too_late(state, within)


def restarted_after(state: ContainerState, crash: Crash) -> bool:
    """The restart policy has started a new process since the crash."""
    return state.running and state.restart_count > crash.restart_count_before and state.pid != crash.pid


def stayed_stopped(state: ContainerState, before: ContainerState) -> bool:
    """Still exited, with no restart counted since `before`: Docker restarts an
    exited container after 100 ms and counts the restart at once."""
    return state.status == "exited" and state.restart_count == before.restart_count


def healthy_on_pong(state: ContainerState) -> bool:
    """Healthy on a fresh probe whose output was PONG: a check that exits 0 on
    NOAUTH reports a server that refuses it healthy."""
    return state.healthy_on_fresh_probe and state.last_probe is not None and "PONG" in state.last_probe.output


def misled(state: ContainerState) -> str | None:
    """Healthy, but on a probe that did not get PONG: the check is wrong, not slow."""
    if state.healthy_on_fresh_probe and not healthy_on_pong(state):
        return "healthy on a probe that did not get PONG"
    return None

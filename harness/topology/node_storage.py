"""What one node's storage goes through and what Redis then does: its log
torn or damaged while it is down (harness/infra/data_log.py), and the wait
for it to refuse a start on a log it cannot read, never answering empty."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from harness.core.polling import Observed
from harness.infra import data_log
from harness.infra.containers import ContainerState
from harness.topology.node_health import Observable
from harness.topology.readiness import Readiness
from harness.topology.verdicts import CrashLoop


class Storable(Observable, Protocol):
    """What a node's storage needs of it besides what its health sees (`Node` is one)."""

    def stop(self) -> None: ...


@dataclass(frozen=True)
class StartRefused:
    """A start on a log Redis cannot read, refused: how the container was left, and Redis's reason."""

    state: ContainerState
    reason: str  # the crash loop, with Redis's last log line
    what = "Redis started on the damaged log"

    @property
    def healthy(self) -> bool:
        return self.state.health == "healthy"

    @property
    def value(self) -> str:
        return f"{self.state}; {self.reason}"

    def __str__(self) -> str:
        return f"Redis refused to start on the damaged log, never answering a client: {self.reason}."


@dataclass(frozen=True)
class Storage:
    node: Storable

    def tear_log(self, cut: int) -> data_log.Damage:
        """Stop Redis, then cut its log's newest part `cut` bytes short: a power cut in the middle of a write."""
        node = self.node
        node.stop()
        return data_log.tear(node.project.client, node.container(), node.project.name, cut)

    def damage_log(self, last: int) -> data_log.Damage:
        """Stop Redis, then put stray bytes halfway into the last `last` bytes of its log."""
        node = self.node
        node.stop()
        return data_log.damage(node.project.client, node.container(), node.project.name, last)

    def wait_refuses_start(self, since: float, within: float) -> Observed[StartRefused]:
        """Started on a log it cannot read, Redis exits each time its restart policy
        starts it: decided once it has done so twice. A Redis that answers PING
        meanwhile started without its data, and the wait ends there."""
        node, crash_loop = self.node, CrashLoop(self.node.last_log_line)

        def observe() -> tuple[Readiness, str | None]:
            now = node.readiness()
            return now, crash_loop(now.state)

        seen = node.poller.until(
            f"{node.service} refusing to start on its log",
            observe,
            lambda s: s[1] is not None,
            timeout=within,
            since=since,
            give_up=lambda s: (
                f"it answered PING ({s[0].answer}): it started without what the log held" if s[0].ready else None
            ),
        )
        now, reason = seen.value
        return Observed(StartRefused(now.state, reason or ""), seen.elapsed)

"""What one node's storage goes through and what Redis then does: its log
torn or damaged while it is down (harness/infra/data_log.py), and the wait
for it to refuse a start on a log it cannot read, never answering empty; its
data moved to a small disk of the run's own (harness/infra/small_disk.py),
filled until Redis refuses writes, then freed until it takes them again."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

import redis

from harness.core.polling import Observed
from harness.infra import data_log
from harness.infra.containers import ContainerState
from harness.infra.small_disk import SmallDisk
from harness.topology.endpoint import Endpoint
from harness.topology.node_health import Observable
from harness.topology.readiness import Readiness
from harness.topology.verdicts import CrashLoop

PROBE = "opterp20:disk-probe:"  # the keys written to learn whether Redis takes writes


class Storable(Observable, Protocol):
    """What a node's storage needs of it besides what its health sees (`Node` is one)."""

    endpoint: Endpoint

    def stop(self) -> None: ...

    def wait_ready(self, since: float) -> Observed[Readiness]: ...


@dataclass(frozen=True)
class DiskFull:
    """The disk under Redis filled: what was left, the writes Redis still took, and its refusal."""

    left: str  # `df`'s line for the disk, once filled
    taken: tuple[str, ...]  # keys Redis acknowledged after the fill (held in memory until the log is written)
    refusal: str  # Redis's answer to the next write
    what = "Redis's disk full"

    @property
    def code(self) -> str:
        """Redis's error code, the first word of its answer (MISCONF)."""
        return self.refusal.partition(": ")[2].split(" ", 1)[0]

    @property
    def value(self) -> str:
        return f"{self.refusal}; {len(self.taken)} write(s) taken first; df: {self.left}"

    def __str__(self) -> str:
        return f"With its disk full, Redis refused writes: {self.refusal} ({len(self.taken)} taken before it knew)."


def _write(client: redis.Redis) -> str:
    """One probe write: the key, if Redis took it (it starts with PROBE), else Redis's refusal."""
    key = f"{PROBE}{uuid.uuid4().hex}"
    try:
        client.set(key, "1")
    except redis.exceptions.ResponseError as error:
        return f"{type(error).__name__}: {error}"
    return key


@dataclass(frozen=True)
class StartRefused:
    """A start on a log Redis cannot read, refused: how the container was left, and Redis's reason."""

    state: ContainerState
    reason: str  # the crash loop, with Redis's last log line
    what = "Redis started on data it cannot read whole"

    @property
    def healthy(self) -> bool:
        return self.state.health == "healthy"

    @property
    def value(self) -> str:
        return f"{self.state}; {self.reason}"

    def __str__(self) -> str:
        return f"Redis refused to start on its data, never answering a client: {self.reason}."


@dataclass(frozen=True)
class Storage:
    node: Storable

    def discard_if_down(self) -> None:
        """A Redis that does not answer (on a damaged log, a refused restore) is removed
        with its data, so the next scenario starts one afresh instead of failing on it."""
        node = self.node
        if not node.readiness().ready:
            node.project.down([node.service], volumes=True)

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

    def move_to(self, disk: SmallDisk) -> Observed[Readiness]:
        """Re-create Redis with its data on `disk` (its own data stays on the delivered volume)."""
        node = self.node
        node.project.override(disk.file())
        node.endpoint.forget()
        began = node.project.up(node.service, force_recreate=True)
        disk.hold(node.state().image_id)
        return node.wait_ready(since=began)

    def move_back(self, disk: SmallDisk) -> Observed[Readiness]:
        """Re-create Redis on the delivered file's volume, then remove `disk`."""
        node = self.node
        node.project.override()
        node.endpoint.forget()
        began = node.project.up(node.service, force_recreate=True)
        disk.remove()
        return node.wait_ready(since=began)

    def fill(self, disk: SmallDisk, within: float) -> Observed[DiskFull]:
        """Fill the disk; Redis learns of it at its next write to the log, so write until one is refused."""
        node, taken = self.node, []
        left = disk.fill(node.container())
        client = node.endpoint.client()

        def write() -> str | None:
            answer = _write(client)
            if answer.startswith(PROBE):
                taken.append(answer)
                return None
            return answer

        seen = node.poller.until(
            "Redis refusing writes on its full disk", write, lambda r: r is not None, timeout=within
        )
        return Observed(DiskFull(left, tuple(taken), seen.value or ""), seen.elapsed)

    def free(self, disk: SmallDisk, within: float) -> Observed[str]:
        """Free the disk; until Redis takes a write again (the key it took), with no restart."""
        node = self.node
        disk.free(node.container())
        began, client = node.poller.clock(), node.endpoint.client()
        return node.poller.until(
            "Redis taking writes again on its freed disk",
            lambda: _write(client),
            lambda answer: answer.startswith(PROBE),
            timeout=within,
            since=began,
            why_not=lambda answer: answer,
        )

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

"""The faults one node is proven under, and the waits for their undoing: a
crash (SIGKILL of its process), one its restart policy does not undo, a
freeze, a partition from its peers and a password it suddenly demands;
then back, restarted, recovered, or every fault undone."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from harness.core.errors import TerminalState
from harness.core.polling import Observed
from harness.infra import faults
from harness.infra.containers import ContainerState
from harness.topology import readiness, verdicts
from harness.topology.endpoint import Endpoint
from harness.topology.node_health import Health, Observable
from harness.topology.readiness import Readiness
from harness.topology.verdicts import CrashLoop


class Faultable(Observable, Protocol):
    """What a node's faults need of it besides what its health sees (`Node` is one)."""

    restart_timeout: float
    endpoint: Endpoint
    health: Health

    def refusing(self, now: Readiness) -> str | None: ...


DROPPED = ("normal", "pubsub")  # the kinds of client a drop closes: commands (a worker's BRPOP), subscriptions


@dataclass
class Faults:
    node: Faultable
    cut: faults.Partition | None = field(default=None, repr=False)  # a partition not yet healed
    # The restart policy a fault set aside, put back when it is undone: the file's own, whatever it
    # is, so that a file whose policy is wrong is not mended by the suite between scenarios.
    set_aside: str | None = field(default=None, repr=False)

    # -- crashes ---------------------------------------------------------------
    def crash(self) -> faults.Crash:
        """SIGKILL the Redis process; its restart policy decides what follows."""
        node = self.node
        before = node.state()
        if not before.running or not before.pid:
            raise TerminalState("crash the Redis process", verdicts.paused(before) or "it is not running", before)
        node.project.killer.sigkill(before.image_id, before.pid)
        return faults.Crash(before.pid, before.restart_count, node.poller.clock())

    def crash_for_good(self) -> faults.Crash:
        """SIGKILL the process with its restart policy set aside, so it stays
        down and the sentinels must act (`bring_back` puts it back)."""
        if self.set_aside is None:
            self.set_aside = self.node.state().restart_policy
        self.set_restart_policy("no")
        return self.crash()

    def crash_after(self, moment: float, delay: float) -> Observed[Readiness]:
        """Crash the Redis process `delay` seconds after `moment` (monotonic),
        then wait until it answers again. AOF everysec promises writes older
        than a second, so waiting for that moment is the criterion itself."""
        self.node.poller.wait_until(moment + delay)
        return self.wait_back(self.crash())

    def drop_clients(self) -> int:
        """Close every client's connection but the asker's (CLIENT KILL): what a
        network blip or a proxy's idle cut does to a consumer. How many were dropped."""
        shared = self.node.endpoint.shared()
        return sum(int(shared.execute_command("CLIENT", "KILL", "TYPE", kind, "SKIPME", "yes")) for kind in DROPPED)

    def flap(self, gaps: Sequence[float], crashes: int) -> faults.Flapping:
        """The clients' connections dropped after each of `gaps` (seconds), then
        `crashes` crashes in a row, each waited back: a connection lost again and
        again, faster than a consumer's reconnect backoff."""
        poller, dropped, back = self.node.poller, 0, []
        started = poller.clock()
        for gap in gaps:
            poller.wait_until(poller.clock() + gap)
            dropped += self.drop_clients()
        for _ in range(crashes):
            crash = self.crash()
            back.append(self.wait_back(crash).elapsed)
        return faults.Flapping(started, dropped, tuple(back), poller.clock())

    def wait_restarted(self, crash: faults.Crash, within: float) -> Observed[ContainerState]:
        node = self.node
        return node.poller.until(
            f"{node.service} restarted by its restart policy",
            node.state,
            lambda s: readiness.restarted_after(s, crash),
            timeout=within,
            since=crash.at,
            give_up=lambda s: s.stays_down,
        )

    def wait_back(self, crash: faults.Crash, within: float | None = None) -> Observed[Readiness]:
        """Restarted after `crash` and answering again (health not required)."""
        node, crash_loop = self.node, CrashLoop(self.node.last_log_line)
        return node.poller.until(
            f"{node.service} restarted after the crash and answering PING",
            node.readiness,
            lambda r: r.ready and r.state.restart_count > crash.restart_count_before,
            timeout=within or node.restart_timeout,
            since=crash.at,
            give_up=lambda r: r.state.stays_down or verdicts.paused(r.state) or node.refusing(r) or crash_loop(r.state),
        )

    def wait_recovered(self, crash: faults.Crash, within: float) -> Observed[ContainerState]:
        node = self.node
        failing, crash_loop = node.health.failing_probe(), CrashLoop(node.last_log_line)
        return node.poller.until(
            f"{node.service} back and healthy on a probe after its restart",
            node.state,
            lambda s: s.restart_count > crash.restart_count_before and s.healthy_on_fresh_probe,
            timeout=within,
            since=crash.at,
            give_up=lambda s: (
                s.stays_down
                or readiness.not_recovering(s, crash, within)
                or verdicts.paused(s)
                or crash_loop(s)
                or failing(s)
            ),
        )

    # -- freezes and partitions -----------------------------------------
    def pause(self) -> float:
        """Freeze the node (`docker pause`): its sockets stay open and nothing answers."""
        self.node.container().pause()
        return self.node.poller.clock()

    def cut_off(self, peers: Sequence[str]) -> float:
        """Cut the node off from `peers` (addresses), while this host still
        reaches its published port; the monotonic time just after the cut."""
        self.cut = faults.partition(self.node.state().pid, peers)
        return self.node.poller.clock()

    def heal(self) -> float:
        """Undo the partition; the monotonic time just after. A container
        started since has a new network namespace, without the cut."""
        cut, self.cut = self.cut, None
        if cut is not None and self.node.state().pid == cut.pid:
            cut.heal()
        return self.node.poller.clock()

    def set_restart_policy(self, policy: str) -> None:
        # The stubs know only "always" and "on-failure"; the engine takes every policy.
        self.node.container().update(restart_policy={"Name": policy})  # type: ignore[arg-type]

    def bring_back(self) -> float:
        """Put back the restart policy a fault set aside, and start the node; the monotonic time before the start."""
        self._put_back_policy()
        began = self.node.poller.clock()
        container = self.node.container()
        if container.status == "paused":
            container.unpause()
        elif container.status != "running":
            container.start()
        return began

    def undo(self) -> None:
        """Every fault of this node undone: healed, its restart policy back, running."""
        if self.cut is not None:
            self.heal()
        state = self.node.state()
        if state.status != "absent":
            self._put_back_policy()
        if state.status in ("paused", "exited", "created", "dead"):
            self.bring_back()

    def _put_back_policy(self) -> None:
        if self.set_aside is not None:
            self.set_restart_policy(self.set_aside)
            self.set_aside = None

    # -- access ----------------------------------------------------------------
    def demand_password(self, password: str) -> Callable[[], None]:
        """Make the running server demand `password` of every client; returns
        what puts back the run's own access (none, or the run's password)."""
        endpoint = self.node.endpoint
        faults.require_password(endpoint.client(), password)
        restore = endpoint.access.password or ""
        return lambda: faults.require_password(endpoint.client(password), restore)

"""This run's Redis stack: starts, stops, restarts, re-creates and crashes it,
waits for it to be healthy, and removes everything it created."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import docker
import docker.errors
import redis
from docker.models.containers import Container

from harness.core.errors import (
    ENGINE_ERRORS,
    EXPECTED,
    CommandFailed,
    DeadlineExceeded,
    HarnessError,
    ServiceUnreachable,
    TerminalState,
    UpFailed,
)
from harness.core.polling import Observed, Poller
from harness.infra import faults, leftovers, ports
from harness.infra.compose import Compose
from harness.infra.containers import Containers, ContainerState, parse_time
from harness.infra.engine import Engine
from harness.service import redis_client
from harness.service.access import BIND_ADDRESS, PASSWORD_FILE, Access
from harness.topology import verdicts
from harness.topology.verdicts import CrashLoop, FailingProbe, Verdict

# Inside the container: the real uid of every process whose command line starts
# with redis-server (Redis rewrites its title to "redis-server *:6379").
_SERVER_UIDS = r"""
for p in /proc/[0-9]*; do
  case "$(tr '\0' ' ' < "$p/cmdline" 2>/dev/null)" in
    redis-server*) awk '/^Uid:/ {print $2}' "$p/status" ;;
  esac
done
"""


T = TypeVar("T")
FROZEN_CHECK = 0.5  # seconds between asking the engine whether Redis is frozen, for consumer waits
DOWN_TIMEOUT = 30.0  # seconds for `down`: it stops the container within 5, then removes
# Seconds for a crashed Redis to answer again: Docker's restart back-off grows
# when the same short-lived container crashes again and again.
RESTART_TIMEOUT = 10.0


def _gave_up_starting(state: ContainerState) -> str | None:
    if state.status in ("exited", "dead", "absent"):
        return f"the container is {state.status}"
    return verdicts.paused(state)


def _gave_up(state: ContainerState) -> str | None:
    """States from which waiting for healthy is pointless."""
    if state.health == "unhealthy":
        return "the health check reports unhealthy"
    if state.running and not state.health_check:
        return "it has no health check, so Docker never reports it healthy"
    return _gave_up_starting(state)


def _too_late(state: ContainerState, within: float) -> str | None:
    """Healthy takes a probe, and the container started after the wait began:
    a first probe due later than the bound decides the wait at once."""
    if state.running and not state.fresh_probes and state.first_probe_after > within:
        return (
            f"its first health probe is due {state.first_probe_after:g} s after it starts, "
            f"later than the {within:g} s allowed"
        )
    return None


def _probe_due_after(state: ContainerState, deadline: datetime, within: float) -> str | None:
    """The same, for a container that started before the wait began."""
    if not state.running or state.fresh_probes or state.started_at is None:
        return None
    if state.started_at + timedelta(seconds=state.first_probe_after) > deadline:
        return (
            f"its first health probe is due {state.first_probe_after:g} s after it started, "
            f"later than the {within:g} s allowed"
        )
    return None


@dataclass(frozen=True)
class Readiness:
    state: ContainerState
    answer: str  # what PING got back, or why it was not sent

    @property
    def ready(self) -> bool:
        return self.state.running and self.answer == "PONG"

    def __str__(self) -> str:
        return f"{self.state}; PING: {self.answer}"


@dataclass(frozen=True)
class HealthRun:
    test: tuple[str, ...]
    exit_code: int
    output: str

    def __str__(self) -> str:
        return f"{list(self.test)} exited {self.exit_code}, printed {self.output!r}"


@dataclass
class Stack:
    compose: Compose
    client: docker.DockerClient
    engine: Engine
    service: str
    redis_port: int
    poller: Poller
    start_timeout: float
    access: Access = field(default_factory=Access)
    anonymous_volumes: set[str] = field(default_factory=set)
    # What the run decided about the container: scenarios it covers fail at once.
    verdict: Verdict | None = None
    _killer: faults.Killer | None = None
    _engine_offset: timedelta | None = None  # the engine's clock minus this machine's
    _frozen: tuple[float, str | None] = (float("-inf"), None)  # when last asked, and the answer
    _up_failed: str | None = None  # Compose's reason `up` failed, for this configuration of the service

    @property
    def killer(self) -> faults.Killer:
        if self._killer is None:
            self._killer = faults.Killer(self.client, self.compose.project)
        return self._killer

    @property
    def containers(self) -> Containers:
        return Containers(self.client, self.compose.project)

    def state(self) -> ContainerState:
        return self.containers.state(self.service)

    # -- lifecycle -----------------------------------------------------------
    def start(self) -> float:
        """`up`; returns the monotonic time just before it, to measure from. An
        `up` that could not create the container fails the same way for every
        scenario after it (Compose's reason, without running it again), until
        the service is configured anew: the definition itself cannot start."""
        creates = self.state().status == "absent"
        if creates and self._up_failed is not None:
            raise UpFailed(self.service, self._up_failed, again=True)
        began = self.poller.clock()
        try:
            self.compose.up(self.service)
        except CommandFailed as error:
            conflict = ports.conflict(error.stderr, self.engine, self.client)
            if conflict is not None:
                raise conflict from error
            if creates:
                self._up_failed = error.reason
            raise UpFailed(self.service, error.reason) from error
        return began

    def readiness(self, state: ContainerState | None = None) -> Readiness:
        state = state or self.state()
        if not state.running:
            return Readiness(state, f"not pinged: container {state.status}")
        try:
            client = self.redis()
        except ServiceUnreachable as error:
            return Readiness(state, str(error))
        return Readiness(state, redis_client.answers_ping(client))

    def ensure_running(self) -> None:
        """Precondition of most scenarios: reuse a stack whose Redis answers,
        else start one. Health is not part of it, so a broken health check
        fails the health scenarios only."""
        state = self.state()
        # `up` leaves a running (or paused) container alone: waiting again would
        # wait on the very process the run already gave up on.
        if self.verdict is not None and self.verdict.covers(state):
            raise TerminalState(self._ready_goal, f"decided earlier in this run: {self.verdict.reason}", state)
        if state.status == "paused":
            self._decide(state, verdicts.PAUSED, every_start=False)
            raise TerminalState(self._ready_goal, verdicts.PAUSED, state)
        now = self.readiness(state)
        if now.ready:
            return
        self.wait_ready(since=self.start())

    def wait_ready(self, since: float) -> Observed[Readiness]:
        crash_loop = CrashLoop(self.last_log_line)

        def final(readiness: Readiness) -> str | None:
            state = readiness.state
            if reason := _gave_up_starting(state) or self._refusing(readiness):
                if state.running or state.status == "paused":
                    self._decide(state, reason, every_start=False)
                return reason
            if reason := crash_loop(state):
                self._decide(state, reason, every_start=True)
            return reason

        try:
            return self.poller.until(
                self._ready_goal,
                self.readiness,
                lambda r: r.ready,
                timeout=self.start_timeout,
                since=since,
                give_up=final,
            )
        except DeadlineExceeded as error:
            if isinstance(error.last, Readiness) and error.last.state.running:
                silent = f"this same process did not answer PING within {self.start_timeout:g} s"
                self._decide(error.last.state, silent, every_start=False)
            raise

    def frozen(self) -> str | None:
        """Why Redis cannot answer anyone now, if that is decided: its container
        is paused, or a verdict of this run covers it. For waits on consumer
        processes, which would otherwise wait out their bounds; asked of the
        engine at most every FROZEN_CHECK seconds."""
        asked, reason = self._frozen
        now = self.poller.clock()
        if now - asked >= FROZEN_CHECK:
            try:
                state = self.state()
            except ENGINE_ERRORS as error:
                reason = f"the Docker engine does not answer: {type(error).__name__}"
            else:
                covered = self.verdict is not None and self.verdict.covers(state)
                reason = verdicts.paused(state) or (self.verdict.reason if covered and self.verdict else None)
            self._frozen = (now, reason)
        return reason

    @property
    def _ready_goal(self) -> str:
        return f"{self.service} running and answering PING"

    def _refusing(self, readiness: Readiness) -> str | None:
        return verdicts.refusing(readiness.answer, redis_client.SOCKET_TIMEOUT) if readiness.state.running else None

    def _decide(self, state: ContainerState, reason: str, *, every_start: bool) -> None:
        """Remember a decided outcome about this container, for this start of it
        or (a crash loop) every start, for the scenarios after this one."""
        if state.container_id:
            self.verdict = Verdict(state.container_id, None if every_start else state.started_at, reason)

    def wait_healthy(self, since: float, within: float) -> Observed[ContainerState]:
        failing = self._failing_probe()
        return self.poller.until(
            f"{self.service} running and healthy on a probe after its start",
            self.state,
            lambda s: s.healthy_on_fresh_probe,
            timeout=within,
            since=since,
            give_up=lambda s: _gave_up(s) or _too_late(s, within) or failing(s),
        )

    def health_decided(self) -> Callable[[], str | None]:
        """For a command that waits on health (an operator's `up --wait`): why the
        service cannot turn healthy, once that is decided, asked of its state."""
        failing, crash_loop = self._failing_probe(), CrashLoop(self.last_log_line)

        def decided() -> str | None:
            state = _or_why(self.state)
            if not isinstance(state, ContainerState) or state.status == "absent":
                return None  # not created yet
            unhealthy = "the health check reports unhealthy" if state.health == "unhealthy" else None
            return unhealthy or verdicts.paused(state) or crash_loop(state) or failing(state)

        return decided

    def _failing_probe(self) -> FailingProbe:
        return FailingProbe(lambda: self.readiness().ready, self.engine_now)

    def engine_now(self) -> datetime:
        """The engine's clock, which times a container's starts and probes (a VM's
        may differ from this machine's): asked once, then kept as an offset."""
        if self._engine_offset is None:
            self._engine_offset = parse_time(str(self.client.info()["SystemTime"])) - datetime.now(UTC)
        return datetime.now(UTC) + self._engine_offset

    def wait_healthy_on_pong(self, within: float) -> Observed[ContainerState]:
        """Healthy on a fresh probe whose output was PONG: a check that exits 0
        on NOAUTH reports a server that refuses it healthy, and fails here."""

        def pong(state: ContainerState) -> bool:
            return state.healthy_on_fresh_probe and state.last_probe is not None and "PONG" in state.last_probe.output

        # On the engine's clock, as the container's start and probes are.
        deadline = self.engine_now() + timedelta(seconds=within)
        failing = self._failing_probe()

        def misled(state: ContainerState) -> str | None:
            if state.healthy_on_fresh_probe and not pong(state):
                return "healthy on a probe that did not get PONG"
            return _gave_up(state) or _probe_due_after(state, deadline, within) or failing(state)

        return self.poller.until(
            f"{self.service} healthy on a probe that got PONG", self.state, pong, timeout=within, give_up=misled
        )

    def stop(self) -> None:
        self.compose.stop(self.service)

    def ensure_stopped(self) -> None:
        """Precondition: a stopped container. One that has exited already (the
        last scenario stopped it) is reused: starting it again is what the
        scenario proves, whatever stopped it."""
        if self.state().status != "exited":
            self.ensure_running()
            self.stop()

    def restart(self) -> Observed[Readiness]:
        began = self.poller.clock()
        self.compose.restart(self.service)
        return self.wait_ready(since=began)

    def recreate(self) -> Observed[Readiness]:
        """Remove the container, keeping its volume, then `up`: a new container
        on the same data (an anonymous /data volume is not carried over)."""
        began = self.poller.clock()
        self.anonymous_volumes |= self.containers.anonymous_volumes(self.service)
        self.compose.rm(self.service)
        self.start()
        return self.wait_ready(since=began)

    def switch(self, access: Access) -> Observed[Readiness]:
        """Re-create the container, on the same data, to be reached another way
        (a password of a scenario's own, say). Forced: Compose does not count
        another secret file as a change of the service."""
        self.compose = self.compose.with_variables(access.environment(), unset=(BIND_ADDRESS, PASSWORD_FILE))
        self.access = access
        self._up_failed = None
        began = self.poller.clock()
        self.compose.up(self.service, force_recreate=True)
        return self.wait_ready(since=began)

    def stop_fully(self) -> None:
        """`down` keeping volumes: no container left, data kept."""
        self._down(volumes=False)

    def _down(self, *, volumes: bool) -> None:
        self.anonymous_volumes |= self.containers.anonymous_volumes(self.service)
        self.compose.down(volumes=volumes, timeout=DOWN_TIMEOUT)

    def crash(self) -> faults.Crash:
        before = self.state()
        if not before.running or not before.pid:
            raise TerminalState("crash the Redis process", verdicts.paused(before) or "it is not running", before)
        self.killer.sigkill(before.image_id, before.pid)
        return faults.Crash(before.pid, before.restart_count, self.poller.clock())

    def crash_after(self, moment: float, delay: float) -> Observed[Readiness]:
        """Crash the Redis process `delay` seconds after `moment` (monotonic),
        then wait until it answers again. AOF everysec promises writes older
        than a second, so waiting for that moment is the criterion itself."""
        self.poller.wait_until(moment + delay)
        return self.wait_back(self.crash())

    def wait_restarted(self, crash: faults.Crash, within: float) -> Observed[ContainerState]:
        return self.poller.until(
            f"{self.service} restarted by its restart policy",
            self.state,
            lambda s: s.running and s.restart_count > crash.restart_count_before and s.pid != crash.pid,
            timeout=within,
            since=crash.at,
            give_up=lambda s: s.stays_down,
        )

    def wait_back(self, crash: faults.Crash, within: float | None = None) -> Observed[Readiness]:
        """Restarted after `crash` and answering again (health not required)."""
        crash_loop = CrashLoop(self.last_log_line)
        return self.poller.until(
            f"{self.service} restarted after the crash and answering PING",
            self.readiness,
            lambda r: r.ready and r.state.restart_count > crash.restart_count_before,
            timeout=within or RESTART_TIMEOUT,
            since=crash.at,
            give_up=lambda r: (
                r.state.stays_down or verdicts.paused(r.state) or self._refusing(r) or crash_loop(r.state)
            ),
        )

    def wait_recovered(self, crash: faults.Crash, within: float) -> Observed[ContainerState]:
        failing, crash_loop = self._failing_probe(), CrashLoop(self.last_log_line)
        return self.poller.until(
            f"{self.service} back and healthy on a probe after its restart",
            self.state,
            lambda s: s.restart_count > crash.restart_count_before and s.healthy_on_fresh_probe,
            timeout=within,
            since=crash.at,
            give_up=lambda s: (
                s.stays_down
                or self._not_recovering(s, crash, within)
                or verdicts.paused(s)
                or crash_loop(s)
                or failing(s)
            ),
        )

    @staticmethod
    def _not_recovering(state: ContainerState, crash: faults.Crash, within: float) -> str | None:
        if state.restart_count <= crash.restart_count_before:
            return None  # not restarted yet
        if state.status in ("exited", "dead"):
            return "the container stopped for good"
        return _too_late(state, within)

    def run_health_check(self) -> HealthRun:
        """Run the health command the container is configured with, now, inside
        it, as Docker would, instead of waiting for Docker's next interval."""
        container = self.containers.find(self.service)
        if container is None:
            raise ServiceUnreachable(f"no container for {self.service}")
        test = list((container.attrs["Config"].get("Healthcheck") or {}).get("Test") or ["NONE"])
        if test[0] == "CMD":
            argv = test[1:]
        elif test[0] == "CMD-SHELL":
            argv = ["/bin/sh", "-c", test[1]]
        else:
            raise HarnessError(f"{self.service} has no health check configured (test {test})")
        exit_code, output = container.exec_run(argv, demux=False)
        return HealthRun(tuple(test), exit_code or 0, _text(output).strip())

    # -- Redis ---------------------------------------------------------------
    def redis(self, password: str | None = None, *, anonymous: bool = False) -> redis.Redis:
        """A client with `password`, else the run's own; or, when `anonymous`,
        one without any that sends commands as they are (RESP2, no HELLO)."""
        if anonymous:
            return redis_client.connect(*self._endpoint(), protocol=2)
        return redis_client.connect(*self._endpoint(), password=password or self.access.password)

    def redis_url(self) -> str:
        """Where a consumer process on the host reaches Redis, as a URL its
        library takes: the published port only, as the plan's consumers connect."""
        endpoint = self.published()
        if endpoint is None:
            raise ServiceUnreachable(
                f"{self.service} publishes no host port for {self.redis_port}/tcp, where the plan's consumers "
                f"connect: {self.state()}"
            )
        return self.access.url(*endpoint)

    def published(self) -> tuple[str, int] | None:
        """The host address and port Redis is published on, if it is."""
        return self.containers.host_endpoint(self.service, self.redis_port, self.engine, published_only=True)

    def published_port(self) -> int:
        """The host port Redis is published on (the plan's 6379 when it is not)."""
        endpoint = self.published()
        return endpoint[1] if endpoint else self.redis_port

    def _endpoint(self) -> tuple[str, int]:
        endpoint = self.containers.host_endpoint(self.service, self.redis_port, self.engine)
        if endpoint is None:
            raise ServiceUnreachable(f"no way to reach {self.service}: {self.state()}")
        return endpoint

    # -- what the service shows of itself ---------------------------------------
    def container(self) -> Container:
        container = self.containers.find(self.service)
        if container is None:
            raise ServiceUnreachable(f"no container for {self.service}")
        container.reload()
        return container

    def server_uids(self) -> list[int]:
        """The uid of each redis-server process in the container, as its kernel reports it."""
        return [int(uid) for uid in self._exec(_SERVER_UIDS).split()]

    def data_owners(self) -> dict[str, int]:
        """The owning uid of the data directory and of every file in it."""
        lines = self._exec("find /data -exec stat -c '%u %n' {} +").splitlines()
        return {name: int(uid) for uid, _, name in (line.partition(" ") for line in lines if line)}

    def _exec(self, script: str) -> str:
        exit_code, output = self.container().exec_run(["/bin/sh", "-c", script])
        text = _text(output)
        if exit_code != 0:
            raise HarnessError(f"`{script}` in {self.service} exited {exit_code}: {text.strip()[-300:]}")
        return text

    # -- evidence ------------------------------------------------------------
    def last_log_line(self) -> str:
        lines = self.containers.logs_tail(self.service, 5).strip().splitlines()
        return lines[-1].strip() if lines else "(none)"

    def diagnostics(self) -> str:
        """State, health log, log tail and `compose ps`; each part says why it is
        missing instead of failing the report (an engine that went away)."""
        state = _or_why(self.state)
        probes = "\n".join(f"  {p}" for p in state.probes) if isinstance(state, ContainerState) else ""
        return (
            f"state: {state}\nhealth log:\n{probes or '  (none)'}\n"
            f"logs (last 15 lines):\n{_or_why(lambda: self.containers.logs_tail(self.service, 15))}\n"
            f"compose ps:\n{_or_why(self.compose.ps)}"
        )

    # -- cleanup ---------------------------------------------------------------
    def teardown(self, engine_return: float) -> list[str]:
        """Remove this run's containers, volumes and networks, and nothing else.
        `down` first; then the SDK sweeps by label, because `down` cannot read a
        broken compose file. An engine that went away is given `engine_return`
        seconds to come back (a restart takes seconds). Returns what could not
        be removed: the run's mark then stays, and the next run removes it all."""
        if not self.engine_answers():
            try:
                self.poller.until("the Docker engine answering again", self.engine_answers, bool, timeout=engine_return)
            except DeadlineExceeded:
                return [
                    f"everything: the Docker engine at {self.engine.endpoint} did not answer within "
                    f"{engine_return:g} s; the next run removes it"
                ]
        with contextlib.suppress(HarnessError, *ENGINE_ERRORS):
            self._down(volumes=True)
        return leftovers.sweep(self.client, self.compose.project, self.anonymous_volumes)

    def engine_answers(self) -> bool:
        try:
            return bool(self.client.ping())
        except ENGINE_ERRORS:
            return False


def _or_why(observe: Callable[[], T]) -> T | str:
    try:
        return observe()
    except EXPECTED as error:
        return f"(not available: {type(error).__name__}: {' '.join(str(error).split())[:200]})"


def _text(output: bytes | Iterator[bytes] | None) -> str:
    """What `exec_run` printed (bytes, as the suite never streams it)."""
    return output.decode(errors="replace") if isinstance(output, bytes) else ""

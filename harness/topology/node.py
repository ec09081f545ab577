"""One Redis service of the run's project: its lifecycle (start, stop,
restart, re-create, reconfigure), its crashes, the waits for it to answer, to
turn healthy and to recover, the run's decisions about it, its endpoints and
what it shows from inside. The rules the waits apply are in `readiness.py`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import redis
from docker.models.containers import Container

from harness.core.errors import DeadlineExceeded, ServiceUnreachable, TerminalState
from harness.core.polling import Observed, Poller
from harness.infra import faults
from harness.infra.containers import ContainerState
from harness.infra.engine_errors import ENGINE_ERRORS
from harness.service import redis_client
from harness.service.access import Access
from harness.topology import inside, readiness, verdicts
from harness.topology.inside import HealthRun
from harness.topology.project import Project, or_why
from harness.topology.readiness import Readiness
from harness.topology.verdicts import CrashLoop, FailingProbe, Verdict


@dataclass(frozen=True)
class Pinged:
    answer: str  # what PING got back
    by: str  # who asked, and how
    exit_code: int = 0  # redis-cli's, inside the service


@dataclass
class Node:
    project: Project
    service: str
    redis_port: int  # the port inside the container
    start_timeout: float  # seconds for a fresh start to answer PING
    restart_timeout: float  # seconds for a crashed Redis to answer again
    frozen_check: float = 0.5  # seconds between asking the engine whether Redis is frozen
    # What the run decided about the container: scenarios it covers fail at once.
    verdict: Verdict | None = None
    _frozen: tuple[float, str | None] = (float("-inf"), None)  # when last asked, and the answer

    @property
    def poller(self) -> Poller:
        return self.project.poller

    @property
    def access(self) -> Access:
        return self.project.access

    def state(self) -> ContainerState:
        return self.project.containers.state(self.service)

    # -- lifecycle -----------------------------------------------------------
    def start(self) -> float:
        """`up`; returns the monotonic time just before it, to measure from."""
        return self.project.up(self.service)

    def stop(self) -> None:
        self.project.compose.stop(self.service)

    def ensure_running(self) -> None:
        """Precondition of most scenarios: reuse a container whose Redis answers,
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
        if self.readiness(state).ready:
            return
        self.wait_ready(since=self.start())

    def ensure_stopped(self) -> None:
        """Precondition: a stopped container. One that has exited already (the
        last scenario stopped it) is reused: starting it again is what the
        scenario proves, whatever stopped it."""
        if self.state().status != "exited":
            self.ensure_running()
            self.stop()

    def stays_stopped(self, duration: float) -> ContainerState:
        """Exited, and never restarted, for `duration` seconds."""
        before = self.state()
        return self.poller.holds(
            "the stopped container stays exited",
            self.state,
            lambda s: readiness.stayed_stopped(s, before),
            duration=duration,
        )

    def stop_fully(self) -> None:
        """`down` keeping volumes: no container left, data kept."""
        self.project.down([self.service], volumes=False)

    def restart(self) -> Observed[Readiness]:
        began = self.poller.clock()
        self.project.compose.restart(self.service)
        return self.wait_ready(since=began)

    def recreate(self) -> Observed[Readiness]:
        """Remove the container, keeping its volume, then `up`: a new container
        on the same data (an anonymous /data volume is not carried over)."""
        began = self.poller.clock()
        self.project.remove(self.service)
        self.start()
        return self.wait_ready(since=began)

    def switch(self, access: Access) -> Observed[Readiness]:
        """Re-create the container, on the same data, to be reached another way
        (a password of a scenario's own, say). Forced: Compose does not count
        another secret file as a change of the service."""
        self.project.reconfigure(access)
        began = self.project.up(self.service, force_recreate=True)
        return self.wait_ready(since=began)

    # -- answering -----------------------------------------------------------
    def readiness(self, state: ContainerState | None = None) -> Readiness:
        state = state or self.state()
        if not state.running:
            return Readiness(state, f"not pinged: container {state.status}")
        try:
            client = self.redis()
        except ServiceUnreachable as error:
            return Readiness(state, str(error))
        return Readiness(state, redis_client.answers_ping(client))

    def wait_ready(self, since: float) -> Observed[Readiness]:
        crash_loop = CrashLoop(self.last_log_line)

        def final(now: Readiness) -> str | None:
            state = now.state
            if reason := readiness.gave_up_starting(state) or self._refusing(now):
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
        engine at most every `frozen_check` seconds."""
        asked, reason = self._frozen
        now = self.poller.clock()
        if now - asked >= self.frozen_check:
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

    def _refusing(self, now: Readiness) -> str | None:
        return verdicts.refusing(now.answer, redis_client.SOCKET_TIMEOUT) if now.state.running else None

    def _decide(self, state: ContainerState, reason: str, *, every_start: bool) -> None:
        """Remember a decided outcome about this container, for this start of it
        or (a crash loop) every start, for the scenarios after this one."""
        if state.container_id:
            self.verdict = Verdict(state.container_id, None if every_start else state.started_at, reason)

    # -- health --------------------------------------------------------------
    def wait_healthy(self, since: float, within: float) -> Observed[ContainerState]:
        failing = self._failing_probe()
        return self.poller.until(
            f"{self.service} running and healthy on a probe after its start",
            self.state,
            lambda s: s.healthy_on_fresh_probe,
            timeout=within,
            since=since,
            give_up=lambda s: readiness.gave_up(s) or readiness.too_late(s, within) or failing(s),
        )

    def wait_healthy_on_pong(self, within: float) -> Observed[ContainerState]:
        """Healthy on a fresh probe whose output was PONG: a check that exits 0
        on NOAUTH reports a server that refuses it healthy, and fails here."""
        # On the engine's clock, as the container's start and probes are.
        deadline = self.project.engine_now() + timedelta(seconds=within)
        failing = self._failing_probe()
        return self.poller.until(
            f"{self.service} healthy on a probe that got PONG",
            self.state,
            readiness.healthy_on_pong,
            timeout=within,
            give_up=lambda s: (
                readiness.misled(s)
                or readiness.gave_up(s)
                or readiness.probe_due_after(s, deadline, within)
                or failing(s)
            ),
        )

    def health_decided(self) -> Callable[[], str | None]:
        """For a command that waits on health (an operator's `up --wait`): why the
        service cannot turn healthy, once that is decided, asked of its state."""
        failing, crash_loop = self._failing_probe(), CrashLoop(self.last_log_line)

        def decided() -> str | None:
            state = or_why(self.state)
            if not isinstance(state, ContainerState) or state.status == "absent":
                return None  # not created yet
            unhealthy = "the health check reports unhealthy" if state.health == "unhealthy" else None
            # Paused first: Docker marks a paused container unhealthy as well.
            return verdicts.paused(state) or unhealthy or crash_loop(state) or failing(state)

        return decided

    def _failing_probe(self) -> FailingProbe:
        return FailingProbe(lambda: self.readiness().ready, self.project.engine_now)

    def run_health_check(self) -> HealthRun:
        return inside.run_health_check(self.container())

    # -- faults --------------------------------------------------------------
    def demand_password(self, password: str) -> Callable[[], None]:
        """Make the running server demand `password` of every client; returns
        what puts back the run's own access (none, or the run's password)."""
        faults.require_password(self.redis(), password)
        restore = self.access.password or ""
        return lambda: faults.require_password(self.redis(password), restore)

    def crash(self) -> faults.Crash:
        before = self.state()
        if not before.running or not before.pid:
            raise TerminalState("crash the Redis process", verdicts.paused(before) or "it is not running", before)
        self.project.killer.sigkill(before.image_id, before.pid)
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
            lambda s: readiness.restarted_after(s, crash),
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
            timeout=within or self.restart_timeout,
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
                or readiness.not_recovering(s, crash, within)
                or verdicts.paused(s)
                or crash_loop(s)
                or failing(s)
            ),
        )

    # -- endpoints -----------------------------------------------------------
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
        return self.project.containers.host_endpoint(
            self.service, self.redis_port, self.project.engine, published_only=True
        )

    def published_port(self) -> int:
        """The host port Redis is published on (the plan's 6379 when it is not)."""
        endpoint = self.published()
        return endpoint[1] if endpoint else self.redis_port

    def host_for(self, port: int) -> tuple[str, int]:
        """Where a client on the host tries `port`: the published address if there
        is one, else the address the engine's published ports are reached at."""
        return (self.published() or (self.project.engine.ports_host, port))[0], port

    def ping_from_host(self, port: int) -> Pinged:
        """PING from this machine to `port`, where the engine publishes Redis, as
        the plan's `redis.Redis(host='localhost', port=6379)` connects."""
        host, port = self.host_for(port)
        answer = redis_client.answers_ping(redis_client.connect(host, port, password=self.access.password))
        return Pinged(answer, f"redis-py at {host}:{port}")

    def ping_inside(self) -> Pinged:
        """`redis-cli ping` inside the service, as an operator runs it."""
        done = self.project.compose.exec(self.service, ["redis-cli", "ping"], password=self.access.password)
        by = f"`docker compose exec {self.service} redis-cli ping`, exit {done.returncode}"
        return Pinged((done.stdout + done.stderr).strip(), by, done.returncode)

    def _endpoint(self) -> tuple[str, int]:
        endpoint = self.project.containers.host_endpoint(self.service, self.redis_port, self.project.engine)
        if endpoint is None:
            raise ServiceUnreachable(f"no way to reach {self.service}: {self.state()}")
        return endpoint

    # -- inside --------------------------------------------------------------
    def container(self) -> Container:
        container = self.project.containers.find(self.service)
        if container is None:
            raise ServiceUnreachable(f"no container for {self.service}")
        return container

    def server_uids(self) -> list[int]:
        return inside.server_uids(self.container())

    def data_owners(self) -> dict[str, int]:
        return inside.data_owners(self.container())

    def last_log_line(self) -> str:
        lines = self.project.containers.logs_tail(self.service, 5).strip().splitlines()
        return lines[-1].strip() if lines else "(none)"

"""One Redis service of the run's project: its lifecycle (start, stop,
restart, re-create, reconfigure), the waits for it to answer, the run's
decisions about it and what it shows from inside. Where it is reached is its
`endpoint`, its health check its `health`, the faults it is proven under its
`faults`, what its storage goes through its `storage`. The rules the waits apply are in `readiness.py`."""

from __future__ import annotations

from dataclasses import dataclass, field

from docker.models.containers import Container

from harness.core.errors import DeadlineExceeded, ServiceUnreachable, TerminalState
from harness.core.polling import Observed, Poller
from harness.infra.containers import ContainerState
from harness.infra.engine_errors import ENGINE_ERRORS
from harness.service import redis_client
from harness.service.access import Access
from harness.topology import inside, readiness, verdicts
from harness.topology.endpoint import Endpoint
from harness.topology.node_faults import Faults
from harness.topology.node_health import Health
from harness.topology.node_storage import Storage
from harness.topology.project import Project
from harness.topology.readiness import Readiness
from harness.topology.verdicts import CrashLoop, Verdict


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
    fixed_address: bool = False  # its file publishes a fixed port (Endpoint.fixed)
    ask_timeout: float = 0.5  # seconds for one answer to a polling client
    _frozen: tuple[float, str | None] = (float("-inf"), None)  # when last asked, and the answer
    endpoint: Endpoint = field(init=False)
    health: Health = field(init=False)
    faults: Faults = field(init=False)
    storage: Storage = field(init=False)

    def __post_init__(self) -> None:
        self.endpoint = Endpoint(self.project, self.service, self.redis_port, self.fixed_address, self.ask_timeout)
        self.health = Health(self)
        self.faults = Faults(self)
        self.storage = Storage(self)

    @property
    def poller(self) -> Poller:
        return self.project.poller

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
        self.endpoint.forget()
        self.start()
        return self.wait_ready(since=began)

    def switch(self, access: Access) -> Observed[Readiness]:
        """Re-create the container, on the same data, to be reached another way
        (a password of a scenario's own, say). Forced: Compose does not count
        another secret file as a change of the service."""
        self.project.reconfigure(access)
        self.endpoint.forget()
        began = self.project.up(self.service, force_recreate=True)
        return self.wait_ready(since=began)

    # -- answering -----------------------------------------------------------
    def readiness(self, state: ContainerState | None = None) -> Readiness:
        state = state or self.state()
        if not state.running:
            return Readiness(state, f"not pinged: container {state.status}")
        try:
            client = self.endpoint.client()
        except ServiceUnreachable as error:
            return Readiness(state, str(error))
        return Readiness(state, redis_client.answers_ping(client))

    def wait_ready(self, since: float) -> Observed[Readiness]:
        crash_loop = CrashLoop(self.last_log_line)

        def final(now: Readiness) -> str | None:
            state = now.state
            if reason := readiness.gave_up_starting(state) or self.refusing(now):
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

    def refusing(self, now: Readiness) -> str | None:
        return verdicts.refusing(now.answer, redis_client.SOCKET_TIMEOUT) if now.state.running else None

    def _decide(self, state: ContainerState, reason: str, *, every_start: bool) -> None:
        """Remember a decided outcome about this container, for this start of it
        or (a crash loop) every start, for the scenarios after this one."""
        if state.container_id:
            self.verdict = Verdict(state.container_id, None if every_start else state.started_at, reason)

    # -- reaching it --------------------------------------------------------
    def ping_from_host(self, port: int) -> Pinged:
        """PING from this machine to `port`, where the engine publishes Redis, as
        the plan's `redis.Redis(host='localhost', port=6379)` connects."""
        host, port = self.endpoint.host_for(port)
        answer = redis_client.answers_ping(redis_client.connect(host, port, password=self.project.access.password))
        return Pinged(answer, f"redis-py at {host}:{port}")

    def ping_inside(self) -> Pinged:
        """`redis-cli ping` inside the service, as an operator runs it."""
        done = self.project.compose.exec(self.service, ["redis-cli", "ping"], password=self.project.access.password)
        by = f"`docker compose exec {self.service} redis-cli ping`, exit {done.returncode}"
        return Pinged((done.stdout + done.stderr).strip(), by, done.returncode)

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

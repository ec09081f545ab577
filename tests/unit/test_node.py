"""The node's waits, on recorded inspect states replayed through a stand-in
SDK client and a fake clock: each gives up the moment its rule decides,
without waiting out its bound, and succeeds on the state it waits for."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.core.errors import CommandFailed, DeadlineExceeded, PortInUse, TerminalState, UpFailed
from harness.core.polling import Poller
from harness.infra.compose import Compose
from harness.infra.engine import Engine
from harness.infra.faults import Crash
from harness.service.access import Access
from harness.topology.node import Node
from harness.topology.project import Project
from tests.support.fakes import FakeClock
from tests.support.replay import ReplayedClient, attrs, replaying

ENGINE = Engine("unix:///var/run/docker.sock", "default", "127.0.0.1", "local engine")


def node(client: ReplayedClient, clock: FakeClock) -> Node:
    poller = Poller(clock=clock, sleep=clock.sleep, interval=0.25)
    project = Project(Compose("opterp20-accept-unit", Path("docker-compose.yml")), client, ENGINE, poller)  # type: ignore[arg-type]
    return Node(project, "redis", 6379, start_timeout=5, restart_timeout=10)


@pytest.mark.parametrize(
    ("recorded", "reason"),
    [
        ("unhealthy", "the health check reports unhealthy"),
        ("no-health-check", "it has no health check"),
        ("paused", "the container is paused"),
        ("first-probe-in-10s", "its first health probe is due 10 s after it starts, later than the 5 s allowed"),
    ],
)
def test_waiting_for_healthy_gives_up_at_once_when_it_is_decided(recorded: str, reason: str):
    clock = FakeClock()
    with pytest.raises(TerminalState, match=reason):
        node(replaying([recorded]), clock).health.wait_healthy(since=clock(), within=5)
    assert clock.slept == [], "decided on the first look, without waiting"


def test_waiting_for_healthy_returns_on_the_first_healthy_probe():
    clock = FakeClock()
    began = clock()
    observed = node(replaying(["starting", "starting", "healthy"]), clock).health.wait_healthy(since=began, within=5)
    assert observed.value.healthy_on_fresh_probe and observed.elapsed == pytest.approx(0.5)


def test_a_start_that_never_turns_healthy_is_refused_at_its_bound():
    clock = FakeClock()
    began = clock()
    with pytest.raises(DeadlineExceeded, match="not reached within 5 s"):
        node(replaying(["starting"]), clock).health.wait_healthy(since=began, within=5)
    assert clock() - began == pytest.approx(5)


def test_healthy_on_a_probe_that_did_not_get_pong_is_not_healthy():
    clock = FakeClock()
    with pytest.raises(TerminalState, match="healthy on a probe that did not get PONG"):
        node(replaying(["healthy-on-noauth"]), clock).health.wait_healthy_on_pong(within=5)
    assert clock.slept == []


def test_a_crash_loop_is_decided_in_three_looks_and_names_the_last_log_line():
    looping = [attrs("crash-looping", RestartCount=n) for n in (3, 4, 5)]
    clock = FakeClock()
    subject = node(replaying(looping), clock)
    with pytest.raises(TerminalState, match="exits \\(code 3\\) each time it starts .*can't open config file"):
        subject.faults.wait_back(Crash(pid=1, restart_count_before=2, at=clock()))
    assert len(clock.slept) == 2


def test_a_restart_policy_that_will_not_restart_ends_the_wait_for_a_restart():
    clock = FakeClock()
    with pytest.raises(TerminalState, match="restart policy 'no' will not start it again"):
        node(replaying(["exited-for-good"]), clock).faults.wait_restarted(Crash(1, 0, clock()), within=10)
    assert clock.slept == []


def test_an_up_that_could_not_create_the_container_is_not_run_again(monkeypatch: pytest.MonkeyPatch):
    calls: list[str] = []

    def failing_up(self: Compose, service: str, force_recreate: bool = False) -> None:
        calls.append(service)
        raise CommandFailed(["docker", "compose", "up", service], 1, "Error: bind source path does not exist: /x\n")

    monkeypatch.setattr(Compose, "up", failing_up)
    subject = node(ReplayedClient(None), FakeClock())  # no container: every up creates
    for again in (False, True):
        with pytest.raises(UpFailed, match="bind source path does not exist") as failed:
            subject.start()
        assert ("earlier in this run" in str(failed.value)) is again
    assert calls == ["redis"], "Compose was asked once"


@pytest.mark.parametrize("how", ["start", "recreate", "switch"])
def test_every_up_maps_a_taken_port_to_the_runs_refusal(monkeypatch: pytest.MonkeyPatch, how: str):
    """A port held by another process is the run's refusal whichever step ran `up`, not one scenario's failure."""

    def taken(self: Compose, service: str, force_recreate: bool = False) -> None:
        raise CommandFailed(["docker", "compose", "up"], 1, "Bind for 127.0.0.1:6379 failed: port is already allocated")

    monkeypatch.setattr(Compose, "up", taken)
    monkeypatch.setattr(Compose, "rm", lambda self, service: None)
    subject = node(replaying(["stopped"]), FakeClock())
    act = {"start": subject.start, "recreate": subject.recreate, "switch": lambda: subject.switch(Access())}[how]
    with pytest.raises(PortInUse, match="host port 6379 is already in use"):
        act()


def test_a_switch_leaves_one_owner_of_the_access_and_the_compose_variables(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(Compose, "up", lambda self, service, force_recreate=False: None)
    subject = node(replaying(["healthy"]), FakeClock())
    with_password = Access(password="s3cret", bind_address="127.0.0.1")
    monkeypatch.setattr(Node, "wait_ready", lambda self, since: None)
    subject.switch(with_password)
    assert subject.project.access is subject.endpoint.access is with_password

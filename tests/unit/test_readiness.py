"""The readiness rules, one by one, on inspect states recorded from real
containers (tests/unit/recorded): a wrong give-up rule shows here in
milliseconds, before the misconfiguration catalogue confirms it end to end."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness.infra.faults import Crash
from harness.topology import readiness, verdicts
from tests.support.replay import state


@pytest.mark.parametrize(
    ("recorded", "reason"),
    [
        ("unhealthy", "the health check reports unhealthy"),
        ("no-health-check", "it has no health check, so Docker never reports it healthy"),
        ("stopped", "the container is exited"),
        ("exited-for-good", "the container is exited"),
        ("paused", verdicts.PAUSED),
        ("starting", None),
        ("healthy", None),
        ("crash-looping", None),  # restarting: its restart policy may still bring it back
    ],
)
def test_waiting_for_healthy_gives_up_only_where_it_is_decided(recorded: str, reason: str | None):
    assert readiness.gave_up(state(recorded)) == reason


def test_a_container_that_is_not_there_is_given_up_on_at_once():
    assert readiness.gave_up_starting(state("healthy", Status="dead")) == "the container is dead"
    assert readiness.gave_up_starting(state("healthy")) is None


def test_a_first_probe_due_after_the_bound_decides_a_fresh_start_at_once():
    slow, fast = state("first-probe-in-10s"), state("starting")
    assert slow.first_probe_after == 10 and fast.first_probe_after == 0.25
    assert readiness.too_late(slow, within=5) == (
        "its first health probe is due 10 s after it starts, later than the 5 s allowed"
    )
    assert readiness.too_late(slow, within=10) is None
    assert readiness.too_late(fast, within=5) is None
    assert readiness.too_late(state("healthy"), within=0.1) is None  # it has a fresh probe already


def test_a_container_started_before_the_wait_is_judged_on_the_engines_clock():
    slow = state("first-probe-in-10s")
    assert slow.started_at is not None
    soon = slow.started_at + timedelta(seconds=5)
    assert "due 10 s after it started" in (readiness.probe_due_after(slow, deadline=soon, within=5) or "")
    assert readiness.probe_due_after(slow, deadline=soon + timedelta(seconds=6), within=11) is None
    assert readiness.probe_due_after(state("healthy"), deadline=soon, within=5) is None


def test_after_a_crash_only_a_restarted_container_can_be_not_recovering():
    exited = state("exited-for-good")
    not_restarted = Crash(exited.pid, exited.restart_count, at=0.0)
    assert readiness.not_recovering(exited, not_restarted, within=5) is None
    restarted = Crash(exited.pid, exited.restart_count - 1, at=0.0)
    assert readiness.not_recovering(exited, restarted, within=5) == "the container stopped for good"
    slow = state("first-probe-in-10s", RestartCount=1)
    assert "later than the 5 s allowed" in (readiness.not_recovering(slow, Crash(1, 0, 0.0), within=5) or "")


def test_restarted_means_a_new_process_and_one_more_restart():
    healthy = state("healthy", RestartCount=1)
    assert readiness.restarted_after(healthy, Crash(healthy.pid + 1, 0, at=0.0))
    assert not readiness.restarted_after(healthy, Crash(healthy.pid, 0, at=0.0))  # the same process
    assert not readiness.restarted_after(healthy, Crash(healthy.pid + 1, 1, at=0.0))  # no restart counted
    assert not readiness.restarted_after(state("crash-looping"), Crash(1, 0, at=0.0))  # not running


def test_healthy_counts_only_on_a_probe_that_got_pong():
    assert readiness.healthy_on_pong(state("healthy")) and readiness.misled(state("healthy")) is None
    noauth = state("healthy-on-noauth")
    assert noauth.healthy_on_fresh_probe and "NOAUTH" in noauth.last_probe.output  # type: ignore[union-attr]
    assert not readiness.healthy_on_pong(noauth)
    assert readiness.misled(noauth) == "healthy on a probe that did not get PONG"


def test_stopped_holds_until_a_restart_is_counted():
    stopped = state("stopped")
    assert readiness.stayed_stopped(stopped, before=stopped)
    assert not readiness.stayed_stopped(state("stopped", RestartCount=stopped.restart_count + 1), before=stopped)
    assert not readiness.stayed_stopped(state("healthy"), before=stopped)

"""Outcomes decided before a wait's bound: paused, refusing, crash loops and a
health check that fails while Redis answers; and what a decision covers."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from harness.infra.containers import ContainerState, Probe
from harness.topology.verdicts import CrashLoop, FailingProbe, Verdict, paused, refusing

STARTED = datetime(2026, 12, 1, 10, 0, 0, tzinfo=UTC)


def state(status: str = "running", restarts: int = 0, exit_code: int = 0, probes: tuple[Probe, ...] = ()):
    return replace(
        ContainerState.absent("opticserp_redis"),
        status=status,
        restart_count=restarts,
        exit_code=exit_code,
        started_at=STARTED,
        probes=probes,
        container_id="c1",
    )


def probe(after: float, exit_code: int) -> Probe:
    return Probe(STARTED + timedelta(seconds=after), exit_code, "Could not connect to Redis at 127.0.0.1:6380")


def test_a_paused_container_is_decided():
    assert "paused" in (paused(state("paused")) or "")
    assert paused(state("running")) is None


def test_final_ping_answers_and_the_ones_a_starting_server_gives():
    assert "frozen" in (refusing("TimeoutError: Timeout reading from socket", 5) or "")
    assert "refuses" in (refusing("ConnectionError: max number of clients reached", 5) or "")
    assert "refuses" in (refusing("AuthenticationError: invalid username-password pair", 5) or "")
    for starting in (
        "BusyLoadingError: Redis is loading the dataset in memory",
        "ConnectionError: Error 111 connecting to 127.0.0.1:6379. Connection refused.",
        "ConnectionError: Connection closed by server.",
        "not pinged: container restarting",
    ):
        assert refusing(starting, 5) is None, starting


def test_a_crash_loop_is_two_more_exits_since_the_wait_began():
    loop = CrashLoop(lambda: "Can't open the append-only file: Read-only file system")
    assert loop(state("restarting", restarts=3, exit_code=137)) is None  # the suite's own crash, first seen
    assert loop(state("running", restarts=4)) is None
    assert loop(state("restarting", restarts=4, exit_code=1)) is None  # one exit of its own
    reason = loop(state("restarting", restarts=5, exit_code=1)) or ""
    assert "exits (code 1)" in reason and "Read-only file system" in reason


def test_a_clean_exit_or_a_running_container_is_no_crash_loop():
    loop = CrashLoop(lambda: "")
    loop(state("exited", restarts=0, exit_code=0))
    assert loop(state("exited", restarts=5, exit_code=0)) is None
    assert loop(state("running", restarts=9)) is None


def test_a_probe_failing_after_pong_decides_and_one_before_does_not():
    now = [STARTED + timedelta(seconds=0.3)]
    judge = FailingProbe(answers=lambda: True, engine_now=lambda: now[0])
    early = state(probes=(probe(0.25, 1),))
    assert judge(early) is None  # the server answered PONG now; that probe may predate it
    later = state(probes=(probe(0.25, 1), probe(0.5, 1)))
    assert "failed while Redis answered PING" in (judge(later) or "")


def test_a_failing_probe_while_redis_does_not_answer_is_not_decided():
    judge = FailingProbe(answers=lambda: False, engine_now=lambda: STARTED)
    assert judge(state(probes=(probe(0.25, 1), probe(0.5, 1)))) is None


def test_a_passing_or_stale_probe_is_no_verdict():
    judge = FailingProbe(answers=lambda: True, engine_now=lambda: STARTED - timedelta(seconds=10))
    assert judge(state(probes=(probe(0.25, 0),))) is None
    assert judge(state(probes=(probe(-5, 1),))) is None  # from before this start


def test_a_verdict_covers_its_container_and_start():
    this_start = Verdict("c1", STARTED, "frozen")
    assert this_start.covers(state())
    assert not this_start.covers(replace(state(), started_at=STARTED + timedelta(seconds=1)))
    assert not this_start.covers(replace(state(), container_id="c2"))  # re-created
    every_start = Verdict("c1", None, "crash loop")
    assert every_start.covers(replace(state(), started_at=STARTED + timedelta(seconds=9)))
    assert not every_start.covers(ContainerState.absent("opticserp_redis"))

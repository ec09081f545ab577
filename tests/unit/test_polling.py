import pytest

from harness.core.errors import DeadlineExceeded, TerminalState
from harness.core.polling import Poller
from tests.support.fakes import FakeClock


def poller(clock: FakeClock) -> Poller:
    return Poller(clock=clock, sleep=clock.sleep, interval=0.1)


def test_until_returns_the_value_and_time_from_since():
    clock = FakeClock()
    values = iter(["starting", "starting", "healthy"])
    observed = poller(clock).until("healthy", lambda: next(values), lambda v: v == "healthy", timeout=5, since=99.5)
    assert observed.value == "healthy"
    assert observed.elapsed == pytest.approx(0.7)


def test_until_raises_at_the_deadline_with_the_last_observation():
    clock = FakeClock()
    with pytest.raises(DeadlineExceeded) as raised:
        poller(clock).until("healthy", lambda: "starting", lambda v: v == "healthy", timeout=2)
    assert clock.now == pytest.approx(102.0)
    assert raised.value.last == "starting"
    assert "not reached within 2 s; last observed: starting" in str(raised.value)


def test_until_says_first_what_is_still_missing():
    clock = FakeClock()
    with pytest.raises(DeadlineExceeded) as raised:
        poller(clock).until(
            "ready", lambda: "a long view", lambda _: False, timeout=1, why_not=lambda _: "redis-3 down"
        )
    assert str(raised.value).startswith("ready: not reached within 1 s (redis-3 down); last observed: a long view")


def test_until_never_sleeps_past_the_deadline():
    clock = FakeClock()
    with pytest.raises(DeadlineExceeded):
        poller(clock).until("x", lambda: 0, lambda v: False, timeout=0.25)
    assert clock.slept == pytest.approx([0.1, 0.1, 0.05])


def test_until_gives_up_at_once_on_a_terminal_state():
    clock = FakeClock()
    with pytest.raises(TerminalState, match="the container is exited"):
        poller(clock).until(
            "healthy",
            lambda: "exited",
            lambda v: v == "healthy",
            timeout=30,
            give_up=lambda v: "the container is exited" if v == "exited" else None,
        )
    assert clock.slept == []


def test_holds_observes_for_the_whole_duration():
    clock = FakeClock()
    assert poller(clock).holds("stays", lambda: "exited", lambda v: v == "exited", duration=1) == "exited"
    assert clock.now == pytest.approx(101.0)


def test_holds_fails_the_first_time_the_condition_breaks():
    clock = FakeClock()
    values = iter(["exited", "restarting"])
    with pytest.raises(TerminalState, match="stopped holding"):
        poller(clock).holds("stays", lambda: next(values), lambda v: v == "exited", duration=5)


def test_wait_until_reaches_the_moment_exactly():
    clock = FakeClock()
    poller(clock).wait_until(101.25)
    assert clock.now == pytest.approx(101.25)

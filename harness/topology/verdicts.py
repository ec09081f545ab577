"""Outcomes decided before a wait's bound: states from which the service will
not become what a wait waits for, each with the reason in one line. A wait
gives up as soon as one of them names a reason, and a decision about a
container holds for the rest of the run, so the scenarios after it fail at
once instead of each waiting out its own bound."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from harness.infra.containers import ContainerState

PAUSED = "the container is paused: Docker froze its processes, so Redis answers nothing"
# PING answers that no amount of waiting changes. LOADING (BusyLoadingError) and
# a refused or reset connection are how a starting server answers, so they are not.
_REFUSALS = ("AuthenticationError", "AuthenticationWrongNumberOfArgsError", "NoPermissionError", "ResponseError")
_MAX_CLIENTS = "max number of clients reached"
# What a consumer library logs when Redis turns it away for good; it retries
# regardless (Celery forever), so its log is where the verdict is.
_LOGGED_REFUSALS = (_MAX_CLIENTS, "WRONGPASS", "NOAUTH", "invalid username-password pair")


@dataclass(frozen=True)
class Verdict:
    """A decided outcome about one container: its current start only (a frozen
    or refusing process), or every start of it (a crash loop)."""

    container_id: str
    started_at: datetime | None
    reason: str

    def covers(self, state: ContainerState) -> bool:
        if not state.container_id or state.container_id != self.container_id:
            return False
        return self.started_at is None or state.started_at == self.started_at


def paused(state: ContainerState) -> str | None:
    return PAUSED if state.status == "paused" else None


def refusing(answer: str, socket_timeout: float) -> str | None:
    """Why a PING answer from a running server is final, if it is."""
    if answer.startswith("TimeoutError"):
        return f"Redis took the connection but answered nothing within {socket_timeout:g} s: it is frozen"
    if answer.startswith(_REFUSALS) or _MAX_CLIENTS in answer:
        return f"Redis refuses the suite's client: {answer}"
    return None


def refused_in_log(tail: str) -> str | None:
    """The last line of a consumer's log in which Redis turned it away, if any."""
    for line in reversed(tail.splitlines()):
        if any(refusal in line for refusal in _LOGGED_REFUSALS):
            return f"Redis turns it away: {line.strip()[-200:]}"
    return None


class CrashLoop:
    """A container its restart policy keeps starting and that keeps exiting on
    its own: two more restarts, each after an exit, since the wait began.
    Docker's restart back-off doubles from 100 ms, so that is decided in under
    a second, where waiting would take ever longer."""

    def __init__(self, last_words: Callable[[], str]) -> None:
        self._first: int | None = None
        self._last_words = last_words

    def __call__(self, state: ContainerState) -> str | None:
        if self._first is None:
            self._first = state.restart_count
        if state.running or state.status not in ("restarting", "exited") or state.exit_code == 0:
            return None
        if state.restart_count - self._first < 2:
            return None
        return (
            f"it exits (code {state.exit_code}) each time it starts ({state.restart_count} restarts); "
            f"its last log line: {self._last_words()}"
        )


class FailingProbe:
    """A health probe that fails while Redis answers PING is the health check's
    own verdict, not a server still starting: decided on the first failed
    probe that began after the suite got PONG (on the engine's clock, as
    Docker times its probes)."""

    def __init__(self, answers: Callable[[], bool], engine_now: Callable[[], datetime]) -> None:
        self._answers = answers
        self._engine_now = engine_now
        self._pong_at: datetime | None = None

    def __call__(self, state: ContainerState) -> str | None:
        probe = state.last_probe
        if not state.running or probe is None or probe not in state.fresh_probes or probe.exit_code == 0:
            return None
        if self._pong_at is not None and probe.start > self._pong_at:
            return f"its health check failed while Redis answered PING: {probe}"
        if self._pong_at is None and self._answers():
            self._pong_at = self._engine_now()
        return None

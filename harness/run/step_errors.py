"""Step plumbing: how a step or a scenario's cleanup reports an expected
failure of the service under test, in one line instead of a traceback."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import kombu.exceptions
import redis

from harness.core.errors import HarnessError
from harness.infra.engine_errors import ENGINE_ERRORS

P = ParamSpec("P")
R = TypeVar("R")

# A harness error; a Redis, Docker API or kombu error, as a consumer's library reports it.
EXPECTED = (HarnessError, redis.RedisError, kombu.exceptions.KombuError, *ENGINE_ERRORS)


def best_effort(cleanup: Callable[[], object]) -> Callable[[], None]:
    """A scenario's cleanup of what it changed in Redis or in the service. If
    Redis or the engine cannot be reached, the scenario has usually failed and
    said why already: a traceback would only hide that, so an expected failure
    is one line on stderr, and the scenarios after it meet the state it left."""

    def run() -> None:
        try:
            cleanup()
        except EXPECTED as error:
            print(f"cleanup after the scenario could not finish: {type(error).__name__}: {error}", file=sys.stderr)

    return run


def reported_as_failures(step: Callable[P, R]) -> Callable[P, R]:
    """Step decorator: an expected failure of the service under test (a harness
    error; a Redis, Docker API or kombu error, as a consumer's library reports
    it) fails the step with its one-line message instead of a traceback;
    anything else still shows its traceback."""

    @functools.wraps(step)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return step(*args, **kwargs)
        except EXPECTED as error:
            raise AssertionError(f"{type(error).__name__}: {error}") from error

    return run

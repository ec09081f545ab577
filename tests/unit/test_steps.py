"""Every step is registered with the suite's error reporting: an expected
failure of the service fails the step in one line, anything else keeps its
traceback, and the step behave registers is the wrapped one."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import redis

from harness.core.errors import HarnessError
from harness.run import steps


def registered(pattern: str, step: Callable[..., None]) -> Callable[..., None]:
    """What behave's registry would hold for `step`, through the suite's decorator."""
    seen: dict[str, Callable[..., None]] = {}

    def behave_decorator(text: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
        def register(function: Callable[..., None]) -> Callable[..., None]:
            seen[text] = function
            return function

        return register

    steps._registering(behave_decorator)(pattern)(step)
    return seen[pattern]


@pytest.mark.parametrize("error", [HarnessError("Redis is frozen"), redis.ConnectionError("Connection refused")])
def test_an_expected_failure_fails_the_step_in_one_line(error: Exception):
    def step(context: object) -> None:
        raise error

    with pytest.raises(AssertionError, match=f"^{type(error).__name__}: {error}$") as failed:
        registered("a step", step)(object())
    assert failed.value.__cause__ is error  # the chain stays, for the refusal and engine-lost checks


def test_anything_else_keeps_its_traceback():
    def step(context: object) -> None:
        raise KeyError("a bug in the step")

    with pytest.raises(KeyError):
        registered("a step", step)(object())

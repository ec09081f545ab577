"""The run's lifecycle helpers that need no behave run."""

from __future__ import annotations

from harness.core.errors import CommandFailed, PortInUse
from harness.run import lifecycle


def test_a_refusal_is_found_behind_the_errors_that_carry_it():
    refusal = PortInUse(6379, "on this machine", "stop what holds it")
    try:
        try:
            raise refusal
        except PortInUse as error:
            raise AssertionError("step failed") from error
    except AssertionError as step_error:
        assert lifecycle._refusal_in(step_error) is refusal


def test_an_error_chain_that_loops_back_on_itself_ends():
    """`raise error from error` made an error its own cause and hung the run (issue 15)."""
    error = CommandFailed(["docker", "compose", "up"], 1, "Error response from daemon: cannot start a paused container")
    error.__cause__ = error
    looped = AssertionError("step failed")
    looped.__cause__ = error
    assert lifecycle._refusal_in(looped) is None

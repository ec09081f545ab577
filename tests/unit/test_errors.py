"""Telling an engine that went away from any other failure behind a step."""

from __future__ import annotations

import requests

from harness.core.errors import CommandFailed, UpFailed
from harness.infra.engine_errors import engine_connection_error


def test_the_sdks_connection_error_behind_a_step_failure_is_found():
    cause = requests.exceptions.ConnectionError("('Connection aborted.', ConnectionRefusedError(111, 'refused'))")
    step = AssertionError("ConnectionError: ...")
    step.__cause__ = cause
    assert "Connection aborted" in (engine_connection_error(step) or "")


def test_the_clis_words_for_an_unreachable_engine_are_found():
    cli = CommandFailed(["docker", "compose", "up"], 1, "Cannot connect to the Docker daemon at tcp://10.203.0.2:2375.")
    up = UpFailed("redis", cli.reason)
    up.__cause__ = cli
    assert "Cannot connect" in (engine_connection_error(up) or "")


def test_any_other_failure_is_not_the_engine():
    cli = CommandFailed(["docker", "compose", "up"], 1, "bind source path does not exist: /nonexistent")
    assert engine_connection_error(cli) is None
    assert engine_connection_error(None) is None
    looped = AssertionError("x")
    looped.__cause__ = looped
    assert engine_connection_error(looped) is None

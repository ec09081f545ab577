"""How an engine that went away shows itself: the SDK raises requests' own
errors (not docker's), and the CLI prints its own words."""

from __future__ import annotations

import docker.errors
import requests.exceptions

from harness.core.errors import CommandFailed

ENGINE_ERRORS = (docker.errors.DockerException, requests.exceptions.RequestException)


# What the docker CLI says when it cannot reach the engine.
_CLI_UNREACHABLE = ("Cannot connect to the Docker daemon", "Is the docker daemon running", "error during connect")


def engine_connection_error(error: BaseException | None) -> str | None:
    """The engine connection failure behind an error, if there is one: the SDK's
    requests error, or the CLI's words; each link of the chain seen once."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, requests.exceptions.ConnectionError):
            return " ".join(str(error).split())[:160]
        if isinstance(error, CommandFailed) and any(words in error.stderr for words in _CLI_UNREACHABLE):
            return error.reason[:160]
        error = error.__cause__ or error.__context__
    return None

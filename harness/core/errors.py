"""Typed failures. Known conditions are named as facts and carry a one-line
message that says what is wrong and what to do."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from typing import ParamSpec, TypeVar

import docker.errors
import kombu.exceptions
import redis
import requests.exceptions

P = ParamSpec("P")
R = TypeVar("R")


class HarnessError(Exception):
    """Base of every failure the harness reports on purpose."""


class PreflightError(HarnessError):
    """A condition that stops the run before anything is created."""

    summary = "preflight failed"  # the fact, in a few words, for reports


class DockerDaemonUnreachable(PreflightError):
    summary = "Docker daemon unreachable"

    def __init__(self, host: str, detail: str, remedy: str) -> None:
        super().__init__(f"Docker daemon unreachable at {host} ({detail}): {remedy}, and run behave again")


class DockerContextUnusable(PreflightError):
    summary = "Docker context unusable"

    def __init__(self, name: str, detail: str) -> None:
        super().__init__(
            f"Docker context {name!r} cannot be used ({detail}): `docker context ls` lists the contexts; "
            "set DOCKER_CONTEXT to one of them (or `docker context use default`) and run behave again"
        )


class RemoteEngineLoopbackOnly(PreflightError):
    summary = "remote engine, Redis published on its loopback only"

    def __init__(self, endpoint: str, bind_address: str) -> None:
        super().__init__(
            f"the Docker engine at {endpoint} runs on another machine, but REDIS_BIND_ADDRESS={bind_address} "
            "publishes Redis on that machine's loopback, out of this machine's reach: set "
            "REDIS_BIND_ADDRESS=0.0.0.0 and REDIS_PASSWORD_FILE=<a file holding a password> "
            "(and -D published_host=ADDRESS if its ports are not reached at the engine's host name), "
            "then run behave again"
        )


class ComposeV2Missing(PreflightError):
    summary = "Docker Compose v2 missing or too old"

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"Docker Compose v2.23.1 or newer is required ({detail}): install the "
            "`docker compose` plugin (Docker Desktop ships it) and run behave again"
        )


class EngineTooOld(PreflightError):
    summary = "Docker Engine older than 25"

    def __init__(self, version: str) -> None:
        super().__init__(
            f"Docker Engine {version} is older than 25, which the health check's "
            "start_interval needs: upgrade Docker and run behave again"
        )


class ComposeFileMissing(PreflightError):
    summary = "compose file missing"

    def __init__(self, path: str) -> None:
        super().__init__(
            f"compose file {path} does not exist: run behave from the repository root or pass -D compose_file=PATH"
        )


class ComposeFileRejected(PreflightError):
    summary = "compose file rejected by Docker Compose"

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(f"Docker Compose rejects {path}: {detail}; fix the file and run behave again")


class ServiceMissing(PreflightError):
    summary = "no redis service in the compose file"

    def __init__(self, path: str, service: str, found: Sequence[str]) -> None:
        super().__init__(
            f"{path} defines no service {service!r} (it has: {', '.join(found) or 'none'}): "
            f"the suite checks the service named {service!r}; rename it and run behave again"
        )


class PortInUse(PreflightError):
    summary = "host port in use"

    def __init__(self, port: int, where: str, remedy: str) -> None:
        super().__init__(f"host port {port} is already in use {where}: {remedy}, and run behave again")


class ContainerNameTaken(PreflightError):
    summary = "container name taken by another project"

    def __init__(self, name: str, project: str | None, status: str) -> None:
        owner = f"compose project {project!r}" if project else "not from compose"
        remedy = f"docker compose -p {project} down" if project else f"docker rm -f {name}"
        super().__init__(
            f"a container named {name} already exists ({status}, {owner}); the suite never touches it: "
            f"stop it yourself (`{remedy}`, which keeps its volumes) and run behave again"
        )


class ImageMissing(PreflightError):
    summary = "image not available"

    def __init__(self, image: str, why: str) -> None:
        super().__init__(
            f"image {image} is not on this Docker engine and {why}: where a registry answers, run "
            f"`docker pull {image}`; without one, `docker load -i redis.tar` (made with "
            f"`docker save {image}` elsewhere) or pull it through your registry mirror; then run behave again"
        )


class PasswordFileUnusable(PreflightError):
    summary = "password file unusable"

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(
            f"REDIS_PASSWORD_FILE={path} {problem}: write the password into that file (one line), or unset "
            "REDIS_PASSWORD_FILE to run Redis without a password, and run behave again"
        )


class EngineLost(HarnessError):
    """The Docker engine stopped answering in the middle of the run."""

    summary = "Docker engine went away"

    def __init__(self, endpoint: str, during: str, detail: str) -> None:
        super().__init__(
            f"the Docker engine at {endpoint} stopped answering during {during} ({detail}): the scenarios "
            "after it were not run; start the engine again and run behave again"
        )


class ServiceUnreachable(HarnessError):
    """The host has no way to reach the service's Redis port."""


class CommandFailed(HarnessError):
    """A CLI call exited non-zero; keeps argv, exit code and stderr as evidence."""

    def __init__(self, argv: Sequence[str], returncode: int, stderr: str) -> None:
        self.argv = list(argv)
        self.returncode = returncode
        self.stderr = stderr
        self.reason = stderr.strip().splitlines()[-1] if stderr.strip() else "no output"  # the CLI's own words
        super().__init__(f"`{' '.join(self.argv)}` exited {returncode}: {self.reason}")


class UpFailed(HarnessError):
    """`docker compose up` failed for a reason other than a taken port."""

    def __init__(self, service: str, reason: str, again: bool = False) -> None:
        self.reason = reason
        earlier = " (earlier in this run; not run again until the service is configured anew)" if again else ""
        super().__init__(f"`docker compose up {service}` failed{earlier}: {reason}")


class CommandTimedOut(HarnessError):
    def __init__(self, argv: Sequence[str], timeout: float) -> None:
        self.argv = list(argv)
        super().__init__(f"`{' '.join(self.argv)}` did not finish within {timeout:g} s")


class DeadlineExceeded(HarnessError):
    """A polled condition was not met in time; says what was last observed."""

    def __init__(self, what: str, timeout: float, last: object) -> None:
        self.last = last
        super().__init__(f"{what}: not reached within {timeout:g} s; last observed: {last}")


class TerminalState(HarnessError):
    """A polled condition can no longer be met (exited, unhealthy, ...)."""

    def __init__(self, what: str, reason: str, last: object) -> None:
        self.last = last
        super().__init__(f"{what}: gave up, {reason}; last observed: {last}")


# An engine that went away answers the SDK with requests' own errors, not docker's.
ENGINE_ERRORS = (docker.errors.DockerException, requests.exceptions.RequestException)
EXPECTED = (HarnessError, redis.RedisError, kombu.exceptions.KombuError, *ENGINE_ERRORS)


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

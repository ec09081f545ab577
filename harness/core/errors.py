"""The failure taxonomy: typed failures, each a known condition named as a
fact, with a one-line message that says what is wrong and what to do. The
third-party errors that mean the same (the engine's, Redis's, kombu's) are
grouped where their libraries are used: `infra/engine_errors.py` and
`run/step_errors.py`."""

from __future__ import annotations

from collections.abc import Sequence


class HarnessError(Exception):
    """Base of every failure the harness reports on purpose."""


class PreflightError(HarnessError):
    """A condition that stops the run before anything is created."""

    summary = "preflight failed"  # the fact, in a few words, for reports


class SettingInvalid(PreflightError):
    summary = "a -D setting is not one the suite has"

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(
            f"-D {name} {problem}: harness/core/config.py lists every setting with its type and default; "
            "correct it and run behave again"
        )


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

    def __init__(self, name: str, project: str | None, status: str, run: str = "") -> None:
        owner = f"compose project {project!r}" if project else "not from compose"
        remedy = f"docker compose -p {project} down" if project else f"docker rm -f {name}"
        if run:  # another run of this suite that has not ended: its own cleanup removes it
            super().__init__(
                f"a container named {name} already exists ({status}): it is another run's of this suite "
                f"({run}), which has not ended; wait for that run to end, or stop it (Ctrl-C), "
                "and run behave again"
            )
            return
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
        super().__init__(f"`docker compose up{' ' + service if service else ''}` failed{earlier}: {reason}")


class CommandTimedOut(HarnessError):
    def __init__(self, argv: Sequence[str], timeout: float) -> None:
        self.argv = list(argv)
        super().__init__(f"`{' '.join(self.argv)}` did not finish within {timeout:g} s")


class DeadlineExceeded(HarnessError):
    """A polled condition was not met in time; says what was last observed."""

    def __init__(self, what: str, timeout: float, last: object, why_not: str = "") -> None:
        self.last = last
        # What is still missing comes first: a long observation is clipped in the sign-off.
        missing = f" ({why_not})" if why_not else ""
        super().__init__(f"{what}: not reached within {timeout:g} s{missing}; last observed: {last}")


class TerminalState(HarnessError):
    """A polled condition can no longer be met (exited, unhealthy, ...)."""

    def __init__(self, what: str, reason: str, last: object) -> None:
        self.last = last
        super().__init__(f"{what}: gave up, {reason}; last observed: {last}")

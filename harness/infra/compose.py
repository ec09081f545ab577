"""The real `docker compose` CLI, always as an argv list, always with this run's
own project name and file."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from harness.core.errors import CommandFailed, CommandTimedOut

Runner = Callable[..., subprocess.CompletedProcess[str]]

REDISCLI_AUTH = "REDISCLI_AUTH"  # where redis-cli takes a password from, off the command line
# Compose 2.20.2 is the first to pass healthcheck.start_interval to the engine;
# 2.23.1 the first to take a config's inline `content` (the no-password default).
MIN_COMPOSE = (2, 23, 1)


def parse_version(text: str) -> tuple[int, ...]:
    """'2.26.1-4' -> (2, 26, 1); 'v2.20.2-desktop.1' -> (2, 20, 2)."""
    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", text)
    if not match:
        raise ValueError(f"no version number in {text!r}")
    return tuple(int(part or 0) for part in match.groups())


@dataclass(frozen=True)
class Compose:
    project: str
    file: Path
    timeout: float = 120.0
    run: Runner = field(default=subprocess.run, repr=False, compare=False)
    # Variables the compose file reads (REDIS_BIND_ADDRESS, REDIS_PASSWORD_FILE),
    # over this process's own environment; None: this process's environment as it is.
    variables: Mapping[str, str] | None = field(default=None, repr=False)
    # Files merged over `file`, as `docker compose -f file -f override` merges them: a
    # scenario's own change of the service (its data on a small disk, say); none by default.
    overrides: tuple[Path, ...] = ()

    def with_variables(self, variables: Mapping[str, str], unset: Sequence[str] = ()) -> Compose:
        """The same project, run with these variables set and those in `unset` removed."""
        base = {k: v for k, v in os.environ.items() if k not in unset}
        return replace(self, variables={**base, **variables})

    def with_overrides(self, *overrides: Path) -> Compose:
        """The same project, with these files merged over its own (none: its own alone)."""
        return replace(self, overrides=tuple(overrides))

    @property
    def files(self) -> tuple[Path, ...]:
        return (self.file, *self.overrides)

    @property
    def prefix(self) -> list[str]:
        files = [arg for path in self.files for arg in ("--file", str(path))]
        return ["docker", "compose", "--project-name", self.project, *files]

    def call(self, *args: str, check: bool = True, timeout: float | None = None) -> subprocess.CompletedProcess[str]:
        argv = [*self.prefix, *args]
        limit = timeout or self.timeout
        try:
            done = self.run(
                argv, capture_output=True, text=True, timeout=limit, stdin=subprocess.DEVNULL, env=self.variables
            )
        except subprocess.TimeoutExpired as error:
            raise CommandTimedOut(argv, limit) from error
        if check and done.returncode != 0:
            raise CommandFailed(argv, done.returncode, done.stderr)
        return done

    def config(self) -> dict[str, Any]:
        """The normalized model: Compose itself resolves short/long syntax,
        string/list commands and duration spellings."""
        model: dict[str, Any] = json.loads(self.call("config", "--format", "json").stdout)
        return model

    def up(self, *services: str, force_recreate: bool = False) -> None:
        # --no-build/--pull never: the suite tests the image that is there, it fetches nothing.
        self.call(
            "up",
            "--detach",
            "--no-build",
            "--pull",
            "never",
            *(["--force-recreate"] if force_recreate else []),
            *services,
        )

    def stop(self, *services: str) -> None:
        self.call("stop", *services)

    def restart(self, *services: str) -> None:
        self.call("restart", *services)

    def rm(self, *services: str) -> None:
        """Stop and remove the services' containers; named volumes and the network stay."""
        self.call("rm", "--stop", "--force", *services)

    def down(self, *, volumes: bool, timeout: float | None = None) -> None:
        self.call("down", "--remove-orphans", "--timeout", "5", *(["--volumes"] if volumes else []), timeout=timeout)

    def exec(
        self, service: str, argv: Sequence[str], *, password: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run `argv` in the service; with `password`, redis-cli there finds it in
        REDISCLI_AUTH, passed through the environment, never on a command line."""
        if password is None:
            return self.call("exec", "-T", service, *argv, check=False)
        with_auth = replace(self, variables={**(self.variables or os.environ), REDISCLI_AUTH: password})
        return with_auth.call("exec", "-T", "--env", REDISCLI_AUTH, service, *argv, check=False)

    def ps(self) -> str:
        return self.call("ps", "--all", check=False).stdout

    def operator_shell(self) -> dict[str, str]:
        """What an operator's shell holds so that plain `docker compose ...` targets this run."""
        # Absolute, for a shell in another folder (a backup's); os.pathsep: COMPOSE_FILE's own separator.
        files = os.pathsep.join(str(path.absolute()) for path in self.files)
        return {**(self.variables or os.environ), "COMPOSE_PROJECT_NAME": self.project, "COMPOSE_FILE": files}


def compose_version(run: Runner = subprocess.run) -> str:
    """`docker compose version --short`; raises CommandFailed if the plugin is missing."""
    argv = ["docker", "compose", "version", "--short"]
    try:
        done = run(argv, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    except FileNotFoundError as error:
        raise CommandFailed(argv, 127, "docker: command not found") from error
    if done.returncode != 0:
        raise CommandFailed(argv, done.returncode, done.stderr)
    return done.stdout.strip()

"""The real `docker compose` CLI, always as an argv list, always with this run's
own project name and file."""
from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.errors import CommandFailed, CommandTimedOut

Runner = Callable[..., subprocess.CompletedProcess[str]]

# Compose 2.20.2 is the first to pass healthcheck.start_interval to the engine.
MIN_COMPOSE = (2, 20, 2)


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

    @property
    def prefix(self) -> list[str]:
        return ["docker", "compose", "--project-name", self.project, "--file", str(self.file)]

    def call(self, *args: str, check: bool = True, timeout: float | None = None) -> subprocess.CompletedProcess[str]:
        argv = [*self.prefix, *args]
        limit = timeout or self.timeout
        try:
            done = self.run(argv, capture_output=True, text=True, timeout=limit, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as error:
            raise CommandTimedOut(argv, limit) from error
        if check and done.returncode != 0:
            raise CommandFailed(argv, done.returncode, done.stderr)
        return done

    def config(self) -> dict[str, Any]:
        """The normalized model: Compose itself resolves short/long syntax,
        string/list commands and duration spellings."""
        return json.loads(self.call("config", "--format", "json").stdout)

    def up(self, *services: str) -> None:
        # --no-build/--pull never: the suite tests the image that is there, it fetches nothing.
        self.call("up", "--detach", "--no-build", "--pull", "never", *services)

    def stop(self, *services: str) -> None:
        self.call("stop", *services)

    def restart(self, *services: str) -> None:
        self.call("restart", *services)

    def down(self, *, volumes: bool) -> None:
        self.call("down", "--remove-orphans", "--timeout", "5", *(["--volumes"] if volumes else []))

    def exec(self, service: str, argv: Sequence[str]) -> subprocess.CompletedProcess[str]:
        return self.call("exec", "-T", service, *argv, check=False)

    def ps(self) -> str:
        return self.call("ps", "--all", check=False).stdout

    def environment(self) -> Mapping[str, str]:
        """What an operator exports so plain `docker compose ...` targets this run."""
        return {"COMPOSE_PROJECT_NAME": self.project, "COMPOSE_FILE": str(self.file)}


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

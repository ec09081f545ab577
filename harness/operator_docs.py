"""The README's operator commands: a ```console block under the heading
"Operator commands". `$ ` lines are commands; the lines under one are what it
prints, each expected to appear (as a substring, in order) in its output."""

from __future__ import annotations

import re
import shlex
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

HEADING = "## Operator commands"
_BLOCK = re.compile(r"```console\n(.*?)```", re.S)


class OperatorDocsError(ValueError):
    pass


@dataclass(frozen=True)
class Documented:
    command: str
    expected: tuple[str, ...]

    @property
    def argv(self) -> list[str]:
        return shlex.split(self.command)


@dataclass(frozen=True)
class Outcome:
    documented: Documented
    returncode: int | None  # None: stopped at its deadline
    output: str
    deadline: float = 0.0

    @property
    def missing(self) -> list[str]:
        """Expected lines not found, in order, in the output."""
        remaining = self.output.splitlines()
        missing: list[str] = []
        for line in self.documented.expected:
            index = next((i for i, got in enumerate(remaining) if line in got), None)
            if index is None:
                missing.append(line)
            else:
                remaining = remaining[index + 1 :]
        return missing

    @property
    def as_documented(self) -> bool:
        return self.returncode == 0 and not self.missing

    def __str__(self) -> str:
        if self.returncode is None:
            ended = f"did not finish within {self.deadline:g} s, stopped"
        else:
            ended = f"exit {self.returncode}"
        verdict = "as documented" if self.as_documented else f"missing {self.missing}"
        return f"$ {self.documented.command} -> {ended}, {verdict}; printed {self.output.strip()!r}"


def parse(readme: str) -> list[Documented]:
    if HEADING not in readme:
        raise OperatorDocsError(f"the README has no {HEADING!r} section")
    block = _BLOCK.search(readme.split(HEADING, 1)[1])
    if not block:
        raise OperatorDocsError(f"the {HEADING!r} section has no ```console block")
    commands: list[Documented] = []
    for line in block.group(1).splitlines():
        if line.startswith("$ "):
            commands.append(Documented(line[2:].strip(), ()))
        elif line.strip() and commands:
            last = commands[-1]
            commands[-1] = Documented(last.command, (*last.expected, line.strip()))
    for documented in commands:
        if documented.argv[:2] != ["docker", "compose"]:
            raise OperatorDocsError(f"not a `docker compose` command: {documented.command!r}")
    return commands


def run_all(
    readme: Path,
    env: Mapping[str, str],
    timeout: float,
    run: Callable[..., subprocess.CompletedProcess[str]] = subprocess.run,
) -> list[Outcome]:
    """Run each documented command as written, against the project that `env`
    names through COMPOSE_PROJECT_NAME and COMPOSE_FILE, each stopped at
    `timeout` seconds (an `up --wait` on a service that never turns healthy
    would otherwise sit through its whole start period and retries)."""
    outcomes = []
    for documented in parse(readme.read_text(encoding="utf-8")):
        try:
            done = run(
                documented.argv, capture_output=True, text=True, timeout=timeout, env=env, stdin=subprocess.DEVNULL
            )
        except subprocess.TimeoutExpired as expired:
            printed = "".join(_text(part) for part in (expired.stdout, expired.stderr))
            outcomes.append(Outcome(documented, None, printed, timeout))
            continue
        outcomes.append(Outcome(documented, done.returncode, done.stdout + done.stderr, timeout))
    return outcomes


def _text(output: str | bytes | None) -> str:
    return output.decode(errors="replace") if isinstance(output, bytes) else (output or "")

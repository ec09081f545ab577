"""The README's operator commands: a ```console block under the heading
"Operator commands". `$ ` lines are commands; the lines under one are what it
prints, each expected to appear (as a substring, in order) in its output."""

from __future__ import annotations

import functools
import re
import shlex
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from harness.infra.data_log import Damage

HEADING = "## Operator commands"
# Under HEADING, each run by the scenario of its own criterion (features/ops), on what it needs:
REPAIR = "### Repairing a damaged log"  # a damaged log
BACKUP = "### Backing up"  # a service under load
RESTORE = "### Restoring a backup"  # a backup, and a service to replace
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
    returncode: int | None  # None: stopped at its deadline, or once its outcome was decided
    output: str
    deadline: float = 0.0
    decided: str | None = None  # why it was stopped before its deadline

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
        if self.decided is not None:
            ended = f"stopped before its {self.deadline:g} s, as {self.decided}"
        elif self.returncode is None:
            ended = f"did not finish within {self.deadline:g} s, stopped"
        else:
            ended = f"exit {self.returncode}"
        verdict = "as documented" if self.as_documented else f"missing {self.missing}"
        return f"$ {self.documented.command} -> {ended}, {verdict}; printed {self.output.strip()!r}"


@dataclass(frozen=True)
class Followed:
    """The README's commands of one section (`what` they are), run as written."""

    section: str
    outcomes: tuple[Outcome, ...]

    @property
    def what(self) -> str:
        return f"the README's {self.section}"

    @property
    def wrong(self) -> list[str]:
        """Each command that did not do what the README says; a section with none found is wrong too."""
        return [str(o) for o in self.outcomes if not o.as_documented] if self.outcomes else ["no commands found"]

    @property
    def value(self) -> list[str]:
        return [str(o) for o in self.outcomes]

    def __str__(self) -> str:
        done = len(self.outcomes) - len([o for o in self.outcomes if not o.as_documented])
        return f"{done} of the README's {len(self.outcomes)} {self.section} commands did what it says."


# redis-check-aof: "This will shrink the AOF <file> from <size> bytes, with <cut> bytes, to <kept> bytes".
_SHRINK = re.compile(r"shrink the AOF (\S+) from (\d+) bytes, with (\d+) bytes, to (\d+) bytes")


@dataclass(frozen=True)
class Repair:
    """The README's repair of a damaged log, as run: whether it did what the README says,
    and where it cut the log, beside where the damage was."""

    followed: Followed
    damage: Damage
    what = "the README's repair"

    @property
    def kept(self) -> int:
        """The bytes of the damaged file the repair kept (-1: it said nothing of a cut)."""
        cut = next((m for o in self.followed.outcomes if (m := _SHRINK.search(o.output))), None)
        return int(cut[4]) if cut else -1

    @property
    def at_the_damage(self) -> bool:
        """It cut the log at the damage: before it, and not at its start."""
        return 0 < self.kept <= self.damage.at

    @property
    def value(self) -> list[str]:
        return self.followed.value

    def __str__(self) -> str:
        if self.kept < 0:
            return f"The repair said nothing of a cut ({self.followed})."
        return f"The repair cut {self.damage.file} to {self.kept} bytes; the damage was at byte {self.damage.at}."


def parse(readme: str, heading: str = HEADING) -> list[Documented]:
    """The commands of the first ```console block under `heading`."""
    if heading not in readme:
        raise OperatorDocsError(f"the README has no {heading!r} section")
    block = _BLOCK.search(readme.split(heading, 1)[1])
    if not block:
        raise OperatorDocsError(f"the {heading!r} section has no ```console block")
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


class Decided(Exception):
    """A command stopped before its deadline because its outcome was decided."""

    def __init__(self, reason: str, output: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.output = output


def run_watched(
    argv: list[str],
    *,
    timeout: float,
    decided: Callable[[], str | None],
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    slice_: float = 0.2,
    **_: object,
) -> subprocess.CompletedProcess[str]:
    """subprocess.run, but asking `decided` every `slice_` seconds while the
    command runs: an `up --wait` on a service whose health check has already
    failed while Redis answers is stopped then, not at its deadline."""
    started = time.monotonic()
    with subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, env=env, cwd=cwd
    ) as process:
        while True:
            try:
                left = started + timeout - time.monotonic()
                stdout, stderr = process.communicate(timeout=min(slice_, max(0.01, left)))
                return subprocess.CompletedProcess(argv, process.returncode, stdout, stderr)
            except subprocess.TimeoutExpired:
                reason = decided()
                if reason is None and time.monotonic() < started + timeout:
                    continue
                process.kill()
                stdout, stderr = process.communicate()
                if reason is not None:
                    raise Decided(reason, stdout + stderr) from None
                raise subprocess.TimeoutExpired(argv, timeout, stdout, stderr) from None


def run_all(
    readme: Path,
    env: Mapping[str, str],
    timeout: float,
    run: Callable[..., subprocess.CompletedProcess[str]] | None = None,
    decided: Callable[[], str | None] = lambda: None,
    heading: str = HEADING,
    cwd: Path | None = None,
) -> list[Outcome]:
    """Run each documented command as written, against the project that `env`
    names through COMPOSE_PROJECT_NAME and COMPOSE_FILE, each stopped at
    `timeout` seconds (an `up --wait` on a service that never turns healthy
    would otherwise sit through its whole start period and retries), or as
    soon as `decided` names a reason the service cannot turn healthy. `cwd`: where
    relative paths lead (a backup's folder), the caller's own by default."""
    outcomes = []
    for documented in parse(readme.read_text(encoding="utf-8"), heading):
        # Only a command that waits on health is decided by it.
        watching = decided if "--wait" in documented.argv else lambda: None
        try:
            done = (run or functools.partial(run_watched, decided=watching))(
                documented.argv,
                capture_output=True,
                text=True,
                timeout=timeout,
                env=env,
                stdin=subprocess.DEVNULL,
                cwd=cwd,
            )
        except subprocess.TimeoutExpired as expired:
            printed = "".join(_text(part) for part in (expired.stdout, expired.stderr))
            outcomes.append(Outcome(documented, None, printed, timeout))
            continue
        except Decided as stopped:
            outcomes.append(Outcome(documented, None, stopped.output, timeout, stopped.reason))
            continue
        outcomes.append(Outcome(documented, done.returncode, done.stdout + done.stderr, timeout))
    return outcomes


def _text(output: str | bytes | None) -> str:
    return output.decode(errors="replace") if isinstance(output, bytes) else (output or "")

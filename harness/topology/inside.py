"""What a running container shows from inside: its configured health check,
run by hand as Docker runs it, the users of its processes and the owners of
its data files, each through one `exec`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from docker.models.containers import Container

from harness.core.errors import HarnessError
from harness.service.definition import DATA_DIR

# The real uid of every process whose command line starts with redis-server
# (Redis rewrites its title to "redis-server *:6379"). A process may end while
# it is looked at (Redis's AOF-rewrite child): the shell's own "can't open" for
# its redirection is silenced with the braces, not by tr's 2>/dev/null.
_SERVER_UIDS = r"""
for p in /proc/[0-9]*; do
  case "$({ tr '\0' ' ' < "$p/cmdline"; } 2>/dev/null)" in
    redis-server*) awk '/^Uid:/ {print $2}' "$p/status" 2>/dev/null ;;
  esac
done
"""


@dataclass(frozen=True)
class HealthRun:
    test: tuple[str, ...]
    exit_code: int
    output: str

    def __str__(self) -> str:
        return f"{list(self.test)} exited {self.exit_code}, printed {self.output!r}"


def health_argv(attrs: dict[str, Any]) -> tuple[tuple[str, ...], list[str]]:
    """The configured health test and the argv Docker runs for it."""
    test = tuple((attrs["Config"].get("Healthcheck") or {}).get("Test") or ["NONE"])
    if test[0] == "CMD":
        return test, list(test[1:])
    if test[0] == "CMD-SHELL":
        return test, ["/bin/sh", "-c", test[1]]
    raise HarnessError(f"{attrs['Name'].lstrip('/')} has no health check configured (test {list(test)})")


def run_health_check(container: Container) -> HealthRun:
    """The health command the container is configured with, run now, as Docker
    would, instead of waiting for Docker's next interval."""
    test, argv = health_argv(container.attrs)
    exit_code, output = container.exec_run(argv, demux=False)
    return HealthRun(test, exit_code or 0, text(output).strip())


def server_uids(container: Container) -> list[int]:
    """The uid of each redis-server process in the container, as its kernel reports it."""
    return [int(uid) for uid in _exec(container, _SERVER_UIDS).split()]


def data_owners(container: Container) -> dict[str, int]:
    """The owning uid of the data directory and of every file in it."""
    lines = _exec(container, f"find {DATA_DIR} -exec stat -c '%u %n' {{}} +").splitlines()
    return {name: int(uid) for uid, _, name in (line.partition(" ") for line in lines if line)}


def _exec(container: Container, script: str) -> str:
    exit_code, output = container.exec_run(["/bin/sh", "-c", script])
    printed = text(output)
    if exit_code != 0:
        raise HarnessError(f"`{script}` in {container.name} exited {exit_code}: {printed.strip()[-300:]}")
    return printed


def text(output: bytes | Iterator[bytes] | None) -> str:
    """What `exec_run` printed (bytes, as the suite never streams it)."""
    return output.decode(errors="replace") if isinstance(output, bytes) else ""

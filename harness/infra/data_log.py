"""Redis's append-only log as it lies in its data volume, damaged while Redis
is stopped as a power cut or a failing disk leaves it: its newest part torn
in the middle of a command, or bytes gone wrong in its middle. Each act is
one helper beside the container's volumes (harness/infra/volume_helper.py)."""

from __future__ import annotations

from dataclasses import dataclass

import docker
from docker.models.containers import Container

from harness.core.errors import HarnessError
from harness.infra import volume_helper

LOG_DIR = "/data/appendonlydir"  # Redis 7's multi-part log: base file, increments, manifest
MANIFEST = "appendonly.aof.manifest"
GARBAGE = "garbage"  # the 7 bytes a bad sector or a half-written page puts where a command was

# The newest increment the manifest names (`file <name> seq <n> type i`, and since Redis 8
# ` startoffset <n>` after it), and its size.
_NEWEST = f"""set -e
cd {LOG_DIR}
name=$(sed -n -e 's/^file \\(.*\\) seq [0-9]* type i$/\\1/p' \\
  -e 's/^file \\(.*\\) seq [0-9]* type i .*$/\\1/p' {MANIFEST} | tail -n 1)
[ -n "$name" ] || {{ echo "no increment in the manifest" >&2; exit 1; }}
echo "$name $(wc -c < "$name")"
"""


@dataclass(frozen=True)
class Damage:
    """What was done to the log: which file, how big it was, and from which byte on."""

    how: str  # "torn" (cut short) or "damaged" (bytes inserted)
    file: str
    size: int  # bytes before the act
    at: int  # the offset the act began at
    what = "the append-only log, damaged"

    @property
    def value(self) -> str:
        return f"{self.how} {self.file} at byte {self.at} of {self.size}"

    def __str__(self) -> str:
        if self.how == "torn":
            return f"The log's newest part ({self.file}) was cut short at byte {self.at} of {self.size}."
        where = f"the log's newest part ({self.file}) at byte {self.at} of {self.size}"
        return f"{len(GARBAGE)} stray bytes were put into {where}."


def tear(client: docker.DockerClient, container: Container, project: str, cut: int) -> Damage:
    """Cut the newest increment `cut` bytes short: the end of its last command is lost."""
    name, size = _newest(client, container, project)
    at = max(size - cut, 0)
    _act(client, container, project, f"set -e; cd {LOG_DIR}; truncate -s {at} '{name}'")
    return Damage("torn", name, size, at)


def damage(client: docker.DockerClient, container: Container, project: str, last: int) -> Damage:
    """Put GARBAGE into the newest increment, halfway into its `last` bytes (the
    writes under test), in the place of nothing: every command after it is
    still whole, yet the log no longer reads from there."""
    name, size = _newest(client, container, project)
    at = max(size - last // 2, 0)
    script = (
        f"set -e; cd {LOG_DIR}; head -c {at} '{name}' > /tmp/log; printf {GARBAGE} >> /tmp/log; "
        f"tail -c +{at + 1} '{name}' >> /tmp/log; cat /tmp/log > '{name}'"  # `cat >` keeps its owner and mode
    )
    _act(client, container, project, script)
    return Damage("damaged", name, size, at)


def _newest(client: docker.DockerClient, container: Container, project: str) -> tuple[str, int]:
    name, _, size = _act(client, container, project, _NEWEST).strip().rpartition(" ")
    if not name or not size.isdigit():
        raise HarnessError(f"cannot read the log's newest part in {LOG_DIR}: {name} {size}")
    return name, int(size)


def _act(client: docker.DockerClient, container: Container, project: str, script: str) -> str:
    return volume_helper.act(client, container, project, script, f"acting on the log in {LOG_DIR}")

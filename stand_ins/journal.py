"""The journal: what each consumer process did and when, one JSON line per
event in a file of its own (so concurrent writers never interleave), with
CLOCK_MONOTONIC times, which every process on the machine shares."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Entry:
    pid: int
    role: str
    event: str
    t: float  # time.monotonic() when it was written
    fields: dict[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.fields[name]

    def __str__(self) -> str:
        extra = " ".join(f"{k}={v}" for k, v in self.fields.items())
        return f"{self.role}[{self.pid}] {self.event} at {self.t:.3f}" + (f" {extra}" if extra else "")


class Journal:
    """The writing side, in a consumer process."""

    def __init__(self, directory: Path, role: str) -> None:
        self.role = role
        self.path = directory / f"{role}-{os.getpid()}.jsonl"

    def write(self, event: str, **fields: Any) -> float:
        now = time.monotonic()
        line = json.dumps({"pid": os.getpid(), "role": self.role, "event": event, "t": now, **fields})
        with self.path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")
        return now


def read(directory: Path) -> list[Entry]:
    """Every complete entry so far, in time order (a line still being written is skipped)."""
    entries = []
    for path in directory.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
            if not line.endswith("\n"):
                continue
            raw = json.loads(line)
            pid, role, event, t = raw.pop("pid"), raw.pop("role"), raw.pop("event"), raw.pop("t")
            entries.append(Entry(pid, role, event, t, raw))
    return sorted(entries, key=lambda e: e.t)

"""What the run observed, recorded by steps through one call and written once
at the end, so reports (and the benchmark) read facts instead of logs."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Fact:
    criterion: str
    what: str
    value: object


@dataclass
class Evidence:
    facts: list[Fact] = field(default_factory=list)

    def record(self, criterion: str, what: str, value: object) -> None:
        self.facts.append(Fact(criterion, what, value))

    def about(self, criterion: str) -> list[Fact]:
        return [fact for fact in self.facts if fact.criterion == criterion]

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps([asdict(f) for f in self.facts], indent=2, default=str) + "\n")

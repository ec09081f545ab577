"""What the run observed. Steps call `record(what, value)`; the criterion and
scenario come from the scenario being run, so a shared step files its fact
under whichever criterion it is proving. Reports read these facts; steps never
format reports."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Fact:
    criterion: str
    scenario: str
    what: str
    value: object


@dataclass
class Evidence:
    facts: list[Fact] = field(default_factory=list)
    environment: dict[str, str] = field(default_factory=dict)  # engine, compose, image, Redis
    failures: dict[str, str] = field(default_factory=dict)  # scenario name -> diagnostics
    criterion: str = "run"
    scenario: str = ""

    def begin(self, criterion: str, scenario: str) -> None:
        self.criterion, self.scenario = criterion, scenario

    def record(self, what: str, value: object) -> None:
        self.facts.append(Fact(self.criterion, self.scenario, what, value))

    def about(self, criterion: str) -> list[Fact]:
        return [fact for fact in self.facts if fact.criterion == criterion]

    def to_json(self) -> str:
        document = {"environment": self.environment, "facts": [asdict(f) for f in self.facts]}
        return json.dumps(document, indent=2, default=str) + "\n"

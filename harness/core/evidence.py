"""What the run observed. Steps call `observe(finding)` with a probe's typed
finding, which says itself, or `record(what, value, said)`; the criterion
and scenario come from the scenario being run, so a shared step files its fact
under whichever criterion it is proving. `value` is the raw fact, for
evidence.json and scripts; `said` is the same fact in one sentence for the
product owner, which the sign-off shows. Reports read these facts; steps never
format reports."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Protocol, TypeVar, runtime_checkable

from harness.core.engine_kind import EngineKind

SINGLE_NODE, SENTINEL = "single node", "Sentinel"  # the topologies a run signs off
OPERATIONS = "storage and memory faults"  # the single node again, under the faults of features/ops


class Finding(Protocol):
    """A typed fact a probe observed: its name, its raw value, and (`str`) its
    one sentence for the product owner. A Then step asserts on its fields."""

    @property
    def what(self) -> str: ...

    @property
    def value(self) -> object: ...


F = TypeVar("F", bound=Finding)


@runtime_checkable
class SetsForTheTest(Protocol):
    """A finding made under a setting the test chose, which production does not have."""

    @property
    def test_setting(self) -> tuple[str, str]:
        """(its name, its value as said): `("visibility timeout", "1 s")`."""
        ...


@dataclass(frozen=True)
class Fact:
    criterion: str
    scenario: str
    what: str
    value: object
    said: str  # one plain sentence, no reprs, scripts or machine paths


@dataclass
class Evidence:
    facts: list[Fact] = field(default_factory=list)
    environment: dict[str, str] = field(default_factory=dict)  # engine, compose, image, Redis
    failures: dict[str, str] = field(default_factory=dict)  # scenario name -> diagnostics
    engine: EngineKind | None = None  # what kind of engine ran the service, once it answered
    image_from_registry: bool | None = None  # whether the image that ran came from a registry
    topology: str = SINGLE_NODE  # what the run's scenarios are the specification of
    test_settings: dict[str, str] = field(default_factory=dict)  # what the test set, by name (SetsForTheTest)
    criterion: str = "run"
    scenario: str = ""

    def begin(self, criterion: str, scenario: str) -> None:
        self.criterion, self.scenario = criterion, scenario

    def record(self, what: str, value: object, said: str) -> None:
        self.facts.append(Fact(self.criterion, self.scenario, what, value, said))

    def observe(self, finding: F) -> F:
        """Record a probe's finding, in its own words; returns it, for the step's assertion."""
        self.record(finding.what, finding.value, str(finding))
        if isinstance(finding, SetsForTheTest):
            name, value = finding.test_setting
            self.test_settings[name] = value
        return finding

    def answering_after_crash(self, seconds: float) -> None:
        """A fact every crash scenario records: how long Redis took to answer again."""
        self.record(
            "seconds from crash to answering",
            round(seconds, 3),
            f"Redis answered again {seconds:.2f} s after the crash.",
        )

    def about(self, criterion: str) -> list[Fact]:
        return [fact for fact in self.facts if fact.criterion == criterion]

    def to_json(self) -> str:
        document = {
            "environment": self.environment,
            "engine": asdict(self.engine) if self.engine else None,
            "image_from_registry": self.image_from_registry,
            "topology": self.topology,
            "test settings": self.test_settings,
            "facts": [asdict(f) for f in self.facts],
        }
        return json.dumps(document, indent=2, default=str) + "\n"

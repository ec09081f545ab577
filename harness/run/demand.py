"""Which consumer processes the run's steps start, step by step, read from the
steps' own declarations (`@takes` in harness/run/steps.py) before the run
begins; so a spare of a kind is loaded only while a step still to come takes
one, and a step that starts one without declaring it fails in one line."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

TAKES = "takes"  # the attribute `@takes` sets on a step's function
UNKNOWN = -2  # a scenario the plan does not know is running: every kind wanted and declared


@dataclass
class RunDemand:
    plan: list[frozenset[str]]  # each step of the run, in order: the kinds of process it takes
    starts: dict[int, int]  # id(scenario) -> the index of its first step (a Background's included) in `plan`
    position: int = -1  # the step now running; -1 before the first
    scenario_end: int = 0  # the index just after the running scenario's last step
    _later: list[frozenset[str]] = field(default_factory=list)  # what the steps after each one take

    def __post_init__(self) -> None:
        later: frozenset[str] = frozenset()
        self._later = [frozenset()] * len(self.plan)
        for index in range(len(self.plan) - 1, -1, -1):
            self._later[index] = later
            later = later | self.plan[index]
        self._first = later  # what the whole run takes, before its first step

    @classmethod
    def of(cls, scenarios: Iterable[Any], kinds_of: Callable[[Any], frozenset[str]]) -> RunDemand:
        """The demand of `scenarios` in run order, each step's kinds given by `kinds_of(step)`."""
        plan: list[frozenset[str]] = []
        starts: dict[int, int] = {}
        for scenario in scenarios:
            starts[id(scenario)] = len(plan)
            plan.extend(kinds_of(step) for step in scenario.all_steps)
        return cls(plan, starts)

    @classmethod
    def unknown(cls) -> RunDemand:
        """Before the run's scenarios are known: every kind wanted and declared."""
        return cls([], {}, position=UNKNOWN)

    def scenario_begins(self, scenario: Any) -> None:
        """At a scenario's start (before its Background); one the plan does not know leaves the demand unknown."""
        start = self.starts.get(id(scenario))
        self.position = UNKNOWN if start is None else start - 1
        self.scenario_end = 0 if start is None else start + len(list(scenario.all_steps))

    def step_begins(self) -> None:
        if self.position != UNKNOWN:
            self.position += 1

    def wanted(self, kind: str) -> bool:
        if self.position == UNKNOWN or self.position >= len(self.plan):
            return True
        return _among(kind, self._first if self.position < 0 else self._later[self.position])

    def declared(self, kind: str) -> bool:
        if not 0 <= self.position < len(self.plan):
            return True  # outside a known step: nothing to hold it to
        return _among(kind, self.plan[self.position])

    def ahead(self, scenarios: int = 2) -> frozenset[str]:
        """The kinds the steps of the next `scenarios` scenarios take, named exactly
        (not by a pattern): what is worth loading now, while this one ends."""
        if self.position == UNKNOWN:
            return frozenset()
        later = sorted(start for start in self.starts.values() if start >= self.scenario_end)
        end = later[scenarios] if len(later) > scenarios else len(self.plan)
        kinds = frozenset(kind for step in self.plan[self.scenario_end : end] for kind in step)
        return frozenset(kind for kind in kinds if not any(c in kind for c in "*?["))

    def this_scenario(self) -> ScenarioDemand:
        """The same, for processes only this scenario uses (consumers seated on a network for it alone)."""
        return ScenarioDemand(self)


@dataclass
class ScenarioDemand:
    """A run's demand up to the end of the running scenario only."""

    run: RunDemand

    def wanted(self, kind: str) -> bool:
        run = self.run
        if run.position == UNKNOWN:
            return True
        return any(_among(kind, step) for step in run.plan[run.position + 1 : run.scenario_end])

    def declared(self, kind: str) -> bool:
        return self.run.declared(kind)


def _among(kind: str, declared: frozenset[str]) -> bool:
    """A declaration names a kind, or several by a pattern (`celery-*`: a Celery worker of any queue)."""
    return any(fnmatchcase(kind, pattern) for pattern in declared)


def of_run(features: Iterable[Any], config: Any, registry: Any) -> RunDemand:
    """The demand of the scenarios behave will run, each step's kinds as its
    matched function declares them; `registry`: the runner's own (behave 1.3
    loads the steps into one of the runner's, not into the module's global one)."""

    def kinds_of(step: Any) -> frozenset[str]:
        match = registry.find_match(step)
        if match is None:
            return frozenset()
        arguments = {argument.name: argument.value for argument in match.arguments or () if argument.name}
        return frozenset(kind.format(**arguments) for kind in getattr(match.func, TAKES, ()))

    scenarios = (s for feature in features for s in feature.walk_scenarios() if s.should_run(config))
    return RunDemand.of(scenarios, kinds_of)

"""Every mutant fails exactly the scenarios its header names; every equivalent
passes; no run leaves anything on the engine."""

from __future__ import annotations

import pytest

from tests.catalogue.catalogue import EQUIVALENTS, MUTANTS, Case, run_suite
from tests.catalogue.conftest import SCORE
from tests.support.inventory import engine_objects, run_processes

MUTANT_CASES = [Case.parse(p) for p in sorted(MUTANTS.glob("*.yml"))]
EQUIVALENT_CASES = [Case.parse(p) for p in sorted(EQUIVALENTS.glob("*.yml"))]

pytestmark = pytest.mark.engine


@pytest.mark.parametrize("case", MUTANT_CASES, ids=lambda c: c.name)
def test_mutant_fails_exactly_the_named_scenarios(case: Case):
    before = engine_objects()
    outcome = run_suite(case)
    left = engine_objects() - before
    judged = outcome.failed - case.may_fail
    killed = outcome.returncode == 1 and judged == case.fails
    SCORE["mutants"].append(killed)
    assert outcome.returncode == 1, f"{case.mistake}: behave exited {outcome.returncode}; {outcome.stderr}"
    unexpected = {name: outcome.reasons.get(name, "") for name in sorted(judged - case.fails)}
    assert sorted(judged) == sorted(case.fails), (
        f"{case.mistake}: unexpected failures {unexpected}, missing failures {sorted(case.fails - outcome.failed)}"
    )
    assert not left, f"left behind on the engine: {left}"
    assert not run_processes(outcome.project), f"processes left running: {run_processes(outcome.project)}"


@pytest.mark.parametrize("case", EQUIVALENT_CASES, ids=lambda c: c.name)
def test_equivalent_passes(case: Case):
    before = engine_objects()
    outcome = run_suite(case)
    left = engine_objects() - before
    passed = outcome.returncode == 0 and not outcome.failed and outcome.executed > 0
    SCORE["equivalents"].append(passed)
    assert passed, f"{case.mistake}: exit {outcome.returncode}, failed {outcome.reasons}; {outcome.stderr}"
    assert not left, f"left behind on the engine: {left}"
    assert not run_processes(outcome.project), f"processes left running: {run_processes(outcome.project)}"


def test_the_catalogue_is_large_enough_and_every_mutant_names_its_failures():
    assert len(MUTANT_CASES) >= 15 and len(EQUIVALENT_CASES) >= 5
    assert all(c.fails and c.mistake for c in MUTANT_CASES), [c.name for c in MUTANT_CASES if not c.fails]

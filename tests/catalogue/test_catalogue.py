"""Every mutant fails exactly the scenarios its header names; every equivalent
passes, by model equality where it has the delivered file's model, else by a
whole run; no run leaves anything on the engine. And, in the quick loop:
every case is today's delivered file plus its one change."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from behave.configuration import Configuration
from behave.parser import parse_file

from tests.support.catalogue import (
    DELIVERED,
    EQUIVALENTS,
    MUTANTS,
    ROOT,
    Case,
    equivalents,
    killed,
    model,
    mutants,
    passed,
    run_suite,
    selection,
)
from tests.support.inventory import engine_objects, run_processes

MUTANT_CASES = mutants()
EQUIVALENT_CASES = equivalents()
SAME_MODEL = [c for c in EQUIVALENT_CASES if c.same_model_as]
OTHER_MODEL = [c for c in EQUIVALENT_CASES if not c.same_model_as]
# With a password file and another bind address too: the model is compared in both of the file's modes.
MODES = {
    "by default": {},
    "with a password": {"REDIS_PASSWORD_FILE": "/run/opterp20-password", "REDIS_BIND_ADDRESS": "0.0.0.0"},
}
FEATURES = ROOT / "features"


def costed(cases: list[Case]) -> list[object]:
    """The cases as parameters, each with its run's measured cost, so the longest start first."""
    return [
        pytest.param(case, marks=pytest.mark.cost(case.cost[0], cores=case.cost[1]), id=case.name) for case in cases
    ]


@pytest.mark.engine
@pytest.mark.suite_run
@pytest.mark.parametrize("case", costed(MUTANT_CASES))
def test_mutant_fails_exactly_the_named_scenarios(case: Case, verdict: Callable[[str], None]):
    before = engine_objects()
    outcome = run_suite(case)
    left = engine_objects() - before
    verdict("killed" if killed(case, outcome) else "survived")
    assert outcome.returncode == 1, f"{case.mistake}: behave exited {outcome.returncode}; {outcome.stderr}"
    unexpected = {name: outcome.reasons.get(name, "") for name in sorted(outcome.failed - case.fails)}
    assert sorted(outcome.failed) == sorted(case.fails), (
        f"{case.mistake}: unexpected failures {unexpected}, missing failures {sorted(case.fails - outcome.failed)}"
    )
    assert not left, f"left behind on the engine: {left}"
    assert not run_processes(outcome.project), f"processes left running: {run_processes(outcome.project)}"


@pytest.mark.engine
@pytest.mark.suite_run
@pytest.mark.parametrize("case", costed(OTHER_MODEL))
def test_equivalent_passes(case: Case, verdict: Callable[[str], None]):
    before = engine_objects()
    outcome = run_suite(case)
    left = engine_objects() - before
    verdict("passed" if passed(outcome) else "failed")
    assert passed(outcome), f"{case.mistake}: exit {outcome.returncode}, failed {outcome.reasons}; {outcome.stderr}"
    assert not left, f"left behind on the engine: {left}"
    assert not run_processes(outcome.project), f"processes left running: {run_processes(outcome.project)}"


@pytest.mark.docker_cli
@pytest.mark.parametrize("case", SAME_MODEL, ids=lambda c: c.name)
def test_equivalent_has_the_delivered_files_model(case: Case, tmp_path: Path, verdict: Callable[[str], None]):
    """A run of it is a run of the delivered file: Compose acts on the model alone."""
    derived = case.derive(tmp_path)
    same = {mode: model(derived, env) == model(ROOT / case.same_model_as, env) for mode, env in MODES.items()}
    verdict("passed" if all(same.values()) else "failed")
    assert all(same.values()), f"{case.mistake}: its model differs from {case.same_model_as}'s {same}"


@pytest.mark.docker_cli
def test_a_changed_model_is_told_apart(tmp_path: Path):
    """The comparison sees a difference that matters: a mutant's model is not the delivered one."""
    aof_off = next(case for case in MUTANT_CASES if case.name == "aof-off")
    assert model(aof_off.derive(tmp_path)) != model(ROOT / "docker-compose.yml")


@pytest.mark.parametrize("case", MUTANT_CASES + EQUIVALENT_CASES, ids=lambda c: c.name)
def test_a_case_is_todays_delivered_file_plus_its_change_alone(case: Case):
    """It applies to today's file, and what it runs differs from that file in the lines its diff names, no others."""
    delivered = (ROOT / case.target).read_text(encoding="utf-8").splitlines()
    derived = case.text().splitlines()  # DoesNotApply: the delivered file changed where the case changes it
    if case.patch is None:
        assert derived == delivered and case.environment, f"{case.name}: no diff, so its mistake is in its environment"
        return
    named = sorted(line for hunk in case.patch.hunks for line in _changes(list(hunk.old), list(hunk.new)))
    assert sorted(_changes(delivered, derived)) == named, f"{case.name}: differs in more than its diff names"


@pytest.mark.parametrize("case", MUTANT_CASES, ids=lambda c: c.name)
def test_every_scenario_a_mutant_names_exists_and_only_the_timing_ones_are_left_out(case: Case):
    scenarios = _scenarios()
    named = case.fails | case.may_fail
    assert named - scenarios == set(), f"{case.name} names scenarios no feature has: {sorted(named - scenarios)}"
    args = selection(case)
    if "--name" in args:
        pattern = re.compile(args[args.index("--name") + 1])
        left_out = {s for s in scenarios if not pattern.search(s.split(": ", 1)[1])}
        assert left_out == case.may_fail, f"{case.name}: --name leaves out {sorted(left_out)}"


def test_the_catalogue_is_large_enough_and_every_mutant_names_its_failures():
    assert len(MUTANT_CASES) >= 51 and len(EQUIVALENT_CASES) >= 8 and len(OTHER_MODEL) >= 5
    assert all(c.fails and c.mistake for c in MUTANT_CASES), [c.name for c in MUTANT_CASES if not c.fails]
    assert {c.target for c in MUTANT_CASES} == set(DELIVERED)


def test_the_catalogues_folders_hold_its_cases_and_the_files_they_name_nothing_else():
    """A stray file (a copy left by a conversion, say) would read as a case that is never run."""
    named = {Path(value).resolve() for case in MUTANT_CASES + EQUIVALENT_CASES for _, value in case.environment}
    cases = {case.path.resolve() for case in MUTANT_CASES + EQUIVALENT_CASES}
    files = {p.resolve() for folder in (MUTANTS, EQUIVALENTS) for p in folder.rglob("*") if p.is_file()}
    assert sorted(str(p.relative_to(ROOT)) for p in files - cases - named) == []


def _changes(before: list[str], after: list[str]) -> list[str]:
    """The lines removed (`-`) and added (`+`) from `before` to `after`."""
    diff = difflib.unified_diff(before, after, lineterm="", n=0)
    return [line for line in diff if line[:1] in "-+" and not line.startswith(("---", "+++"))]


def _scenarios() -> set[str]:
    """Every scenario of the features, as "file.feature: name": an outline's rows
    named as behave names them in a run (pyproject's annotation schema)."""
    Configuration([])  # applies [tool.behave] (scenario_outline_annotation_schema) to the parser's outlines
    return {f"{path.name}: {s.name}" for path in FEATURES.rglob("*.feature") for s in parse_file(path).walk_scenarios()}

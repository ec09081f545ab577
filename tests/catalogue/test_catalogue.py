"""Every mutant fails exactly the scenarios its header names; every equivalent
passes, by model equality where it has the delivered file's model, else by a
whole run; no run leaves anything on the engine."""

from __future__ import annotations

import pytest

from tests.support.catalogue import EQUIVALENTS, MUTANTS, ROOT, SCORE, Case, judged, killed, model, passed, run_suite
from tests.support.inventory import engine_objects, run_processes

# tests/mutants/ha: broken copies of docker-compose.ha.yml, run against the @ha features;
# tests/mutants/clients: the delivered file, with one of the consumers' client settings left out.
MUTANT_CASES = [Case.parse(p) for p in sorted(MUTANTS.glob("*.yml")) + sorted(MUTANTS.glob("*/*.yml"))]
EQUIVALENT_CASES = [Case.parse(p) for p in sorted(EQUIVALENTS.glob("*.yml"))]
SAME_MODEL = [c for c in EQUIVALENT_CASES if c.same_model_as]
OTHER_MODEL = [c for c in EQUIVALENT_CASES if not c.same_model_as]
# With a password file and another bind address too: the model is compared in both of the file's modes.
MODES = {
    "by default": {},
    "with a password": {"REDIS_PASSWORD_FILE": "/run/opterp20-password", "REDIS_BIND_ADDRESS": "0.0.0.0"},
}


@pytest.mark.engine
@pytest.mark.suite_run
@pytest.mark.parametrize("case", MUTANT_CASES, ids=lambda c: c.name)
def test_mutant_fails_exactly_the_named_scenarios(case: Case):
    before = engine_objects()
    outcome = run_suite(case)
    left = engine_objects() - before
    SCORE["mutants"].append(killed(case, outcome))
    assert outcome.returncode == 1, f"{case.mistake}: behave exited {outcome.returncode}; {outcome.stderr}"
    counted = judged(case, outcome)
    unexpected = {name: outcome.reasons.get(name, "") for name in sorted(counted - case.fails)}
    assert sorted(counted) == sorted(case.fails), (
        f"{case.mistake}: unexpected failures {unexpected}, missing failures {sorted(case.fails - outcome.failed)}"
    )
    assert not left, f"left behind on the engine: {left}"
    assert not run_processes(outcome.project), f"processes left running: {run_processes(outcome.project)}"


@pytest.mark.engine
@pytest.mark.suite_run
@pytest.mark.parametrize("case", OTHER_MODEL, ids=lambda c: c.name)
def test_equivalent_passes(case: Case):
    before = engine_objects()
    outcome = run_suite(case)
    left = engine_objects() - before
    SCORE["equivalents"].append(passed(outcome))
    assert passed(outcome), f"{case.mistake}: exit {outcome.returncode}, failed {outcome.reasons}; {outcome.stderr}"
    assert not left, f"left behind on the engine: {left}"
    assert not run_processes(outcome.project), f"processes left running: {run_processes(outcome.project)}"


@pytest.mark.docker_cli
@pytest.mark.parametrize("case", SAME_MODEL, ids=lambda c: c.name)
def test_equivalent_has_the_delivered_files_model(case: Case):
    """A run of it is a run of the delivered file: Compose acts on the model alone."""
    same = {mode: model(case.path, env) == model(ROOT / case.same_model_as, env) for mode, env in MODES.items()}
    SCORE["equivalents"].append(all(same.values()))
    assert all(same.values()), f"{case.mistake}: its model differs from {case.same_model_as}'s {same}"


@pytest.mark.docker_cli
def test_a_changed_model_is_told_apart():
    """The comparison sees a difference that matters: a mutant's model is not the delivered one."""
    aof_off = MUTANTS / "aof-off.yml"
    assert model(aof_off) != model(ROOT / "docker-compose.yml")


def test_the_catalogue_is_large_enough_and_every_mutant_names_its_failures():
    assert len(MUTANT_CASES) >= 15 and len(EQUIVALENT_CASES) >= 5 and len(OTHER_MODEL) >= 5
    assert all(c.fails and c.mistake for c in MUTANT_CASES), [c.name for c in MUTANT_CASES if not c.fails]

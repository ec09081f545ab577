"""The storage and memory faults' features, run as CI runs them: `behave
--tags=@ops` against a copy of docker-compose.yml alone in an empty folder,
as OpticsERP places it: every scenario executed, its own sign-off, and
nothing left behind (its small disk and helper containers included)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from harness.reporting.specifications import OPS_SECTIONS
from tests.support.behave_run import ROOT, Finished, behave, junit_totals, why_failed
from tests.support.inventory import engine_objects, run_processes

ops_run_tests = pytest.mark.xdist_group("ops-run")
WHOLE_RUN = pytest.mark.cost(20, cores=0.6)


@pytest.fixture(scope="module")
def ops_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Finished, Path, set[str]]:
    scratch = tmp_path_factory.mktemp("ops-run")
    alone = scratch / "OpticsERP" / "docker-compose.yml"
    alone.parent.mkdir()
    shutil.copy(ROOT / "docker-compose.yml", alone)
    reports, before = scratch / "reports", engine_objects()
    done = behave("--tags=@ops", "-D", f"compose_file={alone}", reports=reports, timeout=300)
    print(done.stdout, done.stderr, sep="\n")
    return done, reports, engine_objects() - before


@pytest.mark.engine
@pytest.mark.suite_run
@ops_run_tests
@WHOLE_RUN
def test_the_ops_features_pass_with_every_scenario_executed_and_nothing_left(ops_run):
    done, reports, left = ops_run
    assert done.returncode == 0, why_failed(done, reports)
    totals = junit_totals(reports)
    assert totals["tests"] >= sum(len(criteria) for _, criteria in OPS_SECTIONS) and totals["skipped"] == 0, totals
    assert " 0 skipped" in done.stdout.splitlines()[-3], done.stdout.splitlines()[-4:]
    assert left == set(), f"left behind on the engine: {left}"
    assert run_processes(done.project) == set(), "a process the run started outlived it"


@pytest.mark.engine
@pytest.mark.suite_run
@ops_run_tests
@WHOLE_RUN
def test_the_ops_sign_off_is_its_own_checklist_with_a_figure_on_every_line(ops_run):
    _, reports, _ = ops_run
    checklist = json.loads((reports / "signoff.json").read_text())
    [section] = checklist["sections"]
    assert section["title"] == OPS_SECTIONS[0][0]
    assert all(item["verdict"] == "passed" and item["facts"] for item in section["items"]), section["items"]

"""The storage and memory faults' features, run as CI runs them: `behave
--tags=@ops` against a copy of docker-compose.yml alone in an empty folder,
as OpticsERP places it: every scenario executed, its own sign-off, and
nothing left behind (its small disk and helper containers included)."""

from __future__ import annotations

import pytest

from harness.reporting.specifications import OPS_SECTIONS
from tests.support.kind_run import Run, passed_whole, run_alone, signed_off_alone

ops_run_tests = pytest.mark.xdist_group("ops-run")
WHOLE_RUN = pytest.mark.cost(20, cores=0.6)


@pytest.fixture(scope="module")
def ops_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return run_alone(tmp_path_factory.mktemp("ops-run"), "docker-compose.yml", "compose_file", "@ops", 300)


@pytest.mark.engine
@pytest.mark.suite_run
@ops_run_tests
@WHOLE_RUN
def test_the_ops_features_pass_with_every_scenario_executed_and_nothing_left(ops_run):
    passed_whole(*ops_run, OPS_SECTIONS)


@pytest.mark.engine
@pytest.mark.suite_run
@ops_run_tests
@WHOLE_RUN
def test_the_ops_sign_off_is_its_own_checklist_with_a_figure_on_every_line(ops_run):
    signed_off_alone(ops_run[1], OPS_SECTIONS)

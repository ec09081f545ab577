"""The Sentinel topology's features, run as CI runs them: `behave --tags=@ha`
against docker-compose.ha.yml, without a password and with one, on a copy of
the file alone in an empty folder, as OpticsERP places it."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.reporting.specifications import HA_SECTIONS
from tests.support.kind_run import Run, passed_whole, run_alone, signed_off_alone

PASSWORD = "opterp20 p@ss:/w?rd#% $'\"|&;\\"
FAILOVER_SCENARIOS = 9  # scenarios with a fault the sentinels must see: each gets its timeline picture
# Each run's tests go to one worker, the two runs to two; the longest work there is, so each starts first.
plain_run_tests = pytest.mark.xdist_group("ha-plain-run")
password_run_tests = pytest.mark.xdist_group("ha-password-run")
WHOLE_RUN = pytest.mark.cost(230, cores=0.4)


def ha_run(scratch: Path, env: dict[str, str] | None = None) -> Run:
    return run_alone(scratch, "docker-compose.ha.yml", "ha_compose_file", "@ha", 600, env)


@pytest.fixture(scope="module")
def plain_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return ha_run(tmp_path_factory.mktemp("ha-run"))


@pytest.fixture(scope="module")
def password_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    scratch = tmp_path_factory.mktemp("ha-password-run")
    file = scratch / "redis-password"
    file.write_text(PASSWORD + "\n")
    file.chmod(0o600)
    return ha_run(scratch, {"REDIS_PASSWORD_FILE": str(file)})


@pytest.mark.engine
@pytest.mark.suite_run
@plain_run_tests
@WHOLE_RUN
def test_the_ha_features_pass_with_every_scenario_executed_and_nothing_left(plain_run):
    passed_whole(*plain_run, HA_SECTIONS)


@pytest.mark.engine
@pytest.mark.suite_run
@plain_run_tests
@WHOLE_RUN
def test_the_ha_sign_off_is_its_own_checklist_with_a_figure_on_every_line(plain_run):
    signed_off_alone(plain_run[1], HA_SECTIONS)


@pytest.mark.engine
@pytest.mark.suite_run
@plain_run_tests
@WHOLE_RUN
def test_report_html_draws_each_failover_from_its_events(plain_run):
    _, reports, _ = plain_run
    html = (reports / "report.html").read_text()
    assert html.count("<svg") >= FAILOVER_SCENARIOS and "new main Redis named by every sentinel" in html


@pytest.mark.engine
@pytest.mark.suite_run
@password_run_tests
@WHOLE_RUN
def test_the_ha_features_pass_with_a_password_and_no_report_shows_it(password_run):
    done, reports, left = password_run
    passed_whole(done, reports, left, HA_SECTIONS)
    showing = [p.name for p in reports.iterdir() if p.is_file() and PASSWORD in p.read_text(errors="replace")]
    assert showing == [] and PASSWORD not in done.stdout + done.stderr, f"reports that show the password: {showing}"

from pathlib import Path

from tests.support.catalogue import Case

HEADER = """# Mistake: AOF not switched on
# Breaks: @ac:aof
# Runs: all
# Note: a note that wraps
#   onto a second line
# Fails exactly:
#   definition.feature: Append-only persistence is switched on
#   persistence.feature: A write acknowledged a second before a crash survives the crash
services: {}
"""


def test_the_header_names_the_mistake_the_run_and_the_exact_failures(tmp_path: Path):
    path = tmp_path / "aof-off.yml"
    path.write_text(HEADER)
    case = Case.parse(path)
    assert (case.name, case.mistake, case.runs) == ("aof-off", "AOF not switched on", "all")
    assert case.fails == {
        "definition.feature: Append-only persistence is switched on",
        "persistence.feature: A write acknowledged a second before a crash survives the crash",
    }


def test_an_equivalent_has_no_failures(tmp_path: Path):
    path = tmp_path / "long.yml"
    path.write_text("# Equivalent: long syntax\nservices: {}\n")
    case = Case.parse(path)
    assert (case.mistake, case.runs, case.fails) == ("long syntax", "all", frozenset())


def test_a_case_may_name_the_environment_its_run_is_given(tmp_path: Path):
    path = tmp_path / "plain.yml"
    path.write_text(
        "# Mistake: plain password\n# Environment: REDIS_PASSWORD_FILE=tests/mutants/secrets/plain-password\n"
        "# Fails exactly:\n#   security.feature: x\nservices: {}\n"
    )
    ((name, value),) = Case.parse(path).environment
    assert name == "REDIS_PASSWORD_FILE" and value.endswith("/tests/mutants/secrets/plain-password")


def test_a_case_may_leave_scenarios_to_timing(tmp_path: Path):
    path = tmp_path / "aof-off.yml"
    path.write_text(
        HEADER.replace("services: {}\n", "# May also fail:\n#   celery_broker.feature: redelivery\nservices: {}\n")
    )
    case = Case.parse(path)
    assert len(case.fails) == 2
    assert case.may_fail == {"celery_broker.feature: redelivery"}


def test_a_case_of_the_sentinel_topology_runs_the_ha_features(tmp_path: Path):
    path = tmp_path / "quorum-3.yml"
    path.write_text(HEADER.replace("# Runs: all", "# Runs: ha"))
    assert Case.parse(path).runs == "ha"

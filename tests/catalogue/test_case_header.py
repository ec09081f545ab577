from pathlib import Path

import pytest

from tests.support.catalogue import Case, selection
from tests.support.patch import DoesNotApply

HEADER = """# Mistake: AOF not switched on
# Breaks: @ac:aof
# Runs: all
# Note: a note that wraps
#   onto a second line
# Fails exactly:
#   definition.feature: Append-only persistence is switched on
#   persistence.feature: A write acknowledged a second before a crash survives the crash
"""
DIFF = """--- docker-compose.yml
+++ docker-compose.yml
@@ -1,2 +1,2 @@
 services:
-  a: 1
+  a: 2
"""


def test_the_header_names_the_mistake_the_run_and_the_exact_failures(tmp_path: Path):
    path = tmp_path / "aof-off.patch"
    path.write_text(HEADER + DIFF)
    case = Case.parse(path)
    assert (case.name, case.mistake, case.runs) == ("aof-off", "AOF not switched on", "all")
    assert case.target == "docker-compose.yml"
    assert case.fails == {
        "definition.feature: Append-only persistence is switched on",
        "persistence.feature: A write acknowledged a second before a crash survives the crash",
    }


def test_a_field_may_go_on_over_several_lines(tmp_path: Path):
    path = tmp_path / "long.patch"
    path.write_text("# Mistake: a mistake that takes\n#   two lines to say\n" + DIFF)
    assert Case.parse(path).mistake == "a mistake that takes two lines to say"


def test_an_equivalent_has_no_failures(tmp_path: Path):
    path = tmp_path / "long.patch"
    path.write_text("# Equivalent: long syntax\n" + DIFF)
    case = Case.parse(path)
    assert (case.mistake, case.runs, case.fails) == ("long syntax", "all", frozenset())


def test_the_case_is_its_diff_applied_to_the_delivered_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("tests.support.catalogue.ROOT", tmp_path)
    (tmp_path / "docker-compose.yml").write_text("# the file\nservices:\n  a: 1\n")
    path = tmp_path / "a.patch"
    path.write_text(HEADER + DIFF)
    assert Case.parse(path).text() == "# the file\nservices:\n  a: 2\n"
    (tmp_path / "docker-compose.yml").write_text("services:\n  a: 3\n")
    with pytest.raises(DoesNotApply, match="hunk 1"):
        Case.parse(path).text()


def test_a_case_without_a_diff_runs_the_delivered_file_it_names(tmp_path: Path):
    path = tmp_path / "without-x.patch"
    path.write_text("# Mistake: x\n# Runs: clients\n# Compose file: docker-compose.ha.yml\n# Environment: A=b\n")
    case = Case.parse(path)
    assert (case.patch, case.target, case.environment) == (None, "docker-compose.ha.yml", (("A", "b"),))


def test_a_case_may_name_the_environment_its_run_is_given(tmp_path: Path):
    path = tmp_path / "plain.patch"
    path.write_text(
        "# Mistake: plain password\n# Environment: REDIS_PASSWORD_FILE=tests/mutants/secrets/plain-password\n"
        "# Fails exactly:\n#   security.feature: x\n" + DIFF
    )
    ((name, value),) = Case.parse(path).environment
    assert name == "REDIS_PASSWORD_FILE" and value.endswith("/tests/mutants/secrets/plain-password")


def test_the_scenarios_left_to_timing_are_not_run(tmp_path: Path):
    path = tmp_path / "aof-off.patch"
    path.write_text(HEADER + "# May also fail:\n#   celery_broker.feature: redelivery (after 1 s)\n" + DIFF)
    case = Case.parse(path)
    assert len(case.fails) == 2 and case.may_fail == {"celery_broker.feature: redelivery (after 1 s)"}
    assert selection(case) == ("--name", r"^(?!(?:redelivery\ \(after\ 1\ s\))$)", *case.features)


def test_a_case_of_the_sentinel_topology_runs_the_ha_features(tmp_path: Path):
    path = tmp_path / "quorum-3.patch"
    ha_diff = DIFF.replace("docker-compose.yml", "docker-compose.ha.yml")
    path.write_text(HEADER.replace("# Runs: all", "# Runs: ha") + ha_diff)
    case = Case.parse(path)
    assert (case.runs, case.target) == ("ha", "docker-compose.ha.yml")
    assert selection(case)[0] == "--tags=@ha"


def test_a_mutant_runs_the_features_that_hold_the_scenarios_it_names(tmp_path: Path):
    path = tmp_path / "aof-off.patch"
    path.write_text(HEADER + DIFF)
    case = Case.parse(path)
    assert case.features == tuple(sorted({f"features/{s.split(': ')[0]}" for s in case.fails}))
    assert selection(case)[-len(case.features) :] == case.features
    ha = tmp_path / "quorum-3.patch"
    ha.write_text(
        HEADER.replace("# Runs: all", "# Runs: ha").replace("definition.feature", "topology.feature")
        + DIFF.replace("docker-compose.yml", "docker-compose.ha.yml")
    )
    assert all(f.startswith("features/ha/") for f in Case.parse(ha).features)

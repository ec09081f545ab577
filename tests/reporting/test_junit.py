import xml.etree.ElementTree as ET
from pathlib import Path

from harness.reporting import junit


def test_a_run_that_never_started_is_one_red_error_case_and_old_green_files_go(tmp_path: Path):
    (tmp_path / "TESTS-definition.xml").write_text('<testsuite tests="11" failures="0" errors="0"/>')
    path = junit.write_error(tmp_path, "preflight", "DockerDaemonUnreachable", "Docker daemon unreachable", stale=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["TESTS-run.xml"]
    suite = ET.parse(path).getroot()
    assert (suite.get("tests"), suite.get("errors")) == ("1", "1")
    error = suite.find("testcase/error")
    assert error.get("type") == "DockerDaemonUnreachable" and error.get("message") == "Docker daemon unreachable"


def test_a_cleanup_error_keeps_the_features_results(tmp_path: Path):
    (tmp_path / "TESTS-definition.xml").write_text("<testsuite/>")
    junit.write_error(tmp_path, "cleanup", "CleanupFailed", "volume x in use")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["TESTS-definition.xml", "TESTS-run.xml"]
    junit.clear(tmp_path)  # the next run starts with none of this one's files: they are not its results
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_run_leaves_nothing_of_an_earlier_run_that_ran_other_features(tmp_path: Path):
    (tmp_path / "TESTS-availability.xml").write_text("<testsuite/>")  # the single node's, before an @ha run
    (tmp_path / "bench-tests.xml").write_text("<testsuite/>")  # not behave's: left alone
    junit.clear(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bench-tests.xml"]

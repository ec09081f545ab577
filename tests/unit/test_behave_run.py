"""The suite's own tests read a failed behave run through `why_failed`: each
failing scenario's error first, since CI shows only the start of a message."""

from pathlib import Path

from tests.support.behave_run import Finished, why_failed

# The shape behave's JUnit reporter writes for a failed step (behave/reporter/junit.py).
JUNIT = """<testsuite name="ha.majority" tests="2" failures="1" errors="0" skipped="0">
  <testcase classname="ha.majority" name="With one sentinel down" status="passed"/>
  <testcase classname="ha.majority" name="With two sentinels down" status="failed">
    <failure type="DeadlineExceeded" message="redis-2 master: not reached within 15 s (redis-3: link down)">
      Failing step: Then it is master again
    </failure>
  </testcase>
</testsuite>"""


def test_a_failed_run_leads_with_each_failing_scenarios_error(tmp_path: Path) -> None:
    (tmp_path / "TESTS-ha.majority.xml").write_text(JUNIT)
    done = Finished(1, "sign-off\n" * 2000, "", "opterp20-accept-t0", 1.0)
    lines = why_failed(done, tmp_path).splitlines()
    assert lines[:2] == [
        "behave exited 1",
        "- With two sentinels down: redis-2 master: not reached within 15 s (redis-3: link down)",
    ]


def test_a_run_without_reports_still_shows_its_console() -> None:
    done = Finished(2, "refused: no engine\n", "", "opterp20-accept-t0", 0.1)
    assert why_failed(done).splitlines()[:3] == ["behave exited 2", "console, last lines:", "refused: no engine"]

"""report.html opens with the sign-off's verdict, put after behave's formatter wrote it."""

from pathlib import Path

from harness.reporting.html_verdict import BANNER_ID, SHOWN, open_with_verdict, plan_order
from tests.support.runs import provisional_run

PAGE = '<html><head><title>OPTERP-20 acceptance</title></head><body class="x"><div>steps</div></body></html>'


def test_the_verdict_comes_first_in_the_page_once(tmp_path: Path):
    report, signoff = tmp_path / "report.html", tmp_path / "signoff.json"
    report.write_text(PAGE)
    signoff.write_text(provisional_run().to_json())
    assert open_with_verdict(report, signoff)
    page = report.read_text()
    body = page.index('<body class="x">') + len('<body class="x">')
    assert page[body:].startswith(f'<section id="{BANNER_ID}"')
    assert "<strong>PROVISIONAL</strong>" in page and "To be PASSED: the same run" in page
    assert page.index("Acceptance criteria</td>") < page.index("<div>steps</div>")
    assert not open_with_verdict(report, signoff) and page == report.read_text()  # never twice


def test_a_run_without_a_sign_off_leaves_the_page_as_it_is(tmp_path: Path):
    report = tmp_path / "report.html"
    report.write_text(PAGE)
    assert not open_with_verdict(report, tmp_path / "signoff.json") and report.read_text() == PAGE


def test_the_steps_code_locations_are_hidden_until_asked_for(tmp_path: Path):
    report, signoff = tmp_path / "report.html", tmp_path / "signoff.json"
    report.write_text(PAGE)
    signoff.write_text(provisional_run().to_json())
    open_with_verdict(report, signoff)
    page = report.read_text()
    assert f"body:not(.{SHOWN}) .step-capsule > .flex-left-space {{display: none}}" in page
    assert f"classList.toggle('{SHOWN}')" in page


def test_the_features_are_shown_in_the_plans_order(tmp_path: Path):
    report, signoff = tmp_path / "report.html", tmp_path / "signoff.json"
    report.write_text(PAGE)
    signoff.write_text(provisional_run().to_json())
    open_with_verdict(report, signoff, ["Definition", "Availability </script>"])
    assert 'var order = ["Definition", "Availability <\\/script>"];' in report.read_text()


def test_the_plans_order_is_that_of_the_first_criterion_each_feature_proves():
    features = [
        ("Availability", ["OPTERP-20", "ac:starts", "ac:ping"]),
        ("Sync lock", ["fit:lock-exclusive"]),
        ("Definition", ["ac:port", "ac:compose-file"]),
        ("Notes", ["wip"]),
    ]
    criteria = ["ac:compose-file", "ac:port", "ac:starts", "ac:ping", "fit:lock-exclusive"]
    assert plan_order(features, criteria) == ["Definition", "Availability", "Sync lock", "Notes"]

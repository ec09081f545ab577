"""report.html opens with the sign-off's verdict, put after behave's formatter wrote it."""

from pathlib import Path

from harness.reporting.html_verdict import BANNER_ID, open_with_verdict
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

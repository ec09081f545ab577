"""A criterion the plan ties to Docker Desktop or to the registry's image
says where it passed instead, and its box stays unticked."""

from harness.reporting.signoff_md import markdown
from tests.support.runs import passing_run, provisional_run


def _item(run, key_text: str):
    return next(item for section in run.sections for item in section.items if item.text.startswith(key_text))


def test_on_linux_with_a_stand_in_the_rows_say_where_they_passed_and_are_not_ticked():
    run = provisional_run()
    starts, image = _item(run, "Redis starts successfully"), _item(run, "Redis 7-alpine service defined")
    assert starts.shown == "passed on Docker Engine on Linux" and not starts.ticked
    assert image.shown == "passed on an image built or loaded locally, not the registry's" and not image.ticked
    text = markdown(run)
    assert f"- [ ] {starts.text} (`{starts.label}`): **passed on Docker Engine on Linux**" in text
    assert _item(run, "Port 6379 exposed").ticked  # not tied to the platform: ticked as it passed


def test_on_what_the_plan_assumes_the_rows_read_passed_and_are_ticked():
    run = passing_run()
    for text in ("Redis starts successfully", "Redis 7-alpine service defined"):
        item = _item(run, text)
        assert item.shown == "passed" and item.ticked


def test_the_overview_opens_the_sign_off_with_each_section_counted_and_what_to_read():
    run = provisional_run()
    overview = dict(run.overview)
    assert overview["Acceptance criteria"] == "10 of 10 passed (2 not where the plan says)"
    assert overview["Testing strategy"] == "3 of 3 passed" and overview["Further checks"] == "5 of 5 passed"
    assert overview["Fit for the plan's consumers"] == "13 of 13 passed"
    assert overview["Changes from the plan to approve"] == "5" and overview["Not verified by this run"] == "3"
    text = markdown(run)
    assert text.index("| Acceptance criteria | 10 of 10 passed") < text.index("## Changes from the plan")

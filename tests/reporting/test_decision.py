"""The product owner's part of the sign-off: what would make a run PASSED,
and the decision block, one box per thing to decide, closing every body."""

import dataclasses

from harness.reporting import adf_nodes, jira_format
from harness.reporting.checklist import RUN_FAILED, RUN_PASSED, RUN_PROVISIONAL
from harness.reporting.criteria import CHANGES
from harness.reporting.decision import BOX, TITLE
from harness.reporting.signoff_md import markdown
from harness.reporting.wiki_markup import wiki_text
from tests.support.runs import failing_run, passing_run, provisional_run, sentinel_run


def test_a_provisional_run_says_what_would_make_it_passed_under_its_verdict():
    run = provisional_run()
    assert run.verdict == RUN_PROVISIONAL
    assert run.to_pass == (
        "To be PASSED: the same run, every criterion passing, "
        "on the registry's redis:7-alpine and Docker Desktop on Windows."
    )
    text = markdown(run)
    assert text.index(run.to_pass) < text.index("## Changes from the plan")


def test_a_passed_run_needs_nothing_more_and_a_failed_one_names_what_to_fix():
    assert passing_run().verdict == RUN_PASSED and passing_run().to_pass == ""
    failed = failing_run()
    assert failed.verdict == RUN_FAILED
    assert failed.to_pass.startswith(f"To be PASSED: fix the {failed.headline.split()[0]} failed criteria; every ")


def test_the_decision_has_a_box_for_each_change_each_item_not_verified_and_the_verdict_with_its_commit():
    run = dataclasses.replace(provisional_run(), run=(("git commit", "5b48e8f"), ("branch", "main")))
    boxes = run.decision.boxes
    assert len(boxes) == len(CHANGES) + len(run.not_verified) + 1 and all(b.startswith(BOX) for b in boxes)
    assert boxes[-1] == f"{BOX} I accept this PROVISIONAL run of commit 5b48e8f as the sign-off of OPTERP-20."
    # Each item not verified by its subject: what the stand-in was is said once, under Not verified.
    assert f"{BOX} I accept as not verified: The registry's redis:7-alpine (see Not verified)" in boxes
    assert any("built or loaded locally" in s for s in run.not_verified)
    assert not any("built or loaded locally" in box for box in boxes)
    text = markdown(run)
    assert text.rstrip().endswith("Signed by: ______________   Date: ______________   Commit: 5b48e8f")
    assert text.index(f"## {TITLE}") > text.index("## Run")


def test_a_failed_run_offers_nothing_to_sign():
    decision = failing_run().decision
    assert decision.boxes == [] and decision.closing.startswith("A FAILED run cannot be signed")


def test_both_jira_bodies_carry_the_decision_and_the_line_to_pass():
    run = provisional_run()
    wiki, adf = jira_format.wiki(run), jira_format.adf(run)
    assert f"h3. {wiki_text(TITLE)}" in wiki and wiki.count(f"* {BOX}") == len(run.decision.boxes)
    texts = adf_nodes.adf_texts(adf)
    assert run.to_pass in texts and sum(t.startswith(BOX) for t in texts) == len(run.decision.boxes)


def test_an_ha_run_names_the_two_runs_its_passed_takes():
    checklist = sentinel_run()
    assert checklist.verdict == "PROVISIONAL"
    assert checklist.to_pass.startswith("To be PASSED: two runs, signed together: ")
    assert "--tags=~@ha-partition` on Docker Desktop on Windows" in checklist.to_pass
    assert "`uv run behave --tags=@ha-partition` on a local Linux engine" in checklist.to_pass

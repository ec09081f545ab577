"""signoff.md: the run's verdict (PASSED only on what the plan assumes), the
changes from the plan and what the run did not verify above the checklists,
the plan's criteria counted as the plan counts them, evidence in sentences."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from harness.core.errors import DockerDaemonUnreachable
from harness.reporting.checklist import (
    CELL,
    CHANGES_TITLE,
    NOT_VERIFIED_TITLE,
    RUN_FAILED,
    RUN_PASSED,
    RUN_PROVISIONAL,
    build,
)
from harness.reporting.criteria import CONSUMERS, PLAN, STRATEGY
from harness.reporting.risks import POWER_LOSS
from harness.reporting.risks import TITLE as RISKS_TITLE
from harness.reporting.signoff import RunInfo, one_line
from harness.reporting.signoff_md import markdown
from harness.reporting.specifications import SECTIONS
from tests.support.runs import LINUX_ENGINE, RUN, evidence, failing_run, passing_run, provisional_run, results

ROOT = Path(__file__).resolve().parents[2]


def test_a_run_on_the_registry_image_and_docker_desktop_on_windows_passes():
    text = markdown(passing_run())
    assert text.splitlines()[2].startswith(f"**{RUN_PASSED}**: every criterion passed (the plan's 10 acceptance ")
    # What no run shows is left to the product owner even here: nothing else.
    assert text.split(f"## {NOT_VERIFIED_TITLE}")[1].split("## ")[0].strip() == f"- {POWER_LOSS}"


@pytest.mark.parametrize(
    ("found", "reason"),
    [
        (evidence(registry=False), "the image was built or loaded locally, not the registry's redis:7-alpine"),
        (evidence(engine=None), "the engine's kind was not observed"),
        (evidence(engine=LINUX_ENGINE), "the engine was Docker Engine on Linux, not Docker Desktop on Windows"),
    ],
    ids=["stand-in-image", "engine-unobserved", "linux-engine"],
)
def test_all_passed_on_something_the_plan_does_not_assume_is_provisional_and_says_what(found, reason):
    checklist = build(results(), found, RUN, None)
    assert checklist.verdict == RUN_PROVISIONAL
    assert reason in checklist.headline
    assert checklist.not_verified  # and the same reason, in full, under Not verified
    assert markdown(checklist).splitlines()[2].startswith(f"**{RUN_PROVISIONAL}**: every criterion passed")


def test_the_provisional_run_names_the_image_and_the_engine_that_ran(capsys):
    text = markdown(provisional_run())
    not_verified = text.split(f"## {NOT_VERIFIED_TITLE}")[1].split("## ")[0]
    assert "The registry's redis:7-alpine: the image that ran was built or loaded locally (offline stand-in)." in text
    assert "Docker Desktop on Windows, which the plan targets: the engine was Docker Engine on Linux" in not_verified
    print("\n".join(text.splitlines()[:16]))  # the top of a provisional signoff.md, for the closing note
    assert RUN_PROVISIONAL in capsys.readouterr().out


def test_a_failed_criterion_fails_the_run_and_is_named():
    checklist = failing_run()
    assert checklist.verdict == RUN_FAILED and checklist.headline == "2 of 31 criteria failed (ping, smoke)."
    text = markdown(checklist)
    assert "- [ ] Redis connectivity tested (redis-cli ping) (`@ac:ping`): **FAILED**" in text
    assert (
        "- [ ] 1. Smoke test: Redis starts, turns healthy and answers PONG (`@ac:starts, @ac:ping`): **FAILED**" in text
    )


def test_criteria_not_run_fail_the_run_and_are_listed_as_not_verified():
    checklist = build([r for r in results() if r.criterion != "docs"], evidence(), RUN, None)
    assert checklist.verdict == RUN_FAILED and "1 of 31 were not run (docs)" in checklist.headline
    assert "1 criteria were not run: docs." in checklist.not_verified
    assert "- [ ] Documentation updated (`@ac:docs`): **not run**" in markdown(checklist)


def test_a_refused_run_fails_and_says_why_for_every_criterion():
    error = DockerDaemonUnreachable("unix:///var/run/docker.sock", "no socket there", "start the engine")
    checklist = build([], evidence(), RUN, error)
    assert checklist.verdict == RUN_FAILED and checklist.headline == "The run did not start: Docker daemon unreachable."
    text = markdown(checklist)
    assert text.count("**not run: Docker daemon unreachable**") == sum(len(criteria) for _, criteria in SECTIONS)


def test_the_plans_criteria_are_counted_as_the_plan_lists_them_and_the_consumers_apart():
    text = markdown(passing_run())
    titles = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert titles[:3] == [CHANGES_TITLE, NOT_VERIFIED_TITLE, RISKS_TITLE]
    assert titles[3:7] == [title for title, _ in SECTIONS]
    assert titles[3] == "Acceptance criteria (the plan's 10)" and titles[4] == "Testing strategy (the plan's 3 tests)"
    plan = text.split(f"## {titles[3]}")[1].split("## ")[0]
    assert [line.split("] ", 1)[1].split(" (`@ac:")[0] for line in plan.splitlines() if line.startswith("- [")] == [
        c.text for c in PLAN
    ]
    assert (len(PLAN), len(STRATEGY), len(CONSUMERS)) == (10, 3, 13)
    assert "the plan's 10 acceptance criteria and 3 tests, 5 further checks and 13 criteria of its consumers" in text


def test_each_change_from_the_plan_says_why_and_carries_the_verdict_of_what_proves_it():
    text = markdown(failing_run())
    changes = text.split(f"## {CHANGES_TITLE}")[1].split("## ")[0]
    lines = [line for line in changes.splitlines() if line.startswith("- ")]
    assert len(lines) == 5 and all("*Why:*" in line and "Proven by `@" in line for line in lines)
    assert any("noeviction" in line and "`@fit:no-eviction`: **passed**" in line for line in lines)
    assert any("2.20.2" in line and "Engine 25" in line for line in lines)


def test_evidence_is_one_sentence_per_cell_within_the_bound():
    found = evidence()
    found.begin("aof", "Append-only persistence is active in the running server")
    found.record("server", {"raw": "kept for evidence.json"}, "A long sentence. " * 40)
    checklist = build(results(), found, RUN, None)
    facts = [fact for section in checklist.sections for item in section.items for fact in item.facts]
    assert facts and all(len(fact) <= CELL for fact in facts)
    assert "raw" not in markdown(checklist)


def test_a_hamcrest_failure_becomes_one_line_with_what_was_expected_and_seen():
    message = "ASSERT FAILED: persistence: appendonly=no\nExpected: <('yes', 1)>\n     but: was <('no', 0)>\n"
    assert one_line(message) == "persistence: appendonly=no Expected: <('yes', 1)> but: was <('no', 0)>"


def test_the_run_table_names_the_branch_commit_and_pipeline_ci_provides():
    github = {
        "GITHUB_REF_NAME": "main",
        "GITHUB_RUN_ID": "42",
        "GITHUB_REPOSITORY": "acme/opterp20",
        "GITHUB_SERVER_URL": "https://github.com",
    }
    rows = dict(RunInfo(ROOT / "docker-compose.yml", datetime(2026, 12, 1, tzinfo=UTC), 1.0, github).rows())
    assert rows["branch"] == "main" and rows["pipeline"] == "https://github.com/acme/opterp20/actions/runs/42"
    gitlab = {"CI_COMMIT_REF_NAME": "feature/x", "CI_PIPELINE_URL": "https://gitlab.example/p/-/pipelines/7"}
    rows = dict(RunInfo(ROOT / "docker-compose.yml", datetime(2026, 12, 1, tzinfo=UTC), 1.0, gitlab).rows())
    assert rows["branch"] == "feature/x" and rows["pipeline"].endswith("/pipelines/7")
    rows = dict(RunInfo(ROOT / "docker-compose.yml", datetime(2026, 12, 1, tzinfo=UTC), 1.0, {}).rows())
    assert rows["pipeline"] == "not run by CI" and rows["git commit"]


def test_a_run_of_the_sentinel_topology_signs_off_its_own_checklist_only():
    from harness.core.evidence import SENTINEL, Evidence
    from harness.reporting.checklist import build
    from harness.reporting.criteria_ha import HA_CHANGES
    from harness.reporting.signoff_md import markdown as render_markdown
    from harness.reporting.specifications import HA_SECTIONS

    evidence = Evidence(topology=SENTINEL)
    checklist = build([], evidence, [], None)
    assert [s.title for s in checklist.sections] == [title for title, _ in HA_SECTIONS]
    assert len(checklist.changes) == len(HA_CHANGES) and {c.verdict for c in checklist.changes} == {"not run"}
    assert "criteria were not run" in " ".join(checklist.not_verified)
    text = render_markdown(checklist)
    assert "min-replicas-to-write 1" in text and "Losing the whole host" in text

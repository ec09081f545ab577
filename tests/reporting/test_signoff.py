from datetime import UTC, datetime
from pathlib import Path

from harness.errors import DockerDaemonUnreachable
from harness.evidence import Evidence
from harness.reporting.criteria import ALSO, CONSUMERS, PLAN
from harness.reporting.signoff import FAILED, PASSED, RunInfo, ScenarioResult, one_line, render

ROOT = Path(__file__).resolve().parents[2]
RUN = RunInfo(ROOT / "docker-compose.yml", datetime(2026, 11, 25, 17, 0, tzinfo=UTC), 13.4)


def all_passed() -> list[ScenarioResult]:
    return [ScenarioResult(c.tag, f"proves {c.tag}", PASSED) for c in (*PLAN, *ALSO, *CONSUMERS)]


def test_a_green_run_is_ready_for_sign_off_with_the_plans_checklist_in_order():
    evidence = Evidence()
    evidence.begin("aof", "Append-only persistence is active in the running server")
    evidence.record("server", "redis_version=7.0.15 appendonly=yes")
    text = render(all_passed(), evidence, RUN)
    assert "**Ready for sign-off: all 17 criteria of the plan and all 11 criteria of its consumers passed.**" in text
    checklist = [line for line in text.splitlines() if line.startswith("- [")]
    assert [line.split("] ", 1)[1].split(" (`@ac:")[0] for line in checklist[:10]] == [c.text for c in PLAN]
    assert "  - observed server: redis_version=7.0.15 appendonly=yes" in text
    assert f"`{RUN.sha256}`" in text


def test_a_failed_criterion_blocks_sign_off_and_says_why():
    results = all_passed()
    reason = "Expected ['yes'] but: was None"
    results[3] = ScenarioResult("aof", "Append-only persistence is switched on", FAILED, reason)
    text = render(results, Evidence(), RUN)
    assert "**Sign-off blocked: 1 criteria failed (aof).**" in text
    assert "- [ ] AOF persistence enabled (`@ac:aof`): **FAILED**" in text
    assert "scenario *Append-only persistence is switched on*: FAILED: Expected ['yes'] but: was None" in text


def test_criteria_without_executed_scenarios_are_not_run():
    text = render([r for r in all_passed() if r.criterion != "docs"], Evidence(), RUN)
    assert "- [ ] Documentation updated (`@ac:docs`): **not run**" in text


def test_a_refused_run_says_not_run_and_why_for_every_criterion():
    error = DockerDaemonUnreachable("unix:///var/run/docker.sock", "no socket there", "start the engine")
    text = render([], Evidence(), RUN, refusal=error)
    assert "**Not run: Docker daemon unreachable.**" in text
    assert text.count("**not run: Docker daemon unreachable**") == len(PLAN) + len(ALSO) + len(CONSUMERS)


def test_an_image_not_from_the_registry_is_named_plainly():
    evidence = Evidence()
    evidence.environment["image"] = "redis:7-alpine sha256:0586ee24f3, built or loaded locally (offline stand-in)"
    assert "**Note: the image is not the registry's redis:7-alpine.** It was built or loaded locally" in render(
        all_passed(), evidence, RUN
    )


def test_a_hamcrest_failure_becomes_one_line_with_what_was_expected_and_seen():
    message = "ASSERT FAILED: persistence: appendonly=no\nExpected: <('yes', 1)>\n     but: was <('no', 0)>\n"
    assert one_line(message) == "persistence: appendonly=no Expected: <('yes', 1)> but: was <('no', 0)>"


def test_the_consumers_have_a_checklist_of_their_own_below_the_plans():
    results = all_passed()
    results[-1] = ScenarioResult("no-eviction", "When memory runs out", FAILED, "keys evicted: 3")
    evidence = Evidence()
    evidence.begin("lock-handover", "A waiting worker gets the lock")
    evidence.record("seconds from release to the waiter holding the lock", 0.0063)
    text = render(results, evidence, RUN)
    consumers = text.split("## Fit for the plan's consumers")[1].split("## Environment")[0]
    assert text.index("## Also verified") < text.index("## Fit for the plan's consumers")
    checklist = [line for line in consumers.splitlines() if line.startswith("- [")]
    assert [line.split("] ", 1)[1].split(" (`@fit:")[0] for line in checklist] == [c.text for c in CONSUMERS]
    assert "  - observed seconds from release to the waiter holding the lock: 0.0063" in consumers
    assert "(`@fit:no-eviction`): **FAILED**" in consumers
    assert "**Sign-off blocked: 1 criteria failed (no-eviction).**" in text

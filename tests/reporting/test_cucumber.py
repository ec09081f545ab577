"""The Cucumber JSON converter on behave's own model of real feature files."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import jsonschema
from behave.model_type import Status
from behave.parser import parse_feature

from harness.reporting import cucumber

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((Path(__file__).parent / "cucumber_json_schema.json").read_text())

OUTLINE = """@OPTERP-20
Feature: Sample
  Background:
    Given the Redis service is running

  @ac:ping
  Scenario Outline: Ping <n>
    When a client pings
    Then it answers "<answer>"

    Examples:
      | n | answer |
      | 1 | PONG   |
      | 2 | PONG   |
"""


def ran(feature, failing_step: str | None = None):
    """Mark every step passed, or failed from `failing_step` on, as a run would."""
    for scenario in feature.walk_scenarios():
        failed = False
        for step in scenario.all_steps:
            if failed:
                step.status = Status.skipped
            elif failing_step and step.name.startswith(failing_step):
                step.status, step.duration = Status.failed, 0.25
                step.error_message = "Assertion Failed: expected PONG\n  but: was 'NOAUTH'"
                failed = True
            else:
                step.status, step.duration = Status.passed, 0.0015
    return feature


def test_the_report_of_every_feature_file_validates():
    paths = sorted((ROOT / "features").glob("*.feature"))
    features = [ran(parse_feature(p.read_text(), filename=str(p))) for p in paths]
    report = cucumber.report(features)
    jsonschema.validate(report, SCHEMA)
    assert sum(len(f["elements"]) for f in report) == sum(len(list(f.walk_scenarios())) for f in features)


def test_outlines_are_expanded_with_the_background_inside_each_scenario():
    feature = ran(parse_feature(OUTLINE, filename="features/sample.feature"))
    elements = cucumber.report([feature])[0]["elements"]
    assert [e["type"] for e in elements] == ["scenario", "scenario"]
    names = [s["name"] for s in elements[0]["steps"]]
    assert names == ["the Redis service is running", "a client pings", 'it answers "PONG"']
    assert elements[0]["steps"][0]["keyword"] == "Given "


def test_tags_carry_their_lines_and_scenarios_inherit_the_feature_tags():
    element = cucumber.report([ran(parse_feature(OUTLINE, filename="x.feature"))])[0]["elements"][0]
    assert element["tags"] == [{"name": "@OPTERP-20", "line": 1}, {"name": "@ac:ping", "line": 6}]


def test_durations_are_nanoseconds_and_failures_carry_a_string_message():
    feature = ran(parse_feature(OUTLINE, filename="x.feature"), failing_step="it answers")
    report = cucumber.report([feature], {"Ping 1 -- @1.1 ": "state: exited"})
    jsonschema.validate(report, SCHEMA)
    steps = report[0]["elements"][0]["steps"]
    assert steps[0]["result"] == {"status": "passed", "duration": 1_500_000}
    assert steps[2]["result"]["status"] == "failed" and steps[2]["result"]["duration"] == 250_000_000
    assert steps[2]["result"]["error_message"].startswith("Assertion Failed: expected PONG")


def test_evidence_is_attached_to_the_last_step_of_its_scenario():
    feature = ran(parse_feature(OUTLINE, filename="x.feature"), failing_step="it answers")
    name = next(iter(feature.walk_scenarios())).name
    steps = cucumber.report([feature], {name: "state: exited"})[0]["elements"][0]["steps"]
    assert base64.b64decode(steps[-1]["embeddings"][0]["data"]) == b"state: exited"


def test_behave_statuses_map_onto_cucumbers_set():
    assert {cucumber.STATUS[s] for s in ("error", "hook_error", "untested", "pending_warn")} == {
        "failed",
        "skipped",
        "pending",
    }

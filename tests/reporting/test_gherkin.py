"""Xray parses features with Cucumber's own Gherkin parser; so must every file
here, and each must carry the tag scheme the README documents."""

from pathlib import Path

import pytest
from gherkin.parser import Parser
from gherkin.token_scanner import TokenScanner

from harness.reporting.criteria import ALSO, CONSUMERS, PLAN

ROOT = Path(__file__).resolve().parents[2]
FEATURES = sorted([*ROOT.glob("features/*.feature"), *ROOT.glob("load/*.feature")])
CONSUMER_KEYS = {"@OPTERP-21", "@OPTERP-22", "@OPTERP-24"}


def parse(path: Path) -> tuple[set[str], list[list[str]]]:
    """The feature's tags, and each scenario's own tags."""
    feature = Parser().parse(TokenScanner(path.read_text(encoding="utf-8")))["feature"]
    scenarios = [c["scenario"] for c in feature["children"] if "scenario" in c]
    return {t["name"] for t in feature["tags"]}, [[t["name"] for t in s["tags"]] for s in scenarios]


@pytest.mark.parametrize("path", FEATURES, ids=lambda p: p.name)
def test_the_feature_parses_and_tags_each_scenario_with_one_criterion_of_its_ticket(path: Path):
    tags, scenarios = parse(path)
    consumer = "@consumer" in tags
    assert consumer or "@OPTERP-20" in tags, tags
    assert not consumer or tags & CONSUMER_KEYS, f"a consumer feature names its consumer's ticket: {tags}"
    prefix = "@fit:" if consumer else "@ac:"
    assert scenarios and all(sum(t.startswith(prefix) for t in s) == 1 for s in scenarios), scenarios


def test_every_criterion_of_the_sign_off_has_a_scenario_and_every_scenario_a_criterion():
    tagged = {t for path in FEATURES for s in parse(path)[1] for t in s if t.startswith(("@ac:", "@fit:"))}
    assert tagged == {c.label for c in (*PLAN, *ALSO, *CONSUMERS)}

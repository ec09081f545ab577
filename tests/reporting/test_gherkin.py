"""Xray parses features with Cucumber's own Gherkin parser; so must every file
here, and each must carry the tag scheme the README documents."""

import re
from pathlib import Path

import pytest
from gherkin.parser import Parser
from gherkin.token_scanner import TokenScanner

from harness.reporting.criteria import ALL

ROOT = Path(__file__).resolve().parents[2]
FEATURES = sorted([*ROOT.glob("features/*.feature"), *ROOT.glob("features/ha/*.feature"), *ROOT.glob("load/*.feature")])
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
    # features/ha is the Sentinel topology's, collected only for `--tags=@ha`: every feature there says so.
    assert ("@ha" in tags) == (path.parent.name == "ha"), tags
    prefix = "@ha:" if "@ha" in tags else "@fit:" if consumer else "@ac:"
    assert scenarios and all(sum(t.startswith(prefix) for t in s) == 1 for s in scenarios), scenarios


def test_every_criterion_of_the_sign_off_has_a_scenario_and_every_scenario_a_criterion():
    tagged = {t for path in FEATURES for s in parse(path)[1] for t in s if t.startswith(("@ac:", "@fit:", "@ha:"))}
    assert tagged == {f"@{c.prefix}:{tag}" for c in ALL for tag in c.proven_by}


# What a product owner should not have to read in the words they sign.
JARGON = {
    r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b": "an environment variable's name",
    r"\b\d+/(tcp|udp)\b": "a protocol suffix",
    r"\bpublished port\b|\bstart period\b|\bredis-py\b|\bkombu\b": "an internal noun",
    r"\bgiving each\b|\b\d+ critical sections\b|\bvisibility timeout, and\b.*\d": "a test setting",
}


def steps_of(path: Path) -> list[str]:
    feature = Parser().parse(TokenScanner(path.read_text(encoding="utf-8")))["feature"]
    children = [c.get("scenario") or c.get("background") for c in feature["children"]]
    return [step["text"] for child in children if child for step in child["steps"]]


@pytest.mark.parametrize("path", FEATURES, ids=lambda p: p.name)
def test_step_text_is_in_business_words(path: Path):
    found = [f"{text!r}: {why}" for text in steps_of(path) for rule, why in JARGON.items() if re.search(rule, text)]
    assert found == []


def test_the_jargon_rules_catch_what_the_steps_once_said():
    before = [
        "host port 6379 is published to the service's port 6379/tcp",
        "only on this machine's loopback address, unless the operator names another in REDIS_BIND_ADDRESS",
        "the health check probes every 0.25 seconds during a start period",
        "8 sync workers each want to run 25 critical sections under the sync lock",
        "the operator runs every command the README documents, giving each 10 seconds",
    ]
    assert all(any(re.search(rule, text) for rule in JARGON) for text in before)

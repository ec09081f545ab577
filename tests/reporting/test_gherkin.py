"""Xray parses features with Cucumber's own Gherkin parser; so must every file
here, and each must carry the tag scheme the README documents."""

import re
from pathlib import Path

import pytest
from gherkin.parser import Parser
from gherkin.token_scanner import TokenScanner

from harness.reporting.specifications import ALL

ROOT = Path(__file__).resolve().parents[2]
FEATURES = sorted([*ROOT.glob("features/*.feature"), *ROOT.glob("features/*/*.feature"), *ROOT.glob("load/*.feature")])
# The folders of features collected only when asked for, each with the tag its features carry.
KIND_TAGS = {"ha": "@ha", "ops": "@ops"}
CONSUMER_KEYS = {"@OPTERP-21", "@OPTERP-22", "@OPTERP-24"}


def parse(path: Path) -> tuple[set[str], list[list[str]]]:
    """The feature's tags, and each scenario's own tags: an outline's block of
    examples counts as a scenario of its own, with the outline's tags and its own."""
    feature = Parser().parse(TokenScanner(path.read_text(encoding="utf-8")))["feature"]
    scenarios = [c["scenario"] for c in feature["children"] if "scenario" in c]
    own = [
        [t["name"] for t in (*s["tags"], *examples["tags"])]
        for s in scenarios
        for examples in s.get("examples") or [{"tags": []}]
    ]
    return {t["name"] for t in feature["tags"]}, own


@pytest.mark.parametrize("path", FEATURES, ids=lambda p: p.name)
def test_the_feature_parses_and_tags_each_scenario_with_one_criterion_of_its_ticket(path: Path):
    tags, scenarios = parse(path)
    consumer = "@consumer" in tags
    assert consumer or "@OPTERP-20" in tags, tags
    assert not consumer or tags & CONSUMER_KEYS, f"a consumer feature names its consumer's ticket: {tags}"
    # features/ha is the Sentinel topology's, collected only for `--tags=@ha` (features/ops for
    # `--tags=@ops`): every feature there says so.
    for folder, tag in KIND_TAGS.items():
        assert (tag in tags) == (path.parent.name == folder), tags
    kind = next((tag for tag in KIND_TAGS.values() if tag in tags), "")
    prefix = f"{kind}:" if kind else "@fit:" if consumer else "@ac:"
    assert scenarios and all(sum(t.startswith(prefix) for t in s) == 1 for s in scenarios), scenarios


def test_every_criterion_of_the_sign_off_has_a_scenario_and_every_scenario_a_criterion():
    tagged = {
        t for path in FEATURES for s in parse(path)[1] for t in s if t.startswith(("@ac:", "@fit:", "@ha:", "@ops:"))
    }
    assert tagged == {f"@{c.prefix}:{tag}" for c in ALL for tag in c.proven_by}


# What a product owner should not have to read in the words they sign.
JARGON = {
    r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b": "an environment variable's name",
    r"\b\d+/(tcp|udp)\b": "a protocol suffix",
    r"\bpublished port\b|\bstart period\b|\bredis-py\b|\bkombu\b": "an internal noun",
    r"\bgiving each\b|\b\d+ critical sections\b|\bvisibility timeout, and\b.*\d": "a test setting",
    # The Sentinel topology's terms: the README explains them; a step says what they mean.
    r"[+-][so]down\b|[+-](switch-master|failover|odown|sdown)\b|\bWAIT \d|\bNOREPLICAS\b": "a Sentinel event or reply",
    r"\bquorum\b|\bdown-after\b|\bmin-replicas\b|\bmaster\b|\breplicas?\b": "a Sentinel term",
}
# Where a finding came from belongs in the README, beside its figures.
CITATIONS = {
    r"\b[\w.-]+#\d+\b": "an issue number",
    r"\((19|20)\d\d\)": "a publication year",
    r"https?://": "an address",
    r"\b\d+(\.\d+)?-\d+(\.\d+)? s\b": "a measured range",
}


def steps_of(path: Path) -> list[str]:
    feature = Parser().parse(TokenScanner(path.read_text(encoding="utf-8")))["feature"]
    children = [c.get("scenario") or c.get("background") for c in feature["children"]]
    return [step["text"] for child in children if child for step in child["steps"]]


def descriptions_of(path: Path) -> list[str]:
    """The feature's description and every scenario's, line by line."""
    feature = Parser().parse(TokenScanner(path.read_text(encoding="utf-8")))["feature"]
    children = [c.get("scenario") or c.get("background") for c in feature["children"]]
    texts = [feature.get("description", ""), *(child.get("description", "") for child in children if child)]
    return [line.strip() for text in texts for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("path", FEATURES, ids=lambda p: p.name)
def test_step_text_is_in_business_words(path: Path):
    rules = {**JARGON, **CITATIONS}
    found = [f"{text!r}: {why}" for text in steps_of(path) for rule, why in rules.items() if re.search(rule, text)]
    assert found == []


@pytest.mark.parametrize("path", FEATURES, ids=lambda p: p.name)
def test_the_feature_opens_with_its_purpose_and_cites_no_source(path: Path):
    lines = descriptions_of(path)
    assert lines and lines[0].startswith("In order"), f"the description opens with {lines[:1]}"
    found = [f"{line!r}: {why}" for line in lines for rule, why in CITATIONS.items() if re.search(rule, line)]
    assert found == []


def test_the_jargon_rules_catch_what_the_steps_once_said():
    before = [
        "host port 6379 is published to the service's port 6379/tcp",
        "only on this machine's loopback address, unless the operator names another in REDIS_BIND_ADDRESS",
        "the health check probes every 0.25 seconds during a start period",
        "8 sync workers each want to run 25 critical sections under the sync lock",
        "the operator runs every command the README documents, giving each 10 seconds",
        "every sentinel names the same new master within 6 seconds of the crash",
        "a client writes continuously to the master the sentinels name, confirming each write with WAIT 1",
        "the master refuses the Celery worker's commands (NOREPLICAS) within 7 seconds",
        "all sentinels name the same master, each seeing 2 replicas and 2 other sentinels, with quorum",
    ]
    assert all(any(re.search(rule, text) for rule in JARGON) for text in before)


def test_the_citation_rules_catch_what_the_descriptions_once_said():
    before = [
        "Jepsen (2013) found Sentinel losing acknowledged writes in a partition, with two masters",
        "up to half a second longer here than on a crashed one (+odown 3.2-3.7 s instead of 3.1-3.2 s).",
        "Celery's own fix (celery#6348) is not in the installed version",
    ]
    assert all(any(re.search(rule, text) for rule in CITATIONS) for text in before)

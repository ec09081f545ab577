"""Xray parses features with Cucumber's own Gherkin parser; so must every file here."""
from pathlib import Path

import pytest
from gherkin.parser import Parser
from gherkin.token_scanner import TokenScanner

ROOT = Path(__file__).resolve().parents[2]
FEATURES = sorted([*ROOT.glob("features/*.feature"), *ROOT.glob("load/*.feature")])


@pytest.mark.parametrize("path", FEATURES, ids=lambda p: p.name)
def test_the_feature_parses_with_the_official_gherkin_parser(path: Path):
    document = Parser().parse(TokenScanner(path.read_text(encoding="utf-8")))
    feature = document["feature"]
    assert "@OPTERP-20" in [tag["name"] for tag in feature["tags"]]
    scenarios = [c["scenario"] for c in feature["children"] if "scenario" in c]
    assert scenarios and all(any(t["name"].startswith("@ac:") for t in s["tags"]) for s in scenarios)

"""README's "Connecting to the HA topology" and stand_ins/sentinel_clients.py,
which the stand-in consumers run, say the same: what is documented was proven."""

from __future__ import annotations

import ast
import re

from stand_ins import sentinel_clients
from tests.support.behave_run import ROOT

SECTION = "## Connecting to the HA topology"


def _section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    return text[start : end if end >= 0 else None]


def _snippets() -> list[str]:
    return re.findall(r"```python\n(.*?)```", _section(), flags=re.S)


def test_the_section_has_a_snippet_for_each_consumer():
    snippets = _snippets()
    for ticket in ("OPTERP-21", "OPTERP-22", "OPTERP-24"):
        assert ticket in _section()
    assert len(snippets) == 3 and all(ast.parse(snippet) for snippet in snippets)


def test_every_name_a_snippet_imports_from_the_module_is_the_modules():
    imported = {
        alias.name
        for snippet in _snippets()
        for node in ast.walk(ast.parse(snippet))
        if isinstance(node, ast.ImportFrom) and node.module == sentinel_clients.__name__
        for alias in node.names
    }
    assert imported and imported <= set(dir(sentinel_clients)), imported - set(dir(sentinel_clients))


def test_every_setting_is_in_the_table_with_what_it_protects_and_a_catalogue_case():
    rows = {
        row.split("|")[1].strip(" `"): row.split("|")[2].strip()
        for row in _section().splitlines()
        if row.startswith("| `")
    }
    expected = {name: text for name, text in sentinel_clients.SETTINGS.items()}
    assert {name: rows.get(name) for name in expected} == expected
    cases = {p.stem.removeprefix("without-") for p in (ROOT / "tests" / "mutants" / "clients").glob("*.patch")}
    assert cases == set(expected)


def test_the_host_and_network_addresses_are_the_files():
    section, ha = _section(), (ROOT / "docker-compose.ha.yml").read_text(encoding="utf-8")
    for number, port in ((1, 16390), (2, 16391), (3, 16392)):
        assert f'("127.0.0.1", {port})' in section and f'("sentinel-{number}", {port})' in section
        assert f"sentinel-{number}" in ha and f'PORT: "{port}"' in ha

"""README's "Holding the sync lock" and stand_ins/fiscal_lock.py, which the
stand-in sync worker runs, say the same: what is documented was proven."""

from __future__ import annotations

import ast
import re

from stand_ins import fiscal_lock
from tests.support.behave_run import ROOT

SECTION = "### Holding the sync lock"


def _section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(SECTION)
    end = text.find("\n#", start + len(SECTION))
    ends = [i for i in (end, text.find("\nMemory pressure", start)) if i >= 0]
    return text[start : min(ends)]


def test_the_snippet_is_the_modules_own_usage():
    (snippet,) = re.findall(r"```python\n(.*?)```", _section(), flags=re.S)
    imported = {
        alias.name
        for node in ast.walk(ast.parse(snippet))
        if isinstance(node, ast.ImportFrom) and node.module == fiscal_lock.__name__
        for alias in node.names
    }
    assert imported == {"FiscalLock"}
    assert snippet.strip() in (fiscal_lock.__doc__ or "").replace("\n    ", "\n")


def test_every_setting_is_in_the_table_with_what_it_protects_and_a_catalogue_case():
    rows = {
        row.split("|")[1].strip(" `"): row.split("|")[2].strip()
        for row in _section().splitlines()
        if row.startswith("| `")
    }
    assert rows == fiscal_lock.SETTINGS
    cases = {p.stem.removeprefix("without-") for p in (ROOT / "tests" / "mutants" / "lock").glob("*.patch")}
    assert cases == set(fiscal_lock.SETTINGS)

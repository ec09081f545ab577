"""README's sections on how OpticsERP holds the sync lock and sends tasks to run
later say what the modules the stand-ins run say: what is documented was proven."""

from __future__ import annotations

import ast
import re
from types import ModuleType

import pytest

from stand_ins import delayed_tasks, fiscal_lock
from tests.support.behave_run import ROOT

# Each README section, the module it quotes, the names its snippet imports, and its negative controls' folder.
DOCUMENTED = {
    "### Holding the sync lock": (fiscal_lock, {"FiscalLock"}, "lock"),
    "### Sending tasks to run later": (delayed_tasks, {"send_later"}, "tasks"),
}
CASES = pytest.mark.parametrize("section", DOCUMENTED, ids=lambda title: title.removeprefix("### "))


def _section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(title)
    ends = [i for i in (text.find("\n#", start + len(title)), text.find("\nMemory pressure", start)) if i >= 0]
    return text[start : min(ends)]


@CASES
def test_the_snippet_is_the_modules_own_usage(section: str):
    module, names, _ = DOCUMENTED[section]
    (snippet,) = re.findall(r"```python\n(.*?)```", _section(section), flags=re.S)
    imported = {
        alias.name
        for node in ast.walk(ast.parse(snippet))
        if isinstance(node, ast.ImportFrom) and node.module == module.__name__
        for alias in node.names
    }
    assert imported == names
    assert snippet.strip() in _usage(module)


@CASES
def test_every_setting_is_in_the_table_with_what_it_protects_and_a_catalogue_case(section: str):
    module, _, folder = DOCUMENTED[section]
    rows = {
        row.split("|")[1].strip(" `"): row.split("|")[2].strip()
        for row in _section(section).splitlines()
        if row.startswith("| `")
    }
    assert rows == module.SETTINGS
    cases = {p.stem.removeprefix("without-") for p in (ROOT / "tests" / "mutants" / folder).glob("*.patch")}
    assert cases == set(module.SETTINGS)


def _usage(module: ModuleType) -> str:
    return (module.__doc__ or "").replace("\n    ", "\n")

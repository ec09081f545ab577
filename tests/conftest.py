"""Session-wide: the whole test run leaves the working tree as it found it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support import adf_schema as adf_schema_module
from tests.support import working_tree


@pytest.fixture(scope="session", autouse=True)
def working_tree_unchanged() -> Iterator[None]:
    before = working_tree.state()
    yield
    changed = working_tree.state() ^ before
    assert not changed, f"the tests changed the working tree outside reports/: {sorted(changed)}"


@pytest.fixture(scope="session")
def adf_schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Atlassian's ADF schema, fetched once per pytest run (npm)."""
    return adf_schema_module.fetch(tmp_path_factory.mktemp("adf-schema"))

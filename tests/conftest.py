"""Session-wide: the whole test run leaves the working tree as it found it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests import working_tree


@pytest.fixture(scope="session", autouse=True)
def working_tree_unchanged() -> Iterator[None]:
    before = working_tree.state()
    yield
    changed = working_tree.state() ^ before
    assert not changed, f"the tests changed the working tree outside reports/: {sorted(changed)}"

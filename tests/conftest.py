"""Session-wide: the whole test run leaves the working tree as it found it; the
tests run on several workers, each with an engine of its own, where the
machine allows (tests/support/parallel.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support import adf_schema as adf_schema_module
from tests.support import parallel, working_tree


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist turns its options into workers
def pytest_cmdline_main(config: pytest.Config) -> None:
    parallel.configure_controller(config)


def pytest_configure(config: pytest.Config) -> None:
    parallel.configure_worker(config)


def pytest_report_header(config: pytest.Config) -> str | None:
    return parallel.header(config)


def pytest_unconfigure(config: pytest.Config) -> None:
    parallel.unconfigure_controller(config)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    parallel.longest_first(items)


def pytest_runtest_setup(item: pytest.Item) -> None:
    parallel.ensure_engine(item)


def pytest_sessionfinish() -> None:
    parallel.stop_engine()


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

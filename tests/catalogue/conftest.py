"""Collects the catalogue's verdicts, from every worker, and prints the score line at the end."""

from __future__ import annotations

from collections.abc import Callable

import pytest

VERDICTS: dict[str, list[bool]] = {"mutants": [], "equivalents": []}


@pytest.fixture
def verdict(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """Records a case's verdict for the score line. Not `record_property`: the verdict
    is not a JUnit property, and xunit2 JUnit files warn of every one."""
    return lambda said: request.node.user_properties.append(("catalogue", said))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for name, verdict in report.user_properties:
        if name == "catalogue" and report.when == "call":
            kind = "mutants" if verdict in ("killed", "survived") else "equivalents"
            VERDICTS[kind].append(verdict in ("killed", "passed"))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    mutants, equivalents = VERDICTS["mutants"], VERDICTS["equivalents"]
    if mutants or equivalents:
        killed = f"mutants killed {sum(mutants)}/{len(mutants)}" if mutants else "mutants not run"
        terminalreporter.write_line(f"{killed}, equivalents passed {sum(equivalents)}/{len(equivalents)}")

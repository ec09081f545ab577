"""Collects the catalogue's verdicts and prints the score line at the end."""

from __future__ import annotations

import pytest

from tests.support.catalogue import SCORE


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    mutants, equivalents = SCORE["mutants"], SCORE["equivalents"]
    if mutants or equivalents:
        killed = f"mutants killed {sum(mutants)}/{len(mutants)}" if mutants else "mutants not run"
        terminalreporter.write_line(f"{killed}, equivalents passed {sum(equivalents)}/{len(equivalents)}")

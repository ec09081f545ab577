"""Findings as the harness makes them, with plausible figures, for the tests
of what reads them (the sign-off, the findings' own sentences)."""

from __future__ import annotations

from typing import Any

from harness.probes.failover_facts import PartitionLoss


def partition_loss(**changes: Any) -> PartitionLoss:
    """A partition's count of lost writes: the cut-off master's direct writes all lost, no confirmed one."""
    figures: dict[str, Any] = {
        "old": "redis-1",
        "direct": 40,
        "direct_lost": 40,
        "unconfirmed": 3,
        "unconfirmed_lost": 3,
        "confirmed": 500,
        "confirmed_lost": 0,
        "window": 1.2,
        "refused": True,
        "late": [],
    }
    return PartitionLoss(**(figures | changes))

"""What OpticsERP gets from the Sentinel topology, in one paragraph of this
run's own figures: how long its writes paused in a failover, what no failover
lost, and what one can lose. Read from the findings the failover steps
recorded (harness/probes/failover_facts.py: `WritesKept`, `PartitionLoss`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.core.evidence import Evidence

KEPT, PARTITION = "writes through the failover", "writes lost in the partition"


def paragraph(evidence: Evidence) -> str:
    """'' when the run watched no writes through a failover."""
    kept = [f.value for f in evidence.facts if f.what == KEPT and isinstance(f.value, Mapping)]
    if not kept:
        return ""
    paused = [v["paused"] for v in kept if v.get("paused") is not None]
    confirmed = sum(int(v["replicated"]) for v in kept)
    missing = confirmed - sum(int(v["replicated kept"]) for v in kept)
    pause = (
        f"its writes paused for {min(paused):.1f} to {max(paused):.1f} s"
        if paused
        else "no write was accepted again within the run"
    )
    sentences = [
        f"What OpticsERP gets: in the {len(kept)} failovers this run wrote through, {pause}, from the fault to "
        f"the first write the new main Redis accepted.",
        f"Of the {confirmed} writes a standby had confirmed, {missing} {'was' if missing == 1 else 'were'} lost"
        + (" (none: what a standby has is never lost)." if missing == 0 else "."),
    ]
    sentences.append(_can_lose([f.value for f in evidence.facts if f.what == PARTITION]))
    return " ".join(sentences)


def _can_lose(partitions: list[Any]) -> str:
    """What a failover can lose: the writes only the main Redis took, counted in a network split when one ran."""
    lost = [v for v in partitions if isinstance(v, Mapping)]
    if not lost:
        return (
            "What can be lost is a write only the main Redis took, before a standby had it: OpticsERP's Celery "
            "tasks and scheduled jobs wait for no standby, the sync lock does."
        )
    worst = max(lost, key=lambda v: float(v["seconds from the cut to the last lost write"]))
    return (
        f"What can be lost is a write only the main Redis took: in a network split, "
        f"{worst['acknowledged alone and lost']} such writes, the last "
        f"{float(worst['seconds from the cut to the last lost write']):.1f} s after the cut. OpticsERP's Celery "
        "tasks and scheduled jobs wait for no standby; the sync lock does."
    )

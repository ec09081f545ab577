"""A failover's timeline: seconds from the fault to each of its moments, from
every sentinel's events, the writes through it and what the harness saw, named
in OpticsERP's words; and the spans report.html shades on it."""

from __future__ import annotations

import math
from dataclasses import dataclass

from harness.probes.sentinel_events import EventLog
from harness.probes.writes import Tally

# A failover's moments, in OpticsERP's words; README "The features' words" gives Sentinel's for each.
UNANSWERING = "main Redis unanswering, for one sentinel"  # +sdown
LOST = "main Redis lost: two sentinels agree"  # +odown
FIRST_NAMED = "new main Redis named by one sentinel"  # +switch-master, the first sentinel's
ALL_NAMED = "new main Redis named by every sentinel"  # +switch-master, the last sentinel's
WRITES_BACK = "writes accepted again"  # the first write after the fault a new main Redis took and a standby confirmed
OLD_BACK = "old main Redis back"
OLD_LAST_WRITE = "last write the old main Redis took"
OLD_TOLD = "old main Redis told to follow"  # +convert-to-slave
OLD_STANDBY = "old main Redis a standby, up to date"
# The two spans the timeline shades: the second only once the old main Redis returns.
PAUSED, OLD_NOT_YET = "writes paused", "old main Redis back, not yet a standby"


def windows(times: dict[str, float | None]) -> list[tuple[str, float, float]]:
    """The spans of a failover, as (label, from, to) in seconds from the fault: writes
    paused until a writer succeeds again (with no writer, until every sentinel named
    the new main Redis), and the old main Redis back but not yet a standby."""
    spans: list[tuple[str, float, float]] = []
    resumed = times.get(WRITES_BACK) if times.get(WRITES_BACK) is not None else times.get(ALL_NAMED)
    if resumed is not None:
        spans.append((PAUSED, 0.0, resumed))
    back, standby = times.get(OLD_BACK), times.get(OLD_STANDBY)
    if back is not None and standby is not None and standby >= back:
        spans.append((OLD_NOT_YET, back, standby))
    return spans


@dataclass(frozen=True)
class Moments:
    """The monotonic moments of a fault the harness itself saw."""

    fault: float
    returned: float | None  # the old master started, thawed or healed again
    demoted: float | None  # the old master a linked replica (polled)


def timeline(
    events: EventLog, old: str, moments: Moments, tally: Tally | None, hammered: Tally | None
) -> dict[str, float | None]:
    """Seconds from the fault to each moment of the failover (None: it did not happen),
    from every sentinel's events, the writes through it and what the harness saw."""
    after = moments.fault

    def since(moment: float | None) -> float | None:
        return None if moment is None or math.isnan(after) else round(moment - after, 3)

    switches = events.by_sentinel("+switch-master", after)
    sdown, odown = events.first("+sdown", old, after), events.first("+odown", old, after)
    converted = events.first("+convert-to-slave", old, after)
    first_write = tally.resumed_after(after, old) if tally else None
    last_direct = hammered.acknowledged[-1].at if hammered and hammered.acknowledged else None
    return {
        UNANSWERING: since(sdown.at if sdown else None),
        LOST: since(odown.at if odown else None),
        FIRST_NAMED: since(min(switches.values()) if switches else None),
        ALL_NAMED: since(max(switches.values()) if switches else None),
        WRITES_BACK: since(first_write.at if first_write else None),
        OLD_BACK: since(moments.returned),
        OLD_LAST_WRITE: since(last_direct),
        OLD_TOLD: since(converted.at if converted else None),
        OLD_STANDBY: since(moments.demoted),
    }

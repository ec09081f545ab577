"""A failover watched from its fault: when a wait for the switch gives up, and
its timeline, from recorded events on a fake clock, without a topology."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from harness.core.errors import HarnessError, TerminalState
from harness.core.polling import Poller
from harness.probes.failover import MANUAL, Failover
from harness.probes.failover_timeline import ALL_NAMED, FIRST_NAMED, LOST, OLD_BACK, OLD_TOLD, UNANSWERING, WRITES_BACK
from harness.probes.sentinel_events import NO_GOOD_REPLICA, Event, EventLog
from harness.probes.writes import Tally, Write
from harness.topology.sentinel_rules import Monitoring
from tests.support.fakes import FakeClock

FAULT_AT = 100.0
DELIVERED = Monitoring(quorum=2, down_after=5.0, sentinels=3)


def sentinel(name: str, running: bool = True) -> Any:
    return SimpleNamespace(service=name, state=lambda: SimpleNamespace(running=running))


def watched(*events: Event, fault: str = "crash", monitoring: Monitoring = DELIVERED, running: int = 3) -> Failover:
    clock = FakeClock(FAULT_AT)
    sentinels = [sentinel(f"sentinel-{i}", running=i <= running) for i in (1, 2, 3)]
    topology: Any = SimpleNamespace(sentinels=sentinels, project=SimpleNamespace(poller=Poller(clock, clock.sleep)))
    log = EventLog({}, clock=clock)
    log.events.extend(events)
    failover = Failover(topology, SimpleNamespace(service="redis-1"), log, monitoring=monitoring)
    failover.fault, failover.fault_at = fault, FAULT_AT
    return failover


def aborted(at: float) -> Event:
    return Event(at, "sentinel-2", NO_GOOD_REPLICA, "master mymaster redis-1 16380")


def test_the_wait_for_the_switch_gives_up_when_a_sentinel_abandons_the_failover():
    failover = watched(aborted(FAULT_AT + 6.0))
    with pytest.raises(TerminalState, match="sentinel-2 gave the failover up: no replica it may promote"):
        failover.wait_switched(within=7.0)
    assert failover.clock == FAULT_AT  # at its first look, not at its bound


@pytest.mark.parametrize(
    ("monitoring", "running", "why"),
    [
        (Monitoring(2, 60.0, 3), 3, "only after 60 s"),
        (DELIVERED, 1, "1 sentinels run, fewer than the quorum of 2"),
        (Monitoring(1, 5.0, 3), 1, "1 of 3 sentinels run, not a majority"),
    ],
)
def test_the_wait_for_the_switch_gives_up_when_the_sentinels_settings_rule_it_out(monitoring, running, why):
    with pytest.raises(TerminalState, match=why):
        watched(monitoring=monitoring, running=running).wait_switched(within=7.0)


def test_a_manual_failover_is_never_ruled_out_by_what_a_vote_needs():
    failover = watched(fault=MANUAL, monitoring=Monitoring(2, 60.0, 3), running=1)
    assert failover._failover_ruled_out(9.0) is None
    assert watched(fault="crash", monitoring=Monitoring(2, 60.0, 3))._failover_ruled_out(9.0) is not None


def test_an_abort_before_the_fault_does_not_count():
    failover = watched(aborted(FAULT_AT - 1.0))
    assert failover.events.abandoned(after=failover.fault_at) is None


def test_the_timeline_is_seconds_from_the_fault_and_none_for_what_did_not_happen():
    def at(seconds: float, sentinel_name: str, channel: str, data: str) -> Event:
        return Event(FAULT_AT + seconds, sentinel_name, channel, data)

    failover = watched(
        at(-3.0, "sentinel-1", "+sdown", "master mymaster redis-1 16380"),  # an earlier fault's
        at(5.1, "sentinel-1", "+sdown", "master mymaster redis-1 16380"),
        at(5.2, "sentinel-2", "+odown", "master mymaster redis-1 16380 #quorum 2/2"),
        at(5.9, "sentinel-2", "+switch-master", "mymaster redis-1 16380 redis-2 16381"),
        at(6.3, "sentinel-1", "+switch-master", "mymaster redis-1 16380 redis-2 16381"),
    )
    failover.writes.tally = Tally(
        acknowledged=[Write(1, FAULT_AT - 0.5, True, "redis-1"), Write(2, FAULT_AT + 6.5, True, "redis-2")]
    )
    timeline = failover.timeline()
    assert timeline[UNANSWERING] == 5.1 and timeline[LOST] == 5.2
    assert (timeline[FIRST_NAMED], timeline[ALL_NAMED]) == (5.9, 6.3)
    assert timeline[WRITES_BACK] == 6.5
    assert timeline[OLD_BACK] is None and timeline[OLD_TOLD] is None


def test_asking_for_the_new_master_before_the_switch_is_a_harness_error():
    with pytest.raises(HarnessError, match="no new master was named"):
        _ = watched().new_master

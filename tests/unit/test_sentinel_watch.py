"""What the Sentinel topology's watch decides from the engine alone (stub nodes, no Docker)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from harness.core.polling import Poller
from harness.topology.sentinel_watch import Watch
from tests.support.fakes import FakeClock

MASTERLESS_CHECK = 0.5  # seconds


def watch(statuses: dict[str, str], clock: FakeClock) -> Watch:
    def node(service: str) -> Any:
        return SimpleNamespace(service=service, state=lambda: SimpleNamespace(status=statuses[service]))

    project = SimpleNamespace(poller=Poller(interval=0.01, clock=clock))
    return Watch(
        cast(Any, project), [node(s) for s in statuses], [], follow_within=15.0, masterless_check=MASTERLESS_CHECK
    )


def test_a_consumer_wait_is_given_up_only_when_no_data_node_can_be_master():
    statuses, clock = {"redis-1": "exited", "redis-2": "paused", "redis-3": "running"}, FakeClock()
    ha = watch(statuses, clock)
    assert ha.masterless() is None  # one node left: the sentinels may still promote it
    statuses["redis-3"] = "paused"
    clock.now += MASTERLESS_CHECK
    assert ha.masterless() == "no data node can be master: redis-1 exited, redis-2 paused, redis-3 paused"


def test_the_engine_is_asked_at_most_every_half_second():
    statuses, clock = {"redis-1": "paused"}, FakeClock()
    ha = watch(statuses, clock)
    assert ha.masterless() is not None
    statuses["redis-1"] = "running"
    assert ha.masterless() is not None  # the answer of a moment ago
    clock.now += MASTERLESS_CHECK
    assert ha.masterless() is None

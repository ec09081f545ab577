"""Reading Sentinel's events: who an event is about, and the first of each kind, without a sentinel."""

import time

import pytest
import redis

from harness.probes.sentinel_events import Event, EventLog, describe


def event(at: float, sentinel: str, channel: str, data: str) -> Event:
    return Event(at, sentinel, channel, data)


def test_an_event_is_about_the_instance_its_data_names_a_switch_about_the_new_master():
    switch = event(1.0, "sentinel-1", "+switch-master", "mymaster redis-1 16380 redis-2 16381")
    sdown = event(1.0, "sentinel-1", "+sdown", "master mymaster redis-1 16380")
    converted = event(
        1.0, "sentinel-1", "+convert-to-slave", "slave redis-1:16380 redis-1 16380 @ mymaster redis-2 16381"
    )
    assert (switch.about, sdown.about, converted.about) == ("redis-2", "redis-1", "redis-1")
    assert sdown.is_master and not converted.is_master


def log_of(*events: Event) -> EventLog:
    log = EventLog({})
    log.events.extend(events)
    return log


def test_the_first_event_after_a_moment_about_an_instance_on_any_sentinel():
    log = log_of(
        event(3.0, "sentinel-2", "+sdown", "master mymaster redis-1 16380"),
        event(1.0, "sentinel-1", "+sdown", "master mymaster redis-1 16380"),  # before the fault
        event(2.5, "sentinel-3", "+sdown", "slave redis-2:16381 redis-2 16381 @ mymaster redis-1 16380"),
    )
    first = log.first("+sdown", "redis-1", after=2.0)
    assert first is not None and (first.sentinel, first.at) == ("sentinel-2", 3.0)
    assert log.first("+odown", after=0.0) is None


def test_each_sentinels_first_switch_after_the_fault():
    log = log_of(
        event(5.0, "sentinel-1", "+switch-master", "mymaster redis-1 16380 redis-2 16381"),
        event(5.2, "sentinel-2", "+switch-master", "mymaster redis-1 16380 redis-2 16381"),
        event(9.0, "sentinel-1", "+switch-master", "mymaster redis-2 16381 redis-3 16382"),
        event(0.5, "sentinel-3", "+switch-master", "mymaster redis-3 16382 redis-1 16380"),
    )
    assert log.by_sentinel("+switch-master", after=1.0) == {"sentinel-1": 5.0, "sentinel-2": 5.2}
    assert len(log.switches(after=1.0)) == 3
    lines = describe(log.switches(after=1.0), since=4.0).splitlines()
    assert lines[0] == "+ 1.000 s sentinel-1 +switch-master mymaster redis-1 16380 redis-2 16381"


def test_listening_fails_in_one_line_when_a_sentinel_cannot_be_reached():
    def unreachable() -> redis.Redis:
        raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:16390. Connection refused.")

    log = EventLog({"sentinel-1": unreachable})
    began = time.monotonic()
    with pytest.raises(redis.ConnectionError, match="could not listen to every sentinel's events: sentinel-1: "):
        log.start(within=2.0)
    assert time.monotonic() - began < 2.0  # it reports the failure, not the bound

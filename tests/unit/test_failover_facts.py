"""The findings a watched failover comes to: the figures a step asserts on,
and the sentence each says for the sign-off."""

from harness.probes.failover_facts import Switch, WritesKept
from harness.probes.failover_timeline import FIRST_NAMED, LOST, UNANSWERING
from harness.probes.writes import Tally, Write
from tests.support.findings import partition_loss


def test_a_partition_loss_within_the_bound_breaks_nothing():
    assert partition_loss().breaches(within=5) == []


def test_a_partition_loss_breaks_the_criterion_when_late_never_refused_or_too_long():
    assert partition_loss(late=[41, 42]).breaches(within=5) == ["2 writes acknowledged after it began refusing"]
    assert partition_loss(refused=False).breaches(within=5) == ["redis-1 never refused a write sent to it directly"]
    assert partition_loss(window=6.5).breaches(within=5) == ["the last lost write 6.50 s after the cut, past 5 s"]


def test_a_partition_loss_says_what_was_lost_and_keeps_the_figures():
    said = str(partition_loss())
    assert said.startswith("Partition: 40 of the 40 writes the cut-off redis-1 acknowledged directly are lost")
    assert partition_loss().value["acknowledged alone and lost"] == 43


def test_writes_kept_counts_the_replica_confirmed_writes_missing_on_the_new_master():
    tally = Tally([Write(1, 1.0, True, "redis-1"), Write(2, 2.0, True, "redis-1"), Write(3, 3.0, False, "redis-1")])
    kept = WritesKept("crash", tally, kept=1, paused=5.25)
    assert kept.lost == 1
    assert str(kept).startswith("Writes paused 5.25 s. ")
    assert "2 confirmed by a standby, 1 of those on the new main Redis (1 lost)" in str(kept)


def test_a_switch_says_who_was_named_and_when():
    times = {FIRST_NAMED: 5.9, UNANSWERING: 5.1, LOST: 5.2}
    switch = Switch("crash", "crash", "redis-1", "redis-2", 6.3, times)  # type: ignore[arg-type]
    assert str(switch) == (
        "crash: the main Redis (redis-1) lost 5.20 s after the crash; redis-2 the new main Redis for one "
        "sentinel 5.90 s and for every sentinel 6.30 s after it."
    )
    assert switch.value == {"fault": "crash", **times}

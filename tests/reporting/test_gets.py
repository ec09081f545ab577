"""What OpticsERP gets from the Sentinel topology, said in the run's own figures
from the findings its failover steps recorded."""

from harness.core.evidence import Evidence
from harness.probes.failover_facts import WritesKept
from harness.probes.writes import Tally, Write
from harness.reporting.gets import paragraph
from tests.support.findings import partition_loss


def kept(paused: float | None, confirmed: int, on_new: int) -> WritesKept:
    tally = Tally([Write(n, float(n), True, "redis-1") for n in range(confirmed)])
    return WritesKept("crash", tally, kept=on_new, paused=paused)


def test_it_gives_the_pause_the_writes_kept_and_what_can_be_lost():
    found = Evidence()
    found.begin("ha:no-write-lost", "crash")
    found.observe(kept(5.31, 10, 10))
    found.begin("ha:manual-failover", "manual")
    found.observe(kept(1.24, 4, 4))
    said = paragraph(found)
    assert said.startswith("What OpticsERP gets: in the 2 failovers this run wrote through, its writes paused ")
    assert "for 1.2 to 5.3 s" in said
    assert "Of the 14 writes a standby had confirmed, 0 were lost (none: what a standby has is never lost)." in said
    assert "the sync lock does" in said


def test_a_confirmed_write_lost_is_said_as_lost_and_a_split_is_counted():
    found = Evidence()
    found.begin("ha:partition", "split")
    found.observe(kept(4.4, 10, 9))
    loss = partition_loss(direct=30, direct_lost=30, unconfirmed=2, unconfirmed_lost=2, confirmed=10, window=4.21)
    found.observe(loss)
    said = paragraph(found)
    assert "Of the 10 writes a standby had confirmed, 1 was lost." in said
    assert "in a network split, 32 such writes, the last 4.2 s after the cut" in said


def test_a_run_that_wrote_through_no_failover_says_nothing():
    assert paragraph(Evidence()) == ""

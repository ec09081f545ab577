from harness.consumers.lock_facts import LongSync
from harness.consumers.sync_lock import Contention, Section, overlapping


def sections(*intervals: tuple[float, float]) -> list[Section]:
    return [Section(pid, entered, left) for pid, (entered, left) in enumerate(intervals)]


def test_sections_one_after_another_do_not_overlap_even_when_touching():
    assert overlapping(sections((0.0, 1.0), (1.0, 2.0), (2.5, 3.0))) == []


def test_a_section_entered_before_the_last_one_left_overlaps_it():
    found = overlapping(sections((0.0, 1.0), (0.5, 1.5)))
    assert [(a.pid, b.pid) for a, b in found] == [(0, 1)]


def test_a_short_section_inside_a_long_one_overlaps_even_after_others_ended():
    # 0 is inside the lock for long; 1 ends early; 2 starts after 1 left but while 0 is inside.
    found = overlapping(sections((0.0, 10.0), (1.0, 2.0), (3.0, 4.0)))
    assert [(a.pid, b.pid) for a, b in found] == [(0, 1), (0, 2)]


def test_order_of_the_journal_does_not_matter():
    assert len(overlapping(list(reversed(sections((0.0, 1.0), (0.5, 1.5), (2.0, 3.0)))))) == 1


def test_the_evidence_names_the_first_overlap_and_failed_workers():
    recorded = sections((0.0, 1.0), (0.5, 1.5))
    text = str(Contention(2, recorded, 1, overlapping(recorded), 0.2, [0, 1]))
    assert "2 sections by 2 workers in 0.20 s, 1 overlapping pairs; first: pid 0" in text
    assert "shared counter 1, 1 workers failed (exit codes [1])" in text


def test_a_long_sync_counts_the_writes_sent_once_the_other_worker_held_the_lock():
    sync = LongSync(1, 3.0, [10.1, 10.5, 11.2, 11.3], "lost", 11.35, taken=10.0, other=11.2, why="LockLost: gone")
    assert sync.overlapping == [11.2, 11.3]
    assert str(sync) == (
        "A 3 s sync under a 1 s lock sent 4 fiscal writes and stopped (LockLost: gone), "
        "1.35 s after taking the lock; the waiting worker took it 1.20 s after the first had: "
        "2 writes while the other held it."
    )
    assert LongSync(1, 3.0, [10.1, 12.9], "synced", 13.0, taken=10.0, other=13.01).overlapping == []

import time

import redis

from harness.probes import writes


def test_a_write_loop_is_paced_and_counts_what_it_wrote():
    done: list[int] = []

    def write(n: int) -> tuple[str, bool]:
        done.append(n)
        return "redis-1", True

    loop = writes.Loop(write)
    loop.start()
    time.sleep(0.2)
    tally = loop.stop()
    assert 10 <= len(done) <= 0.2 / writes.PACE + 1  # paced: no more than one write per PACE
    assert [w.n for w in tally.acknowledged] == done and all(w.replicated for w in tally.acknowledged)


def test_a_refused_write_is_counted_by_its_kind():
    def write(n: int) -> tuple[str, bool]:
        raise redis.ResponseError("NOREPLICAS Not enough good replicas to write.")

    loop = writes.Loop(write)
    loop.start()
    time.sleep(0.05)
    tally = loop.stop()
    assert set(tally.refused) == {"NOREPLICAS"} and tally.first_refusal is not None and not tally.acknowledged


def test_the_writes_pause_ends_at_the_first_write_a_new_master_took_and_a_replica_confirmed():
    tally = writes.Tally(
        [
            writes.Write(1, 9.0, True, "redis-1"),  # before the fault
            writes.Write(2, 10.2, True, "redis-1"),  # the cut-off old master, still confirming for a moment
            writes.Write(3, 10.4, False, "redis-1"),  # ... then alone
            writes.Write(4, 14.1, False, "redis-2"),  # the new one, before a replica follows it
            writes.Write(5, 14.3, True, "redis-2"),
        ]
    )
    resumed = tally.resumed_after(10.0, old="redis-1")
    assert resumed is not None and resumed.n == 5

import redis

from harness.probes.load import BoundedWriter, judge
from tests.support.fakes import FakeClock


def test_writes_in_the_last_second_before_a_crash_are_exempt():
    acked = [(1, 10.0), (2, 10.6), (3, 11.2), (4, 13.0)]
    verdict = judge(acked, crashes=[11.5], present={1, 4}, grace=1.0)
    assert verdict.must_survive == 2  # 2 and 3 were acknowledged within 1 s of the crash
    assert verdict.lost == []


def test_a_missing_write_older_than_the_grace_is_lost():
    verdict = judge([(1, 10.0), (2, 20.0)], crashes=[15.0], present={2}, grace=1.0)
    assert verdict.lost == [1]
    assert "1 lost" in str(verdict)


class _FlakyClient:
    """Refuses every third write, as a restarting server would."""

    def __init__(self) -> None:
        self.calls = 0

    def set(self, key: str, value: int) -> None:
        self.calls += 1
        if self.calls % 3 == 0:
            raise redis.ConnectionError("down")


def test_the_writer_is_bounded_in_count_and_records_only_acknowledged_writes():
    clock = FakeClock()
    client = _FlakyClient()
    writer = BoundedWriter(lambda: client, "k", max_writes=30, max_seconds=60, clock=clock, pause_after_error=0)
    writer._run()
    assert client.calls == 30
    assert len(writer.acked) == 20 and writer.errors == 10
    assert writer.key(7) == "k:7"


def test_the_writer_is_bounded_in_time():
    clock = FakeClock()

    class Slow:
        def set(self, key: str, value: int) -> None:
            clock.now += 1.0

    writer = BoundedWriter(lambda: Slow(), "k", max_writes=10_000, max_seconds=5, clock=clock)
    writer._run()
    assert len(writer.acked) == 5

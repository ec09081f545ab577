"""The whole-run bound: it fires once, after its deadline (moved by extend),
with what the run was doing; it never fires once disarmed."""

from __future__ import annotations

import threading
import time

from harness.run.watchdog import Watchdog


def test_it_fires_after_the_bound_with_what_the_run_was_doing():
    fired, exits = [], []
    done = threading.Event()
    dog = Watchdog(0.2, fired.append, exit=lambda code: (exits.append(code), done.set()), grace=5)
    dog.arm()
    dog.now("scenario 'X', step 'When Y'")
    began = time.monotonic()
    assert done.wait(5)
    assert time.monotonic() - began >= 0.15
    assert len(fired) == 1 and "0.2 s bound (-D run_timeout)" in fired[0] and "step 'When Y'" in fired[0]
    assert exits == [1]


def test_extend_moves_the_deadline():
    done = threading.Event()
    dog = Watchdog(0.1, lambda _: None, exit=lambda _: done.set(), grace=5)
    dog.arm()
    dog.extend(0.6)
    assert not done.wait(0.4)
    assert done.wait(5)


def test_a_disarmed_watchdog_never_fires():
    done = threading.Event()
    dog = Watchdog(0.2, lambda _: done.set(), exit=lambda _: done.set(), grace=5)
    dog.arm()
    dog.disarm()
    assert not done.wait(0.6)


def test_the_process_ends_even_if_the_cleanup_hangs():
    exits: list[int] = []
    ended = threading.Event()
    hang = threading.Event()
    dog = Watchdog(0.05, lambda _: hang.wait(10), exit=lambda code: (exits.append(code), ended.set()), grace=0.2)
    dog.arm()
    assert ended.wait(3)
    assert exits == [1]
    hang.set()

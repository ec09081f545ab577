"""The process registry with real, tiny processes (no Docker): orders on
stdin, events in the journal, spares, and stopping every one of them."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from harness.consumers import processes as processes_module
from harness.consumers.processes import FEATURE, SCENARIO, SPARE, Processes
from harness.core.errors import TerminalState
from harness.core.polling import Poller
from tests.support.inventory import run_processes

# Journals `ready`, then for each line on stdin journals it as an event; `exit N` ends it.
ECHO = """
import sys
from stand_ins import contract
from stand_ins.journal import Journal
journal = Journal(contract.journal_dir(), "echo")
journal.write("ready")
for line in sys.stdin:
    word, _, rest = line.strip().partition(" ")
    if word == "exit":
        sys.exit(int(rest))
    journal.write(word)
"""


@pytest.fixture
def processes(tmp_path: Path):
    # A marker of the test's own: other tests' processes, on other workers, may run meanwhile.
    registry = Processes(tmp_path, f"opterp20-unit-processes-{secrets.token_hex(4)}", Poller(interval=0.01))
    yield registry
    registry.stop()


def start(processes: Processes, scope: str = SCENARIO):
    return processes.start("echo", ["-c", ECHO], redis_url="redis://unused", scope=scope)


def test_a_process_takes_orders_and_its_events_are_waited_for(processes: Processes):
    process = start(processes)
    processes.wait_for(process, "ready", timeout=10)
    process.send("hello")
    assert processes.wait_for(process, "hello", timeout=10).value.role == "echo"


def test_waiting_gives_up_as_soon_as_the_process_exits_and_shows_its_last_words(processes: Processes):
    process = start(processes)
    processes.wait_for(process, "ready", timeout=10)
    process.send("refused")
    process.send("exit 3")
    last_words = r"exited with code 3; its log ends.*; it journaled last: echo\[\d+\] refused"
    with pytest.raises(TerminalState, match=last_words):
        processes.wait_for(process, "never", timeout=10)


def test_an_event_written_just_before_exiting_is_still_seen(processes: Processes):
    process = start(processes)
    process.send("last")
    process.send("exit 0")
    process.popen.wait(timeout=10)
    assert processes.wait_for(process, "last", timeout=1).value.event == "last"


def test_a_spare_started_by_the_last_take_serves_the_next_one_and_outlives_features(processes: Processes):
    first = processes.take("echo", ["-c", ECHO], redis_url="redis://one")
    spare = processes._spares[("echo", "-c", ECHO, "redis://one")]
    processes.stop(FEATURE)
    second = processes.take("echo", ["-c", ECHO], redis_url="redis://one")
    assert second is spare and second is not first
    assert (first.scope, second.scope) == (SCENARIO, SCENARIO)
    assert processes._spares[("echo", "-c", ECHO, "redis://one")].scope == SPARE


def test_a_spare_started_for_another_url_is_not_taken(processes: Processes):
    processes.warm("echo", ["-c", ECHO], redis_url="redis://:old@host:6379/0")
    taken = processes.take("echo", ["-c", ECHO], redis_url="redis://:new@host:6379/0")
    assert taken is not processes._spares.get(("echo", "-c", ECHO, "redis://:old@host:6379/0"))


def test_stopping_a_scope_ends_its_processes_and_leaves_the_others(processes: Processes):
    scenario, feature = start(processes), start(processes, FEATURE)
    processes.stop(SCENARIO)
    assert not scenario.alive and feature.alive
    processes.stop()
    assert not feature.alive
    assert run_processes(processes.run_marker) == set()


def test_every_process_carries_the_run_marker_until_it_is_stopped(processes: Processes):
    process = start(processes)
    processes.wait_for(process, "ready", timeout=10)
    assert any(line.startswith(f"{process.pid} ") for line in run_processes(processes.run_marker))
    processes.stop()
    assert run_processes(processes.run_marker) == set()


def test_a_process_that_ignores_sigterm_is_killed_after_the_grace(processes: Processes):
    stubborn = processes.start(
        "stubborn",
        ["-c", "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n" + ECHO],
        redis_url="redis://unused",
    )
    processes.wait_for(stubborn, "ready", timeout=10)
    stubborn.terminate()
    stubborn.reap(grace=0.2)
    assert stubborn.popen.returncode == -9


def test_a_stopped_process_is_told_from_a_running_one(tmp_path: Path):
    for pid, state in ((10, "T"), (11, "S"), (12, "t")):
        (tmp_path / str(pid)).mkdir()
        (tmp_path / str(pid) / "stat").write_text(f"{pid} (python -m celery) {state} 1 {pid} {pid} 0 -1")
    assert [processes_module._stopped(pid, proc=tmp_path) for pid in (10, 11, 12, 13)] == [True, False, True, False]

"""The fiscal sync worker's use of Redis (OPTERP-21), as the plan writes it:

    with Lock(redis_client, "sync_lock", expire=300):
        ...

    python -m stand_ins.sync_worker hold
        on a `take EXPIRE` line on stdin, take the lock (blocking) with that
        expiry, then hold it until a `release` line; on a `sync EXPIRE SECONDS`
        line, take it as stand_ins/fiscal_lock.py does and run a sync that long,
        a fiscal write every WRITE_EVERY seconds, each checked first
    python -m stand_ins.sync_worker contend --workers 8 --sections 25 --expire 60 --counter FILE
        start that many worker processes; after a `go` line on stdin each runs
        that many critical sections under the lock, each adding one to the
        number in FILE (a lost update shows an overlap)

Every step is journaled with its time, so the suite judges from outside."""

from __future__ import annotations

import argparse
import multiprocessing
import multiprocessing.connection
import os
import sys
import time
from collections.abc import Sequence
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Barrier, Event
from pathlib import Path

import redis
from redis_lock import Lock, NotAcquired

from stand_ins import contract
from stand_ins.fiscal_lock import FiscalLock, LockLost
from stand_ins.journal import Journal

LOCK_NAME = "sync_lock"
BARRIER_TIMEOUT = 30.0  # seconds: workers that never meet give up instead of hanging
WRITE_EVERY = 0.05  # seconds between a sync's fiscal writes


def hold(journal: Journal) -> int:
    # Started ahead of need, so the suite does not wait for Python and redis to
    # load (for the HA topology, Celery and APScheduler too: about a second).
    client = _client()  # connects at its first command
    command, _, expire = sys.stdin.readline().partition(" ")
    if command == "sync":
        expiry, seconds = expire.split()
        return sync(journal, client, int(expiry), float(seconds))
    if command != "take":
        return 0  # the suite went away, or no longer needs this worker
    lock = Lock(client, LOCK_NAME, expire=int(expire))
    journal.write("acquiring", expire=int(expire))
    try:
        if contract.sentinel_place(contract.redis_url()) is None:
            lock.acquire()
        else:
            from stand_ins import sentinel_clients  # Celery and APScheduler load only for the HA topology

            try:
                sentinel_clients.acquire(lock, client)
            except sentinel_clients.LockNotReplicated as error:
                journal.write("refused", error=f"{type(error).__name__}: {error}")
                return 0
    except redis.ResponseError as error:  # Redis said no: NOREPLICAS, MISCONF (a full disk), OOM
        journal.write("refused", error=f"{type(error).__name__}: {error}")
        return 0
    journal.write("acquired", owner=lock.id)
    for line in sys.stdin:
        if line.strip() == "release":
            requested = time.monotonic()
            try:
                _release(lock, client)
            except NotAcquired as error:
                journal.write("release-failed", requested=requested, error=f"NotAcquired: {error}")
                return 1
            journal.write("released", requested=requested)
            return 0
    return 0  # the suite went away: leave without releasing, as a dying worker would


def sync(journal: Journal, client: redis.Redis, expire: int, seconds: float) -> int:
    """A fiscal sync of `seconds` under the lock, held as OpticsERP is told to;
    each write journaled as it is sent, and `lost` where the worker stops."""
    journal.write("acquiring", expire=expire)
    with FiscalLock(client, LOCK_NAME, expire) as held:
        journal.write("acquired", owner=held.lock.id)
        ends = time.monotonic() + seconds
        while time.monotonic() < ends:
            try:
                held.check()
            except LockLost as lost:
                journal.write("lost", error=f"LockLost: {lost}")
                return 0
            journal.write("wrote")  # the fiscal write: its moment is what the suite compares
            time.sleep(WRITE_EVERY)  # the time the fiscal service takes to answer
    journal.write("synced")
    return 0


def _release(lock: Lock, client: redis.Redis) -> None:
    if contract.sentinel_place(contract.redis_url()) is None:
        lock.release()
        return
    from stand_ins import sentinel_clients

    sentinel_clients.release(lock, client)


def contend(journal: Journal, workers: int, expire: int, sections: int, counter: Path) -> int:
    """Start `workers` worker processes that all begin at the suite's `go`."""
    context = multiprocessing.get_context()  # fork on Linux: no second import of redis
    ready, go = context.Barrier(workers + 1, timeout=BARRIER_TIMEOUT), context.Event()
    children = [
        context.Process(target=_contend_one, args=(os.getpid(), ready, go, expire, sections, counter), daemon=True)
        for _ in range(workers)
    ]
    for child in children:
        child.start()
    ready.wait()  # every worker connected
    journal.write("ready", workers=[child.pid for child in children])
    sys.stdin.readline()
    go.set()
    _join_or_stop_at_first_failure(children)
    journal.write("done", exit_codes=[child.exitcode for child in children])
    return 0 if all(child.exitcode == 0 for child in children) else 1


def _join_or_stop_at_first_failure(children: Sequence[BaseProcess]) -> None:
    """Wait for every worker; once one fails (its lock could not be released,
    say), stop the rest: they would only wait out the lock's expiry, and the
    outcome is already decided."""
    running = list(children)
    while running:
        ended = multiprocessing.connection.wait([child.sentinel for child in running])
        for child in [c for c in running if c.sentinel in ended]:
            child.join()
            running.remove(child)
            if child.exitcode != 0:
                for other in running:
                    other.terminate()
                for other in running:
                    other.join()
                return


def _contend_one(parent: int, ready: Barrier, go: Event, expire: int, sections: int, counter: Path) -> None:
    contract.bind_to_parent(parent)
    client = _client()
    client.ping()
    journal = Journal(contract.journal_dir(), "sync-worker")
    ready.wait()
    go.wait(BARRIER_TIMEOUT)
    for number in range(sections):
        with Lock(client, LOCK_NAME, expire=expire):
            # The critical section is exactly the interval recorded here: two
            # overlapping intervals mean two workers were inside at once.
            entered = time.monotonic()
            _increment(counter)
            left = time.monotonic()
        journal.write("section", number=number, entered=entered, left=left)


def _increment(counter: Path) -> None:
    """Read, add one, write back: the shared resource the lock protects."""
    with counter.open("r+", encoding="ascii") as file:
        value = int(file.read() or 0)
        file.seek(0)
        file.write(str(value + 1))
        file.truncate()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stand_ins.sync_worker", description=__doc__)
    parser.add_argument("mode", choices=["hold", "contend"])
    parser.add_argument("--expire", type=int, default=60, help="lock expiry in seconds (contend)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (contend)")
    parser.add_argument("--sections", type=int, default=1, help="critical sections per worker (contend)")
    parser.add_argument("--counter", type=Path, help="the shared counter file (contend)")
    args = parser.parse_args(argv)
    contract.bind_to_parent()
    journal = Journal(contract.journal_dir(), "sync-worker")
    if args.mode == "hold":
        return hold(journal)
    return contend(journal, args.workers, args.expire, args.sections, args.counter)


def _client() -> redis.Redis:
    """The plan's `redis.Redis(host='localhost', port=6379, db=0)`, from the suite's
    URL; for the HA topology, the client README "Connecting to the HA topology" gives."""
    place = contract.sentinel_place(contract.redis_url())
    if place is not None:
        from stand_ins import sentinel_clients

        return sentinel_clients.lock_client(*place)
    return redis.Redis.from_url(
        contract.redis_url(),
        # Named, so the suite can see in CLIENT LIST when this worker is blocked waiting.
        client_name=f"sync-worker-{os.getpid()}",
        # A waiter blocks in BLPOP for up to `expire` seconds; redis-py 8's default
        # 5 s socket timeout would end any wait longer than that with TimeoutError.
        socket_timeout=None,
    )


if __name__ == "__main__":
    sys.exit(main())

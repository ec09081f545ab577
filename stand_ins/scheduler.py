"""The sync scheduler's use of Redis (OPTERP-22): APScheduler 3 with its Redis
job store, as two kinds of process.

    python -m stand_ins.scheduler
        then, on stdin, one of:
        `store ID TOKEN`  a scheduler that stores a one-off job, due now, then
                          exits without running it
        `run`             a scheduler that loads the stored jobs and fires them,
                          until stopped
        `every ID TOKEN SECONDS`
                          a scheduler that stores a job firing every SECONDS
                          and fires it, until stopped

A fired job journals its token, so the suite sees which process ran it."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import redis
from apscheduler.jobstores.redis import RedisJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from redis.connection import parse_url

from stand_ins import contract
from stand_ins.journal import Journal

ROLE = "scheduler"
# By reference, not the function object: run as `-m`, this module is __main__,
# and a job stored as `__main__:fire` loads in no other process.
FIRE = "stand_ins.scheduler:fire"


def job_store(redis_url: str) -> RedisJobStore:
    """APScheduler's Redis job store with its default keys; for the HA topology,
    the one README "Connecting to the HA topology" gives."""
    place = contract.sentinel_place(redis_url)
    if place is not None:
        from stand_ins import sentinel_clients  # Celery and kombu load only for the HA topology

        return sentinel_clients.job_store(*place)
    return RedisJobStore(**parse_url(redis_url))


def fire(token: str) -> None:
    """The job: what a scheduled sync run would do, reduced to being seen."""
    Journal(contract.journal_dir(), ROLE).write("fired", token=token)


def _configure(scheduler: BaseScheduler) -> BaseScheduler:
    scheduler.configure(jobstores={"default": job_store(contract.redis_url())}, timezone=UTC)
    return scheduler


def store(job_id: str, token: str) -> int:
    scheduler = _configure(BackgroundScheduler())
    # Paused: the job goes to Redis but this process never runs it. No
    # shutdown() either: APScheduler 3 may run a due job while shutting down.
    scheduler.start(paused=True)
    journal = Journal(contract.journal_dir(), ROLE)
    try:
        scheduler.add_job(FIRE, "date", run_date=datetime.now(UTC), args=[token], id=job_id, misfire_grace_time=None)
    except redis.ResponseError as error:  # Redis said no: MISCONF (a full disk), OOM, NOREPLICAS
        journal.write("refused", job_id=job_id, error=f"{type(error).__name__}: {error}")
        return 0
    journal.write("stored", job_id=job_id, token=token)
    return 0


def run() -> int:
    Journal(contract.journal_dir(), ROLE).write("running")
    _configure(BlockingScheduler()).start()
    return 0


def every(job_id: str, token: str, seconds: float) -> int:
    scheduler = _configure(BackgroundScheduler())
    scheduler.start(paused=True)  # stored before it can fire
    scheduler.add_job(FIRE, "interval", seconds=seconds, args=[token], id=job_id, replace_existing=True)
    Journal(contract.journal_dir(), ROLE).write("stored", job_id=job_id, token=token)
    scheduler.resume()
    sys.stdin.read()  # runs until the suite stops it, or goes away
    return 0


def main() -> int:
    contract.bind_to_parent()
    # Started ahead of need, so the suite does not wait for APScheduler to load.
    orders = sys.stdin.readline().split()
    if orders[:1] == ["store"] and len(orders) == 3:
        return store(orders[1], orders[2])
    if orders == ["run"]:
        return run()
    if orders[:1] == ["every"] and len(orders) == 4:
        return every(orders[1], orders[2], float(orders[3]))
    return 0  # the suite went away, or no longer needs this scheduler


if __name__ == "__main__":
    sys.exit(main())

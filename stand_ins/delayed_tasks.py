"""How OpticsERP sends a Celery task that is to run later (OPTERP-24): copy this module.

    from stand_ins.delayed_tasks import send_later

    send_later(app, "opticserp.sync_receipts", [batch_id], queue="sync", countdown=2 * 3600)

Kombu's Redis transport hands a message out again once it has gone
unacknowledged for the visibility timeout (an hour by default), and a worker
holds a task with a countdown or an ETA, unacknowledged, until it runs. So a
task delayed past the timeout is delivered again while it waits, and runs
twice (kombu#337; celery#2599, #3270, #7009). Celery's advice is a timeout
above the longest delay (celery#4766), which also keeps the task of a worker
that died waiting that long before it runs again. Here a longer delay is
waited in hops of half the timeout instead: a relay task carries the task to
its time, each hop sending the next, the last one the task itself, and no
message is held unacknowledged for longer than a hop. A retry later than one
hop is sent the same way (`send_later(...)`, then return) rather than by
`self.retry(countdown=...)`. The workers' app calls `relay(app)` once.

The setting the suite proves necessary is named in SETTINGS; with
OPTERP20_CLIENT_WITHOUT=NAME the stand-ins run without it (the catalogue's
negative control, tests/mutants/tasks/)."""

from __future__ import annotations

import os
import time
import uuid
from typing import Any

from celery import Celery
from celery.result import AsyncResult

RELAY = "opticserp.relay"
KOMBU_DEFAULT_TIMEOUT = 3600.0  # seconds: kombu's visibility timeout when none is set
SETTINGS = {
    "delay-hops": "a task delayed past the visibility timeout runs once: it waits in hops shorter than the timeout"
}
WITHOUT = frozenset(os.environ.get("OPTERP20_CLIENT_WITHOUT", "").split(",")) - {""}  # the suite's switch


def send_later(app: Celery, name: str, args: list[Any], *, queue: str, countdown: float) -> AsyncResult:
    """Task `name` with `args`, on `queue`, to run `countdown` seconds from now, once."""
    return _forward(app, name, args, queue, time.time() + countdown, uuid.uuid4().hex)


def relay(app: Celery) -> None:
    """Register the relay task on the workers' app."""

    @app.task(name=RELAY)
    def _relay(name: str, args: list[Any], queue: str, due: float, task_id: str) -> None:
        _forward(app, name, args, queue, due, task_id)


def _forward(app: Celery, name: str, args: list[Any], queue: str, due: float, task_id: str) -> AsyncResult:
    left = due - time.time()
    if left <= hop(app) or "delay-hops" in WITHOUT:
        return app.send_task(name, args=args, queue=queue, countdown=max(0.0, left), task_id=task_id)
    app.send_task(RELAY, args=[name, args, queue, due, task_id], queue=queue, countdown=hop(app))
    return app.AsyncResult(task_id)


def hop(app: Celery) -> float:
    """Half the visibility timeout: a hop's message is acknowledged well before Redis would hand it out again."""
    options = app.conf.broker_transport_options or {}
    return float(options.get("visibility_timeout", KOMBU_DEFAULT_TIMEOUT)) / 2

"""OpticsERP's Celery app (OPTERP-24), as a worker process runs it:

    python -m celery -A stand_ins.tasks worker --pool=solo -Q sync ...

It connects once the suite sends `go` on stdin. Redis is the broker and the
result backend. Each task journals what it did; `occupy` tasks stand for long
work (a sync run) and last until the suite creates their release file, or at
most OCCUPY_LIMIT seconds."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from celery import Celery, Task
from celery.signals import worker_init, worker_ready

from stand_ins import catatonic, contract, delayed_tasks, sentinel_clients
from stand_ins.journal import Journal

RECORD = "opticserp.record"
OCCUPY = "opticserp.occupy"
OCCUPY_ACKS_LATE = "opticserp.occupy_acks_late"
OCCUPY_LIMIT = 60.0  # seconds: a forgotten long task ends by itself
_POLL = 0.01
RESTORE_SWEEP = 0.1  # seconds between the workers' looks for messages to hand out again


def settings(redis_url: str, visibility_timeout: float) -> dict[str, Any]:
    """The app's configuration; the suite's own producer uses the same. For the
    HA topology, the settings README "Connecting to the HA topology" gives."""
    base = _single_node(redis_url, visibility_timeout)
    place = contract.sentinel_place(redis_url)
    if place is None:
        return base
    ha = sentinel_clients.celery_settings(*place)
    transport = {**base["broker_transport_options"], **ha["broker_transport_options"]}
    return {**base, **ha, "broker_transport_options": transport}


def _single_node(redis_url: str, visibility_timeout: float) -> dict[str, Any]:
    return {
        "broker_url": redis_url,
        "result_backend": redis_url,
        "task_default_queue": "default",
        # One message at a time, so a busy worker holds no others hostage.
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
        "broker_transport_options": {
            # How long an unacknowledged message (acks_late, or held for its
            # countdown) waits before it is handed out again; swept ten times a
            # second, so the wait is that long. (Kombu's defaults sweep every
            # 100 s, a thirty-sixth of its hour's timeout; this is a tenth.)
            "visibility_timeout": visibility_timeout,
            "unacked_restore_interval": RESTORE_SWEEP,
            "unacked_restore_throttle": 1,
            # A sweep holds a mutex in Redis; a worker killed mid-sweep (or its
            # connection, or Redis) leaves it until it expires, and no message is
            # handed out again meanwhile: kombu's 300 s, scaled as the timeout is.
            "unacked_mutex_expire": 1,
        },
    }


app = Celery("opticserp")
delayed_tasks.relay(app)
if contract.REDIS_URL in os.environ:  # a worker; the suite imports only the names
    contract.bind_to_parent()
    if "reconnect-polling" in sentinel_clients.WITHOUT:  # the catalogue's negative control
        catatonic.install()
    app.conf.update(settings(contract.redis_url(), float(os.environ[contract.VISIBILITY_TIMEOUT])))


def _journal() -> Journal:
    return Journal(contract.journal_dir(), "celery-worker")


@worker_init.connect
def _await_orders(**_: Any) -> None:
    """Started ahead of need, a worker has loaded Celery and the app but not
    yet connected; it goes on when the suite sends `go` (anything else ends it)."""
    _journal().write("worker-loaded")
    if sys.stdin.readline().strip() != "go":
        os._exit(0)


@worker_ready.connect
def _ready(**_: Any) -> None:
    _journal().write("worker-ready")


@app.task(name=RECORD, bind=True)
def record(self: Task, token: str) -> str:
    _journal().write("executed", task=RECORD, token=token, redelivered=_redelivered(self))
    return token


def release_file(journal_dir: Path, token: str) -> Path:
    """Created by the suite to end an `occupy` task."""
    return journal_dir / f"release-{token}"


def _occupy(task: Task, token: str) -> str:
    journal = _journal()
    journal.write("started", task=task.name, token=token, redelivered=_redelivered(task))
    release = release_file(contract.journal_dir(), token)
    deadline = time.monotonic() + OCCUPY_LIMIT
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(_POLL)
    journal.write("finished", task=task.name, token=token, released=release.exists())
    return token


@app.task(name=OCCUPY, bind=True)
def occupy(self: Task, token: str) -> str:
    return _occupy(self, token)


@app.task(name=OCCUPY_ACKS_LATE, bind=True, acks_late=True)
def occupy_acks_late(self: Task, token: str) -> str:
    return _occupy(self, token)


def _redelivered(task: Task) -> bool:
    return bool((task.request.delivery_info or {}).get("redelivered"))

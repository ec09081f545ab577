"""A Celery worker as kombu releases before 5.7 could leave it after its
connection dropped again and again: alive, answering `ping`, no longer polling
its queues (celery #8030, #8091, fixed by kombu #2007 in 5.4; kombu #2492,
merged in 5.7, for a reconnect that a stale channel's disconnect undoes).

Only the catalogue's negative control installs it (OPTERP20_CLIENT_WITHOUT=
reconnect-polling, tests/mutants/kombu/): kombu 5.3.7 no longer loads beside
this Celery, and kombu 5.6.2 passed the flapping scenario three times in three,
its race not being one this machine loses on demand. So the stand-in makes the
outcome certain: from its third reconnect on, the worker registers nothing with
its event loop. OpticsERP's guard is the dependency floor, `kombu>=5.7` in
pyproject.toml."""

from __future__ import annotations

import itertools
from typing import Any

from kombu.transport.redis import Transport

RECONNECTS_SURVIVED = 2  # a worker that reconnected once (a Redis crash) still consumes


def install() -> None:
    register = Transport.register_with_event_loop
    connects = itertools.count()

    def catatonic(self: Transport, connection: Any, loop: Any) -> None:
        if next(connects) <= RECONNECTS_SURVIVED:  # the first connect, then the reconnects survived
            register(self, connection, loop)

    Transport.register_with_event_loop = catatonic  # type: ignore[method-assign]

"""behave's step decorators, with the suite's error reporting applied to every
step, so no step can forget it: an expected failure of the service under test
fails the step in one line; anything else still shows its traceback.

    from harness.run.steps import given, then, when

A step that starts consumer processes declares their kinds with `@takes`
(below its `@given`), so the run keeps a spare of a kind loaded only while a
step still to come will take one (harness/run/demand.py).
"""

from __future__ import annotations

from collections.abc import Callable

import behave

from harness.run.demand import TAKES
from harness.run.step_errors import reported_as_failures

Step = Callable[..., None]


def _registering(decorator: Callable[[str], Callable[[Step], Step]]) -> Callable[[str], Callable[[Step], Step]]:
    def register(pattern: str) -> Callable[[Step], Step]:
        def wrap(step: Step) -> Step:
            return decorator(pattern)(reported_as_failures(step))

        return wrap

    return register


given: Callable[[str], Callable[[Step], Step]] = _registering(behave.given)
when: Callable[[str], Callable[[Step], Step]] = _registering(behave.when)
then: Callable[[str], Callable[[Step], Step]] = _registering(behave.then)


def takes(*kinds: str) -> Callable[[Step], Step]:
    """Declares the kinds of consumer process the step starts (sync_lock.KIND,
    job_store.KIND, a Celery worker of a queue: `celery-{queue}`, filled in from
    the step's own argument, or `celery-*` for any). A step that may start one
    declares it too."""

    def declare(step: Step) -> Step:
        setattr(step, TAKES, frozenset(kinds))
        return step

    return declare

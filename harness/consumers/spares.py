"""Which consumer processes the run's steps will start, so that a spare of a
kind is loaded ahead of need only while a step still to come takes one; and
the error of a step that starts one it did not declare (`@takes`)."""

from __future__ import annotations

from typing import Protocol

from harness.core.errors import HarnessError


class UndeclaredTake(HarnessError):
    """A step started a consumer process it does not declare (`@takes`): the run's spares would miss it."""


class Demand(Protocol):
    """Which kinds of consumer process the run's steps start: the spare of a kind
    is loaded only while a step still to come will take one."""

    def wanted(self, kind: str) -> bool:
        """A step still to come takes a process of `kind`."""
        ...

    def declared(self, kind: str) -> bool:
        """The step now running says it takes a process of `kind`."""
        ...


class Always:
    """Every kind wanted and declared: a spare after every take (outside a behave run)."""

    def wanted(self, kind: str) -> bool:
        return True

    def declared(self, kind: str) -> bool:
        return True

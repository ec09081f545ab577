"""The whole run's bound. Every wait and call in the suite has its own; this is
the one behind them all, for whatever nobody foresaw. When it runs out, it
says in one line what the run was doing, lets the run clean up (itself bounded)
and ends the process red, wherever its main thread is stuck."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from harness.core.polling import Clock

CLEANUP_GRACE = 60.0  # seconds the cleanup may take after the bound, before the process ends anyway
EXIT_CODE = 1
SLICE = 0.5  # seconds between looks at the clock


@dataclass
class Watchdog:
    timeout: float
    on_expiry: Callable[[str], None]  # cleans up; its message is the one line to print
    clock: Clock = time.monotonic
    exit: Callable[[int], None] = os._exit
    grace: float = CLEANUP_GRACE
    doing: str = "starting"
    setting: str = "run_timeout"  # the -D setting that sets `timeout`, for the message
    _deadline: float = 0.0
    _done: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def arm(self) -> None:
        self._deadline = self.clock() + self.timeout
        self._thread = threading.Thread(target=self._watch, name="run-watchdog", daemon=True)
        self._thread.start()

    def extend(self, seconds: float) -> None:
        """Allow longer, for a step with a bound of its own (an image pull)."""
        self._deadline += seconds

    def now(self, doing: str) -> None:
        self.doing = doing

    def disarm(self) -> None:
        self._done.set()

    def _watch(self) -> None:
        # In slices, so that a deadline moved by `extend` is seen.
        while not self._done.wait(min(SLICE, max(0.0, self._deadline - self.clock()))):
            if self.clock() >= self._deadline:
                break
        if self._done.is_set():
            return
        # The cleanup gets its grace; then the process ends, cleaned or not.
        last_resort = threading.Timer(self.grace, self.exit, (EXIT_CODE,))
        last_resort.daemon = True
        last_resort.start()
        try:
            self.on_expiry(self.message())
        except BaseException as error:  # noqa: BLE001 - the process ends next, whatever went wrong
            print(f"the run's cleanup failed: {type(error).__name__}: {error}", file=sys.__stderr__, flush=True)
        finally:
            self.exit(EXIT_CODE)

    def message(self) -> str:
        return (
            f"the run passed its {self.timeout:g} s bound (-D {self.setting}) while {self.doing}, "
            "so it was stopped and what it created removed: find what hangs there, or raise the bound"
        )

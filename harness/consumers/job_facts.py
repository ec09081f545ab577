"""What the job store did for OpticsERP's sync scheduler, as typed findings:
each holds what a Then step asserts on and says itself in one sentence for
the sign-off (`Evidence.observe`). The waits that produce them are here too."""

from __future__ import annotations

from dataclasses import dataclass

from harness.consumers.job_store import Schedulers
from harness.consumers.processes import Process


@dataclass(frozen=True)
class FiredAfterStart:
    """A stored job fired by a new scheduler: by whom, and how long after its start."""

    seconds: float
    fired_by: list[int]  # every pid that fired the job
    what = "seconds from the new scheduler's start to the job firing"

    @property
    def value(self) -> float:
        return round(self.seconds, 3)

    @property
    def seen(self) -> dict[str, object]:
        return {"fired by": self.fired_by, "seconds": self.seconds}

    def __str__(self) -> str:
        return f"The new scheduler fired the job {self.seconds:.2f} s after it started."


def fired_after_start(
    schedulers: Schedulers, scheduler: Process, token: str, started: float, within: float, lost: str | None
) -> FiredAfterStart:
    """Until the job fires (decided at once when `lost` says why it cannot)."""
    fired = schedulers.wait_fired(scheduler, token, since=started, within=within, lost=lost)
    return FiredAfterStart(fired.elapsed, [e.pid for e in schedulers.fired(token)])


@dataclass(frozen=True)
class FiresAfterSwitch:
    """A repeating job firing after the new master was named, and again after that."""

    fault: str
    scheduler: int  # its pid
    took: float  # seconds from the switch to the first firing
    again: float  # seconds from the first firing to the next
    what = "seconds from the new master to the job firing"

    @property
    def value(self) -> float:
        return round(self.took, 3)

    def __str__(self) -> str:
        return (
            f"The job stored before the {self.fault} fired {self.took:.2f} s after the new main Redis was named, "
            f"and again {self.again:.2f} s later, by scheduler pid {self.scheduler}."
        )


def fires_after_switch(schedulers: Schedulers, switched_at: float, fault: str, within: float) -> FiresAfterSwitch:
    """The feature's repeating job: its first firing after `switched_at`, then the next."""
    scheduler, token = schedulers.every(1)
    first = schedulers.wait_fired_after(scheduler, token, after=switched_at, within=within).value
    again = schedulers.wait_fired_after(scheduler, token, after=first.t, within=within).value
    return FiresAfterSwitch(fault, scheduler.pid, first.t - switched_at, again.t - first.t)

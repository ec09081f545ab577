"""Risks for OPTERP-21, OPTERP-22 and OPTERP-24: where a test set something
that production does not, so that its figure is not read as production's.
Each is said as "the test used X; production uses Y; that means Z". The
test's value comes from the run itself (a finding's `test_setting`); a
setting the run did not use is said to be so."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

TITLE = "Risks for OPTERP-21, OPTERP-22 and OPTERP-24 (test settings against production)"


@dataclass(frozen=True)
class Risk:
    setting: str  # the name a finding gives its test setting
    consumer: str
    production: str
    means: str

    def said(self, used: Mapping[str, str]) -> str:
        test = (
            f"the test used a {self.setting} of {used[self.setting]}"
            if self.setting in used
            else (f"this run did not use a {self.setting} of its own")
        )
        return f"{self.consumer}: {test}; production uses {self.production}; that means {self.means}."


CONSUMER_RISKS = (
    Risk(
        "visibility timeout",
        "Celery broker (OPTERP-24)",
        "kombu's default of one hour, unless OPTERP-24 sets `visibility_timeout`",
        "a task whose worker dies mid-task runs again only an hour later, and a task delayed longer than that "
        "(a retry's countdown or ETA) is delivered twice (kombu#337): OPTERP-24 must send a task that is to run "
        "later as stand_ins/delayed_tasks.py does (README, Sending tasks to run later)",
    ),
    Risk(
        "kombu",
        "Celery broker (OPTERP-24)",
        "the kombu OPTERP-24 installs",
        "a kombu before 5.7 can leave a worker alive and answering ping but taking no task after its connection "
        "drops again and again (celery#8030, kombu#2492): OPTERP-24 must require kombu>=5.7",
    ),
    Risk(
        "lock expiry",
        "Sync lock (OPTERP-21)",
        "the plan's `expire=300`",
        "a worker that crashes holding the lock blocks the fiscal sync for up to 5 minutes, and a sync running "
        "longer than 300 s lets a second worker in, as the plan's lock is not renewed: OPTERP-21 must hold it as "
        "stand_ins/fiscal_lock.py does (README, Holding the sync lock)",
    ),
)
# What the single node's run claims but does not show; it goes under Not verified.
POWER_LOSS = (
    "A host crash or power loss costing at most the last second of writes: the run read the setting "
    "(`appendfsync everysec`) and cut no power; the second is Redis's documented promise, not shown here."
)


def said(risks: tuple[Risk, ...], used: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(risk.said(used) for risk in risks)

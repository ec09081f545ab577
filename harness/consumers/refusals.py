"""What each consumer is told when Redis says no to a write (its disk full, say):
the sync worker asking for the lock, a task sent from the host, a scheduler
storing a job, each through its own library. A refusal is loud when the
consumer is told Redis's own reason; a write taken where it should have been
refused is the silent loss these facts exist to catch."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import redis
from kombu.exceptions import OperationalError

from harness.consumers.drivers import Consumers
from stand_ins.tasks import RECORD

LOCK_EXPIRE = 300  # the plan's


def _reason(error: str) -> str:
    """Redis's answer in an error's text, without what a pipeline adds before it (the
    command, with a pickled job's bytes): "Command # 1 (...) of pipeline caused error: MISCONF ..."."""
    kind, _, text = error.partition(": ")
    return f"{kind}: {text.rpartition('caused error: ')[2]}" if text else error


@dataclass(frozen=True)
class Refusal:
    consumer: str  # who asked, in the product owner's words
    answer: str  # what it was told: Redis's reason, or "taken"

    @property
    def what(self) -> str:
        return f"{self.consumer}, refused"

    @property
    def value(self) -> str:
        return self.answer

    def said(self, reason: str) -> bool:
        """Whether it was told Redis's `reason` (its error's first word: MISCONF, NOREPLICAS)."""
        return reason in self.answer

    def __str__(self) -> str:
        if self.answer == "taken":
            return f"{self.consumer} was not refused: Redis took the write."
        return f"{self.consumer} was refused: {self.answer}."


def lock(consumers: Consumers) -> Refusal:
    """A fresh sync worker asks for the lock."""
    entry = consumers.lock.ask(LOCK_EXPIRE)
    return Refusal(
        "A sync worker asking for the sync lock", _reason(entry["error"]) if entry.event == "refused" else "taken"
    )


def task(consumers: Consumers, queue: str) -> Refusal:
    """A task sent from the host, without the publish's own retries. kombu opens its
    channel with a PING, which Redis refuses too when its disk is full, and retries
    connecting first (the suite's producer: once, within 2 s; Celery's default: 100 times)."""
    try:
        consumers.celery.send(RECORD, queue, retry=False)
    except (redis.exceptions.ResponseError, OperationalError) as error:
        return Refusal("A task sent from the host", _reason(f"{type(error).__name__}: {error}"))
    return Refusal("A task sent from the host", "taken")


def job(consumers: Consumers) -> Refusal:
    """A scheduler process stores a job due now."""
    entry = consumers.schedulers.try_store(f"opterp20-disk-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex)
    return Refusal("A scheduler storing a job", _reason(entry["error"]) if entry.event == "refused" else "taken")

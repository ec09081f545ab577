"""What the Celery broker did with OpticsERP's tasks, as typed findings: each
holds what a Then step asserts on and says itself in one sentence for the
sign-off (`Evidence.observe`). The waits that produce them are here too, so
that steps only store and assert."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from celery.result import AsyncResult
from kombu.exceptions import OperationalError

from harness.consumers.celery_broker import DELIVERY_SLACK, CeleryBroker
from harness.consumers.processes import Process
from stand_ins.journal import Entry
from stand_ins.tasks import RECORD

ANOTHER_RUN = 0.2  # seconds a delayed task is watched after its run, for a second one


@dataclass(frozen=True)
class Executions:
    """How many of the tasks sent ran, how many more than once, how many are still queued."""

    what: str
    sent: int
    executed: int
    twice: int
    still_queued: int
    queued_after_fault: int | None = None  # counted before a worker ran again, when a fault came between

    @property
    def value(self) -> dict[str, int]:
        return {"executed": self.executed, "twice or more": self.twice, "still queued": self.still_queued}

    def __str__(self) -> str:
        if self.queued_after_fault is not None:
            return (
                f"Of the {self.sent} tasks queued before the fault, {self.queued_after_fault} were still queued "
                f"after it: {self.value}."
            )
        return (
            f"Of {self.sent} queued tasks, {self.executed} ran, {self.twice} more than once; "
            f"{self.still_queued} were still queued."
        )


def executions(
    celery: CeleryBroker,
    tokens: list[str],
    queue: str,
    timeout: float,
    still_queued: int,
    *,
    what: str,
    after_fault: bool = False,
) -> Executions:
    """Once every task has run (or that is decided): how many of `tokens` ran,
    how many more than once, and how many are still queued (`still_queued`:
    counted before a worker ran, which decides at once if some are gone, and
    which the finding tells when the count came `after_fault`)."""
    executed = wait_all_executed(celery, tokens, timeout=timeout, still_queued=still_queued)
    times = Counter(e["token"] for e in executed if e.event == "executed")
    ran, twice = sum(1 for t in tokens if times[t] >= 1), sum(1 for t in tokens if times[t] > 1)
    queued_after_fault = still_queued if after_fault else None
    return Executions(what, len(tokens), ran, twice, celery.queued(queue), queued_after_fault)


def wait_all_executed(celery: CeleryBroker, tokens: list[str], timeout: float, still_queued: int) -> list[Entry]:
    """Every task executed; decided at once if fewer were still queued in
    Redis (`still_queued`, counted before any worker ran) than were sent."""
    wanted = set(tokens)
    lost = f"only {still_queued} of the {len(tokens)} tasks were still queued in Redis"
    observed = celery.poller.until(
        f"all {len(tokens)} queued tasks executed",
        lambda: [e for e in celery.processes.entries("executed") if e["token"] in wanted],
        lambda found: {e["token"] for e in found} >= wanted,
        timeout=timeout,
        give_up=lambda _: (lost if still_queued < len(tokens) else None) or celery.worker_died(),
    )
    return observed.value


@dataclass(frozen=True)
class Waiting:
    """The tasks waiting in Redis at one moment."""

    count: int
    what: str
    after: str  # the moment, as the sentence says it

    @property
    def value(self) -> int:
        return self.count

    def __str__(self) -> str:
        return f"{self.count} tasks were waiting after {self.after}."


@dataclass(frozen=True)
class Redelivery:
    """An unacknowledged task's second delivery, after its worker was killed."""

    first: Entry
    again: Entry
    visibility: float  # seconds: the visibility timeout
    what = "task delivered again"

    @property
    def delay(self) -> float:
        return self.again.t - self.first.t

    @property
    def test_setting(self) -> tuple[str, str]:
        return "visibility timeout", f"{self.visibility:g} s"

    @property
    def earliest(self) -> float:
        """The visibility timeout, less the clocks' resolution: never handed out before it."""
        return self.visibility - DELIVERY_SLACK

    @property
    def seen(self) -> dict[str, object]:
        return {"delivered to": self.again.pid, "seconds between the deliveries": self.delay}

    @property
    def value(self) -> str:
        return f"{self.delay:.3f} s after its first delivery, redelivered flag {self.again['redelivered']}"

    def __str__(self) -> str:
        return (
            f"The task reached the new worker {self.delay:.2f} s after its first delivery "
            f"(visibility timeout {self.visibility:g} s)."
        )


@dataclass(frozen=True)
class Resumed:
    """A worker that consumed a queue before a fault, running a new task after it, its result read back."""

    worker: int  # the pid that consumed the queue before the fault
    queue: str
    moment: str  # what the seconds are measured from, as the scenario says it
    run_by: int
    took: float  # seconds from the moment to the task's start
    read_after: float  # seconds from the moment to its result read back
    result: str
    token: str

    @property
    def what(self) -> str:
        return f"seconds from {self.moment} to a task run"

    @property
    def value(self) -> float:
        return round(self.took, 3)

    @property
    def seen(self) -> dict[str, object]:
        return {"run by": self.run_by, "seconds": self.took, "result": self.result}

    def __str__(self) -> str:
        return (
            f"The Celery worker (pid {self.worker}) that was consuming {self.queue!r} before the fault ran a new "
            f"task {self.took:.2f} s after {self.moment}; its result was read back {self.read_after:.2f} s "
            f"after {self.moment}."
        )


def resumed(
    celery: CeleryBroker, worker: Process, queue: str, since: float, moment: str, within: float, late: float
) -> Resumed:
    """A new task sent to `queue` (asked again while the new master refuses
    writes), its start and its result, measured from `since`; the result is
    waited for `late` seconds more (a worker on a frozen master stores it a
    socket timeout later)."""
    celery.close()  # the suite's producer starts afresh; the worker is what is judged
    token, sent = send_accepted(celery, RECORD, queue, within=within)
    started = celery.wait_started(token, timeout=within + late).value
    read = celery.result(token, sent, since=since, within=within + late)
    return Resumed(worker.pid, queue, moment, started.pid, started.t - since, read.elapsed, read.value, token)


def send_accepted(celery: CeleryBroker, task: str, queue: str, within: float) -> tuple[str, AsyncResult]:
    """`send`, asked again until Redis accepts it: a master just promoted
    refuses writes (NOREPLICAS) until a replica follows it, 2-3 s here."""
    refusals: list[str] = []

    def attempt() -> tuple[str, AsyncResult] | None:
        try:
            # Not kombu's own retry: after a refused publish it reuses the channel
            # it closed (AttributeError on `connection.client`).
            return celery.send(task, queue, retry=False)
        except OperationalError as error:
            refusals.append(f"{type(error).__name__}: {error}")
            celery.close()
            return None

    sent = celery.poller.until(
        f"Redis accepts a task for {queue}",
        attempt,
        lambda found: found is not None,
        timeout=within,
        why_not=lambda _: refusals[-1] if refusals else "",
    ).value
    assert sent is not None
    return sent


@dataclass(frozen=True)
class Refused:
    """The master refusing a worker's commands, as the worker logged it."""

    pid: int
    refusal: str
    after: float  # seconds from the fault
    what = "seconds from losing both replicas to NOREPLICAS"

    @property
    def value(self) -> float:
        return round(self.after, 3)

    def __str__(self) -> str:
        return (
            f"The main Redis refused the Celery worker's commands ({self.refusal}) {self.after:.2f} s after both "
            "standbys froze."
        )


def refused(celery: CeleryBroker, worker: Process, refusal: str, since: float, within: float) -> Refused:
    """Until `worker` logs `refusal`, within `within` seconds of `since`."""
    seen = celery.poller.until(
        f"the sync queue's worker (pid {worker.pid}) logs {refusal}",
        lambda: refusal in worker.log_tail(40),
        lambda logged: logged,
        timeout=within,
        since=since,
    )
    return Refused(worker.pid, refusal, seen.elapsed)


@dataclass(frozen=True)
class DelayedRun:
    """A task sent to run later: each time it ran, in seconds from its sending."""

    countdown: float
    runs: tuple[float, ...]
    visibility: float  # seconds: the visibility timeout
    what = "seconds from sending a delayed task to its runs"

    @property
    def test_setting(self) -> tuple[str, str]:
        return "visibility timeout", f"{self.visibility:g} s"

    @property
    def value(self) -> list[float]:
        return [round(run, 3) for run in self.runs]

    @property
    def seen(self) -> dict[str, object]:
        return {"times run": len(self.runs), "seconds from sending to its run": self.runs[0]}

    def __str__(self) -> str:
        at = " and ".join(f"{run:.2f} s" for run in self.runs)
        times = "once" if len(self.runs) == 1 else f"{len(self.runs)} times"
        return f"The task sent to run {self.countdown:g} s later ran {times}, {at} after it was sent."


def delayed_runs(celery: CeleryBroker, token: str, sent_at: float, countdown: float, late: float) -> DelayedRun:
    """Until the task has run, at most `late` seconds past its time, and then
    for ANOTHER_RUN more: a copy handed out again while it waited is due at the
    same moment, so it runs right after the first."""
    celery.wait_started(token, timeout=countdown + late + celery.slack)
    celery.poller.wait_until(celery.poller.clock() + ANOTHER_RUN)
    runs = tuple(entry.t - sent_at for entry in celery.executions(token))
    return DelayedRun(countdown, runs, celery.visibility_timeout)


@dataclass(frozen=True)
class Transport:
    """The kombu the workers ran: a test setting, since production runs what OPTERP-24 installs."""

    version: str
    what = "kombu the workers ran"

    @property
    def value(self) -> str:
        return self.version

    @property
    def test_setting(self) -> tuple[str, str]:
        return "kombu", self.version

    def __str__(self) -> str:
        return f"The Celery workers ran kombu {self.version}."

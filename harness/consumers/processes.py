"""Consumer processes the suite starts: each a real OS process in a process
group of its own, registered the moment it exists, with its output in a log
file of the run's scratch directory. The run stops every one of them, whatever
happens: at the end of its scenario or feature, and in the run's cleanup."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from harness.consumers.spares import Always, Demand, UndeclaredTake
from harness.core.errors import HarnessError
from harness.core.polling import Observed, Poller
from harness.topology import verdicts
from stand_ins import contract, journal
from stand_ins.journal import Entry

ROOT = Path(__file__).resolve().parents[1]
SCENARIO, FEATURE = "scenario", "feature"  # how long a process may live
SPARE = "spare"  # waiting for orders: lives until taken, or until the run ends
STOPPING = "stopping"  # asked to stop, not yet reaped
STOP_GRACE = 3.0  # seconds between SIGTERM and SIGKILL
_POSIX = os.name == "posix"


class ProcessExited(HarnessError):
    """A consumer process ended while the suite still needed it."""


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    scope: str
    # Why the service it talks to cannot answer it (Redis frozen, say), if the run has decided so.
    service_gone: Callable[[], str | None] = lambda: None

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def exit_reason(self) -> str | None:
        """Why waiting on this process is pointless, with its last words; None
        while it runs and the service it talks to can answer it."""
        if self.alive:
            if _stopped(self.pid):
                return f"{self.name} (pid {self.pid}) is stopped (SIGSTOP?): it does nothing until it is continued"
            refused = verdicts.refused_in_log(self._log_end())
            return f"{self.name} (pid {self.pid}): {refused}" if refused else self.service_gone()
        return f"{self.name} (pid {self.pid}) exited with code {self.popen.returncode}; its log ends: {self.log_tail()}"

    def _log_end(self, size: int = 4096) -> str:
        try:
            with self.log.open("rb") as log:
                log.seek(max(0, log.seek(0, os.SEEK_END) - size))
                return log.read().decode(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 6) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        except OSError:
            return "(no log)"
        return " | ".join(text[-lines:]) or "(empty)"

    def send(self, line: str) -> None:
        stdin: IO[bytes] | None = self.popen.stdin
        try:
            assert stdin is not None
            stdin.write(f"{line}\n".encode())
            stdin.flush()
        except (BrokenPipeError, OSError) as error:
            raise ProcessExited(self.exit_reason() or f"{self.name}: cannot write to it: {error}") from error

    def kill(self) -> None:
        """SIGKILL the whole group: what a crash or an OOM kill does to a worker."""
        self._signal(signal.SIGKILL if _POSIX else signal.SIGTERM)
        self.popen.wait()

    def stop(self, grace: float = STOP_GRACE) -> None:
        self.terminate()
        self.reap(grace)

    def terminate(self) -> None:
        """Ask it to stop (SIGTERM: a Celery worker's warm shutdown), without waiting."""
        if self.alive:
            self._signal(signal.SIGTERM)
            if _POSIX:  # a stopped process acts on SIGTERM only once it is continued
                self._signal(signal.SIGCONT)

    def reap(self, grace: float) -> None:
        """Wait for it to end after `terminate`, killing it after `grace` seconds."""
        try:
            self.popen.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.kill()
        if self.popen.stdin:
            self.popen.stdin.close()

    def _signal(self, signum: int) -> None:
        try:
            if _POSIX:
                os.killpg(self.pid, signum)
            else:
                self.popen.send_signal(signum)
        except (ProcessLookupError, PermissionError):
            pass  # already gone


@dataclass
class Processes:
    """The run's consumer processes and the journal they write to."""

    scratch: Path
    run_marker: str
    poller: Poller
    running: list[Process] = field(default_factory=list)
    service_gone: Callable[[], str | None] = lambda: None
    launcher: Sequence[str] = ()  # what runs each program: nothing, or a seat on a network (harness/infra/seat.py)
    demand: Demand = field(default_factory=Always)
    _spares: dict[tuple[str, ...], Process] = field(default_factory=dict)

    @property
    def journal_dir(self) -> Path:
        return self.scratch / "journal"

    def start(
        self,
        name: str,
        argv: Sequence[str],
        *,
        redis_url: str,
        scope: str = SCENARIO,
        extra_env: Mapping[str, str] | None = None,
    ) -> Process:
        self.journal_dir.mkdir(parents=True, exist_ok=True)
        log = self.scratch / f"{name}-{len(self.running)}.log"
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            "PYTHONUNBUFFERED": "1",
            contract.REDIS_URL: redis_url,
            contract.JOURNAL: str(self.journal_dir),
            contract.PARENT: str(os.getpid()),
            contract.RUN: self.run_marker,
            **(extra_env or {}),
        }
        with log.open("wb") as out:
            popen = subprocess.Popen(
                [*self.launcher, sys.executable, *argv],
                cwd=ROOT,
                env=env,
                stdin=subprocess.PIPE,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=_POSIX,
                # Elsewhere a group of its own keeps Ctrl-C in the terminal from reaching it first.
                creationflags=0 if _POSIX else subprocess.CREATE_NEW_PROCESS_GROUP,  # type: ignore[attr-defined]
            )
        process = Process(name, popen, log, scope, self.service_gone)
        self.running.append(process)
        return process

    def take(
        self,
        name: str,
        argv: Sequence[str],
        *,
        redis_url: str,
        extra_env: Mapping[str, str] | None = None,
        scope: str = SCENARIO,
    ) -> Process:
        """A process of this kind (its name) that waits on stdin for its orders: the spare one started
        at the last call if it is still there, else a new one. A new spare starts now if a step still to
        come takes one, so the next caller does not wait ~0.3-1 s for Python and the consumer's library to
        load (a Celery worker's spare costs a second of CPU)."""
        if not self.demand.declared(name):
            raise UndeclaredTake(f"this step starts a {name} process without declaring it: @takes({name!r})")
        spare = self._spares.pop(_kind(name, argv, redis_url), None)
        process = (
            spare
            if spare is not None and spare.alive
            else self.start(name, argv, redis_url=redis_url, extra_env=extra_env)
        )
        process.scope = scope
        self.warm(name, argv, redis_url=redis_url, extra_env=extra_env)
        return process

    def warm(
        self, name: str, argv: Sequence[str], *, redis_url: str, extra_env: Mapping[str, str] | None = None
    ) -> None:
        """Start a spare of this kind for the next `take`, unless one waits
        already or no step still to come takes one. A spare is only ever given
        to a caller reaching Redis by the same URL, since it was started with that one."""
        if not self.demand.wanted(name):
            return
        key = _kind(name, argv, redis_url)
        if key not in self._spares or not self._spares[key].alive:
            self._spares[key] = self.start(name, argv, redis_url=redis_url, extra_env=extra_env, scope=SPARE)

    def await_spare(self, name: str, argv: Sequence[str], *, redis_url: str, loaded: str, timeout: float) -> None:
        """Wait until the spare of this kind, if one is loading, journals `loaded`."""
        if (spare := self._spares.get(_kind(name, argv, redis_url))) and spare.alive:
            self.wait_for(spare, loaded, timeout=timeout)

    def stop(self, scope: str | None = None, *, wait: bool = True) -> None:
        """Stop the processes of one scope (all when None). Without `wait` they
        are only asked to stop (an idle Celery worker takes ~0.8 s), and a
        later `stop` reaps them."""
        chosen = [p for p in self.running if scope is None or p.scope == scope]
        self._spares = {k: p for k, p in self._spares.items() if p not in chosen}
        for process in chosen:  # all at once, then wait for each
            process.terminate()
        if not wait:
            for process in chosen:
                process.scope = STOPPING
            return
        for process in chosen:
            process.reap(STOP_GRACE)
        self.running = [p for p in self.running if p not in chosen]

    def entries(self, event: str | None = None, pid: int | None = None) -> list[Entry]:
        if not self.journal_dir.exists():
            return []
        return [
            e
            for e in journal.read(self.journal_dir)
            if (event is None or e.event == event) and (pid is None or e.pid == pid)
        ]

    def wait_for(self, process: Process, event: str, *, timeout: float, since: float | None = None) -> Observed[Entry]:
        """The first `event` `process` journals; gives up as soon as it exits without it."""
        observed: Observed[Entry | None] = self.poller.until(
            f"{process.name} (pid {process.pid}) reports {event!r}",
            lambda: next(iter(self.entries(event, process.pid)), None),
            lambda entry: entry is not None,
            timeout=timeout,
            since=since,
            give_up=lambda _: self._gone_without(process, event),
        )
        assert observed.value is not None
        return Observed(observed.value, observed.elapsed)

    def first_of(self, process: Process, events: tuple[str, ...], *, timeout: float) -> Entry:
        """The first of `events` `process` journals (an answer: taken or refused, say);
        gives up as soon as it exits without any."""

        def answer() -> Entry | None:
            return next((e for e in self.entries(pid=process.pid) if e.event in events), None)

        observed = self.poller.until(
            f"{process.name} (pid {process.pid}) reports {' or '.join(events)}",
            answer,
            lambda entry: entry is not None,
            timeout=timeout,
            give_up=lambda _: None if answer() else process.exit_reason(),
        )
        assert observed.value is not None
        return observed.value

    def _gone_without(self, process: Process, event: str) -> str | None:
        # Asked in this order, an event written just before exiting is never missed.
        reason = process.exit_reason()
        if not reason or self.entries(event, process.pid):
            return None
        said = self.entries(pid=process.pid)  # what it said last is most often why (refused: NOREPLICAS)
        return f"{reason}; it journaled last: {said[-1]}" if said else reason


def _stopped(pid: int, proc: Path = Path("/proc")) -> bool:
    """Whether the process is stopped by a signal (Linux; elsewhere never known)."""
    try:
        return (proc / str(pid) / "stat").read_text().rsplit(") ", 1)[1][:1] in ("T", "t")
    except (OSError, IndexError):
        return False


def _kind(name: str, argv: Sequence[str], redis_url: str) -> tuple[str, ...]:
    return (name, *argv, redis_url)

"""The one way the project's tests and bench scripts run behave: as a user
runs it (`python -m behave` in a checkout), in a compose project whose name
the caller knows beforehand (`-D project_name=`), so what a run made is found
by that name instead of by reading its console."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def new_project() -> str:
    """A project name of the test's own, in the suite's own pattern (which its cleanup and leftovers rules know)."""
    return f"opterp20-accept-t{secrets.token_hex(4)}"


def argv(
    *args: str, project: str, reports: Path | None = None, junit: bool = True, python: str = sys.executable
) -> list[str]:
    """`behave` with `args`, writing its reports (and, with `junit`, its JUnit files) to `reports`."""
    command = [python, "-m", "behave", "-D", f"project_name={project}"]
    if reports is not None:
        command += ["-D", f"reports_dir={reports}"]
        command += ["--junit-directory", str(reports)] if junit else []
    return command + ([] if junit else ["--no-junit"]) + list(args)


@dataclass
class Finished:
    returncode: int
    stdout: str
    stderr: str
    project: str
    wall: float  # seconds the run took


def behave(
    *args: str,
    reports: Path | None = None,
    junit: bool = True,
    env: dict[str, str] | None = None,
    timeout: float = 900,
    project: str | None = None,
) -> Finished:
    """One run to its end (the test fails, and the run is killed, past `timeout`)."""
    project = project or new_project()
    began = time.monotonic()
    done = subprocess.run(
        argv(*args, project=project, reports=reports, junit=junit),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    return Finished(done.returncode, done.stdout, done.stderr, project, time.monotonic() - began)


def start(
    *args: str, reports: Path, env: dict[str, str] | None = None, root: Path = ROOT, python: str = sys.executable
) -> tuple[subprocess.Popen[str], str]:
    """A run watched while it runs (`live_run.LiveRun`), from the checkout `root`
    with that checkout's `python`: its console on one pipe, in a process group
    of its own, as a terminal or CI runner gives it. Returns it and its project."""
    project = new_project()
    process = subprocess.Popen(
        argv("--format", "plain", *args, project=project, reports=reports, junit=False, python=python),
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # not ignored even if ours is
    )
    return process, project


def why_failed(done: Finished, reports: Path | None = None) -> str:
    """A failed run, for an assertion message: each failing scenario's own error
    in full (from the run's JUnit files) first, then the end of its console,
    which is the sign-off and would otherwise hide the reason."""
    failing = []
    for report in sorted(reports.glob("TESTS-*.xml")) if reports else []:
        for case in ET.parse(report).getroot().iter("testcase"):
            for failure in [*case.iter("failure"), *case.iter("error")]:
                failing.append(f"- {case.get('name')}: {failure.get('message', '').strip()}")
    return "\n".join(
        [f"behave exited {done.returncode}", *failing, "console, last lines:", done.stdout[-6000:], done.stderr[-2000:]]
    )


def junit_totals(directory: Path) -> dict[str, int]:
    """tests, failures, errors and skipped over the run's JUnit files."""
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for report in directory.glob("TESTS-*.xml"):
        suite = ET.parse(report).getroot()
        for key in totals:
            totals[key] += int(suite.get(key, 0))
    return totals

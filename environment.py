"""The run's lifecycle: preflight before anything starts, one compose project
of its own, and cleanup of exactly that project whatever happens."""
from __future__ import annotations

import atexit
import os
import signal
import sys
from types import FrameType

from behave.model import Scenario
from behave.runner import Context

from harness.config import Settings
from harness.errors import PreflightError
from harness.suite import Suite


def before_all(context: Context) -> None:
    # A cancelled CI job sends SIGTERM; make it unwind like Ctrl-C so after_all cleans up.
    signal.signal(signal.SIGTERM, _interrupt)
    suite = Suite.create(Settings.from_userdata(context.config.userdata))
    context.suite = suite
    try:
        suite.evidence.record("environment", "Docker Compose", suite.check_offline())
        if _runtime_selected(context):
            suite.connect()
    except PreflightError as error:
        _refuse(error)
    # If behave itself dies (a broken pipe on stdout, say), after_all never runs.
    atexit.register(suite.close)
    print(f"OPTERP-20 acceptance: compose project {suite.compose.project}, file {suite.compose.file}")


def after_scenario(context: Context, scenario: Scenario) -> None:
    suite: Suite = context.suite
    if scenario.status.has_failed() and suite.stack is not None and "static" not in scenario.effective_tags:
        print(f"\n--- evidence for failed scenario {scenario.name!r} ---\n{suite.stack.diagnostics()}")


def after_all(context: Context) -> None:
    suite: Suite | None = getattr(context, "suite", None)
    if suite is None:
        return
    leftovers = suite.close()
    suite.evidence.write(suite.settings.reports_dir / "evidence.json")
    for what, value in dict.fromkeys((f.what, f.value) for f in suite.evidence.about("environment")):
        print(f"OPTERP-20 acceptance ran on {what}: {value}")
    if leftovers:
        raise RuntimeError(f"could not remove what this run created: {'; '.join(leftovers)}")


def _runtime_selected(context: Context) -> bool:
    """Whether any selected scenario needs the engine (`--tags=@static` needs none)."""
    return any(
        scenario.should_run(context.config) and "static" not in scenario.effective_tags
        for feature in context._runner.features
        for scenario in feature.walk_scenarios()
    )


def _refuse(error: PreflightError) -> None:
    """Stop with one line and exit 2. behave turns any exception from a hook,
    SystemExit included, into a HOOK-ERROR plus "ABORTED: By user."; nothing
    exists yet that would need cleaning up, so leave at once."""
    sys.stdout.flush()
    print(f"OPTERP-20 acceptance cannot run: {error}", file=sys.stderr, flush=True)
    os._exit(2)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


# behave captures hook output and shows it only on failure; the run's
# environment summary is for every run.
after_all.capture = False  # type: ignore[attr-defined]

"""The run's lifecycle: preflight before anything starts, one compose project
of its own, cleanup of exactly that project whatever happens, and the reports."""

from __future__ import annotations

import atexit
import math
import os
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

from behave.model import Feature, Scenario, Step
from behave.runner import Context

from harness.core import hints
from harness.core.config import Settings
from harness.core.errors import PreflightError
from harness.probes import failover_timeline
from harness.reporting import junit, timeline
from harness.reporting.criteria import criterion_of
from harness.reporting.publish import publish
from harness.reporting.signoff import RunInfo
from harness.run import demand, scenario_state
from harness.run.suite import Suite
from harness.run.watchdog import Watchdog
from harness.topology import kinds

PREFIX = "OPTERP-20 acceptance"


def before_all(context: Context) -> None:
    # A cancelled CI job sends SIGTERM (Windows: Ctrl-Break); unwind like Ctrl-C so after_all cleans up.
    for name in hints.interrupt_signals():
        signal.signal(getattr(signal, name), _interrupt)
    context.started = (datetime.now(UTC), time.monotonic())
    # A wrong -D setting is refused below, once there is a run to report it.
    settings, invalid = Settings.parse(context.config.userdata)
    suite = Suite.create(settings, kinds.of_feature_tags(f.tags for f in context._runner.features))
    context.suite = suite
    suite.demand = demand.of_run(context._runner.features, context.config, context._runner.step_registry)
    watchdog = Watchdog(suite.run_timeout, lambda m: _expire(context, m), setting=suite.kind.run_timeout_setting)
    context.watchdog = watchdog
    watchdog.arm()
    # The pull has a bound of its own; the run's bound is beyond it.
    watchdog.extend(suite.settings.pull_timeout)
    junit.clear(_junit_dir(context))
    if invalid is not None:
        _refuse(context, invalid)
    try:
        suite.evidence.environment["Docker Compose"] = suite.check_offline()
        if _runtime_selected(context):
            suite.connect()
    except PreflightError as error:
        _refuse(context, error)
    if suite.evidence.environment.get("image pulled") is not True:
        watchdog.extend(-suite.settings.pull_timeout)
    # If behave itself dies (a broken pipe on stdout, say), after_all never runs.
    atexit.register(suite.close)
    for line in suite.removed_abandoned:
        print(f"{PREFIX}: {line}")
    print(f"{PREFIX}: engine {suite.engine_at}; compose project {suite.compose.project}, file {suite.compose.file}")


def before_scenario(context: Context, scenario: Scenario) -> None:
    context.watchdog.now(f"scenario {scenario.name!r}")
    # Set on the scenario's layer of the context: behave removes it when the scenario ends.
    setattr(context, scenario_state.ATTRIBUTE, scenario_state.ScenarioState())
    context.suite.evidence.begin(criterion_of(scenario.effective_tags), scenario.name)
    context.suite.demand.scenario_begins(scenario)


def before_step(context: Context, step: Step) -> None:
    context.watchdog.now(f"scenario {context.scenario.name!r}, step '{step.keyword} {step.name}'")
    context.suite.demand.step_begins()


def after_scenario(context: Context, scenario: Scenario) -> None:
    context.suite.end_scenario(failed=scenario.status.has_failed())


def after_feature(context: Context, feature: Feature) -> None:
    # Celery workers live for their feature, so scenarios share a warm worker.
    context.suite.end_feature()


def after_step(context: Context, step: Step) -> None:
    """Evidence on failure: state, health log, log tail and `compose ps`, on the
    console and attached to the failed step in the JSON and HTML reports."""
    suite: Suite = context.suite
    scenario = context.scenario
    _attach_timeline(context, step)
    refusal = _refusal_in(step.exception)
    if refusal is not None:
        # Found only when `up` ran (a port taken on a remote engine's machine): the same refusal, after cleanup.
        _refuse(context, refusal)
    if not step.status.has_failed() or suite.topology is None or "static" in scenario.effective_tags:
        return
    lost = suite.engine_lost(f"scenario {scenario.name!r}", step.exception)
    if lost is not None:
        # Nothing after this can run: say so once, and report the rest as not run.
        print(f"{PREFIX} stopped: {lost}", file=sys.__stderr__ or sys.stderr, flush=True)
        suite.evidence.failures[scenario.name] = str(lost)
        context._runner.stop(str(lost))
        return
    text = f"evidence for failed scenario {scenario.name!r}:\n{suite.topology.diagnostics()}"
    print(f"\n--- {text}")
    suite.evidence.failures[scenario.name] = text
    context.attach("text/plain", text.encode())


def after_all(context: Context) -> None:
    suite: Suite | None = getattr(context, "suite", None)
    if suite is None:
        return
    context.watchdog.now("removing what the run created")
    leftovers = suite.close()
    text = publish(
        suite.settings.reports_dir,
        context._runner.features,
        suite.evidence,
        _run_info(context),
        redact=suite.access.redact,
    )
    print(f"\n{text}")
    if leftovers:
        _cleanup_failed(context, leftovers)
    context.watchdog.disarm()


# behave captures hook output and shows it only on failure; evidence and the
# sign-off are for every run.
after_step.capture = False  # type: ignore[attr-defined]
before_step.capture = False  # type: ignore[attr-defined]
after_all.capture = False  # type: ignore[attr-defined]


def _attach_timeline(context: Context, step: Step) -> None:
    """The picture of the scenario's failover, drawn from its events, on its last
    step to run (behave's formatters take attachments only while a step is current)."""
    failover = scenario_state.state(context).topology.failover
    last = step is context.scenario.steps[-1] or step.status.has_failed()
    if failover is not None and last and not math.isnan(failover.fault_at):
        times = failover.timeline()
        context.attach("text/html", timeline.svg(failover.fault, times, failover_timeline.windows(times)).encode())


def _runtime_selected(context: Context) -> bool:
    """Whether any selected scenario needs the engine (`--tags=@static` needs none)."""
    return any(
        scenario.should_run(context.config) and "static" not in scenario.effective_tags
        for feature in context._runner.features
        for scenario in feature.walk_scenarios()
    )


def _refuse(context: Context, error: PreflightError) -> None:
    """Stop with one line and exit 2, after leaving a red JUnit file and a
    sign-off that says why nothing ran. behave turns any exception from a hook,
    SystemExit included, into a HOOK-ERROR plus "ABORTED: By user."; so remove
    what the run created (at preflight, nothing yet), then leave at once."""
    suite: Suite = context.suite
    suite.close()
    junit.write_error(_junit_dir(context), "preflight", type(error).__name__, str(error), stale=True)
    publish(suite.settings.reports_dir, [], suite.evidence, _run_info(context), refusal=error)
    # The real streams: inside a step's hooks behave captures sys.stdout and sys.stderr.
    if sys.__stdout__ is not None:
        sys.__stdout__.flush()
    print(f"{PREFIX} cannot run: {error}", file=sys.__stderr__ or sys.stderr, flush=True)
    os._exit(2)


def _refusal_in(error: BaseException | None) -> PreflightError | None:
    """A refusal behind a failed step (steps report errors as AssertionErrors
    caused by them). A chain can loop back on itself, so each link is seen once."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, PreflightError):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


def _cleanup_failed(context: Context, leftovers: list[str]) -> None:
    """Red, in one line, with a red JUnit case; no traceback."""
    message = f"could not remove what this run created: {'; '.join(leftovers)}"
    junit.write_error(_junit_dir(context), "cleanup", "CleanupFailed", message)
    print(f"{PREFIX}: {message}", file=sys.__stderr__ or sys.stderr, flush=True)
    context._runner.red = True


def _expire(context: Context, message: str) -> None:
    """The watchdog's end of the run (on its own thread; the process ends after).
    The main thread may still be running steps: it starts no more scenarios."""
    context._runner.stop(message)
    print(f"{PREFIX} stopped: {message}", file=sys.__stderr__ or sys.stderr, flush=True)
    junit.write_error(_junit_dir(context), "run", "RunTimedOut", message)
    leftovers = context.suite.close()
    if leftovers:
        print(f"{PREFIX}: could not remove: {'; '.join(leftovers)}", file=sys.__stderr__ or sys.stderr, flush=True)


def _run_info(context: Context) -> RunInfo:
    started, began = context.started
    return RunInfo(context.suite.compose.file, started, time.monotonic() - began)


def _junit_dir(context: Context) -> Path:
    return Path(context.config.junit_directory or "reports")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")

"""The fault matrix's engine fault: the engine stops and starts again in the
middle of a run (Docker Desktop restarting, a CI dind service dying). The run
ends red within its bound with one line saying the engine went away, no
traceback, and nothing of it is left once the engine is back, although the
engine revives the run's container through its `unless-stopped` policy."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from harness.infra.engine import Engine
from tests.support.fault_matrix import naming
from tests.support.inventory import engine_objects
from tests.support.live_run import ROOT, LiveRun

pytestmark = [pytest.mark.engine, pytest.mark.suite_run]
REMOTE_ENGINE = ROOT.parent / "shared" / "ci" / "remote-engine"
BOUND = 60.0  # seconds from the restart to the run's end: the run waits up to 20 s for the engine


def test_an_engine_restart_mid_run_ends_the_run_in_one_line_and_leaves_nothing(
    remote_engine: Engine, tmp_path: Path
) -> None:
    if not REMOTE_ENGINE.exists():
        raise pytest.UsageError(f"{REMOTE_ENGINE} restarts the remote engine; this test needs it")
    remote = remote_engine.client(timeout=30)
    before = ours(engine_objects(remote))
    password = tmp_path / "password"
    password.write_text("engine-restart-password\n")
    env = {"DOCKER_HOST": remote_engine.endpoint, "REDIS_BIND_ADDRESS": "0.0.0.0", "REDIS_PASSWORD_FILE": str(password)}
    run = LiveRun.start(tmp_path / "reports", env=env)
    run.wait_for_line(r"Scenario: A task sent from the host")
    run.fault()
    restarted = subprocess.run([str(REMOTE_ENGINE), "restart"], capture_output=True, text=True, timeout=120)
    assert restarted.returncode == 0, restarted.stderr
    ended = run.end(timeout=300)
    reason = naming(ended.output, "Docker engine at .* stopped answering")
    print(f"engine restart: exit {ended.returncode}, {ended.seconds_after_fault:.1f} s after it; {reason}")
    assert not ended.hung and ended.seconds_after_fault <= BOUND, f"{ended.seconds_after_fault:.1f} s"
    assert ended.returncode == 1, ended.output[-3000:]
    assert reason, ended.output[-3000:]
    assert "Traceback" not in ended.output, ended.output
    # The engine is back by now: what its restart policy revived was removed by the run's cleanup.
    deadline = time.monotonic() + 10
    while ours(engine_objects(remote)) != before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert ours(engine_objects(remote)) == before, f"left on the engine: {ours(engine_objects(remote)) - before}"


def ours(objects: set[str]) -> set[str]:
    """All but the engine's own networks, which a daemon restart makes anew (new ids)."""
    return {o for o in objects if not o.startswith(("network bridge ", "network host ", "network none "))}

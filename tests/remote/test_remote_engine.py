"""The whole suite on a Docker engine on another machine, as a CI job's
docker:dind service is: published ports open there, not on this machine."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import docker
import pytest

from harness.infra.engine import Engine
from tests.support.behave_run import behave, junit_totals, why_failed
from tests.support.inventory import engine_objects
from tests.support.refusals import refused

pytestmark = pytest.mark.engine
LOCAL_PORT = ("127.0.0.1", 6379)
LOCAL_SOCKET = Path("/var/run/docker.sock")


def local_objects() -> set[str]:
    """What this machine's own engine holds, if it has one (a CI job beside a dind service has none)."""
    if not LOCAL_SOCKET.exists():
        return set()
    return engine_objects(docker.DockerClient(base_url=f"unix://{LOCAL_SOCKET}", timeout=30))


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    file = tmp_path / "redis-password"
    file.write_text("remote-run-password-7Q2x\n")
    file.chmod(0o600)
    return file


@contextmanager
def local_port_watch(limit: float) -> Iterator[list[str]]:
    """Tries 127.0.0.1:6379 every 0.2 s (at most `limit` seconds' worth) while
    the body runs; yields the times anything answered there."""
    seen: list[str] = []
    stop = threading.Event()

    def watch() -> None:
        deadline = time.monotonic() + limit
        while not stop.is_set() and time.monotonic() < deadline:
            with socket.socket() as probe:
                probe.settimeout(0.2)
                if probe.connect_ex(LOCAL_PORT) == 0:
                    seen.append(time.strftime("%H:%M:%S"))
            stop.wait(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield seen
    finally:
        stop.set()
        watcher.join()


@pytest.mark.suite_run
def test_the_whole_suite_passes_on_a_remote_engine_with_a_password(remote_engine: Engine, password_file, tmp_path):
    remote = remote_engine.client(timeout=30)
    before_remote, before_local = engine_objects(remote), local_objects()
    reports = tmp_path / "reports"
    env = {
        "DOCKER_HOST": remote_engine.endpoint,
        "REDIS_BIND_ADDRESS": "0.0.0.0",
        "REDIS_PASSWORD_FILE": str(password_file),
    }
    with local_port_watch(limit=900) as answered_locally:
        done = behave(reports=reports, env=env, timeout=900)
    print(done.stdout[-3000:], done.stderr[-2000:], sep="\n")
    assert done.returncode == 0, why_failed(done, reports)
    first = done.stdout.splitlines()[0]
    assert f"engine {remote_engine.endpoint} (DOCKER_HOST), published ports on {remote_engine.ports_host}" in first
    totals = junit_totals(reports)
    assert totals["tests"] > 0 and totals["skipped"] == totals["failures"] == totals["errors"] == 0, totals
    signoff = (reports / "signoff.md").read_text()
    assert f"| Docker endpoint | {remote_engine.endpoint} (DOCKER_HOST) |" in signoff, signoff
    assert "remote-run-password-7Q2x" not in signoff + done.stdout + done.stderr
    assert engine_objects(remote) == before_remote, "the run left something on the remote engine"
    assert local_objects() == before_local, "the run touched this machine's own engine"
    assert answered_locally == [], f"something listened on the local 6379 during the run: {answered_locally}"


def test_publishing_on_the_remote_engines_loopback_isrefused(remote_engine: Engine, tmp_path):
    remote = remote_engine.client(timeout=30)
    before = engine_objects(remote)
    done = behave(reports=tmp_path, env={"DOCKER_HOST": remote_engine.endpoint, "REDIS_BIND_ADDRESS": "127.0.0.1"})
    refused(done, "runs on another machine", "REDIS_BIND_ADDRESS=0.0.0.0", "REDIS_PASSWORD_FILE=")
    assert engine_objects(remote) == before


def test_a_port_published_by_another_container_on_the_remote_machine_isrefused(remote_engine: Engine, tmp_path):
    """Nothing listens on this machine's 6379; the engine says who holds its own."""
    remote = remote_engine.client(timeout=30)
    image = "redis:7-alpine"
    squatter = remote.containers.create(
        image,
        name="opterp20-test-squatter",
        ports={"6379/tcp": ("0.0.0.0", 6379)},
        labels={"opterp20.test": "squatter"},
    )
    try:
        squatter.start()
        before = engine_objects(remote)
        env = {"DOCKER_HOST": remote_engine.endpoint, "REDIS_BIND_ADDRESS": "0.0.0.0"}
        refused(
            behave(reports=tmp_path, env=env),
            "host port 6379 is already in use on the engine's machine",
            "opterp20-test-squatter",
        )
        assert engine_objects(remote) == before
        squatter.reload()
        assert squatter.status == "running"
    finally:
        squatter.remove(force=True, v=True)  # and the anonymous volume the image's VOLUME /data made

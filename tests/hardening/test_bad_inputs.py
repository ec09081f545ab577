"""Every bad input stops the run with one line, exit 2, no traceback, nothing
left behind and nothing foreign touched."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import docker
import pytest
import redis

from tests.support.behave_run import ROOT, behave
from tests.support.inventory import engine_objects
from tests.support.refusals import fake_daemon, refused


@pytest.fixture
def run(tmp_path: Path):
    """behave with its reports in this test's own directory."""
    return lambda *args, **kwargs: behave(*args, reports=tmp_path / "reports", **kwargs)


@pytest.fixture
def untouched_engine():
    """Nothing made or removed on the engine; without one (`-m docker_cli` on a
    machine without a daemon), there is nothing the run could have touched."""
    try:
        before = engine_objects()
    except docker.errors.DockerException:
        yield
        return
    yield
    assert engine_objects() == before, "the run left something behind or removed something"


def compose_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "docker-compose.yml"
    path.write_text(text)
    return f"compose_file={path}"


@pytest.mark.docker_cli
@pytest.mark.parametrize("content", [None, "", "fifo"], ids=["missing", "empty", "a FIFO nobody writes to"])
def test_password_file_unusable(run, tmp_path: Path, untouched_engine, content: str | None):
    file = tmp_path / "password"
    if content == "fifo":
        os.mkfifo(file)  # reading it would wait for a writer for good
    elif content is not None:
        file.write_text(content)
    refused(run(env={"REDIS_PASSWORD_FILE": str(file)}), f"REDIS_PASSWORD_FILE={file}", "unset REDIS_PASSWORD_FILE")


@pytest.mark.docker_cli
def test_daemon_unreachable(run, tmp_path: Path):
    refused(
        run(env={"DOCKER_HOST": "unix:///nonexistent/docker.sock"}),
        "Docker daemon unreachable at unix:///nonexistent/docker.sock",
        "start the engine",
    )
    junit = ET.parse(tmp_path / "reports" / "TESTS-run.xml").getroot()
    assert (junit.get("errors"), junit.find("testcase/error").get("type")) == ("1", "DockerDaemonUnreachable")
    signoff = (tmp_path / "reports" / "signoff.md").read_text()
    assert "**FAILED**: The run did not start: Docker daemon unreachable." in signoff
    assert "not run: Docker daemon unreachable" in signoff.split("## Environment")[0]


@pytest.mark.docker_cli
def test_unreachable_tcp_engine(run, untouched_engine):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        endpoint = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    refused(run(env={"DOCKER_HOST": endpoint}), f"Docker daemon unreachable at {endpoint} (connection refused)")


@pytest.mark.docker_cli
def test_unknown_docker_context(run, tmp_path: Path, untouched_engine):
    env = {"DOCKER_CONTEXT": "opterp20-no-such-context", "DOCKER_CONFIG": str(tmp_path)}
    refused(run(env=env), "Docker context 'opterp20-no-such-context' cannot be used", "docker context ls")


@pytest.mark.docker_cli
def test_engine_older_than_25(run, tmp_path: Path):
    with fake_daemon(tmp_path / "old.sock", "24.0.7") as host:
        refused(run(env={"DOCKER_HOST": host}), "Docker Engine 24.0.7 is older than 25", "upgrade Docker")


@pytest.mark.docker_cli
def test_compose_v2_missing(run, tmp_path: Path, untouched_engine):
    fake = tmp_path / "docker"
    fake.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = compose ]; then echo "docker: \'compose\' is not a docker command." >&2; exit 1; fi\n'
        'exec /usr/bin/docker "$@"\n'
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    refused(run(env={"PATH": f"{tmp_path}:{os.environ['PATH']}"}), "Docker Compose v2.23.1 or newer is required")


@pytest.mark.docker_cli
@pytest.mark.parametrize(
    ("setting", "said"),
    [("start_timout=3", "-D start_timout is not a setting"), ("start_timeout=soon", "is not a number of seconds")],
    ids=["misspelt", "not a number"],
)
def test_a_wrong_setting_is_refused(run, tmp_path: Path, untouched_engine, setting: str, said: str):
    """A misspelt bound would otherwise be ignored, and a run would go by its default without a word."""
    refused(run("-D", setting), said, "harness/core/config.py")
    assert (tmp_path / "reports" / "TESTS-run.xml").is_file() and (tmp_path / "reports" / "signoff.md").is_file()


@pytest.mark.docker_cli
def test_compose_file_missing(run, tmp_path: Path, untouched_engine):
    refused(run("-D", f"compose_file={tmp_path / 'nope.yml'}"), "does not exist", "-D compose_file=PATH")


@pytest.mark.engine  # Compose's model is read after the daemon answers (preflight's order)
def test_invalid_yaml(run, tmp_path: Path, untouched_engine):
    refused(run("-D", compose_file(tmp_path, "services:\n  redis: [\n")), "Docker Compose rejects")


@pytest.mark.engine  # Compose's model is read after the daemon answers (preflight's order)
def test_no_redis_service(run, tmp_path: Path, untouched_engine):
    refused(
        run("-D", compose_file(tmp_path, "services:\n  cache:\n    image: redis:7-alpine\n")),
        "defines no service 'redis' (it has: cache)",
    )


@pytest.mark.engine
def test_image_not_available(run, tmp_path: Path, untouched_engine):
    """No registry answers here: the pull is tried, its progress shown, then the run refused."""
    text = (ROOT / "docker-compose.yml").read_text().replace("redis:7-alpine", "opterp20-absent/redis:7-alpine")
    done = run("-D", compose_file(tmp_path, text))
    progress, _, refusal = done.stderr.strip().rpartition("\n")
    assert "opterp20-absent/redis:7-alpine is not on the engine; pulling it" in progress
    refused(
        SimpleNamespace(returncode=done.returncode, stdout=done.stdout, stderr=refusal),
        "image opterp20-absent/redis:7-alpine is not on this Docker engine and the pull failed",
        "docker load",
    )


@pytest.mark.engine
def test_host_port_taken(run, untouched_engine):
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind(("0.0.0.0", 6379))
        squatter.listen()
        refused(run(), "host port 6379 is already in use")


@pytest.mark.engine
@pytest.mark.parametrize("project", ["opticserp", "someone-elses-stack"])
def test_a_running_stack_with_the_same_container_name_is_refused_and_left_intact(run, tmp_path: Path, project: str):
    """A user's own `docker compose up` of this file (project named after their
    checkout), or any other project's container of that name, with data in its volume."""
    compose = ["docker", "compose", "-p", project, "-f", str(ROOT / "docker-compose.yml")]
    subprocess.run([*compose, "up", "--detach", "--wait"], check=True, capture_output=True, timeout=120)
    try:
        client = docker.from_env()
        theirs = client.containers.get("opticserp_redis")
        user = redis.Redis(port=6379, decode_responses=True)
        for number in range(100):
            user.set(f"their:key:{number}", f"value {number}")
        before = (_fingerprint(theirs), theirs.attrs["State"]["StartedAt"], engine_objects())

        refused(
            run(),
            "a container named opticserp_redis already exists",
            f"compose project '{project}'",
            "never touches it",
        )

        theirs.reload()
        assert theirs.status == "running"
        assert (_fingerprint(theirs), theirs.attrs["State"]["StartedAt"], engine_objects()) == before
        assert user.get("their:key:99") == "value 99"
    finally:
        subprocess.run([*compose, "down", "--volumes"], capture_output=True, timeout=120)


def _fingerprint(container) -> str:
    """sha256 of every file in the container's /data, byte for byte."""
    code, output = container.exec_run(["sh", "-c", "find /data -type f | sort | xargs sha256sum"])
    assert code == 0, output
    return output.decode()

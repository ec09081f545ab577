"""The remote-engine tests run only when told which engine: CI starts one
(`../shared/ci/remote-engine start`, or a GitLab docker:dind service) and
passes its endpoint; TLS comes from DOCKER_TLS_VERIFY and DOCKER_CERT_PATH."""

from __future__ import annotations

import os

import docker
import pytest

from harness.infra import leftovers
from harness.infra.engine import Engine, resolve


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--remote-engine",
        metavar="DOCKER_HOST",
        help="a Docker engine on another machine (tcp://HOST:PORT) whose published ports open on HOST",
    )


@pytest.fixture(scope="session")
def remote_engine(request: pytest.FixtureRequest) -> Engine:
    endpoint = request.config.getoption("--remote-engine")
    if not endpoint:
        raise pytest.UsageError("tests/remote needs --remote-engine tcp://HOST:PORT (see README, 'Remote engines')")
    engine = resolve({**os.environ, "DOCKER_HOST": endpoint})
    if engine.local:
        raise pytest.UsageError(f"--remote-engine {endpoint} is on this machine; these tests need another one")
    try:
        client = engine.client()
        client.ping()
    except docker.errors.DockerException as error:
        raise pytest.UsageError(f"--remote-engine {endpoint} does not answer: {error}") from error
    # What a run killed earlier left there (its engine stopped under it, say) would be removed by the
    # first run here, as every run does; removed first, so the tests' before-and-after snapshots agree.
    leftovers.remove_abandoned(client)
    return engine

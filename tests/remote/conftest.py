"""The remote-engine tests run only when told which engine: CI starts one
(`../shared/ci/remote-engine start`) and passes its endpoint."""

from __future__ import annotations

import docker
import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--remote-engine",
        metavar="DOCKER_HOST",
        help="a Docker engine on another machine (tcp://HOST:PORT) whose published ports open on HOST",
    )


@pytest.fixture(scope="session")
def remote_engine(request: pytest.FixtureRequest) -> str:
    endpoint = request.config.getoption("--remote-engine")
    if not endpoint:
        raise pytest.UsageError("tests/remote needs --remote-engine tcp://HOST:PORT (see README, 'Remote engines')")
    try:
        docker.DockerClient(base_url=endpoint, timeout=10).ping()
    except docker.errors.DockerException as error:
        raise pytest.UsageError(f"--remote-engine {endpoint} does not answer: {error}") from error
    return endpoint

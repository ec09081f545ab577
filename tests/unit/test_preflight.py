import socket
from types import SimpleNamespace
from unittest import mock

import pytest

from harness import preflight
from harness.errors import ComposeV2Missing, ContainerNameTaken, PortInUse
from tests.unit.fakes import FakeRun


def test_compose_v2_recent_enough_passes():
    assert preflight.compose_cli(FakeRun(stdout="2.26.1\n")) == "2.26.1"


@pytest.mark.parametrize(
    "run",
    [
        FakeRun(stdout="2.20.1\n"),
        FakeRun(returncode=1, stderr="docker: 'compose' is not a docker command.\n"),
        FakeRun(raises=FileNotFoundError("docker")),
    ],
)
def test_old_or_missing_compose_is_refused_in_one_line(run):
    with pytest.raises(ComposeV2Missing) as raised:
        preflight.compose_cli(run)
    assert "\n" not in str(raised.value)
    assert "install the `docker compose` plugin" in str(raised.value)


def test_a_listening_port_is_refused():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with pytest.raises(PortInUse, match=f"host port {port} is already in use"):
            preflight.ports_free([port])


def test_a_free_port_passes():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    preflight.ports_free([port])


def _client_with(*containers):
    client = mock.Mock()
    client.containers.list.return_value = list(containers)
    return client


def test_a_container_of_that_name_from_another_project_is_refused_and_untouched():
    other = mock.Mock(labels={"com.docker.compose.project": "theirs"}, status="running")
    client = _client_with(other)
    with pytest.raises(ContainerNameTaken, match="compose project 'theirs'"):
        preflight.container_name_free(client, "opticserp_redis", "mine")
    client.containers.list.assert_called_once_with(all=True, filters={"name": "^/opticserp_redis$"})
    assert other.method_calls == []  # never stopped, removed or changed


def test_this_runs_own_container_is_not_a_conflict():
    mine = SimpleNamespace(labels={"com.docker.compose.project": "mine"}, status="running")
    preflight.container_name_free(_client_with(mine), "opticserp_redis", "mine")

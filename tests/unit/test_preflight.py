from types import SimpleNamespace
from unittest import mock

import pytest

from harness.core.errors import ComposeV2Missing, ContainerNameTaken, RemoteEngineLoopbackOnly
from harness.infra.engine import resolve
from harness.infra.leftovers import LEASE_LABEL, OWNER_LABEL, RUN_LABEL
from harness.run import preflight
from harness.service.access import Access
from tests.support.fakes import FakeRun


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


def _client_with(*containers, marks=()):
    client = mock.Mock()
    client.containers.list.return_value = list(containers)
    client.volumes.list.return_value = list(marks)
    return client


def test_a_container_of_that_name_from_another_project_is_refused_and_untouched():
    other = mock.Mock(labels={"com.docker.compose.project": "theirs"}, status="running")
    client = _client_with(other)
    with pytest.raises(ContainerNameTaken, match="compose project 'theirs'"):
        preflight.container_name_free(client, "opticserp_redis", "mine")
    client.containers.list.assert_called_once_with(all=True, filters={"name": "^/opticserp_redis$"})
    assert other.method_calls == []  # never stopped, removed or changed


def test_a_container_of_another_run_of_the_suite_still_going_is_refused_naming_that_run():
    other = mock.Mock(labels={"com.docker.compose.project": "opterp20-accept-t1"}, status="running")
    labels = {RUN_LABEL: "opterp20-accept-t1", OWNER_LABEL: "ci-7/4242/999", LEASE_LABEL: "9999999999"}
    client = _client_with(other, marks=[SimpleNamespace(attrs={"Labels": labels})])
    with pytest.raises(ContainerNameTaken) as raised:
        preflight.container_name_free(client, "opticserp_redis", "mine")
    message = str(raised.value)
    assert "another run's of this suite" in message and "process 4242 on ci-7" in message, message
    assert "wait for that run to end" in message and "\n" not in message
    assert other.method_calls == []


def test_this_runs_own_container_is_not_a_conflict():
    mine = SimpleNamespace(labels={"com.docker.compose.project": "mine"}, status="running")
    preflight.container_name_free(_client_with(mine), "opticserp_redis", "mine")


REMOTE = resolve({"DOCKER_HOST": "tcp://10.203.0.2:2375"})


@pytest.mark.parametrize("bind", ["127.0.0.1", "localhost", "::1", "[::1]"])
def test_a_remote_engine_publishing_on_its_loopback_is_refused_naming_the_variables(bind):
    with pytest.raises(RemoteEngineLoopbackOnly) as raised:
        preflight.reachable_from_here(REMOTE, Access(bind_address=bind))
    message = str(raised.value)
    assert "\n" not in message and "tcp://10.203.0.2:2375" in message
    assert "REDIS_BIND_ADDRESS=0.0.0.0" in message and "REDIS_PASSWORD_FILE=" in message


def test_a_remote_engine_publishing_widely_or_with_an_override_passes():
    preflight.reachable_from_here(REMOTE, Access(bind_address="0.0.0.0"))
    tunnel = resolve({"DOCKER_HOST": "tcp://10.203.0.2:2375"}, ports_host="127.0.0.1")
    preflight.reachable_from_here(tunnel, Access(bind_address="127.0.0.1"))


def test_a_local_engine_on_loopback_passes():
    preflight.reachable_from_here(resolve({"DOCKER_HOST": "unix:///var/run/docker.sock"}), Access())

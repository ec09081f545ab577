import socket
from types import SimpleNamespace
from unittest import mock

import pytest

from harness.core.errors import PortInUse
from harness.infra import ports
from harness.infra.engine import resolve

LOCAL = resolve({"DOCKER_HOST": "unix:///var/run/docker.sock"})
REMOTE = resolve({"DOCKER_HOST": "tcp://10.203.0.2:2375"})


def test_a_port_listening_on_this_machine_is_refused_for_a_local_engine():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with pytest.raises(PortInUse, match=f"host port {port} is already in use on this machine"):
            ports.ensure_free([port], LOCAL, mock.Mock())


def test_a_free_port_passes_for_a_local_engine():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ports.ensure_free([port], LOCAL, mock.Mock())


def test_a_remote_engine_is_asked_which_containers_publish_the_port_and_this_machine_is_not_probed():
    client = mock.Mock()
    client.containers.list.return_value = [SimpleNamespace(name="someone_redis")]
    with socket.socket() as listener:  # a local listener says nothing about the remote machine
        listener.bind(("0.0.0.0", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with pytest.raises(PortInUse) as raised:
            ports.ensure_free([port], REMOTE, client)
    client.containers.list.assert_called_once_with(filters={"publish": f"{port}/tcp"})
    message = str(raised.value)
    assert "tcp://10.203.0.2:2375" in message and "someone_redis" in message and "\n" not in message


def test_a_remote_port_nobody_publishes_passes_although_it_is_taken_here():
    client = mock.Mock()
    client.containers.list.return_value = []
    with socket.socket() as listener:
        listener.bind(("0.0.0.0", 0))
        listener.listen()
        ports.ensure_free([listener.getsockname()[1]], REMOTE, client)


@pytest.mark.parametrize(
    "stderr",
    [
        "Error response from daemon: driver failed programming external connectivity on endpoint "
        "p-redis-1 (abc): Bind for 0.0.0.0:6379 failed: port is already allocated",
        "Error response from daemon: ports are not available: exposing port TCP 127.0.0.1:6379 -> "
        "0.0.0.0:0: listen tcp4 127.0.0.1:6379: bind: address already in use",
    ],
)
def test_compose_up_failures_over_a_taken_port_become_the_same_refusal(stderr):
    refusal = ports.conflict(stderr, REMOTE, mock.Mock())
    assert isinstance(refusal, PortInUse)
    assert str(refusal).startswith("host port 6379 is already in use on the engine's machine")


def test_other_compose_up_failures_are_not_classified_as_a_taken_port():
    assert ports.conflict("Error response from daemon: No such image: redis:7-alpine", LOCAL, mock.Mock()) is None


@pytest.mark.parametrize(
    ("platform", "command"),
    [("win32", "netstat -ano | findstr :6379"), ("linux", "ss -ltnp 'sport = :6379'"), ("darwin", "lsof -nP")],
)
def test_the_hint_names_the_platforms_own_command(platform, command):
    with mock.patch("sys.platform", platform):
        refusal = ports.conflict("bind: address already in use 0.0.0.0:6379", LOCAL, mock.Mock())
    assert command in str(refusal)

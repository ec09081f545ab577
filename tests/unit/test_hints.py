"""Refusals and hints in the words of each platform, with the platform patched:
Windows (Docker Desktop, the plan's platform) has not been run here."""

from unittest import mock

import pytest

from harness.core import hints
from harness.core.errors import DockerDaemonUnreachable
from harness.infra.engine import resolve
from harness.run import preflight


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        ("win32", "open //./pipe/dockerDesktopLinuxEngine: The system cannot find the file specified"),
        ("darwin", "start Docker Desktop"),
        ("linux", "sudo systemctl start docker"),
    ],
)
def test_an_unreachable_local_engine_is_explained_for_the_platform(platform, expected):
    engine = resolve({"DOCKER_HOST": "npipe:////./pipe/dockerDesktopLinuxEngine"}, platform=platform)
    client = mock.Mock()
    client.ping.side_effect = preflight.docker.errors.DockerException("FileNotFoundError(2, 'No such file')")
    with mock.patch("sys.platform", platform), mock.patch.object(type(engine), "client", return_value=client):
        with pytest.raises(DockerDaemonUnreachable) as raised:
            preflight.engine_client(engine)
    assert expected in str(raised.value) and "\n" not in str(raised.value)


def test_an_unreachable_remote_engine_names_the_variables_that_choose_it():
    remedy = hints.start_engine("tcp://docker:2376", local=False, platform="win32")
    assert "tcp://docker:2376" in remedy and "DOCKER_HOST" in remedy and "Docker Desktop" not in remedy


def test_windows_gets_the_default_named_pipe_and_netstat():
    assert resolve({}, platform="win32").endpoint == "npipe:////./pipe/docker_engine"
    assert hints.who_listens(6379, "win32") == "netstat -ano | findstr :6379"


@pytest.mark.parametrize(("platform", "signals"), [("win32", ("SIGBREAK",)), ("linux", ("SIGTERM",))])
def test_the_stop_signals_are_the_ones_the_platform_delivers(platform, signals):
    assert hints.interrupt_signals(platform) == signals

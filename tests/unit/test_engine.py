import hashlib
import json

import pytest

from harness.core.errors import DockerContextUnusable, DockerDaemonUnreachable
from harness.infra.engine import resolve


def _context(config_dir, name, host, current=False):
    meta = config_dir / "contexts" / "meta" / hashlib.sha256(name.encode()).hexdigest()
    meta.mkdir(parents=True)
    endpoints = {"docker": {"Host": host, "SkipTLSVerify": False}}
    (meta / "meta.json").write_text(json.dumps({"Name": name, "Metadata": {}, "Endpoints": endpoints}))
    if current:
        (config_dir / "config.json").write_text(json.dumps({"currentContext": name}))


@pytest.fixture
def config_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))  # never the real ~/.docker
    return tmp_path


@pytest.mark.parametrize(
    ("host", "ports_host", "local"),
    [
        ("unix:///var/run/docker.sock", "127.0.0.1", True),
        ("npipe:////./pipe/dockerDesktopLinuxEngine", "127.0.0.1", True),
        ("tcp://docker:2376", "docker", False),
        ("tcp://10.203.0.2:2375", "10.203.0.2", False),
        ("tcp://127.0.0.1:2375", "127.0.0.1", True),
        ("ssh://ci@build-host:2222", "build-host", False),
    ],
)
def test_docker_host_chooses_the_engine_and_where_its_ports_are_reached(host, ports_host, local, config_dir):
    engine = resolve({"DOCKER_HOST": host, "DOCKER_CONFIG": str(config_dir)})
    assert (engine.endpoint, engine.source, engine.ports_host, engine.local) == (host, "DOCKER_HOST", ports_host, local)


def test_tls_variables_give_the_sdk_client_certificates(tmp_path, config_dir):
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (tmp_path / name).write_text("")
    env = {"DOCKER_HOST": "tcp://docker:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": str(tmp_path)}
    tls = resolve(env).tls
    assert tls is not None and tls.verify and tls.ca_cert == str(tmp_path / "ca.pem")
    assert tls.cert == (str(tmp_path / "cert.pem"), str(tmp_path / "key.pem"))
    assert resolve({"DOCKER_HOST": "tcp://docker:2375"}).tls is None


def test_tls_without_its_files_is_refused_in_one_line(tmp_path, config_dir):
    env = {"DOCKER_HOST": "tcp://docker:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": str(tmp_path)}
    with pytest.raises(DockerDaemonUnreachable, match="DOCKER_CERT_PATH") as raised:
        resolve(env)
    assert "\n" not in str(raised.value)


def test_docker_host_beats_docker_context_as_in_the_cli(config_dir):
    _context(config_dir, "ci", "tcp://10.203.0.2:2375")
    engine = resolve({"DOCKER_HOST": "unix:///var/run/docker.sock", "DOCKER_CONTEXT": "ci"})
    assert engine.endpoint == "unix:///var/run/docker.sock" and engine.cli_environment() == {}


def test_docker_context_chooses_the_engine_for_the_sdk_and_is_pinned_for_the_cli(config_dir):
    _context(config_dir, "ci", "tcp://10.203.0.2:2375")
    engine = resolve({"DOCKER_CONTEXT": "ci", "DOCKER_CONFIG": str(config_dir)})
    assert (engine.endpoint, engine.ports_host, engine.local) == ("tcp://10.203.0.2:2375", "10.203.0.2", False)
    assert engine.source == "context 'ci' (DOCKER_CONTEXT)"
    assert engine.cli_environment() == {"DOCKER_CONTEXT": "ci"}


def test_the_current_context_of_the_cli_config_is_followed(config_dir):
    _context(config_dir, "desktop", "unix:///home/me/.docker/desktop/docker.sock", current=True)
    engine = resolve({"DOCKER_CONFIG": str(config_dir)})
    assert engine.endpoint == "unix:///home/me/.docker/desktop/docker.sock" and engine.local
    assert engine.source == "context 'desktop' (current context)"


def test_a_contexts_tls_files_are_used(config_dir):
    _context(config_dir, "tls", "tcp://docker:2376")
    tls_dir = config_dir / "contexts" / "tls" / hashlib.sha256(b"tls").hexdigest() / "docker"
    tls_dir.mkdir(parents=True)
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (tls_dir / name).write_text("")
    tls = resolve({"DOCKER_CONTEXT": "tls", "DOCKER_CONFIG": str(config_dir)}).tls
    assert tls is not None and tls.ca_cert == str(tls_dir / "ca.pem") and tls.verify


def test_a_missing_context_is_refused_in_one_line(config_dir):
    with pytest.raises(DockerContextUnusable) as raised:
        resolve({"DOCKER_CONTEXT": "gone", "DOCKER_CONFIG": str(config_dir)})
    assert "\n" not in str(raised.value) and "docker context ls" in str(raised.value)


@pytest.mark.parametrize(
    ("platform", "endpoint"), [("linux", "unix:///var/run/docker.sock"), ("win32", "npipe:////./pipe/docker_engine")]
)
def test_without_host_or_context_the_platforms_socket_is_used(platform, endpoint, config_dir):
    engine = resolve({"DOCKER_CONFIG": str(config_dir)}, platform=platform)
    assert (engine.endpoint, engine.ports_host, engine.local) == (endpoint, "127.0.0.1", True)


def test_an_override_says_where_ports_are_reached_whatever_they_are_bound_to(config_dir):
    engine = resolve({"DOCKER_HOST": "tcp://docker:2375"}, ports_host="172.17.0.1")
    assert engine.ports_host_source == "-D published_host"
    assert engine.reach("0.0.0.0") == engine.reach("10.0.0.5") == "172.17.0.1"


def test_ports_on_every_address_are_reached_at_the_engines_host_and_others_at_their_own(config_dir):
    engine = resolve({"DOCKER_HOST": "tcp://docker:2375"})
    assert engine.reach("0.0.0.0") == engine.reach("") == engine.reach("::") == "docker"
    assert engine.reach("10.0.0.5") == "10.0.0.5"

import subprocess
from pathlib import Path

import pytest

from harness.core.errors import CommandFailed, CommandTimedOut
from harness.infra.compose import Compose, compose_version, parse_version
from tests.support.fakes import FakeRun

PREFIX = ["docker", "compose", "--project-name", "p1", "--file", "/x/docker-compose.yml"]


def compose(run: FakeRun) -> Compose:
    return Compose("p1", Path("/x/docker-compose.yml"), timeout=7, run=run)


@pytest.mark.parametrize(
    ("call", "args"),
    [
        (lambda c: c.up("redis"), ["up", "--detach", "--no-build", "--pull", "never", "redis"]),
        (lambda c: c.stop("redis"), ["stop", "redis"]),
        (lambda c: c.restart("redis"), ["restart", "redis"]),
        (lambda c: c.down(volumes=False), ["down", "--remove-orphans", "--timeout", "5"]),
        (lambda c: c.down(volumes=True), ["down", "--remove-orphans", "--timeout", "5", "--volumes"]),
        (lambda c: c.exec("redis", ["redis-cli", "ping"]), ["exec", "-T", "redis", "redis-cli", "ping"]),
    ],
)
def test_each_command_is_one_exact_argv_list(call, args):
    run = FakeRun()
    call(compose(run))
    assert run.calls == [PREFIX + args]
    assert run.kwargs[0]["timeout"] == 7
    assert "shell" not in run.kwargs[0]
    assert run.kwargs[0]["stdin"] is subprocess.DEVNULL


def test_config_reads_the_normalized_json_model():
    run = FakeRun(stdout='{"services": {"redis": {"image": "redis:7-alpine"}}}')
    assert compose(run).config()["services"]["redis"]["image"] == "redis:7-alpine"
    assert run.calls == [PREFIX + ["config", "--format", "json"]]


def test_a_failed_call_keeps_argv_exit_code_and_stderr():
    run = FakeRun(returncode=1, stderr='noise\nservice "redis" refers to undefined volume x\n')
    with pytest.raises(CommandFailed) as raised:
        compose(run).stop("redis")
    assert raised.value.argv == PREFIX + ["stop", "redis"]
    assert raised.value.returncode == 1
    assert "undefined volume x" in str(raised.value)


def test_exec_reports_a_failure_instead_of_raising():
    assert compose(FakeRun(returncode=1)).exec("redis", ["redis-cli", "ping"]).returncode == 1


def test_a_hung_call_becomes_a_timeout_error():
    run = FakeRun(raises=subprocess.TimeoutExpired(["docker"], 7))
    with pytest.raises(CommandTimedOut, match="did not finish within 7 s"):
        compose(run).up("redis")


def test_environment_lets_plain_compose_commands_target_the_run():
    env = compose(FakeRun()).operator_shell()
    assert (env["COMPOSE_PROJECT_NAME"], env["COMPOSE_FILE"]) == ("p1", "/x/docker-compose.yml")


def test_variables_set_for_a_mode_replace_the_inherited_ones(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("REDIS_PASSWORD_FILE", "/run/pw")
    run = FakeRun()
    compose(run).with_variables({"REDIS_BIND_ADDRESS": "127.0.0.1"}, unset=["REDIS_PASSWORD_FILE"]).up("redis")
    env = run.kwargs[0]["env"]
    assert env["REDIS_BIND_ADDRESS"] == "127.0.0.1" and "REDIS_PASSWORD_FILE" not in env


def test_a_password_reaches_exec_through_the_environment_never_the_command_line():
    run = FakeRun()
    compose(run).exec("redis", ["redis-cli", "ping"], password="s3cret")
    assert run.calls[0][-5:] == ["--env", "REDISCLI_AUTH", "redis", "redis-cli", "ping"]
    assert "s3cret" not in " ".join(run.calls[0]) and run.kwargs[0]["env"]["REDISCLI_AUTH"] == "s3cret"


@pytest.mark.parametrize(
    ("text", "version"),
    [("2.26.1-4", (2, 26, 1)), ("v2.20.2-desktop.1", (2, 20, 2)), ("26.1.5+dfsg1", (26, 1, 5)), ("25.0", (25, 0, 0))],
)
def test_versions_are_read_from_vendor_strings(text, version):
    assert parse_version(text) == version


def test_compose_version_asks_the_plugin():
    run = FakeRun(stdout="2.26.1\n")
    assert compose_version(run) == "2.26.1"
    assert run.calls == [["docker", "compose", "version", "--short"]]


def test_a_missing_docker_cli_is_a_failed_command():
    with pytest.raises(CommandFailed, match="command not found"):
        compose_version(FakeRun(raises=FileNotFoundError("docker")))


def test_rm_stops_and_removes_only_the_services_containers():
    run = FakeRun()
    compose(run).rm("redis")
    assert run.calls[0][-4:] == ["rm", "--stop", "--force", "redis"]


def test_a_scenarios_override_is_merged_over_the_file_in_argv_and_in_the_operators_shell():
    run = FakeRun()
    merged = compose(run).with_overrides(Path("/run/small-disk.override.yml"))
    merged.up("redis", force_recreate=True)
    override = ["--file", "/run/small-disk.override.yml"]
    assert run.calls[0][: len(PREFIX) + 2] == [*PREFIX, *override]
    assert merged.operator_shell()["COMPOSE_FILE"] == "/x/docker-compose.yml:/run/small-disk.override.yml"
    assert merged.with_overrides().prefix == PREFIX

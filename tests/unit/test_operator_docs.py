import subprocess
from pathlib import Path

import pytest

from harness.probes.operator_docs import Documented, OperatorDocsError, Outcome, parse, run_all
from tests.support.fakes import FakeRun

README = """# x
## Operator commands

```console
$ docker compose exec redis redis-cli SET test "Hello Redis"
OK
$ docker compose ps redis
NAME
(healthy)
```
"""


def test_commands_and_their_expected_lines():
    assert parse(README) == [
        Documented('docker compose exec redis redis-cli SET test "Hello Redis"', ("OK",)),
        Documented("docker compose ps redis", ("NAME", "(healthy)")),
    ]
    assert parse(README)[0].argv[-2:] == ["test", "Hello Redis"]


def test_only_docker_compose_commands_are_run():
    with pytest.raises(OperatorDocsError, match="not a `docker compose` command"):
        parse(README.replace("$ docker compose ps redis", "$ rm -rf /tmp/x"))


def test_a_readme_without_the_section_is_an_error():
    with pytest.raises(OperatorDocsError, match="no '## Operator commands' section"):
        parse("# nothing\n")


def test_expected_lines_must_appear_in_order():
    documented = Documented("docker compose ps redis", ("NAME", "(healthy)"))
    assert Outcome(documented, 0, "NAME  STATUS\nredis Up (healthy)\n").as_documented
    assert Outcome(documented, 0, "redis Up (healthy)\nNAME\n").missing == ["(healthy)"]
    assert not Outcome(documented, 1, "NAME\n(healthy)\n").as_documented


def test_commands_run_as_argv_with_the_given_environment(tmp_path: Path):
    readme = tmp_path / "README.md"
    readme.write_text(README)
    run = FakeRun(stdout="OK\n")
    outcomes = run_all(readme, {"COMPOSE_PROJECT_NAME": "p1"}, timeout=9, run=run)
    assert run.calls[0] == ["docker", "compose", "exec", "redis", "redis-cli", "SET", "test", "Hello Redis"]
    assert run.kwargs[0]["env"] == {"COMPOSE_PROJECT_NAME": "p1"}
    assert [o.as_documented for o in outcomes] == [True, False]


def test_a_command_past_its_deadline_is_stopped_and_reported(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("## Operator commands\n```console\n$ docker compose up --detach --wait redis\n```\n")

    def run(argv, **kwargs):
        raise subprocess.TimeoutExpired(argv, kwargs["timeout"], output=b"", stderr=b" Container x  Waiting\n")

    [outcome] = run_all(readme, {}, 10, run=run)
    assert not outcome.as_documented
    assert "did not finish within 10 s, stopped" in str(outcome) and "Waiting" in str(outcome)


def test_a_command_waiting_on_health_stops_once_its_outcome_is_decided(tmp_path):
    """A real process that would run for 30 s, stopped as soon as `decided` names a reason."""
    import sys
    import time

    from harness.probes.operator_docs import Decided, run_watched

    calls = []

    def decided():
        calls.append(time.monotonic())
        return "its health check failed while Redis answered PING" if len(calls) >= 2 else None

    began = time.monotonic()
    try:
        run_watched(
            [sys.executable, "-c", "import time; print('Waiting', flush=True); time.sleep(30)"],
            timeout=20,
            decided=decided,
            slice_=0.05,
        )
    except Decided as stopped:
        assert "health check failed" in stopped.reason and "Waiting" in stopped.output
    else:
        raise AssertionError("not stopped")
    assert time.monotonic() - began < 5

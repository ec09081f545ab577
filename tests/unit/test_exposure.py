from pathlib import Path

from harness.probes import exposure, secrecy


def test_only_a_pong_counts_as_let_in():
    assert exposure.Attempt("x", "PONG").let_in
    refusals = (
        "NOAUTH Authentication required.",
        "AuthenticationError: Authentication required.",
        "ConnectionError: Error 111 connecting",
        "no answer within 1 s",
        "DENIED Redis is running in protected mode",
    )
    assert not any(exposure.Attempt("x", refused).let_in for refused in refusals)


def test_what_the_container_printed_becomes_one_attempt_per_target():
    output = (
        "--- target 172.28.0.1:6379\nCould not connect to Redis at 172.28.0.1:6379: Connection refused\n"
        "--- target 10.0.0.9:6379\nTerminated\n"
    )
    attempts = exposure._parse(output, "p_outsider")
    assert [str(a) for a in attempts] == [
        "from a container on p_outsider to 172.28.0.1:6379: Could not connect to Redis at 172.28.0.1:6379: "
        "Connection refused",
        f"from a container on p_outsider to 10.0.0.9:6379: no answer within {exposure.PROBE_SECONDS} s",
    ]


def test_the_search_counts_hits_without_showing_what_it_found(tmp_path: Path):
    findings = secrecy.search("hunter2", [secrecy.Place("inspect", "a hunter2 b hunter2"), secrecy.Place("ps", "none")])
    assert [(f.place, f.hits) for f in findings] == [("inspect", 2), ("ps", 0)]
    assert all("hunter2" not in str(f) for f in findings)


def test_command_lines_are_read_from_proc(tmp_path: Path):
    (tmp_path / "42").mkdir()
    (tmp_path / "42" / "cmdline").write_bytes(b"redis-cli\0-a\0hunter2\0")
    assert secrecy.host_command_lines(tmp_path) == "redis-cli -a hunter2 "


def test_an_unknown_command_is_refused_not_answered():
    """Redis looks a command up before it checks authentication: a command
    renamed away (`rename-command FLUSHALL ""`) is refused either way."""
    answers = {
        "PING": "AuthenticationError: Authentication required.",
        "FLUSHALL": "ResponseError: unknown command 'FLUSHALL', with args beginning with: ",
        "GET opterp20:probe": "served: None",
    }
    assert exposure.served(answers) == {"GET opterp20:probe": "served: None"}

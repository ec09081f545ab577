from harness.containers import ContainerState

STARTED = "2026-11-25T17:04:08.483329894Z"


def inspect(status="running", health="healthy", probe_start="2026-11-25T17:04:09.487050575Z", restarts=1):
    return {
        "Name": "/opticserp_redis",
        "RestartCount": restarts,
        "Image": "sha256:abc",
        "State": {
            "Status": status,
            "ExitCode": 0,
            "Pid": 4524,
            "StartedAt": STARTED,
            "Health": {"Status": health, "Log": [{"Start": probe_start, "ExitCode": 0, "Output": "PONG\n"}]},
        },
    }


def test_state_is_built_from_inspect_data():
    state = ContainerState.from_inspect(inspect())
    assert (state.name, state.status, state.health, state.restart_count, state.pid) == (
        "opticserp_redis",
        "running",
        "healthy",
        1,
        4524,
    )
    assert state.last_probe.output == "PONG\n"


def test_healthy_counts_only_on_a_probe_after_the_current_start():
    assert ContainerState.from_inspect(inspect()).healthy_on_fresh_probe
    stale = inspect(probe_start="2026-11-25T17:04:03.504679045Z")  # before the restart
    assert not ContainerState.from_inspect(stale).healthy_on_fresh_probe


def test_not_healthy_while_not_running():
    assert not ContainerState.from_inspect(inspect(status="restarting")).healthy_on_fresh_probe


def test_a_container_without_health_check():
    data = inspect()
    del data["State"]["Health"]
    state = ContainerState.from_inspect(data)
    assert state.health is None and state.probes == () and not state.healthy_on_fresh_probe
    assert "no health check" in str(state)


def test_never_started_has_no_start_time():
    data = inspect(status="created")
    data["State"]["StartedAt"] = "0001-01-01T00:00:00Z"
    assert ContainerState.from_inspect(data).started_at is None

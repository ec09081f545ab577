from harness.infra.containers import ContainerState

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


def _stopped(policy, exit_code=137, restarts=0, limit=0, status="exited"):
    attrs = inspect(status=status, restarts=restarts)
    attrs["State"]["ExitCode"] = exit_code
    attrs["HostConfig"] = {"RestartPolicy": {"Name": policy, "MaximumRetryCount": limit}}
    return ContainerState.from_inspect(attrs)


def test_a_crashed_container_whose_policy_will_not_restart_it_is_decided_at_once():
    assert "restart policy 'no'" in _stopped("no").stays_down
    assert "'on-failure' does not restart" in _stopped("on-failure", exit_code=0).stays_down
    assert "all 3 restarts" in _stopped("on-failure", restarts=3, limit=3).stays_down
    assert ContainerState.absent("x").stays_down == "the container was removed"


def test_a_crashed_container_docker_will_restart_is_not_decided():
    assert _stopped("unless-stopped").stays_down is None
    assert _stopped("always").stays_down is None
    assert _stopped("on-failure", restarts=1, limit=3).stays_down is None
    assert _stopped("no", status="running").stays_down is None


def _configured(**check):
    attrs = inspect(health="starting")
    attrs["Config"] = {"Healthcheck": check}
    return ContainerState.from_inspect(attrs)


def test_the_first_probe_comes_at_the_start_interval_during_a_start_period_else_at_the_interval():
    second = 1_000_000_000
    assert _configured(Test=["CMD", "x"], Interval=10 * second, StartPeriod=30 * second).first_probe_after == 10
    tight = _configured(Test=["CMD", "x"], Interval=10 * second, StartPeriod=30 * second, StartInterval=second // 4)
    assert tight.first_probe_after == 0.25 and tight.health_check
    assert _configured(Test=["CMD", "x"]).first_probe_after == 30  # Docker's default interval
    assert not _configured(Test=["NONE"]).health_check and not _configured().health_check


def test_only_probes_after_the_current_start_are_fresh():
    state = ContainerState.from_inspect(inspect(probe_start="2026-11-25T17:04:03.504679045Z"))
    assert state.probes and state.fresh_probes == ()
    assert ContainerState.from_inspect(inspect()).fresh_probes == ContainerState.from_inspect(inspect()).probes

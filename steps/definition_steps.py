"""The service definition, read from Compose's normalized model (no daemon)."""

from behave import given, then
from behave.runner import Context
from hamcrest import (
    all_of,
    assert_that,
    contains_exactly,
    contains_string,
    equal_to,
    greater_than,
    has_entries,
    has_item,
    is_in,
    none,
)

from harness.definition import DURABLE_FSYNC, HealthCheck, ServiceDefinition, declares_version
from harness.errors import CommandFailed, reported_as_failures


def _definition(context: Context) -> ServiceDefinition:
    assert_that(context.rejected, none(), f"Docker Compose rejects {context.suite.compose.file}")
    definition: ServiceDefinition = context.suite.definition()
    return definition


def _health_check(context: Context) -> HealthCheck:
    check = _definition(context).healthcheck
    if check is None:
        raise AssertionError("healthcheck of the service: the service has none")
    return check


@given("the service definition as Docker Compose reads it")
def step_definition(context: Context) -> None:
    try:
        context.suite.model()
        context.rejected = None
    except CommandFailed as error:
        context.rejected = error.stderr.strip() or str(error)


@then("Docker Compose accepts the definition")
def step_accepted(context: Context) -> None:
    context.suite.evidence.record("`docker compose config`", context.rejected or "accepted")
    assert_that(context.rejected, none(), f"`docker compose config` on {context.suite.compose.file}")
    assert_that(context.suite.model()["services"], has_item(context.suite.settings.service), "services defined")


@then('the service runs the image "{image}"')
def step_image(context: Context, image: str) -> None:
    definition = _definition(context)
    context.suite.evidence.record("image in the definition", definition.image)
    assert_that(definition.image, equal_to(image), "image of the service")


@then("host port {host:d} is published to the service's port {port:d}/{protocol}")
def step_port(context: Context, host: int, port: int, protocol: str) -> None:
    ports = _definition(context).ports
    context.suite.evidence.record("ports in the definition", ", ".join(str(p) for p in ports) or "none")
    published = [(p.published, p.target, p.protocol) for p in ports]
    assert_that(published, has_item((str(host), port, protocol)), f"ports: {[str(p) for p in ports] or 'none'}")


@then("only on this machine's loopback address, unless the operator names another in REDIS_BIND_ADDRESS")
def step_bind_address(context: Context) -> None:
    ports = _definition(context).ports
    chosen = context.suite.access.bind_address
    addresses = sorted({p.host_ip or "every address" for p in ports if p.published})
    context.suite.evidence.record("host addresses the port is published on", addresses)
    assert_that(addresses, equal_to([chosen]), f"REDIS_BIND_ADDRESS is {chosen!r} (unset means 127.0.0.1)")


@then("the server is started with append-only persistence on")
def step_aof_option(context: Context) -> None:
    definition = _definition(context)
    context.suite.evidence.record("command in the definition", " ".join(definition.command) or "(image default)")
    assert_that(
        definition.server_options.get("appendonly"),
        equal_to(["yes"]),
        f"--appendonly as redis-server reads command {list(definition.command) or '(image default)'}",
    )


@then("the server is started to flush its append-only log to disk every second or after every write")
def step_fsync_option(context: Context) -> None:
    definition = _definition(context)
    stated = "" if definition.server_options.get("appendfsync") else " (not stated: Redis's default)"
    context.suite.evidence.record("append-only log flushed", f"appendfsync {definition.appendfsync}{stated}")
    command = list(definition.command)
    assert_that(definition.appendfsync, is_in(DURABLE_FSYNC), f"--appendfsync as redis-server reads command {command}")


@then('the server is started with the eviction policy "{policy}"')
def step_eviction_policy(context: Context, policy: str) -> None:
    definition = _definition(context)
    stated = definition.server_options.get("maxmemory-policy")
    context.suite.evidence.record("--maxmemory-policy in the definition", stated or "not stated")
    assert_that(
        stated,
        equal_to([policy]),
        f"--maxmemory-policy as redis-server reads command {list(definition.command) or '(image default)'}",
    )


@then("the health check pings Redis with the Redis command-line client")
def step_health_test(context: Context) -> None:
    check = _definition(context).healthcheck
    context.suite.evidence.record("health check test", list(check.test) if check else "none")
    check = _health_check(context)
    assert_that(
        (check.disabled, check.test[:1], check.command_line),
        contains_exactly(
            False, is_in([("CMD",), ("CMD-SHELL",)]), all_of(contains_string("redis-cli"), contains_string("ping"))
        ),
        f"health check test {list(check.test)}",
    )


@then(
    "the health check runs every {interval:g} seconds, times out after {timeout:g} seconds"
    " and allows {retries:d} retries"
)
def step_health_schedule(context: Context, interval: float, timeout: float, retries: int) -> None:
    check = _health_check(context)
    context.suite.evidence.record(
        "health check schedule", f"interval {check.interval}s, timeout {check.timeout}s, retries {check.retries}"
    )
    assert_that(
        {"interval": check.interval, "timeout": check.timeout, "retries": check.retries},
        equal_to({"interval": interval, "timeout": timeout, "retries": retries}),
        "health check schedule in seconds",
    )


@then("the health check probes every {interval:g} seconds during a start period")
def step_health_start(context: Context, interval: float) -> None:
    check = _health_check(context)
    context.suite.evidence.record(
        "health check start", f"start_period {check.start_period}s, start_interval {check.start_interval}s"
    )
    assert_that(
        {"start_interval": check.start_interval, "start_period": check.start_period or 0.0},
        has_entries(start_interval=equal_to(interval), start_period=greater_than(0)),
        "start_interval does nothing without a start_period",
    )


@then('the named volume "{volume}" with the {driver} driver holds the data directory "{path}"')
def step_volume(context: Context, volume: str, driver: str, path: str) -> None:
    definition = _definition(context)
    observed = {"mounts": [str(m) for m in definition.mounts], "driver": definition.volume_drivers.get(volume)}
    context.suite.evidence.record("mounts and volume driver", observed)
    assert_that(
        observed,
        has_entries(mounts=has_item(f"volume {volume} at {path}"), driver=driver),
        "service mounts and the top-level volume's driver",
    )


@then("the definition declares no version")
@reported_as_failures
def step_no_version(context: Context) -> None:
    path = context.suite.settings.compose_file
    version = declares_version(path)
    context.suite.evidence.record("top-level version key", "absent" if version is None else repr(version))
    assert_that(version, none(), f"top-level `version` in {path} (obsolete in Compose v2)")


@then('the restart policy is "{policy}"')
def step_restart(context: Context, policy: str) -> None:
    restart = _definition(context).restart
    context.suite.evidence.record("restart policy in the definition", restart)
    assert_that(restart, equal_to(policy), "restart policy of the service")


@then('the service is attached to the bridge network "{network}"')
def step_network(context: Context, network: str) -> None:
    definition = _definition(context)
    observed = {"attached": list(definition.networks), "driver": definition.network_drivers.get(network)}
    context.suite.evidence.record("networks and driver", observed)
    assert_that(
        observed,
        has_entries(attached=has_item(network), driver="bridge"),
        "service networks and the top-level network's driver",
    )


@then('the container is named "{name}"')
def step_container_name(context: Context, name: str) -> None:
    container_name = _definition(context).container_name
    context.suite.evidence.record("container_name in the definition", container_name)
    assert_that(container_name, equal_to(name), "container_name of the service")

"""The service definition, read from Compose's normalized model (no daemon)."""

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
    is_,
    is_in,
    none,
)

from harness.core.errors import CommandFailed, HarnessError
from harness.run.scenario_state import state
from harness.run.steps import given, then
from harness.service.definition import (
    DATA_DIR,
    DURABLE_FSYNC,
    REDIS_PORT,
    SERVICE,
    START_INTERVAL,
    VOLUME_DRIVER,
    HealthCheck,
    ServiceDefinition,
    declares_version,
)
from harness.service.definition_facts import (
    Acceptance,
    EvictionPolicy,
    Fsync,
    HealthSchedule,
    HealthStart,
    HealthTest,
    MemoryBound,
    Network,
    Storage,
)


def _definition(context: Context) -> ServiceDefinition:
    """The definition the Then steps check: a file Compose rejected has none."""
    if state(context).service.rejected is not None:
        raise HarnessError(f"Docker Compose rejects {context.suite.compose.file}: {state(context).service.rejected}")
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
        state(context).service.rejected = None
    except CommandFailed as error:
        state(context).service.rejected = error.stderr.strip() or str(error)


@then("Docker Compose accepts the definition")
def step_accepted(context: Context) -> None:
    rejected = state(context).service.rejected
    services = [] if rejected else list(context.suite.model()["services"])
    accepted = context.suite.evidence.observe(Acceptance(rejected, services))
    reading = f"services of {context.suite.compose.file}, as `docker compose config` reads it ({accepted.value})"
    assert_that(accepted.services, has_item(SERVICE), reading)


@then('the service runs the image "{image}"')
def step_image(context: Context, image: str) -> None:
    definition = _definition(context)
    context.suite.evidence.record(
        "image in the definition", definition.image, f"The service's image is {definition.image}."
    )
    assert_that(definition.image, equal_to(image), "image of the service")


@then("Redis is offered on port {host:d} of this machine")
def step_port(context: Context, host: int) -> None:
    ports = _definition(context).ports
    listed = ", ".join(str(p) for p in ports) or "none"
    context.suite.evidence.record("ports in the definition", listed, f"The definition publishes: {listed}.")
    published = [(p.published, p.target, p.protocol) for p in ports]
    wanted = (str(host), REDIS_PORT, "tcp")  # to the port Redis listens on, over TCP
    assert_that(published, has_item(wanted), f"ports: {[str(p) for p in ports] or 'none'}")


@then("only to programs on this machine itself, unless the operator chooses another address")
def step_bind_address(context: Context) -> None:
    ports = _definition(context).ports
    chosen = context.suite.access.bind_address
    addresses = sorted({p.host_ip or "every address" for p in ports if p.published})
    context.suite.evidence.record(
        "host addresses the port is published on", addresses, f"The port is published on {', '.join(addresses)} only."
    )
    assert_that(addresses, equal_to([chosen]), f"REDIS_BIND_ADDRESS is {chosen!r} (unset means 127.0.0.1)")


@then("Redis is set to log every write to its append-only file")
def step_aof_option(context: Context) -> None:
    definition = _definition(context)
    command = " ".join(definition.command) or "(the image's default)"
    context.suite.evidence.record("command in the definition", command, f"Redis is started as: {command}.")
    assert_that(
        definition.server_options.get("appendonly"),
        equal_to(["yes"]),
        f"--appendonly as redis-server reads command {list(definition.command) or '(image default)'}",
    )


@then("Redis is set to write its log to disk at least once a second")
def step_fsync_option(context: Context) -> None:
    fsync = context.suite.evidence.observe(Fsync.of(_definition(context)))
    assert_that(fsync.setting, is_in(DURABLE_FSYNC), f"--appendfsync as redis-server reads command {fsync.command}")


@then('the server is started with the eviction policy "{policy}"')
def step_eviction_policy(context: Context, policy: str) -> None:
    eviction = context.suite.evidence.observe(EvictionPolicy.of(_definition(context)))
    reading = f"--maxmemory-policy as redis-server reads command {eviction.command}"
    assert_that(eviction.stated, equal_to([policy]), reading)


@then("Redis's memory is capped below its container's limit, with room for the copy a rewrite of its log makes")
def step_memory_bound(context: Context) -> None:
    bound = context.suite.evidence.observe(MemoryBound.of(_definition(context)))
    reading = f"maxmemory as redis-server reads command {bound.command}, and mem_limit: {bound}"
    assert_that(bound.room, is_(True), reading)


@then("the health check pings Redis with the Redis command-line client")
def step_health_test(context: Context) -> None:
    context.suite.evidence.observe(HealthTest(_definition(context).healthcheck))
    check = _health_check(context)
    pings = all_of(contains_string("redis-cli"), contains_string("ping"))
    observed = (check.disabled, check.test[:1], check.command_line)
    assert_that(
        observed,
        contains_exactly(False, is_in([("CMD",), ("CMD-SHELL",)]), pings),
        f"health check test {list(check.test)}",
    )


@then(
    "the health check runs every {interval:g} seconds, times out after {timeout:g} seconds"
    " and allows {retries:d} retries"
)
def step_health_schedule(context: Context, interval: float, timeout: float, retries: int) -> None:
    schedule = context.suite.evidence.observe(HealthSchedule(_health_check(context)))
    expected = {"interval": interval, "timeout": timeout, "retries": retries}
    assert_that(schedule.seconds, equal_to(expected), "health check schedule in seconds")


@then("while the service starts, the health check probes it several times a second")
def step_health_start(context: Context) -> None:
    start = context.suite.evidence.observe(HealthStart(_health_check(context)))
    expected = has_entries(start_interval=equal_to(START_INTERVAL), start_period=greater_than(0))
    assert_that(start.seconds, expected, "start_interval does nothing without a start_period")


@then('Redis keeps its data in the volume "{volume}", stored on this machine')
def step_volume(context: Context, volume: str) -> None:
    storage = context.suite.evidence.observe(Storage.of(_definition(context), volume))
    expected = has_entries(mounts=has_item(f"volume {volume} at {DATA_DIR}"), driver=VOLUME_DRIVER)
    assert_that(storage.value, expected, "service mounts and the top-level volume's driver")


@then("the definition declares no version")
def step_no_version(context: Context) -> None:
    path = context.suite.settings.compose_file
    version = declares_version(path)
    said = "The file declares no version." if version is None else f"The file still declares version {version}."
    context.suite.evidence.record("top-level version key", "absent" if version is None else repr(version), said)
    assert_that(version, none(), f"top-level `version` in {path} (obsolete in Compose v2)")


@then('the restart policy is "{policy}"')
def step_restart(context: Context, policy: str) -> None:
    restart = _definition(context).restart
    context.suite.evidence.record("restart policy in the definition", restart, f"The restart policy is {restart}.")
    assert_that(restart, equal_to(policy), "restart policy of the service")


@then('the service is attached to the bridge network "{network}"')
def step_network(context: Context, network: str) -> None:
    attached = context.suite.evidence.observe(Network.of(_definition(context), network))
    expected = has_entries(attached=has_item(network), driver="bridge")
    assert_that(attached.value, expected, "service networks and the top-level network's driver")


@then('the container is named "{name}"')
def step_container_name(context: Context, name: str) -> None:
    container_name = _definition(context).container_name
    said = f"The container is named {container_name}." if container_name else "The container has no fixed name."
    context.suite.evidence.record("container_name in the definition", container_name, said)
    assert_that(container_name, equal_to(name), "container_name of the service")

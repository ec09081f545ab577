"""Redis is not open to the network: reachability from elsewhere, the
password, and the user Redis runs as."""

import json

from behave import given, then, when
from behave.runner import Context
from hamcrest import assert_that, empty, equal_to, has_item, is_not, not_

from harness.core.errors import best_effort, reported_as_failures
from harness.probes import exposure, secrecy
from harness.service import redis_client

HEALTH_BOUND = 5.0  # seconds for the service to report healthy once it runs with a password
# Reads, writes and the reconfiguration attackers use (REPLICAOF, FLUSHALL).
COMMANDS = [
    ["PING"],
    ["GET", "opterp20:probe"],
    ["SET", "opterp20:probe", "x"],
    ["KEYS", "*"],
    ["CONFIG", "GET", "maxmemory"],
    ["REPLICAOF", "NO", "ONE"],
    ["FLUSHALL"],
]


@when(
    "a client without the password tries to reach Redis over the network, as another machine or another container would"
)
@reported_as_failures
def step_from_elsewhere(context: Context) -> None:
    suite = context.suite
    stack = suite.engine()
    port = stack.published_port()
    attempts = exposure.from_host(exposure.machine_addresses(stack.engine), port)
    # Through this machine, as that network sees it. Redis's own address on
    # opticserp_network is Docker's to isolate, whatever the service says.
    attempts += exposure.from_other_network(stack.client, stack.state().image_id, stack.compose.project, port)
    context.attempts = attempts
    served = sum(a.let_in for a in attempts)
    said = f"{len(attempts)} tries from other addresses and another container network: {served} served."
    suite.evidence.record("clients without the password, from elsewhere", [str(a) for a in attempts], said)


@then("Redis serves none of them, at most telling them that a password is required")
def step_none_let_in(context: Context) -> None:
    attempts = context.attempts
    assert_that(attempts, is_not(empty()), "places a client tried from")
    let_in = [str(a) for a in attempts if a.let_in]
    assert_that(let_in, empty(), f"served without a password; all tries: {[str(a) for a in attempts]}")


@given("the Redis service is running with a password")
@reported_as_failures
def step_with_password(context: Context) -> None:
    suite = context.suite
    stack = suite.engine()
    if stack.access.password is not None:
        stack.ensure_running()
        return
    # The run has none: this scenario sets one of its own, then puts the run's mode back.
    run_access = stack.access
    context.add_cleanup(best_effort(lambda: stack.switch(run_access)))
    stack.switch(suite.temporary_password_access())


@when("a client without the password sends commands that read, write and reconfigure")
@reported_as_failures
def step_unauthenticated(context: Context) -> None:
    client = context.suite.engine().redis(anonymous=True)
    context.answers = exposure.unauthenticated(client, COMMANDS)
    served = exposure.served(context.answers)
    said = f"{len(context.answers)} commands without the password (read, write, reconfigure): {len(served)} served."
    context.suite.evidence.record("commands without the password", context.answers, said)


@then("Redis refuses every one of them until the client authenticates")
def step_all_refused(context: Context) -> None:
    served = exposure.served(context.answers)
    assert_that(served, equal_to({}), "commands Redis answered to a client without the password")


@then("a client with the password is served, and the health check reports healthy on a probe that got PONG")
@reported_as_failures
def step_authenticated_and_healthy(context: Context) -> None:
    stack = context.suite.engine()
    answer = redis_client.answers_ping(stack.redis())
    assert_that(answer, equal_to("PONG"), "PING from a client with the password")
    healthy = stack.wait_healthy_on_pong(within=HEALTH_BOUND)
    said = "With a password set, the health check reported healthy after a probe that got PONG."
    context.suite.evidence.record("health with a password", str(healthy.value.last_probe), said)


@then("the password appears in no container setting, Compose configuration, process list or log")
@reported_as_failures
def step_password_hidden(context: Context) -> None:
    stack = context.suite.engine()
    container = stack.container()
    places = [
        secrecy.Place("docker inspect", json.dumps(container.attrs)),
        secrecy.Place("docker compose config", stack.compose.call("config").stdout),
        secrecy.Place("this machine's process list", secrecy.host_command_lines()),
        secrecy.Place("docker top", json.dumps(container.top())),
        secrecy.Place("container logs", container.logs().decode(errors="replace")),
    ]
    findings = secrecy.search(stack.access.password or "", places)
    shown = [f.place for f in findings if f.hits]
    said = f"The password was searched for in {len(findings)} places: " + (
        f"found in {', '.join(shown)}." if shown else "found in none."
    )
    context.suite.evidence.record("the password searched for", [str(f) for f in findings], said)
    assert_that([str(f) for f in findings if f.hits], empty(), "places that show the password")


@when("the operator looks at who runs Redis and who owns its data files")
@reported_as_failures
def step_look_at_users(context: Context) -> None:
    stack = context.suite.engine()
    context.uids, context.owners = stack.server_uids(), stack.data_owners()
    uids, owners = context.uids, sorted(set(context.owners.values()))
    context.suite.evidence.record(
        "uid of redis-server", uids, f"Redis runs as uid {', '.join(map(str, uids)) or 'none found'}."
    )
    context.suite.evidence.record(
        "owners of /data",
        owners,
        f"The data files belong to uid {', '.join(map(str, owners)) or 'nobody (none found)'}.",
    )


@then("Redis runs as a user other than root")
def step_not_root(context: Context) -> None:
    uids = context.uids
    assert_that(uids, is_not(empty()), "redis-server processes found in the container")
    assert_that(uids, not_(has_item(0)), "uids of redis-server (0 is root)")


@then("every file in the data directory belongs to that user")
def step_owns_data(context: Context) -> None:
    strangers = {name: uid for name, uid in context.owners.items() if uid not in context.uids}
    assert_that(strangers, equal_to({}), f"files in /data not owned by redis-server's uid {context.uids}")

"""Redis is not open to the network: reachability from elsewhere, the
password, and the user Redis runs as. The same steps serve every topology,
over all of its nodes (the Sentinel topology's sentinels too); the wording
of its features stacks on the same function."""

from behave.runner import Context
from hamcrest import all_of, assert_that, empty, equal_to, has_item, is_not, not_

from harness.probes import exposure, secrecy
from harness.run.scenario_state import state
from harness.run.steps import given, then, when
from harness.service import redis_client


@when(
    "a client without the password tries to reach Redis over the network, as another machine or another container would"
)
@when(
    "a client without the password tries every Redis and sentinel over the network, "
    "as another machine or another container would"
)
def step_from_elsewhere(context: Context) -> None:
    state(context).safety.tries = context.suite.evidence.observe(exposure.tries(context.suite.nodes()))


@then("Redis serves none of them, at most telling them that a password is required")
@then("none of them is served, at most told that a password is required")
def step_none_let_in(context: Context) -> None:
    tries = state(context).safety.tries
    assert_that(tries.let_in, empty(), f"served without a password; all tries: {tries.value}")


@given("the Redis service is running with a password")
@given("the HA topology runs with a password")
def step_with_password(context: Context) -> None:
    # The run's own password, or, for a run without one, one of the scenario's own until it ends.
    context.suite.with_password(context.add_cleanup)


@when("a client without the password sends commands that read, write and reconfigure")
@when("a client without the password sends every Redis and sentinel commands that read, write and reconfigure")
def step_unauthenticated(context: Context) -> None:
    state(context).safety.sent = context.suite.evidence.observe(exposure.unauthenticated_to(context.suite.nodes()))


@then("Redis refuses every one of them until the client authenticates")
@then("every one of them is refused until the client authenticates")
def step_all_refused(context: Context) -> None:
    served = state(context).safety.sent.served
    assert_that(served, equal_to({}), "commands Redis answered to a client without the password")


@then("a client with the password is served, and the health check reports healthy on a probe that got PONG")
def step_authenticated_and_healthy(context: Context) -> None:
    node = context.suite.node()
    answer = redis_client.answers_ping(node.endpoint.client())
    assert_that(answer, equal_to("PONG"), "PING from a client with the password")
    healthy = node.health.wait_healthy_on_pong(within=context.suite.settings.healthy_timeout)
    said = "With a password set, the health check reported healthy after a probe that got PONG."
    context.suite.evidence.record("health with a password", str(healthy.value.last_probe), said)


@then("the password appears in no container setting, Compose configuration, process list or log")
@then("no Redis or sentinel shows the password in a container setting, Compose configuration, process list or log")
def step_password_hidden(context: Context) -> None:
    password = context.suite.access.password or ""
    search = context.suite.evidence.observe(secrecy.search_nodes(password, context.suite.nodes()))
    assert_that(search.shown, empty(), "places that show the password")


@when("the operator looks at who runs Redis and who owns its data files")
def step_look_at_users(context: Context) -> None:
    node, now = context.suite.node(), state(context)
    now.safety.uids, now.safety.owners = node.server_uids(), node.data_owners()
    uids, owners = ", ".join(map(str, now.safety.uids)), sorted(set(now.safety.owners.values()))
    evidence = context.suite.evidence
    evidence.record("uid of redis-server", now.safety.uids, f"Redis runs as uid {uids or 'none found'}.")
    owned_by = ", ".join(map(str, owners)) or "nobody (none found)"
    evidence.record("owners of /data", owners, f"The data files belong to uid {owned_by}.")


@then("Redis runs as a user other than root")
def step_not_root(context: Context) -> None:
    uids = state(context).safety.uids
    assert_that(uids, all_of(is_not(empty()), not_(has_item(0))), "uids of the redis-server processes (0 is root)")


@then("every file in the data directory belongs to that user")
def step_owns_data(context: Context) -> None:
    now = state(context)
    strangers = {name: uid for name, uid in now.safety.owners.items() if uid not in now.safety.uids}
    assert_that(strangers, equal_to({}), f"files in /data not owned by redis-server's uid {now.safety.uids}")


@when("the operator looks at who runs each Redis and sentinel")
def step_look_at_every_user(context: Context) -> None:
    nodes, now = context.suite.nodes(), state(context).safety
    now.owners = {node.service: uid for node in nodes for uid in node.server_uids()}
    now.uids = list(now.owners.values())
    said = ", ".join(f"{service} as uid {uid}" for service, uid in now.owners.items())
    context.suite.evidence.record("uid of each redis-server", now.owners, f"Running: {said or 'none found'}.")


@then("none of them runs as root")
def step_none_root(context: Context) -> None:
    owners = state(context).safety.owners
    # A container where no server was found proves nothing: that is a failure too.
    found = {n.service: owners.get(n.service, "no redis-server found") for n in context.suite.nodes()}
    wrong = {name: uid for name, uid in found.items() if uid in (0, "no redis-server found")}
    assert_that(wrong, equal_to({}), "containers whose server runs as root (uid 0), or where none was found")

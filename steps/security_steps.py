"""Redis is not open to the network: reachability from elsewhere, the
password, and the user Redis runs as."""

from behave.runner import Context
from hamcrest import all_of, assert_that, empty, equal_to, has_item, is_not, not_

from harness.probes import exposure, secrecy
from harness.run.scenario_state import state
from harness.run.steps import given, then, when
from harness.service import redis_client


@when(
    "a client without the password tries to reach Redis over the network, as another machine or another container would"
)
def step_from_elsewhere(context: Context) -> None:
    attempts = state(context).attempts = exposure.from_elsewhere(context.suite.node())
    served = sum(a.let_in for a in attempts)
    said = f"{len(attempts)} tries from other addresses and another container network: {served} served."
    context.suite.evidence.record("clients without the password, from elsewhere", [str(a) for a in attempts], said)


@then("Redis serves none of them, at most telling them that a password is required")
def step_none_let_in(context: Context) -> None:
    attempts = state(context).attempts
    # No place tried proves nothing: that is a failure too.
    let_in = [str(a) for a in attempts if a.let_in] if attempts else ["no place was tried from"]
    assert_that(let_in, empty(), f"served without a password; all tries: {[str(a) for a in attempts]}")


@given("the Redis service is running with a password")
def step_with_password(context: Context) -> None:
    # The run's own password, or, for a run without one, one of the scenario's own until it ends.
    context.suite.with_password(context.add_cleanup)


@when("a client without the password sends commands that read, write and reconfigure")
def step_unauthenticated(context: Context) -> None:
    answers = state(context).answers = exposure.unauthenticated(context.suite.node().redis(anonymous=True))
    served = exposure.served(answers)
    said = f"{len(answers)} commands without the password (read, write, reconfigure): {len(served)} served."
    context.suite.evidence.record("commands without the password", answers, said)


@then("Redis refuses every one of them until the client authenticates")
def step_all_refused(context: Context) -> None:
    served = exposure.served(state(context).answers)
    assert_that(served, equal_to({}), "commands Redis answered to a client without the password")


@then("a client with the password is served, and the health check reports healthy on a probe that got PONG")
def step_authenticated_and_healthy(context: Context) -> None:
    node = context.suite.node()
    answer = redis_client.answers_ping(node.redis())
    assert_that(answer, equal_to("PONG"), "PING from a client with the password")
    healthy = node.wait_healthy_on_pong(within=context.suite.settings.healthy_timeout)
    said = "With a password set, the health check reported healthy after a probe that got PONG."
    context.suite.evidence.record("health with a password", str(healthy.value.last_probe), said)


@then("the password appears in no container setting, Compose configuration, process list or log")
def step_password_hidden(context: Context) -> None:
    node = context.suite.node()
    findings = secrecy.search(node.access.password or "", secrecy.places(node))
    shown = [f.place for f in findings if f.hits]
    said = f"The password was searched for in {len(findings)} places: " + (
        f"found in {', '.join(shown)}." if shown else "found in none."
    )
    context.suite.evidence.record("the password searched for", [str(f) for f in findings], said)
    assert_that([str(f) for f in findings if f.hits], empty(), "places that show the password")


@when("the operator looks at who runs Redis and who owns its data files")
def step_look_at_users(context: Context) -> None:
    node, now = context.suite.node(), state(context)
    now.uids, now.owners = node.server_uids(), node.data_owners()
    uids, owners = ", ".join(map(str, now.uids)), sorted(set(now.owners.values()))
    evidence = context.suite.evidence
    evidence.record("uid of redis-server", now.uids, f"Redis runs as uid {uids or 'none found'}.")
    owned_by = ", ".join(map(str, owners)) or "nobody (none found)"
    evidence.record("owners of /data", owners, f"The data files belong to uid {owned_by}.")


@then("Redis runs as a user other than root")
def step_not_root(context: Context) -> None:
    uids = state(context).uids
    assert_that(uids, all_of(is_not(empty()), not_(has_item(0))), "uids of the redis-server processes (0 is root)")


@then("every file in the data directory belongs to that user")
def step_owns_data(context: Context) -> None:
    now = state(context)
    strangers = {name: uid for name, uid in now.owners.items() if uid not in now.uids}
    assert_that(strangers, equal_to({}), f"files in /data not owned by redis-server's uid {now.uids}")

"""No node or sentinel of the Sentinel topology is open to the network: the
single node's probes, applied to every container of the topology."""

from behave.runner import Context
from hamcrest import assert_that, empty, equal_to

from harness.probes import exposure, secrecy
from harness.run.scenario_state import state
from harness.run.steps import given, then, when


@when(
    "a client without the password tries every node and sentinel over the network, "
    "as another machine or another container would"
)
def step_from_elsewhere(context: Context) -> None:
    nodes = context.suite.sentinel().nodes
    attempts = state(context).attempts = [a for node in nodes for a in exposure.from_elsewhere(node)]
    served = sum(a.let_in for a in attempts)
    said = (
        f"{len(attempts)} tries at {len(nodes)} nodes and sentinels, from other addresses and another container "
        f"network: {served} served."
    )
    context.suite.evidence.record("clients without the password, from elsewhere", [str(a) for a in attempts], said)


@then("none of them is served, at most told that a password is required")
def step_none_served(context: Context) -> None:
    attempts = state(context).attempts
    let_in = [str(a) for a in attempts if a.let_in] if attempts else ["no place was tried from"]
    assert_that(let_in, empty(), f"served without a password; all tries: {[str(a) for a in attempts]}")


@given("the HA topology runs with a password")
def step_with_password(context: Context) -> None:
    # The run's own password, or, for a run without one, one of the scenario's own until it ends.
    context.suite.with_password(context.add_cleanup)


@when("a client without the password sends every node and sentinel commands that read, write and reconfigure")
def step_unauthenticated(context: Context) -> None:
    answers = state(context).answers = {
        f"{node.service}: {command}": answer
        for node in context.suite.sentinel().nodes
        for command, answer in exposure.unauthenticated(node.redis(anonymous=True)).items()
    }
    served = exposure.served(answers)
    said = f"{len(answers)} commands without the password to 6 nodes and sentinels: {len(served)} served."
    context.suite.evidence.record("commands without the password", answers, said)


@then("every one of them is refused until the client authenticates")
def step_all_refused(context: Context) -> None:
    served = exposure.served(state(context).answers)
    assert_that(served, equal_to({}), "commands answered to a client without the password")


@then("no node or sentinel shows the password in a container setting, Compose configuration, process list or log")
def step_password_hidden(context: Context) -> None:
    topology = context.suite.sentinel()
    password = topology.access_password or ""
    findings = [(n.service, f) for n in topology.nodes for f in secrecy.search(password, secrecy.places(n))]
    shown = [f"{service}: {f}" for service, f in findings if f.hits]
    said = f"The password was searched for in {len(findings)} places of {len(topology.nodes)} containers: " + (
        f"found in {', '.join(shown)}." if shown else "found in none."
    )
    context.suite.evidence.record("the password searched for", [f"{s}: {f}" for s, f in findings], said)
    assert_that(shown, empty(), "places that show the password")


@when("the operator looks at who runs each node and sentinel")
def step_look_at_users(context: Context) -> None:
    nodes = context.suite.sentinel().nodes
    now = state(context)
    now.owners = {node.service: uid for node in nodes for uid in node.server_uids()}
    now.uids = list(now.owners.values())
    said = ", ".join(f"{service} as uid {uid}" for service, uid in now.owners.items())
    context.suite.evidence.record("uid of each redis-server", now.owners, f"Running: {said or 'none found'}.")


@then("none of them runs as root")
def step_not_root(context: Context) -> None:
    now = state(context)
    # A container where no server was found proves nothing: that is a failure too.
    wrong = {n.service: now.owners.get(n.service, "no redis-server found") for n in context.suite.sentinel().nodes}
    assert_that({name: uid for name, uid in wrong.items() if uid in (0, "no redis-server found")}, equal_to({}),
                "containers whose server runs as root (uid 0), or where none was found")  # fmt: skip

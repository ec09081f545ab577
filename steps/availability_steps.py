"""Starting the service and talking to it: the lifecycle steps the other
features share, and connectivity through the host port and inside the service."""

import uuid

from behave.runner import Context
from hamcrest import assert_that, equal_to, is_in, less_than_or_equal_to

from harness.run.scenario_state import state
from harness.run.steps import given, then, when
from harness.service import redis_client
from harness.service.definition import DURABLE_FSYNC

STARTED_BY = {"up": "the start", "re-creation": "the re-creation"}  # for the sign-off's sentences


@given("the Redis service is running")
def step_running(context: Context) -> None:
    context.suite.node().ensure_running()


@given("the Redis service is not running")
def step_not_running(context: Context) -> None:
    context.suite.node().stop_fully()


@when("the operator starts the Redis service")
def step_start(context: Context) -> None:
    now = state(context)
    now.service.started_at, now.service.started_by = context.suite.node().start(), "up"


@then("the Redis service is running and healthy within {bound:g} seconds")
def step_healthy_within(context: Context, bound: float) -> None:
    now = state(context)
    observed = context.suite.node().health.wait_healthy(since=now.service.started_at, within=bound)
    context.suite.evidence.record(
        f"seconds from {now.service.started_by} to healthy",
        round(observed.elapsed, 3),
        f"Healthy {observed.elapsed:.2f} s after {STARTED_BY.get(now.service.started_by, now.service.started_by)}.",
    )
    assert_that(observed.elapsed, less_than_or_equal_to(bound), f"up to healthy: {observed.value}")


@when("a client on the host pings Redis on port {port:d}")
def step_ping_host(context: Context, port: int) -> None:
    pinged = context.suite.node().ping_from_host(port)
    state(context).service.answer, state(context).service.answered_by = pinged.answer, pinged.by
    said = f"A client on this machine pinged port {port} and got {pinged.answer}."
    context.suite.evidence.record(f"PING via {pinged.by}", pinged.answer, said)


@when("the operator pings Redis from inside the service")
def step_ping_inside(context: Context) -> None:
    pinged = context.suite.node().ping_inside()
    state(context).service.answer, state(context).service.answered_by = pinged.answer, pinged.by
    said = f"redis-cli ping inside the service got {pinged.answer or 'nothing'} (exit code {pinged.exit_code})."
    context.suite.evidence.record(f"PING via {pinged.by}", pinged.answer, said)


@then('Redis answers "{answer}"')
def step_answer(context: Context, answer: str) -> None:
    assert_that(state(context).service.answer, equal_to(answer), state(context).service.answered_by)


@when('a client stores "{value}" under a key')
def step_set(context: Context, value: str) -> None:
    state(context).data.key = f"opterp20:set-get:{uuid.uuid4().hex}"
    context.suite.node().endpoint.client().set(state(context).data.key, value)


@then('reading the key returns "{value}"')
def step_get(context: Context, value: str) -> None:
    key = state(context).data.key
    got = context.suite.node().endpoint.client().get(key)
    said = "The value written was read back unchanged." if got == value else f"Read back {got!r} instead of {value!r}."
    context.suite.evidence.record("value read back", got, said)
    assert_that(got, equal_to(value), f"GET {key}")


@when("a client asks the server what it is running")
def step_server_facts(context: Context) -> None:
    facts = state(context).service.facts = redis_client.server_facts(context.suite.node().endpoint.client())
    evidence = context.suite.evidence
    evidence.observe(redis_client.RunningServer(facts))
    image = evidence.environment.get("image", "not observed")
    evidence.record("image that ran", image, f"The image that ran: {image}.")
    evidence.environment["Redis"] = facts.version


@then("the server reports Redis major version {major:d}")
def step_major(context: Context, major: int) -> None:
    facts = state(context).service.facts
    assert_that(facts.major, equal_to(major), f"INFO server: {facts}")


@then("the server reports append-only persistence on")
def step_aof_active(context: Context) -> None:
    facts = state(context).service.facts
    assert_that((facts.appendonly, facts.aof_enabled), equal_to(("yes", 1)), f"CONFIG GET/INFO persistence: {facts}")


@then("the server reports its append-only log flushed to disk every second or after every write")
def step_fsync_active(context: Context) -> None:
    facts = state(context).service.facts
    assert_that(facts.appendfsync, is_in(DURABLE_FSYNC), f"CONFIG GET appendfsync: {facts}")

"""Starting the service and talking to it: the lifecycle steps the other
features share, and connectivity through the host port and inside the service."""

import uuid

from behave import given, then, when
from behave.runner import Context
from hamcrest import assert_that, equal_to, is_in, less_than_or_equal_to

from harness.core.errors import reported_as_failures
from harness.service import redis_client
from harness.service.definition import DURABLE_FSYNC, FSYNC_WORDS

STARTED_BY = {"up": "the start", "re-creation": "the re-creation"}  # for the sign-off's sentences


@given("the Redis service is running")
@reported_as_failures
def step_running(context: Context) -> None:
    context.suite.engine().ensure_running()


@given("the Redis service is not running")
@reported_as_failures
def step_not_running(context: Context) -> None:
    context.suite.engine().stop_fully()


@when("the operator starts the Redis service")
@reported_as_failures
def step_start(context: Context) -> None:
    context.started_at, context.started_by = context.suite.engine().start(), "up"


@then("the Redis service is running and healthy within {bound:g} seconds")
@reported_as_failures
def step_healthy_within(context: Context, bound: float) -> None:
    observed = context.suite.engine().wait_healthy(since=context.started_at, within=bound)
    context.suite.evidence.record(
        f"seconds from {context.started_by} to healthy",
        round(observed.elapsed, 3),
        f"Healthy {observed.elapsed:.2f} s after {STARTED_BY.get(context.started_by, context.started_by)}.",
    )
    assert_that(observed.elapsed, less_than_or_equal_to(bound), f"up to healthy: {observed.value}")


@when("a client on the host pings Redis on port {port:d}")
@reported_as_failures
def step_ping_host(context: Context, port: int) -> None:
    suite = context.suite
    stack = suite.engine()
    host = (stack.published() or (stack.engine.ports_host, port))[0]
    context.answer = redis_client.answers_ping(redis_client.connect(host, port, password=suite.access.password))
    context.answered_by = f"redis-py at {host}:{port}"
    said = f"A client on this machine pinged port {port} and got {context.answer}."
    context.suite.evidence.record(f"PING via {context.answered_by}", context.answer, said)


@when("the operator pings Redis from inside the service")
@reported_as_failures
def step_ping_inside(context: Context) -> None:
    suite = context.suite
    done = suite.compose.exec(suite.settings.service, ["redis-cli", "ping"], password=suite.access.password)
    context.answer = (done.stdout + done.stderr).strip()
    context.answered_by = f"`docker compose exec {suite.settings.service} redis-cli ping`, exit {done.returncode}"
    said = f"redis-cli ping inside the service got {context.answer or 'nothing'} (exit code {done.returncode})."
    suite.evidence.record(f"PING via {context.answered_by}", context.answer, said)


@then('Redis answers "{answer}"')
def step_answer(context: Context, answer: str) -> None:
    assert_that(context.answer, equal_to(answer), context.answered_by)


@when('a client stores "{value}" under a key')
@reported_as_failures
def step_set(context: Context, value: str) -> None:
    context.key = f"opterp20:set-get:{uuid.uuid4().hex}"
    context.suite.engine().redis().set(context.key, value)


@then('reading the key returns "{value}"')
@reported_as_failures
def step_get(context: Context, value: str) -> None:
    got = context.suite.engine().redis().get(context.key)
    said = "The value written was read back unchanged." if got == value else f"Read back {got!r} instead of {value!r}."
    context.suite.evidence.record("value read back", got, said)
    assert_that(got, equal_to(value), f"GET {context.key}")


@when("a client asks the server what it is running")
@reported_as_failures
def step_server_facts(context: Context) -> None:
    context.facts = redis_client.server_facts(context.suite.engine().redis())
    facts = context.facts
    said = (
        f"The server is Redis {facts.version}, append-only log {'on' if facts.appendonly == 'yes' else 'off'}, "
        f"written to disk {FSYNC_WORDS.get(facts.appendfsync, facts.appendfsync)}."
    )
    context.suite.evidence.record("server", str(facts), said)
    image = context.suite.evidence.environment.get("image", "not observed")
    context.suite.evidence.record("image that ran", image, f"The image that ran: {image}.")
    context.suite.evidence.environment["Redis"] = context.facts.version


@then("the server reports Redis major version {major:d}")
def step_major(context: Context, major: int) -> None:
    assert_that(context.facts.major, equal_to(major), f"INFO server: {context.facts}")


@then("the server reports append-only persistence on")
def step_aof_active(context: Context) -> None:
    facts = context.facts
    assert_that((facts.appendonly, facts.aof_enabled), equal_to(("yes", 1)), f"CONFIG GET/INFO persistence: {facts}")


@then("the server reports its append-only log flushed to disk every second or after every write")
def step_fsync_active(context: Context) -> None:
    facts = context.facts
    assert_that(facts.appendfsync, is_in(DURABLE_FSYNC), f"CONFIG GET appendfsync: {facts}")

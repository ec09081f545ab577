"""The README's operator commands, run as written against this run's project."""

from pathlib import Path

from behave import then, when
from behave.runner import Context
from hamcrest import assert_that, empty, is_not

from harness.infra.compose import REDISCLI_AUTH
from harness.probes import operator_docs

COMMAND_BOUND = 10.0  # seconds each documented command may take (`up --wait` included)


def _readme(context: Context) -> Path:
    return Path(context.config.base_dir) / "README.md"


@when("the operator runs every command the README documents")
def step_run_documented(context: Context) -> None:
    seconds = COMMAND_BOUND
    suite = context.suite
    env = suite.compose.environment()
    if suite.access.password is not None:  # as the README tells an operator with a password to do
        env[REDISCLI_AUTH] = suite.access.password
    decided = suite.engine().health_decided()
    context.outcomes = operator_docs.run_all(_readme(context), env, seconds, decided=decided)


@then("each command prints what the README says it prints")
def step_as_documented(context: Context) -> None:
    outcomes = context.outcomes
    assert_that(outcomes, is_not(empty()), f"commands in {_readme(context)}")
    wrong = [str(o) for o in outcomes if not o.as_documented]
    said = f"{len(outcomes) - len(wrong)} of the README's {len(outcomes)} operator commands printed what it says."
    context.suite.evidence.record("README commands as documented", [str(o) for o in outcomes], said)
    assert_that(wrong, empty(), "\n".join(str(o) for o in outcomes))

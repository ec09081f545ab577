"""The README's operator commands, run as written against this run's project."""

from pathlib import Path

from behave.runner import Context
from hamcrest import assert_that, empty

from harness.probes import operator_docs
from harness.run.scenario_state import state
from harness.run.steps import then, when


def _readme(context: Context) -> Path:
    return Path(context.config.base_dir) / "README.md"


@when("the operator runs every command the README documents")
def step_run_documented(context: Context) -> None:
    suite = context.suite
    env, seconds = suite.project().operator_shell(), suite.settings.operator_command_timeout
    state(context).safety.outcomes = operator_docs.run_all(
        _readme(context), env, seconds, decided=suite.node().health.decided()
    )


@then("each command prints what the README says it prints")
def step_as_documented(context: Context) -> None:
    outcomes = state(context).safety.outcomes
    wrong = [str(o) for o in outcomes if not o.as_documented]
    said = f"{len(outcomes) - len(wrong)} of the README's {len(outcomes)} operator commands printed what it says."
    context.suite.evidence.record("README commands as documented", [str(o) for o in outcomes], said)
    # A README whose commands were not found proves nothing: that is a failure too.
    found = wrong if outcomes else [f"no operator commands found in {_readme(context)}"]
    assert_that(found, empty(), "\n".join(str(o) for o in outcomes))

"""The README's backup and restore, run as written against this run's project:
a backup taken while a client writes, restored into a fresh volume."""

import uuid
from pathlib import Path

from behave.runner import Context
from hamcrest import assert_that, empty

from harness.infra.data_log import MANIFEST
from harness.probes import operator_docs
from harness.run.scenario_state import state
from harness.run.step_errors import best_effort
from harness.run.steps import then, when

BACKUP = "redis-backup"  # the folder the README's backup copies the log to


def _run(context: Context, heading: str, folder: Path) -> list[operator_docs.Outcome]:
    suite = context.suite
    env, seconds = suite.project().operator_shell(), suite.settings.operator_command_timeout
    readme = Path(context.config.base_dir) / "README.md"
    return operator_docs.run_all(
        readme, env, seconds, decided=suite.node().health.decided(), heading=heading, cwd=folder
    )


@when("the operator backs up Redis's data as the README says")
def step_back_up(context: Context) -> None:
    now = state(context).storage
    now.backup_folder = context.suite.scratch() / f"backup-{uuid.uuid4().hex[:8]}"
    now.backup_folder.mkdir()
    now.backup = _run(context, operator_docs.BACKUP, now.backup_folder)


@when("the backup loses its manifest")
def step_lose_manifest(context: Context) -> None:
    folder = state(context).storage.backup_folder
    assert folder is not None, "no backup was taken"
    (folder / BACKUP / MANIFEST).unlink()


@when("the operator restores that backup into a fresh volume as the README says")
def step_restore(context: Context) -> None:
    now = state(context)
    context.add_cleanup(best_effort(context.suite.node().storage.discard_if_down))
    now.service.started_at = context.suite.poller.clock()
    assert now.storage.backup_folder is not None, "no backup was taken"
    now.storage.restore = _run(context, operator_docs.RESTORE, now.storage.backup_folder)


@then("the backup and the restore did what the README says")
def step_as_documented(context: Context) -> None:
    now = state(context).storage
    followed = operator_docs.Followed("backup and restore", (*now.backup, *now.restore))
    assert_that(context.suite.evidence.observe(followed).wrong, empty(), "\n".join(followed.value))

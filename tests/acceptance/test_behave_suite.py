"""The acceptance suite itself, run as CI runs it: the real `behave` against
the real engine. Pass/fail comes from behave's exit code; the JUnit files only
prove that every scenario was executed (none skipped)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from harness.reporting import jira_format
from tests.support import working_tree
from tests.support.behave_run import ROOT, Finished, behave, junit_totals, why_failed
from tests.support.inventory import run_processes

SCHEMA = ROOT / "tests" / "reporting" / "cucumber_json_schema.json"
DEAD_DAEMON = {"DOCKER_HOST": "unix:///nonexistent/docker.sock"}


# One worker runs this module: its runs share module fixtures, and one writes reports/ as a user's run does.
pytestmark = [pytest.mark.xdist_group("behave-suite"), pytest.mark.cost(75, cores=0.8)]

REPORTS = ROOT / "reports"
OUTPUTS = ("behave.json", "cucumber.json", "report.html", "signoff.md", "signoff.json", "evidence.json")


@pytest.fixture(scope="module")
def full_run() -> Finished:
    """One run of the whole suite, as `behave` with no flags, into reports/."""
    for stale in [*REPORTS.glob("TESTS-*.xml"), *(REPORTS / name for name in OUTPUTS)]:
        stale.unlink(missing_ok=True)
    before = working_tree.state()
    done = behave()
    print(done.stdout, done.stderr, sep="\n")
    done.tree_changed = working_tree.state() ^ before  # type: ignore[attr-defined]
    return done


@pytest.mark.engine
@pytest.mark.suite_run
def test_the_whole_suite_passes_with_every_scenario_executed(full_run):
    assert full_run.returncode == 0, why_failed(full_run, REPORTS)
    totals = junit_totals(REPORTS)
    assert totals["tests"] > 0 and totals["skipped"] == 0, f"JUnit totals {totals}: every scenario must run in CI"
    assert run_processes(full_run.project) == set(), "a process the run started outlived it"


@pytest.mark.engine
@pytest.mark.suite_run
def test_a_run_leaves_the_working_tree_as_it_found_it(full_run):
    assert full_run.tree_changed == set(), "behave wrote outside reports/"


@pytest.mark.engine
@pytest.mark.suite_run
def test_the_console_reads_from_the_runs_own_first_line_with_each_feature_once(full_run):
    lines = full_run.stdout.splitlines()
    # What a killed earlier run left on this engine is removed, and said, before
    # the run names its engine (a CI machine may have had such a run before ours).
    own = [line for line in lines if not line.startswith("OPTERP-20 acceptance: what an earlier run left (")]
    assert own[0].startswith("OPTERP-20 acceptance: engine "), lines[:3]
    assert "USING RUNNER" not in full_run.stdout
    headers = [line.split(" # ")[0].strip() for line in lines if line.lstrip().startswith("Feature:")]
    assert headers and len(headers) == len(set(headers)) == len(list((ROOT / "features").glob("*.feature")))


@pytest.mark.engine
@pytest.mark.suite_run
def test_one_run_writes_every_report(full_run):
    assert [name for name in OUTPUTS if not (REPORTS / name).is_file()] == []
    report = json.loads((REPORTS / "cucumber.json").read_text())
    jsonschema.validate(report, json.loads(SCHEMA.read_text()))
    assert sum(len(f["elements"]) for f in report) == junit_totals(REPORTS)["tests"]
    signoff = (REPORTS / "signoff.md").read_text()
    # PASSED only on the registry's image and Docker Desktop on Windows; anywhere else all passed is PROVISIONAL.
    verdict = signoff.splitlines()[2]
    all_passed = ("**PASSED**: every criterion passed", "**PROVISIONAL**: every criterion passed")
    assert verdict.startswith(all_passed), verdict
    assert signoff.strip() in full_run.stdout  # also printed at the end of the run


@pytest.mark.engine
@pytest.mark.suite_run
@pytest.mark.network
def test_the_runs_sign_off_is_rendered_for_jira_and_its_adf_validates(full_run, adf_schema):
    """After a real run, `signoff publish --dry-run` writes both bodies; the v3 one is valid ADF."""
    done = subprocess.run(
        [str(Path(sys.executable).parent / "signoff"), "publish", "--dry-run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    v2 = json.loads((REPORTS / "jira" / "comment-v2.json").read_text())["body"]
    assert "every criterion passed" in v2 and "(x)" not in v2
    v3 = json.loads((REPORTS / "jira" / "comment-v3.json").read_text())["body"]
    assert max(jira_format.size(v2), jira_format.size(v3)) <= jira_format.BUDGET
    jsonschema.Draft4Validator(adf_schema).validate(v3)


@pytest.mark.docker_cli
def test_the_definition_is_checked_without_a_daemon(tmp_path: Path):
    done = behave("--tags=@static", reports=tmp_path, junit=False, env=DEAD_DAEMON, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 failed" in done.stdout


@pytest.mark.docker_cli
def test_a_tag_list_in_behaves_classic_syntax_runs_as_the_or_it_means(tmp_path: Path):
    # behave took `@ac:port` for a tag limited to "port" scenarios: a ValueError traceback.
    done = behave(
        "--tags=@ac:port,@ac:image",
        "--tags=~@ac:aof",
        "--tags=@static",
        reports=tmp_path,
        junit=False,
        env=DEAD_DAEMON,
        timeout=120,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stdout + done.stderr
    assert "2 scenarios passed, 0 failed" in done.stdout, done.stdout


@pytest.fixture(scope="module")
def password_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Finished, Path, str]:
    """The whole suite again, with a password from REDIS_PASSWORD_FILE: one with
    the characters a shell, a URL or a config file would mangle if quoted wrongly;
    on a copy of docker-compose.yml alone in an empty folder, as OpticsERP places it."""
    scratch = tmp_path_factory.mktemp("password-run")
    password = "opterp20 p@ss:/w?rd#% $'\"|&;\\"
    file = scratch / "redis-password"
    file.write_text(password + "\n")
    file.chmod(0o600)
    reports = scratch / "reports"
    alone = scratch / "OpticsERP" / "docker-compose.yml"
    alone.parent.mkdir()
    shutil.copy(ROOT / "docker-compose.yml", alone)
    done = behave("-D", f"compose_file={alone}", reports=reports, env={"REDIS_PASSWORD_FILE": str(file)})
    print(done.stdout, done.stderr, sep="\n")
    return done, reports, password


@pytest.mark.engine
@pytest.mark.suite_run
def test_the_whole_suite_passes_with_a_password_and_no_report_shows_it(password_run):
    done, reports, password = password_run
    assert done.returncode == 0, why_failed(done, reports)
    totals = junit_totals(reports)
    assert totals["tests"] > 0 and totals["skipped"] == 0, f"JUnit totals {totals}"
    assert "password from" in (reports / "signoff.md").read_text()  # the run says which mode it was
    showing = [p.name for p in reports.iterdir() if password in p.read_text(encoding="utf-8", errors="replace")]
    assert showing == [] and password not in done.stdout + done.stderr, f"reports that show the password: {showing}"
    assert run_processes(done.project) == set(), "a process the run started outlived it"


@pytest.mark.engine
def test_the_compose_file_alone_in_an_empty_folder_starts_and_answers_without_a_password(tmp_path: Path):
    """What OpticsERP does with it: copy the one file into its own folder and `up`."""
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    compose = ["docker", "compose", "--project-name", f"opterp20-alone-{os.getpid()}"]
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_PASSWORD_FILE", "REDIS_BIND_ADDRESS")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*compose, *args], cwd=tmp_path, capture_output=True, text=True, timeout=60, env=env)

    try:
        up = run("up", "--detach", "--wait", "--no-build", "--pull", "never", "redis")
        assert up.returncode == 0, up.stderr
        ping = run("exec", "-T", "redis", "redis-cli", "ping")
        assert ping.stdout.strip() == "PONG", ping.stdout + ping.stderr
    finally:
        run("down", "--volumes", "--timeout", "5")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docker-compose.yml"], "Compose made files beside it"

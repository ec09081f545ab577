"""The CI pipelines people copy: valid against their published schemas (as
check-jsonschema ships them; no CI service is reachable from here), and every
command they run is one this repository provides."""

from __future__ import annotations

import itertools
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
GITHUB = ROOT / ".github" / "workflows" / "acceptance.yml"
GITLAB = ROOT / ".gitlab-ci.yml"
SCHEMAS = {GITHUB: "vendor.github-workflows", GITLAB: "vendor.gitlab-ci"}
# What a run writes into reports/ (harness/reporting/publish.py and the JUnit formatter).
REPORTS = {"signoff.md", "cucumber.json", "report.html", "behave.json", "evidence.json", "TESTS-*.xml", "jira/"}
VENV_BIN = Path(sys.executable).parent


def check(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("pipeline", [GITHUB, GITLAB], ids=["github", "gitlab"])
def test_the_pipeline_validates_against_its_published_schema(pipeline: Path):
    done = check(SCHEMAS[pipeline], pipeline)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("pipeline", "old", "new"),
    [
        (GITHUB, "    runs-on: ubuntu-24.04\n", ""),  # a job must say where it runs
        (GITLAB, "    when: always\n", "    when: sometimes\n"),
    ],
    ids=["github-no-runner", "gitlab-bad-when"],
)
def test_a_broken_pipeline_fails_the_schema(pipeline: Path, old: str, new: str, tmp_path: Path):
    text = pipeline.read_text()
    assert old in text
    broken = tmp_path / ("github-acceptance.yml" if pipeline is GITHUB else ".gitlab-ci.yml")
    broken.write_text(text.replace(old, new))
    done = check(SCHEMAS[pipeline], broken)
    assert done.returncode != 0, done.stdout


def commands(pipeline: Path) -> list[str]:
    document: dict[str, Any] = yaml.safe_load(pipeline.read_text())
    if pipeline is GITHUB:
        runs = [step["run"] for job in document["jobs"].values() for step in job["steps"] if "run" in step]
    else:
        jobs = [job for job in document.values() if isinstance(job, dict) and "script" in job]
        keys = ("before_script", "script", "after_script")
        runs = [line for job in jobs for key in keys for line in job.get(key, [])]
    return [line.strip() for run in runs for line in run.splitlines() if line.strip()]


@pytest.mark.parametrize("pipeline", [GITHUB, GITLAB], ids=["github", "gitlab"])
def test_every_command_the_pipeline_runs_exists_in_this_repository(pipeline: Path):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    markers = {m.split(":")[0] for m in project["tool"]["pytest"]["ini_options"]["markers"]}
    options = (ROOT / "tests" / "remote" / "conftest.py").read_text()
    problems = []
    for line in commands(pipeline):
        for command in _SEPARATORS.split(line):
            words = shlex.split(command.split(">")[0]) if command.strip() else []
            if words[:2] == ["uv", "run"]:
                problems += _unknown(line, words[2], words[3:], markers, options)
            for word in words:
                if word.startswith("reports/") and word.removeprefix("reports/") not in REPORTS:
                    problems.append(f"{line}: the suite writes no {word}")
    assert problems == []


_SEPARATORS = re.compile(r";|&&|\|\||\bthen\b|\belse\b")


def _unknown(line: str, tool: str, args: list[str], markers: set[str], options: str) -> list[str]:
    problems = []
    if not (VENV_BIN / tool).exists():
        problems.append(f"{line}: `{tool}` is no command of this project's environment")
    for arg, following in itertools.pairwise([*args, ""]):
        if arg.startswith("tests/") and not (ROOT / arg).exists():
            problems.append(f"{line}: {arg} does not exist")
        if arg.startswith("--") and tool == "pytest" and f'"{arg}"' not in options:
            problems.append(f"{line}: pytest has no option {arg} here")
        if arg == "-m" and not set(following.replace("not ", "").split()) <= markers:
            problems.append(f"{line}: marker {following!r} is not registered")
    if tool == "signoff" and not set(args) <= {"publish", "--dry-run"}:
        problems.append(f"{line}: signoff takes `publish [--dry-run]` here")
    return problems


def test_github_keeps_the_reports_and_summaries_even_when_the_run_fails():
    steps = yaml.safe_load(GITHUB.read_text())["jobs"]["acceptance"]["steps"]
    runs = [step.get("run", "") for step in steps]
    assert any(run.startswith("uv run behave") for run in runs)
    assert runs.index("uv run behave") < runs.index("uv run pytest")
    after = [step for step in steps if step.get("if") == "${{ !cancelled() }}"]
    assert {step.get("uses", step.get("run", "").split("\n")[0]).split("@")[0] for step in after} == {
        'cat reports/signoff.md >> "$GITHUB_STEP_SUMMARY"',
        "mikepenz/action-junit-report",
        "actions/upload-artifact",
        'if [ -n "$JIRA_BASE_URL" ] && [ "$SIGNOFF_COUNTS" = "true" ]; then',
    }


def _signoff_script(pipeline: Path) -> tuple[str, dict[str, str]]:
    """The shell that decides between publishing and a dry run, and the step's own env."""
    if pipeline is GITHUB:
        steps = yaml.safe_load(GITHUB.read_text())["jobs"]["acceptance"]["steps"]
        [step] = [s for s in steps if "signoff publish" in s.get("run", "")]
        return step["run"], step.get("env", {})
    [line] = [line for line in yaml.safe_load(GITLAB.read_text())["acceptance"]["after_script"] if "signoff" in line]
    return line, {}


def _publishes(script: str, env: dict[str, str], tmp_path: Path) -> str:
    """Run the pipeline's own shell with a stand-in `uv` that prints its arguments."""
    stub = tmp_path / "uv"
    stub.write_text('#!/bin/sh\necho "$@"\n')
    stub.chmod(0o755)
    done = subprocess.run(
        ["sh", "-c", script],
        env={"PATH": f"{tmp_path}:/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"CI_COMMIT_BRANCH": "main", "CI_DEFAULT_BRANCH": "main"}, "run signoff publish"),
        ({"CI_COMMIT_TAG": "v1.0", "CI_DEFAULT_BRANCH": "main"}, "run signoff publish"),
        ({"CI_COMMIT_BRANCH": "feature/x", "CI_DEFAULT_BRANCH": "main"}, "run signoff publish --dry-run"),
        ({"CI_MERGE_REQUEST_IID": "7", "CI_DEFAULT_BRANCH": "main"}, "run signoff publish --dry-run"),
    ],
    ids=["default-branch", "tag", "feature-branch", "merge-request"],
)
def test_gitlab_posts_the_sign_off_only_from_the_default_branch_and_tags(variables, expected, tmp_path):
    script, _ = _signoff_script(GITLAB)
    assert _publishes(script, {"JIRA_BASE_URL": "https://jira.example", **variables}, tmp_path) == expected
    assert _publishes(script, variables, tmp_path) == "run signoff publish --dry-run"  # no Jira configured


def test_github_posts_the_sign_off_only_from_the_default_branch_and_tags(tmp_path):
    script, env = _signoff_script(GITHUB)
    # GitHub evaluates the expression; it must name the default branch and tags, and nothing else.
    assert env["SIGNOFF_COUNTS"] == (
        "${{ github.ref == format('refs/heads/{0}', github.event.repository.default_branch)"
        " || startsWith(github.ref, 'refs/tags/') }}"
    )
    jira = {"JIRA_BASE_URL": "https://jira.example"}
    assert _publishes(script, {**jira, "SIGNOFF_COUNTS": "true"}, tmp_path) == "run signoff publish"
    assert _publishes(script, {**jira, "SIGNOFF_COUNTS": "false"}, tmp_path) == "run signoff publish --dry-run"
    assert _publishes(script, {"SIGNOFF_COUNTS": "true"}, tmp_path) == "run signoff publish --dry-run"


@pytest.mark.parametrize("pipeline", [GITHUB, GITLAB], ids=["github", "gitlab"])
def test_the_sign_off_is_published_or_dry_run_after_every_run(pipeline: Path):
    runs = [c for line in commands(pipeline) for c in _SEPARATORS.split(line) if "uv run signoff" in c]
    assert {c.strip() for c in runs} == {"uv run signoff publish", "uv run signoff publish --dry-run"}


def test_gitlab_runs_on_dind_with_tls_and_publishes_redis_with_a_password():
    job = yaml.safe_load(GITLAB.read_text())["acceptance"]
    variables = job["variables"]
    assert variables["DOCKER_HOST"] == "tcp://docker:2376" and variables["DOCKER_TLS_VERIFY"] == "1"
    assert variables["DOCKER_CERT_PATH"] == f"{variables['DOCKER_TLS_CERTDIR']}/client"
    assert variables["REDIS_BIND_ADDRESS"] == "0.0.0.0" and variables["REDIS_PASSWORD_FILE"]
    assert any(service["name"].startswith("docker:") and "dind" in service["name"] for service in job["services"])
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["junit"] == "reports/TESTS-*.xml"
    assert {"reports/signoff.md", "reports/cucumber.json", "reports/report.html"} <= set(job["artifacts"]["paths"])

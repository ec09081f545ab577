"""`signoff publish`: the finished run's sign-off, posted to its Jira issue.

    uv run signoff publish [--dry-run] [--reports DIR] [--api 2|3] [--xray cloud|server]

Reads reports/ (never runs anything), renders the checklist as wiki markup
(REST v2) and ADF (REST v3), each within Jira's 32,767 characters, updates
this suite's own comment on the issue or adds one, and attaches signoff.md,
report.html, cucumber.json and the JUnit files, replacing the earlier files
of the same names. Each topology kind has a comment and attachment names of
its own (signoff-sentinel.md), and so does each release tag (CI_COMMIT_TAG,
or GITHUB_REF_TYPE=tag with GITHUB_REF_NAME): a run never edits another's.
--dry-run writes the exact request bodies to reports/jira/.

Environment: JIRA_BASE_URL; then JIRA_EMAIL and JIRA_API_TOKEN (Cloud) or
JIRA_PAT (Data Center); JIRA_API_VERSION (default 3 for Cloud, 2 for a PAT).
Xray Cloud: XRAY_CLIENT_ID, XRAY_CLIENT_SECRET (XRAY_BASE_URL to override).
Xray tag prefixes: XRAY_TEST_PREFIX (default TEST_), XRAY_REQUIREMENT_PREFIX
(default REQ_); on Server/DC, XRAY_TEST_ENVIRONMENTS_FIELD (the Test
Environments field's id, customfield_NNNNN) to send the test environment.
Exit codes: 0 done; 1 Jira or Xray refused or did not answer; 2 bad input."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.reporting import jira_format, xray
from harness.reporting.checklist import Checklist
from harness.reporting.jira_client import Jira, JiraAuth, JiraError
from harness.reporting.publication import Publication
from harness.reporting.specifications import SPECIFICATIONS

SIGNOFF_JSON = "signoff.json"
ATTACHED = ("signoff.md", "report.html", "cucumber.json")


class BadInput(Exception):
    """What the user must fix before publishing; one line."""


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="signoff", description="Publish the run's sign-off to Jira.")
    commands = parser.add_subparsers(dest="command", required=True)
    publish = commands.add_parser("publish", help="post the checklist on the issue and attach the reports")
    publish.add_argument("--dry-run", action="store_true", help="write the request bodies to reports/jira/, send none")
    publish.add_argument("--reports", type=Path, default=Path("reports"), help="the run's reports (default: reports)")
    publish.add_argument("--api", choices=["2", "3"], help="Jira REST version (default: 3 for Cloud, 2 for a PAT)")
    publish.add_argument("--xray", choices=["cloud", "server"], help="also import the results into Xray")
    publish.add_argument("--timeout", type=float, default=30.0, help="seconds per request (default 30)")
    args = parser.parse_args(argv)
    env = os.environ if env is None else env
    try:
        print(run(args, env))
    except (BadInput, xray.MissingTestKeys) as error:
        print(f"signoff publish: {error}", file=sys.stderr)
        return 2
    except JiraError as error:
        print(f"signoff publish: {error}", file=sys.stderr)
        return 1
    return 0


def run(args: argparse.Namespace, env: Mapping[str, str]) -> str:
    reports: Path = args.reports
    checklist, cucumber = _read_run(reports)
    prefixes = xray.Prefixes(
        env.get("XRAY_TEST_PREFIX", xray.TEST_PREFIX), env.get("XRAY_REQUIREMENT_PREFIX", xray.REQUIREMENT_PREFIX)
    )
    issue = issue_key(cucumber, prefixes, SPECIFICATIONS[checklist.topology].issue_prefix)
    files, to = attachments(reports), Publication.of(checklist.topology, env)
    if args.xray:
        missing = xray.without_test_key(cucumber, prefixes)
        if missing:
            raise xray.MissingTestKeys(missing, prefixes.test)
    if args.dry_run:
        return dry_run(reports, checklist, files, issue, to)
    auth = jira_auth(env, args.api)
    jira = Jira(auth, timeout=args.timeout)
    body = _render(checklist, auth.api, to)
    verb, comment = jira.post_comment(issue, body, to)
    replaced = jira.attach(issue, files, to)
    done = (
        f"signoff publish: {checklist.verdict}; {verb} comment {comment} ({to.marker}) on {issue} (REST v{auth.api}, "
        f"{jira_format.size(body):,} of {jira_format.LIMIT:,} characters), attached {len(files)} files"
        + (f" (replacing {replaced} earlier ones)" if replaced else "")
    )
    if args.xray:
        info = xray.execution_info(
            issue.split("-")[0],
            f"{issue} acceptance run {_now()}",
            issue,
            checklist.test_environment,
            cloud=args.xray == "cloud",
            environments_field=env.get("XRAY_TEST_ENVIRONMENTS_FIELD", ""),
        )
        cloud = _xray_cloud(env) if args.xray == "cloud" else None
        report = xray.with_requirement_tags(cucumber, prefixes)
        key = xray.Xray(args.xray, args.timeout).import_cucumber(report, info, jira=auth, cloud=cloud)
        done += f"; Xray test execution {key}"
    return done


def _render(checklist: Checklist, api: str, to: Publication) -> str | dict[str, Any]:
    try:
        return jira_format.adf(checklist, to) if api == "3" else jira_format.wiki(checklist, to)
    except ValueError as error:
        raise BadInput(f"{error}: read the sign-off in signoff.md instead") from None


def _read_run(reports: Path) -> tuple[Checklist, list[dict[str, Any]]]:
    try:
        checklist = Checklist.from_json((reports / SIGNOFF_JSON).read_text(encoding="utf-8"))
        cucumber = json.loads((reports / "cucumber.json").read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise BadInput(
            f"no finished run in {reports}/ ({Path(str(error.filename)).name} missing): run behave first"
        ) from None
    except (ValueError, KeyError, TypeError) as error:
        raise BadInput(f"the reports in {reports}/ cannot be read ({type(error).__name__}): run behave again") from None
    return checklist, cucumber


def issue_key(cucumber: list[dict[str, Any]], prefixes: xray.Prefixes, criterion_prefix: str = "ac") -> str:
    """The issue the sign-off is for: the Jira key the features are tagged
    with whose scenarios prove the issue's own criteria (`@ac:` for the plan,
    `@ha:` for the Sentinel topology), plain or in Xray's requirement convention."""
    keys = set()
    for feature in cucumber:
        proves_plan = any(
            tag.get("name", "").startswith(f"@{criterion_prefix}:")
            for e in feature.get("elements", [])
            for tag in e.get("tags", [])
        )
        if proves_plan:
            keys |= {key for tag in feature.get("tags", []) if (key := prefixes.requirement_key(tag.get("name", "")))}
    if len(keys) != 1:
        raise BadInput(f"the plan's features name {len(keys)} Jira keys ({', '.join(sorted(keys)) or 'none'}), not one")
    return keys.pop()


def attachments(reports: Path) -> list[Path]:
    return [reports / name for name in ATTACHED if (reports / name).is_file()] + sorted(reports.glob("TESTS-*.xml"))


def dry_run(reports: Path, checklist: Checklist, files: list[Path], issue: str, to: Publication) -> str:
    out = reports / "jira"
    out.mkdir(parents=True, exist_ok=True)
    v2, v3 = _render(checklist, "2", to), _render(checklist, "3", to)
    (out / "comment-v2.json").write_text(json.dumps({"body": v2}, indent=2) + "\n")
    (out / "comment-v3.json").write_text(json.dumps({"body": v3}, indent=2) + "\n")
    (out / "attachments.txt").write_text("".join(f"{file} as {to.attachment_name(file)}\n" for file in files))
    return (
        f"signoff publish --dry-run: {checklist.verdict}; nothing sent; the comment for {issue} is in "
        f"{out}/comment-v2.json (wiki markup, {jira_format.size(v2):,} characters) and {out}/comment-v3.json "
        f"(ADF, {jira_format.size(v3):,} characters as sent; Jira's limit is {jira_format.LIMIT:,}), "
        f"the {len(files)} attachments are listed in {out}/attachments.txt"
    )


def jira_auth(env: Mapping[str, str], api: str | None) -> JiraAuth:
    base = env.get("JIRA_BASE_URL", "").strip()
    if not base:
        raise BadInput("JIRA_BASE_URL is not set: set it (https://your-site.atlassian.net), or use --dry-run")
    if env.get("JIRA_PAT"):
        headers = {"Authorization": f"Bearer {env['JIRA_PAT']}"}
        return JiraAuth(base, api or env.get("JIRA_API_VERSION") or "2", headers, None, "JIRA_PAT")
    email, token = env.get("JIRA_EMAIL"), env.get("JIRA_API_TOKEN")
    if email and token:
        return JiraAuth(
            base, api or env.get("JIRA_API_VERSION") or "3", {}, (email, token), "JIRA_EMAIL and JIRA_API_TOKEN"
        )
    raise BadInput(
        "no Jira credentials: set JIRA_EMAIL and JIRA_API_TOKEN (Cloud) or JIRA_PAT (Data Center), or use --dry-run"
    )


def _xray_cloud(env: Mapping[str, str]) -> tuple[str, str, str]:
    client_id, secret = env.get("XRAY_CLIENT_ID"), env.get("XRAY_CLIENT_SECRET")
    if not client_id or not secret:
        raise BadInput("--xray cloud needs XRAY_CLIENT_ID and XRAY_CLIENT_SECRET (an Xray API key)")
    return env.get("XRAY_BASE_URL", xray.CLOUD).rstrip("/"), client_id, secret


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


if __name__ == "__main__":
    sys.exit(main())

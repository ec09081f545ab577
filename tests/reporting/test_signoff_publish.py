"""`signoff publish`: request-shape tests against a local HTTP server that
records what it is sent and answers as Jira and Xray document: it stores v2
bodies verbatim and returns them as stored, pages comments (at most 20 per
page, whatever was asked), rejects a comment over 32,767 characters with
Jira's own error body, refuses attachments without `X-Atlassian-Token:
no-check`, and lists and deletes attachments. No Jira or Xray is reachable
from here, so these prove the requests' shape, not that a live Jira accepts
them."""

from __future__ import annotations

import base64
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from harness.reporting import cli as signoff_cli
from harness.reporting import jira_format, publication
from tests.support.runs import failing_run as failed_run
from tests.support.runs import heaviest_run, sentinel_run

SECRET = "tok-3f9c-secret"
PAGE_CAP = 20  # Jira caps maxResults on its own; the client must page by what it got
TOO_LONG = {
    "errorMessages": [],
    "errors": {"comment": "The entered text is too long. It exceeds the allowed limit of 32,767 characters."},
}
ME = {"accountId": "5b10a2844c20165700ede21g", "key": "JIRAUSER10100", "name": "ci-bot"}


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FakeJira:
    """Answers like Jira: GET comments (paged), POST/PUT a comment (refused over
    the limit), attachments (listed, added with the XSRF header, deleted), myself, Xray imports."""

    url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200  # forced answer for every request, when not 200
    delay: float = 0.0

    def calls(self, method: str, fragment: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and fragment in r.path]

    def attach(self, filename: str, author: dict[str, str]) -> None:
        self.attachments.append(
            {"id": str(9000 + len(self.requests) * 10 + len(self.attachments)), "filename": filename, "author": author}
        )


@pytest.fixture
def jira() -> Iterator[FakeJira]:
    fake = FakeJira()

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            fake.requests.append(Recorded(self.command, self.path, dict(self.headers), body))
            if fake.delay:
                threading.Event().wait(fake.delay)
            if fake.status != 200:
                return self._json(fake.status, {"errorMessages": ["refused"]})
            if self.command == "GET" and "/comment" in self.path:
                start = int(self.path.split("startAt=")[1].split("&")[0]) if "startAt=" in self.path else 0
                page = fake.comments[start : start + PAGE_CAP]
                return self._json(
                    200, {"startAt": start, "maxResults": PAGE_CAP, "total": len(fake.comments), "comments": page}
                )
            if self.command in ("POST", "PUT") and "/comment" in self.path:
                comment = json.loads(body)["body"]  # v2: the wiki source, stored verbatim; v3: ADF
                measured = comment if isinstance(comment, str) else json.dumps(comment, separators=(",", ":"))
                if len(measured.encode("utf-16-le")) // 2 > jira_format.LIMIT:
                    return self._json(400, TOO_LONG)
            if self.command == "POST" and self.path.endswith("/comment"):
                fake.comments.append({"id": str(100 + len(fake.comments)), "body": comment})
                return self._json(201, {"id": fake.comments[-1]["id"]})
            if self.command == "PUT" and "/comment/" in self.path:
                comment_id = self.path.rsplit("/", 1)[1]
                for stored in fake.comments:
                    if stored["id"] == comment_id:
                        stored["body"] = comment
                return self._json(200, {"id": comment_id})
            if self.path.endswith("/myself"):
                return self._json(200, ME)
            if self.command == "GET" and "fields=attachment" in self.path:
                return self._json(200, {"key": "OPTERP-20", "fields": {"attachment": fake.attachments}})
            if self.command == "DELETE" and "/attachment/" in self.path:
                before = len(fake.attachments)
                fake.attachments[:] = [a for a in fake.attachments if a["id"] != self.path.rsplit("/", 1)[1]]
                return self._json(204 if len(fake.attachments) < before else 404, {})
            if self.path.endswith("/attachments"):
                if self.headers.get("X-Atlassian-Token") != "no-check":
                    return self._json(403, {"errorMessages": ["XSRF check failed"]})
                name = body.split(b'filename="')[1].split(b'"')[0].decode()
                fake.attach(name, ME)
                return self._json(200, [fake.attachments[-1]])
            if self.path.endswith("/authenticate"):
                return self._json(200, "xray-token")
            if "/import/execution/" in self.path:
                return self._json(200, {"key": "OPTERP-99"})
            return self._json(404, {})

        def _json(self, status: int, document: Any) -> None:
            data = b"" if status == 204 else json.dumps(document).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _answer  # noqa: N815 - http.server's naming

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    """A finished run's reports: the checklist, Cucumber JSON (the plan's feature tagged @OPTERP-20), the rest."""
    directory = tmp_path / "reports"
    directory.mkdir()
    (directory / "signoff.json").write_text(failed_run().to_json())
    cucumber = [
        {
            "uri": "features/availability.feature",
            "tags": [{"name": "@OPTERP-20", "line": 1}],
            "elements": [
                {
                    "type": "scenario",
                    "name": "Redis starts",
                    "tags": [{"name": "@OPTERP-20", "line": 1}, {"name": "@ac:starts", "line": 7}],
                },
                {
                    "type": "scenario",
                    "name": "PONG on the port",
                    "tags": [{"name": "@OPTERP-20", "line": 1}, {"name": "@ac:ping", "line": 13}],
                },
            ],
        },
        {
            "uri": "features/sync_lock.feature",
            "tags": [{"name": "@OPTERP-21", "line": 1}],
            "elements": [{"type": "scenario", "name": "One at a time", "tags": [{"name": "@fit:lock", "line": 9}]}],
        },
    ]
    (directory / "cucumber.json").write_text(json.dumps(cucumber))
    for name in ("signoff.md", "report.html", "TESTS-availability.xml"):
        (directory / name).write_text(f"{name}\n")
    return directory


def publish(reports: Path, env: dict[str, str], *args: str) -> int:
    return signoff_cli.main(["publish", "--reports", str(reports), "--timeout", "2", *args], env)


def cloud(jira: FakeJira) -> dict[str, str]:
    return {"JIRA_BASE_URL": jira.url, "JIRA_EMAIL": "po@example.com", "JIRA_API_TOKEN": SECRET}


def test_dry_run_writes_both_bodies_and_the_attachment_list_and_sends_nothing(reports, jira):
    assert publish(reports, {}, "--dry-run") == 0
    v2 = json.loads((reports / "jira" / "comment-v2.json").read_text())["body"]
    v3 = json.loads((reports / "jira" / "comment-v3.json").read_text())["body"]
    assert v2 == jira_format.wiki(failed_run()) and v3 == jira_format.adf(failed_run())
    listed = (reports / "jira" / "attachments.txt").read_text().splitlines()
    names = ["signoff.md", "report.html", "cucumber.json", "TESTS-availability.xml"]
    assert listed == [f"{reports / name} as {name}" for name in names]
    assert jira.requests == []


def test_cloud_posts_one_adf_comment_on_the_plans_issue_and_attaches_the_reports(reports, jira):
    assert publish(reports, cloud(jira)) == 0
    [posted] = jira.calls("POST", "/rest/api/3/issue/OPTERP-20/comment")
    assert json.loads(posted.body)["body"] == jira_format.adf(failed_run())
    assert posted.headers["Authorization"] == "Basic " + base64.b64encode(f"po@example.com:{SECRET}".encode()).decode()
    uploads = jira.calls("POST", "/rest/api/3/issue/OPTERP-20/attachments")
    assert len(uploads) == 4
    for upload in uploads:
        assert upload.headers["X-Atlassian-Token"] == "no-check"
        assert upload.headers["Content-Type"].startswith("multipart/form-data")
        assert b'Content-Disposition: form-data; name="file"; filename="' in upload.body


def test_a_later_run_updates_its_own_comment_instead_of_adding_another(reports, jira):
    jira.comments = [{"id": str(n), "body": f"someone else's comment {n}"} for n in range(60)]  # two pages
    assert publish(reports, cloud(jira)) == 0
    assert publish(reports, cloud(jira)) == 0
    ours = [c for c in jira.comments if publication.MARKER in json.dumps(c["body"])]
    assert len(ours) == 1 and len(jira.calls("POST", "/comment")) == 1
    [updated] = jira.calls("PUT", "/rest/api/3/issue/OPTERP-20/comment/")
    assert updated.path.endswith(f"/comment/{ours[0]['id']}")
    assert any("startAt=60" in r.path for r in jira.calls("GET", "/comment"))  # it read every page


def data_center(jira: FakeJira) -> dict[str, str]:
    return {"JIRA_BASE_URL": jira.url, "JIRA_PAT": SECRET}


@pytest.mark.parametrize("api", ["2", "3"], ids=["data-center-v2", "cloud-v3"])
def test_two_runs_leave_one_comment_under_the_limit_and_no_file_attached_twice(reports, jira, api):
    someone = {"accountId": "someone-else", "key": "JIRAUSER99", "name": "po"}
    jira.comments = [{"id": str(n), "body": f"someone else's comment {n}"} for n in range(45)]  # three pages
    jira.attach("report.html", someone)  # another user's file of the same name stays
    env = data_center(jira) if api == "2" else cloud(jira)
    assert publish(reports, env) == 0
    assert publish(reports, env) == 0
    ours = [c for c in jira.comments if publication.MARKER in json.dumps(c["body"], ensure_ascii=False)]
    assert len(ours) == 1 and len(jira.calls("POST", "/comment")) == 1 and len(jira.calls("PUT", "/comment/")) == 1
    assert jira_format.size(ours[0]["body"]) <= jira_format.LIMIT
    mine = [a["filename"] for a in jira.attachments if a["author"] == ME]
    assert sorted(mine) == sorted(["signoff.md", "report.html", "cucumber.json", "TESTS-availability.xml"])
    assert [a["author"] for a in jira.attachments if a["filename"] == "report.html"].count(someone) == 1
    assert len(jira.calls("DELETE", "/attachment/")) == 4  # the first run's four, after the second run's uploads
    assert any("startAt=40" in r.path for r in jira.calls("GET", "/comment"))  # it paged by what it was given


@pytest.mark.parametrize(
    "legacy", ["opterp20\\-acceptance\\-signoff", "opterp20-acceptance-signoff"], ids=["wiki-escaped", "plain"]
)
def test_the_comment_an_earlier_version_posted_is_updated_not_duplicated(reports, jira, legacy):
    jira.comments = [{"id": "7", "body": f"h2. OPTERP-20 sign\\-off ... _Posted by ... \\({legacy}\\)._"}]
    assert publish(reports, data_center(jira)) == 0
    assert len(jira.comments) == 1 and jira.calls("PUT", "/rest/api/2/issue/OPTERP-20/comment/7")


def test_a_comment_jira_finds_too_long_fails_with_jiras_own_reason(reports, jira, capsys, monkeypatch):
    (reports / "signoff.json").write_text(heaviest_run().to_json())
    monkeypatch.setattr(jira_format, "BUDGET", 10**6)  # as if the sign-off did not measure itself
    assert publish(reports, cloud(jira)) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Jira answered HTTP 400: comment: The entered text is too long." in err


def test_the_recording_server_refuses_an_attachment_without_the_xsrf_header(jira):
    """The server's own check, so the header test below cannot pass by accident."""
    import requests

    answer = requests.post(
        f"{jira.url}/rest/api/3/issue/OPTERP-20/attachments", files={"file": ("a.md", b"x")}, timeout=5
    )
    assert answer.status_code == 403 and jira.attachments == []


def test_data_center_sends_wiki_markup_through_v2_with_a_bearer_token(reports, jira):
    assert publish(reports, data_center(jira)) == 0
    [posted] = jira.calls("POST", "/rest/api/2/issue/OPTERP-20/comment")
    assert json.loads(posted.body)["body"] == jira_format.wiki(failed_run())
    assert posted.headers["Authorization"] == f"Bearer {SECRET}"


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (401, "Jira refused the credentials (401): check JIRA_EMAIL and JIRA_API_TOKEN"),
        (403, "may not do this (403)"),
        (404, "not found at"),
        (413, "too large (413)"),
    ],
)
def test_each_refusal_is_one_line_without_the_secret(reports, jira, capsys, status, words):
    jira.status = status
    assert publish(reports, cloud(jira)) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err and SECRET not in err and err.startswith("signoff publish: ")


def test_a_timeout_is_one_line(reports, jira, capsys):
    jira.delay = 3.0
    assert publish(reports, cloud(jira)) == 1
    err = capsys.readouterr().err
    assert "no answer from" in err and "within 2 s" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({}, "JIRA_BASE_URL is not set"),
        ({"JIRA_BASE_URL": "https://x.atlassian.net"}, "no Jira credentials"),
        ({"JIRA_BASE_URL": "https://x.atlassian.net", "JIRA_EMAIL": "po@example.com"}, "no Jira credentials"),
    ],
)
def test_a_missing_variable_is_one_line_and_exit_2(reports, capsys, env, words):
    assert publish(reports, env) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1


def test_no_finished_run_is_refused(tmp_path, capsys):
    assert publish(tmp_path, {}, "--dry-run") == 2
    assert "no finished run" in capsys.readouterr().err


def test_xray_without_test_keys_refuses_naming_every_scenario_and_sends_nothing(reports, jira, capsys):
    assert publish(reports, cloud(jira), "--xray", "cloud") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "3 scenarios" in err
    for name in (
        "availability.feature: Redis starts",
        "availability.feature: PONG on the port",
        "sync_lock.feature: One at a time",
    ):
        assert name in err
    assert jira.requests == []


def _with_test_keys(reports: Path) -> None:
    cucumber = json.loads((reports / "cucumber.json").read_text())
    for number, element in enumerate(e for f in cucumber for e in f["elements"]):
        element["tags"].append({"name": f"@TEST_OPTERP-{300 + number}", "line": 1})
    (reports / "cucumber.json").write_text(json.dumps(cucumber))


def test_xray_cloud_authenticates_then_imports_multipart_with_the_executions_fields(reports, jira):
    _with_test_keys(reports)
    env = {**cloud(jira), "XRAY_CLIENT_ID": "id", "XRAY_CLIENT_SECRET": SECRET, "XRAY_BASE_URL": jira.url}
    assert publish(reports, env, "--xray", "cloud") == 0
    [auth] = jira.calls("POST", "/api/v2/authenticate")
    assert json.loads(auth.body) == {"client_id": "id", "client_secret": SECRET}
    [imported] = jira.calls("POST", "/api/v2/import/execution/cucumber/multipart")
    assert imported.headers["Authorization"] == "Bearer xray-token"
    assert b'name="results"; filename="cucumber.json"' in imported.body and b'name="info"' in imported.body
    assert b'"issuetype": {"name": "Test Execution"}' in imported.body and b'"key": "OPTERP"' in imported.body


def test_xray_server_imports_through_raven_with_jiras_credentials(reports, jira):
    _with_test_keys(reports)
    assert publish(reports, data_center(jira), "--xray", "server") == 0
    [imported] = jira.calls("POST", "/rest/raven/2.0/import/execution/cucumber/multipart")
    assert imported.headers["Authorization"] == f"Bearer {SECRET}"
    assert b'name="result"; filename="cucumber.json"' in imported.body


def _parts(recorded: Recorded) -> dict[str, Any]:
    """The multipart's JSON parts by field name."""
    boundary = recorded.headers["Content-Type"].split("boundary=")[1].encode()
    parts = {}
    for chunk in recorded.body.split(b"--" + boundary)[1:-1]:
        head, _, content = chunk.partition(b"\r\n\r\n")
        name = head.split(b'name="')[1].split(b'"')[0].decode()
        parts[name] = json.loads(content.rstrip(b"\r\n"))
    return parts


def test_xray_cloud_gets_the_requirement_in_its_convention_and_the_test_environment(reports, jira):
    _with_test_keys(reports)
    env = {**cloud(jira), "XRAY_CLIENT_ID": "id", "XRAY_CLIENT_SECRET": SECRET, "XRAY_BASE_URL": jira.url}
    assert publish(reports, env, "--xray", "cloud") == 0
    parts = _parts(jira.calls("POST", "/import/execution/cucumber/multipart")[0])
    assert parts["info"]["xrayFields"] == {"environments": ["docker-engine-linux"]}
    tags = [t["name"] for t in parts["results"][0]["tags"]]
    assert tags == ["@OPTERP-20", "@REQ_OPTERP-20"]


def test_xray_with_plain_test_keys_and_its_own_prefixes_as_data_centers_export_writes_them(reports, jira):
    cucumber = json.loads((reports / "cucumber.json").read_text())
    for number, element in enumerate(e for f in cucumber for e in f["elements"]):
        element["tags"] += [*cucumber[0]["tags"], {"name": f"@OPTERP-{300 + number}", "line": 1}]  # feature tags too
    (reports / "cucumber.json").write_text(json.dumps(cucumber))
    env = {
        **data_center(jira),
        "XRAY_TEST_PREFIX": "",
        "XRAY_REQUIREMENT_PREFIX": "STORY_",
        "XRAY_TEST_ENVIRONMENTS_FIELD": "customfield_10130",
    }
    assert publish(reports, env, "--xray", "server") == 0
    parts = _parts(jira.calls("POST", "/rest/raven/2.0/import/execution/cucumber/multipart")[0])
    assert parts["info"]["fields"]["customfield_10130"] == ["docker-engine-linux"]
    assert "@STORY_OPTERP-20" in [t["name"] for t in parts["result"][0]["tags"]]


def test_a_scenario_whose_only_key_is_its_features_is_refused_with_plain_prefixes(reports, jira, capsys):
    env = {**data_center(jira), "XRAY_TEST_PREFIX": ""}
    assert publish(reports, env, "--xray", "server") == 2  # @OPTERP-20 is the requirement, not a Test
    assert "(@<KEY>-<n>)" in capsys.readouterr().err and jira.requests == []


def _as_sentinel_run(reports: Path) -> None:
    """The reports of `behave --tags=@ha`: the Sentinel checklist, its features tagged @OPTERP-20 and @ha: criteria."""
    (reports / "signoff.json").write_text(sentinel_run().to_json())
    cucumber = [
        {
            "uri": "features/ha/failover.feature",
            "tags": [{"name": "@ha", "line": 1}, {"name": "@OPTERP-20", "line": 1}],
            "elements": [{"type": "scenario", "name": "Crash", "tags": [{"name": "@ha:failover-crash", "line": 9}]}],
        },
        {
            "uri": "features/ha/consumers.feature",
            "tags": [{"name": "@ha", "line": 1}, {"name": "@OPTERP-20", "line": 1}],
            "elements": [
                {
                    "type": "scenario",
                    "name": "Lock kept",
                    "tags": [{"name": "@ha:consumers-crash", "line": 9}, {"name": "@OPTERP-21", "line": 9}],
                }
            ],
        },
    ]
    (reports / "cucumber.json").write_text(json.dumps(cucumber))


@pytest.mark.parametrize("api", ["2", "3"], ids=["data-center-v2", "cloud-v3"])
def test_a_sentinel_run_posts_its_own_comment_beside_the_single_nodes_and_neither_replaces_the_other(
    tmp_path, reports, jira, api
):
    env = data_center(jira) if api == "2" else cloud(jira)
    ha = tmp_path / "ha-reports"
    shutil.copytree(reports, ha)
    _as_sentinel_run(ha)
    for run in (reports, ha, reports, ha):  # each kind twice, in turn
        assert publish(run, env) == 0
    assert len(jira.comments) == 2 and len(jira.calls("POST", "/comment")) == 2
    texts = [json.dumps(c["body"], ensure_ascii=False) for c in jira.comments]
    assert "Redis in Docker Compose" in texts[0] and "Redis in Docker Compose" not in texts[1]
    assert "Redis high availability" in texts[1]
    assert f"{publication.MARKER}.sentinel" in texts[1] and f"{publication.MARKER}.sentinel" not in texts[0]
    mine = sorted(a["filename"] for a in jira.attachments if a["author"] == ME)
    assert "signoff.md" in mine and "signoff-sentinel.md" in mine and "report-sentinel.html" in mine
    assert len(mine) == 8  # four files of each kind, each once


@pytest.mark.parametrize(
    "tag_env",
    [{"CI_COMMIT_TAG": "v1.2.0"}, {"GITHUB_REF_TYPE": "tag", "GITHUB_REF_NAME": "v1.2.0"}],
    ids=["gitlab", "github"],
)
def test_a_tag_run_adds_a_comment_of_its_own_and_never_edits_the_branchs(reports, jira, tag_env):
    env = data_center(jira)
    assert publish(reports, env) == 0
    signed = jira.comments[0]["body"]
    assert publish(reports, env | tag_env) == 0
    assert publish(reports, env | tag_env) == 0  # the same tag again: its own comment, updated
    assert len(jira.comments) == 2 and jira.comments[0]["body"] == signed
    assert "release v1.2.0" in jira.comments[1]["body"] and f"{publication.MARKER}.v1.2.0" in jira.comments[1]["body"]
    assert "signoff-v1.2.0.md" in [a["filename"] for a in jira.attachments]

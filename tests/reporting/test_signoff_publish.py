"""`signoff publish`: request-shape tests against a local HTTP server that
records what it is sent and answers as Jira and Xray document. No Jira or Xray
is reachable from here, so these prove the requests' shape, not that a live
Jira accepts them."""

from __future__ import annotations

import base64
import http.server
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from harness import signoff_cli
from harness.reporting import jira_format
from tests.reporting.test_jira_format import failed_run

SECRET = "tok-3f9c-secret"


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FakeJira:
    """Answers like Jira: GET comments (paged), POST/PUT a comment, POST attachments, Xray imports."""

    url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200  # forced answer for every request, when not 200
    delay: float = 0.0

    def calls(self, method: str, fragment: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and fragment in r.path]


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
                page = fake.comments[start : start + 50]
                return self._json(200, {"startAt": start, "total": len(fake.comments), "comments": page})
            if self.command == "POST" and self.path.endswith("/comment"):
                fake.comments.append({"id": str(100 + len(fake.comments)), "body": json.loads(body)["body"]})
                return self._json(201, {"id": fake.comments[-1]["id"]})
            if self.command == "PUT" and "/comment/" in self.path:
                comment_id = self.path.rsplit("/", 1)[1]
                for comment in fake.comments:
                    if comment["id"] == comment_id:
                        comment["body"] = json.loads(body)["body"]
                return self._json(200, {"id": comment_id})
            if self.path.endswith("/attachments"):
                return self._json(200, [{"id": "9"}])
            if self.path.endswith("/authenticate"):
                return self._json(200, "xray-token")
            if "/import/execution/" in self.path:
                return self._json(200, {"key": "OPTERP-99"})
            return self._json(404, {})

        def _json(self, status: int, document: Any) -> None:
            data = json.dumps(document).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = _answer  # noqa: N815 - http.server's naming

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
                {"type": "scenario", "name": "Redis starts", "tags": [{"name": "@ac:starts", "line": 7}]},
                {"type": "scenario", "name": "PONG on the port", "tags": [{"name": "@ac:ping", "line": 13}]},
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
    listed = (reports / "jira" / "attachments.txt").read_text().split()
    assert [Path(p).name for p in listed] == ["signoff.md", "report.html", "cucumber.json", "TESTS-availability.xml"]
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
    ours = [c for c in jira.comments if jira_format.MARKER in json.dumps(c["body"])]
    assert len(ours) == 1 and len(jira.calls("POST", "/comment")) == 1
    [updated] = jira.calls("PUT", "/rest/api/3/issue/OPTERP-20/comment/")
    assert updated.path.endswith(f"/comment/{ours[0]['id']}")
    assert any("startAt=50" in r.path for r in jira.calls("GET", "/comment"))  # it read the second page


def test_data_center_sends_wiki_markup_through_v2_with_a_bearer_token(reports, jira):
    assert publish(reports, {"JIRA_BASE_URL": jira.url, "JIRA_PAT": SECRET}) == 0
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
    for name in ("availability.feature: Redis starts", "availability.feature: PONG on the port",
                 "sync_lock.feature: One at a time"):  # fmt: skip
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
    assert publish(reports, {"JIRA_BASE_URL": jira.url, "JIRA_PAT": SECRET}, "--xray", "server") == 0
    [imported] = jira.calls("POST", "/rest/raven/2.0/import/execution/cucumber/multipart")
    assert imported.headers["Authorization"] == f"Bearer {SECRET}"
    assert b'name="result"; filename="cucumber.json"' in imported.body

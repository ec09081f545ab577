"""Jira's REST API, as much as the sign-off needs: find this suite's own
comment on the issue (by its marker), update it or add one, and attach the
run's reports. Plain HTTP through `requests`: the request bodies are exactly
what --dry-run writes, and every failure maps to one line."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from harness.reporting.jira_format import MARKER

PAGE = 50  # comments per request
MOST_PAGES = 40  # bounds the search for our own comment: 2,000 comments


class JiraError(Exception):
    """A failure talking to Jira, as one line that names no secret."""


@dataclass(frozen=True)
class JiraAuth:
    base_url: str
    api: str  # "2" (wiki markup) or "3" (ADF)
    headers: Mapping[str, str] = field(repr=False)
    basic: tuple[str, str] | None = field(default=None, repr=False)
    kind: str = ""  # what the credentials are, for messages


@dataclass
class Jira:
    auth: JiraAuth
    timeout: float = 30.0
    session: requests.Session = field(default_factory=requests.Session, repr=False)

    def _url(self, path: str) -> str:
        return f"{self.auth.base_url.rstrip('/')}/rest/api/{self.auth.api}/{path}"

    def _call(self, method: str, path: str, what: str, **kwargs: Any) -> requests.Response:
        headers = {"Accept": "application/json", **self.auth.headers, **kwargs.pop("headers", {})}
        return send(
            self.session, method, self._url(path), what=what, site=self.auth.base_url, timeout=self.timeout,
            explain=lambda status: _explain(status, self.auth), headers=headers, auth=self.auth.basic, **kwargs,
        )  # fmt: skip

    def own_comment(self, issue: str) -> str | None:
        """The id of the comment an earlier run posted, found by its marker."""
        for page in range(MOST_PAGES):
            found = self._call(
                "GET",
                f"issue/{issue}/comment",
                f"reading the comments of {issue}",
                params={"startAt": page * PAGE, "maxResults": PAGE},
            ).json()
            comments = found.get("comments", [])
            for comment in comments:
                if MARKER in json.dumps(comment.get("body", "")):
                    return str(comment["id"])
            if not comments or page * PAGE + len(comments) >= int(found.get("total", 0)):
                return None
        return None

    def post_comment(self, issue: str, body: Any) -> tuple[str, str]:
        """Update this suite's comment if there is one, else add it; returns (verb, id)."""
        existing = self.own_comment(issue)
        if existing:
            self._call("PUT", f"issue/{issue}/comment/{existing}", f"updating comment {existing} on {issue}",
                       json={"body": body})  # fmt: skip
            return "updated", existing
        created = self._call("POST", f"issue/{issue}/comment", f"commenting on {issue}", json={"body": body})
        return "added", str(created.json().get("id", "?"))

    def attach(self, issue: str, files: list[Path]) -> None:
        for file in files:
            with file.open("rb") as content:
                self._call(
                    "POST",
                    f"issue/{issue}/attachments",
                    f"attaching {file.name} to {issue}",
                    headers={"X-Atlassian-Token": "no-check"},  # Jira's XSRF check, required for attachments
                    files={"file": (file.name, content, _mime(file))},
                )


def send(
    session: requests.Session,
    method: str,
    url: str,
    *,
    what: str,
    site: str,
    timeout: float,
    explain: Callable[[int], str],
    **kwargs: Any,
) -> requests.Response:
    """One request; a timeout, an unreachable site or an HTTP error becomes one
    JiraError line saying `what` failed (`explain` words the status)."""
    try:
        response = session.request(method, url, timeout=timeout, **kwargs)
    except requests.Timeout as error:
        raise JiraError(f"{what}: no answer from {site} within {timeout:g} s") from error
    except requests.ConnectionError as error:
        raise JiraError(f"{what}: cannot reach {site} ({type(error).__name__})") from error
    if response.status_code >= 400:
        raise JiraError(f"{what}: {explain(response.status_code)}")
    return response


def _mime(file: Path) -> str:
    return {".md": "text/markdown", ".html": "text/html", ".json": "application/json", ".xml": "application/xml"}.get(
        file.suffix, "application/octet-stream"
    )


def _explain(status: int, auth: JiraAuth) -> str:
    return {
        401: f"Jira refused the credentials (401): check {auth.kind}",
        403: "Jira says the user may not do this (403): it needs Browse, Add Comments and Create Attachments "
        "on the issue",
        404: f"not found at {auth.base_url} (404): check JIRA_BASE_URL and the issue key, and that the user can see it",
        413: "Jira refused the upload as too large (413): raise its attachment size limit or attach less",
    }.get(status, f"Jira answered HTTP {status}")

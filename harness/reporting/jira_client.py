"""Jira's REST API, as much as the sign-off needs: find this suite's own
comment on the issue (by its marker), update it or add one, and attach the
run's reports, replacing the files of the same name this user attached
before. Plain HTTP through `requests`: the request bodies are exactly what
--dry-run writes, and every failure maps to one line with Jira's own reason."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from harness.reporting.adf_nodes import adf_texts
from harness.reporting.checklist import clip
from harness.reporting.jira_format import serialize
from harness.reporting.publication import Publication

PAGE = 50  # comments per request
MOST_PAGES = 100  # bounds the search for our own comment: 100 pages (5,000 comments at 50 a page)


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
            self.session,
            method,
            self._url(path),
            what=what,
            site=self.auth.base_url,
            timeout=self.timeout,
            explain=lambda status: _explain(status, self.auth),
            headers=headers,
            auth=self.auth.basic,
            **kwargs,
        )

    def own_comment(self, issue: str, to: Publication) -> str | None:
        """The id of the comment an earlier run posted as `to`, found by its marker. Jira
        may return fewer comments than asked for: the next page starts after
        those it returned."""
        start = 0
        for _ in range(MOST_PAGES):
            found = self._call(
                "GET",
                f"issue/{issue}/comment",
                f"reading the comments of {issue}",
                params={"startAt": start, "maxResults": PAGE},
            ).json()
            comments = found.get("comments", [])
            for comment in comments:
                if to.owns(text_of(comment.get("body", ""))):
                    return str(comment["id"])
            start += len(comments)
            if not comments or start >= int(found.get("total", 0)):
                return None
        return None

    def post_comment(self, issue: str, body: Any, to: Publication) -> tuple[str, str]:
        """Update the comment `to` names if an earlier run posted it, else add it; returns (verb, id)."""
        existing = self.own_comment(issue, to)
        payload = {"headers": {"Content-Type": "application/json"}, "data": serialize({"body": body}).encode()}
        if existing:
            self._call("PUT", f"issue/{issue}/comment/{existing}", f"updating comment {existing} on {issue}", **payload)
            return "updated", existing
        created = self._call("POST", f"issue/{issue}/comment", f"commenting on {issue}", **payload)
        return "added", str(created.json().get("id", "?"))

    def attach(self, issue: str, files: list[Path], to: Publication) -> int:
        """Attach `files` under the names `to` gives them, then delete the earlier
        attachments of the same names that this user made (so a failed upload
        never loses the last good one); returns how many were replaced."""
        me = self._call("GET", "myself", "reading who the credentials belong to").json()
        found = self._call(
            "GET", f"issue/{issue}", f"reading the attachments of {issue}", params={"fields": "attachment"}
        ).json()
        names = {to.attachment_name(file) for file in files}
        earlier = [
            a
            for a in (found.get("fields") or {}).get("attachment") or []
            if a.get("filename") in names and same_user(a.get("author") or {}, me)
        ]
        for file in files:
            with file.open("rb") as content:
                self._call(
                    "POST",
                    f"issue/{issue}/attachments",
                    f"attaching {to.attachment_name(file)} to {issue}",
                    headers={"X-Atlassian-Token": "no-check"},  # Jira's XSRF check, required for attachments
                    files={"file": (to.attachment_name(file), content, _mime(file))},
                )
        for old in earlier:
            self._call("DELETE", f"attachment/{old['id']}", f"removing the earlier {old.get('filename')} from {issue}")
        return len(earlier)


def text_of(body: object) -> str:
    """A comment's text: the wiki source as it is, or every text of an ADF document."""
    return body if isinstance(body, str) else " ".join(adf_texts(body))


def same_user(author: dict[str, Any], me: dict[str, Any]) -> bool:
    """Cloud names users by accountId; Data Center by key (and name)."""
    for field_name in ("accountId", "key", "name"):
        if author.get(field_name) and author.get(field_name) == me.get(field_name):
            return True
    return False


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
        said = jira_says(response)
        raise JiraError(f"{what}: {explain(response.status_code)}" + (f": {said}" if said else ""))
    return response


def jira_says(response: requests.Response, limit: int = 300) -> str:
    """Jira's own reason, from its error body ({"errorMessages": [...], "errors": {field: message}})."""
    try:
        document = response.json()
    except ValueError:
        return ""
    if not isinstance(document, dict):
        return ""
    messages = [str(m) for m in document.get("errorMessages") or []]
    messages += [f"{field}: {message}" for field, message in (document.get("errors") or {}).items()]
    return clip("; ".join(messages), limit)


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

"""An Xray import of the run's Cucumber JSON. Xray creates no Test issues on
a result import: it silently drops every scenario without a Test key tag
(`@TEST_OPTERP-123`, as Xray's own feature export writes them), so a run with
any such scenario is refused before anything is sent."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from harness.reporting.jira_client import JiraAuth, JiraError, send

TEST_KEY = re.compile(r"^@?TEST_([A-Z][A-Z0-9_]*-\d+)$")
CLOUD = "https://xray.cloud.getxray.app"


class MissingTestKeys(Exception):
    def __init__(self, scenarios: list[str]) -> None:
        super().__init__(
            f"Xray would silently drop {len(scenarios)} scenarios that have no Test key tag (@TEST_<KEY>-<n>): "
            f"{'; '.join(scenarios)}. Import the features into Xray to create the Tests, write their keys back "
            "as tags (README, Tags), then publish again"
        )


def without_test_key(cucumber: list[dict[str, Any]]) -> list[str]:
    """'feature: scenario' for every scenario in the report with no Test key tag of its own."""
    missing = []
    for feature in cucumber:
        for element in feature.get("elements", []):
            if element.get("type") != "scenario":
                continue
            tags = [tag.get("name", "") for tag in element.get("tags", [])]
            if not any(TEST_KEY.match(tag) for tag in tags):
                missing.append(f"{Path(feature.get('uri', '?')).name}: {element.get('name', '?')}")
    return missing


def execution_info(project: str, summary: str, requirement: str) -> dict[str, Any]:
    """The Test Execution issue Xray creates for the import."""
    return {
        "fields": {
            "project": {"key": project},
            "summary": summary,
            "description": f"Acceptance run of {requirement}, imported by `signoff publish`.",
            "issuetype": {"name": "Test Execution"},
        }
    }


@dataclass
class Xray:
    flavour: str  # "cloud" | "server"
    timeout: float = 30.0
    session: requests.Session = field(default_factory=requests.Session, repr=False)

    def import_cucumber(
        self, report: Path, info: dict[str, Any], *, jira: JiraAuth | None, cloud: tuple[str, str, str] | None
    ) -> str:
        """POST the results with the Test Execution's fields; returns the new execution's key."""
        if self.flavour == "cloud":
            if cloud is None:
                raise JiraError("Xray Cloud needs XRAY_CLIENT_ID and XRAY_CLIENT_SECRET")
            base, client_id, secret = cloud
            token = self._post(f"{base}/api/v2/authenticate", "authenticating with Xray Cloud",
                               json={"client_id": client_id, "client_secret": secret}).json()  # fmt: skip
            url, headers, auth, field_name = (
                f"{base}/api/v2/import/execution/cucumber/multipart",
                {"Authorization": f"Bearer {token}"},
                None,
                "results",
            )
        else:
            if jira is None:
                raise JiraError("Xray Server needs JIRA_BASE_URL and Jira credentials")
            url = f"{jira.base_url.rstrip('/')}/rest/raven/2.0/import/execution/cucumber/multipart"
            headers, auth, field_name = dict(jira.headers), jira.basic, "result"
        with report.open("rb") as results:
            files = {
                field_name: (report.name, results, "application/json"),
                "info": ("info.json", json.dumps(info), "application/json"),
            }
            answer = self._post(url, "importing the results into Xray", headers=headers, auth=auth, files=files)
        body = answer.json()
        return str(body.get("key") or body.get("testExecIssue", {}).get("key") or "?")

    def _post(self, url: str, what: str, **kwargs: Any) -> requests.Response:
        site = url.split("/api/")[0].split("/rest/")[0]
        return send(self.session, "POST", url, what=what, site=site, timeout=self.timeout, explain=_explain, **kwargs)


def _explain(status: int) -> str:
    reasons = {401: "credentials refused", 403: "not allowed", 404: "endpoint not found", 413: "too large"}
    reason = reasons.get(status, "see Xray's answer")
    return f"Xray answered HTTP {status} ({reason})"

"""An Xray import of the run's Cucumber JSON. Xray creates no Test issues on
a result import: it silently drops every scenario without a Test key tag, so
a run with any such scenario is refused before anything is sent.

Tag prefixes are set per Xray instance (Cucumber tag prefixes in Xray's
settings): `TEST_` for Tests and `REQ_` for requirements by default, and an
empty prefix writes plain keys, as Xray Data Center's own export does. The
feature files name the requirement as `@OPTERP-20`; the import adds it in
the instance's convention (`@REQ_OPTERP-20`), and both name the issue."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from harness.reporting.jira_client import JiraAuth, JiraError, send

CLOUD = "https://xray.cloud.getxray.app"
TEST_PREFIX, REQUIREMENT_PREFIX = "TEST_", "REQ_"  # Xray's defaults
_KEY = r"[A-Z][A-Z0-9_]*-\d+"


@dataclass(frozen=True)
class Prefixes:
    test: str = TEST_PREFIX
    requirement: str = REQUIREMENT_PREFIX

    def test_key(self, tag: str) -> str | None:
        found = re.fullmatch(rf"@?{re.escape(self.test)}({_KEY})", tag)
        return found[1] if found else None

    def requirement_key(self, tag: str) -> str | None:
        """The issue a feature tag names: `@REQ_OPTERP-20` in the instance's convention, or plain `@OPTERP-20`."""
        found = re.fullmatch(rf"@?(?:{re.escape(self.requirement)})?({_KEY})", tag)
        return found[1] if found else None


class MissingTestKeys(Exception):
    def __init__(self, scenarios: list[str], prefix: str) -> None:
        super().__init__(
            f"Xray would silently drop {len(scenarios)} scenarios that have no Test key tag (@{prefix}<KEY>-<n>): "
            f"{'; '.join(scenarios)}. Import the features into Xray to create the Tests, write their keys back "
            "as tags (README, Tags), then publish again"
        )


def without_test_key(cucumber: list[dict[str, Any]], prefixes: Prefixes) -> list[str]:
    """'feature: scenario' for every scenario in the report with no Test key
    tag of its own (the feature's tags, which each element repeats, do not count)."""
    missing = []
    for feature in cucumber:
        inherited = {tag.get("name", "") for tag in feature.get("tags", [])}
        for element in feature.get("elements", []):
            if element.get("type") != "scenario":
                continue
            own = [tag.get("name", "") for tag in element.get("tags", []) if tag.get("name", "") not in inherited]
            if not any(prefixes.test_key(tag) for tag in own):
                missing.append(f"{Path(feature.get('uri', '?')).name}: {element.get('name', '?')}")
    return missing


def with_requirement_tags(cucumber: list[dict[str, Any]], prefixes: Prefixes) -> list[dict[str, Any]]:
    """The report as Xray reads it: each feature's requirement key also tagged in the instance's convention."""
    report = copy.deepcopy(cucumber)
    for feature in report:
        tags = feature.setdefault("tags", [])
        names = {tag.get("name") for tag in tags}
        for tag in list(tags):
            key = prefixes.requirement_key(tag.get("name", ""))
            wanted = f"@{prefixes.requirement}{key}"
            if key and wanted not in names:
                tags.append({"name": wanted, "line": tag.get("line", 1)})
                names.add(wanted)
    return report


def execution_info(
    project: str, summary: str, requirement: str, environment: str, *, cloud: bool, environments_field: str = ""
) -> dict[str, Any]:
    """The Test Execution issue Xray creates for the import, with the run's
    test environment: `xrayFields.environments` on Cloud; on Server/DC the
    instance's Test Environments custom field, when its id is given."""
    fields: dict[str, Any] = {
        "project": {"key": project},
        "summary": summary,
        "description": f"Acceptance run of {requirement}, imported by `signoff publish`.",
        "issuetype": {"name": "Test Execution"},
    }
    info: dict[str, Any] = {"fields": fields}
    if environment and cloud:
        info["xrayFields"] = {"environments": [environment]}
    elif environment and environments_field:
        fields[environments_field] = [environment]
    return info


@dataclass
class Xray:
    flavour: str  # "cloud" | "server"
    timeout: float = 30.0
    session: requests.Session = field(default_factory=requests.Session, repr=False)

    def import_cucumber(
        self,
        report: list[dict[str, Any]],
        info: dict[str, Any],
        *,
        jira: JiraAuth | None,
        cloud: tuple[str, str, str] | None,
    ) -> str:
        """POST the results with the Test Execution's fields; returns the new execution's key."""
        if self.flavour == "cloud":
            if cloud is None:
                raise JiraError("Xray Cloud needs XRAY_CLIENT_ID and XRAY_CLIENT_SECRET")
            base, client_id, secret = cloud
            token = self._post(
                f"{base}/api/v2/authenticate",
                "authenticating with Xray Cloud",
                json={"client_id": client_id, "client_secret": secret},
            ).json()
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
        files = {
            field_name: ("cucumber.json", json.dumps(report), "application/json"),
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

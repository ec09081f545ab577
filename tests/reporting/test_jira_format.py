"""The Jira renderings of the sign-off, from a run with a failed criterion.
The ADF body is validated against the schema Atlassian publishes in the npm
package @atlaskit/adf-schema, fetched at test time at a pinned version."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from harness.evidence import Evidence
from harness.reporting import checklist as checklist_module
from harness.reporting import jira_format
from harness.reporting.checklist import FAILED, PASSED, Checklist, ScenarioResult, build
from tests import adf_schema as adf_schema_module


@pytest.fixture(scope="session")
def adf_schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return adf_schema_module.fetch(tmp_path_factory.mktemp("adf-schema"))


def failed_run() -> Checklist:
    """A run where the ping criterion failed, with `|`, `{`, `[` and a backslash in its evidence."""
    evidence = Evidence(environment={"Docker Engine": "26.1.5", "image": "redis:7-alpine abc, built or loaded locally"})
    evidence.begin("ping", "A client on the host gets PONG through the published port")
    evidence.record("PING via redis-py", "ConnectionError: {host} | port 6379 [refused] C:\\temp")
    evidence.begin("starts", "Redis starts successfully and turns healthy quickly")
    evidence.record("seconds from up to healthy", 0.52)
    scenarios = [
        ScenarioResult("starts", "Redis starts successfully and turns healthy quickly", PASSED),
        ScenarioResult("ping", "A client on the host gets PONG through the published port", FAILED,
                       "Redis answers 'PONG': expected 'PONG' but: was <{error | no route}>"),
    ]  # fmt: skip
    run = [("compose file", "/repo/docker-compose.yml"), ("duration", "21.7 s")]
    return build(scenarios, evidence, run, None)


def test_the_adf_body_validates_against_atlassians_schema(adf_schema):
    body = jira_format.adf(failed_run())
    jsonschema.Draft4Validator(adf_schema).validate(body)


def test_an_empty_text_node_fails_the_schema(adf_schema):
    """The real pitfall: Jira rejects an ADF document with an empty text node."""
    body = jira_format.adf(failed_run())
    body["content"].append({"type": "paragraph", "content": [{"type": "text", "text": ""}]})
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(adf_schema).validate(body)


def test_adf_carries_the_verdicts_and_the_marker():
    text = json.dumps(jira_format.adf(failed_run()))
    assert '"text": "FAILED", "color": "red"' in text and '"text": "PASSED", "color": "green"' in text
    assert jira_format.MARKER in text and "Sign-off blocked" in text


def test_wiki_markup_escapes_what_would_break_a_table_or_start_a_macro():
    markup = jira_format.wiki(failed_run())
    row = next(line for line in markup.splitlines() if "PING via redis" in line)
    assert "\\{host\\} \\| port 6379 \\[refused\\] C:&#92;temp" in row
    assert row.count("|") - row.count("\\|") == 5  # the four cells' delimiters, nothing from the evidence
    assert "(x) FAILED" in row and "{{@ac:ping}}" in row
    assert "h2. OPTERP\\-20 sign\\-off: Redis in Docker Compose" in markup
    assert "*Sign\\-off blocked: 1 criteria failed \\(ping\\).*" in markup
    assert jira_format.MARKER.replace("-", "\\-") in markup


def test_the_rendered_wiki_comment(capsys):
    """Printed for the closing note: a run with one failed criterion, as Jira receives it."""
    print(jira_format.wiki(failed_run()))
    assert "(/) passed" in capsys.readouterr().out


def test_signoff_markdown_is_rendered_from_the_same_checklist():
    text = checklist_module.markdown(failed_run())
    assert "**Sign-off blocked: 1 criteria failed (ping).**" in text
    assert "- [ ] A client on the host gets PONG" not in text or "**FAILED**" in text
    assert "| compose file | `/repo/docker-compose.yml` |" in text


def test_the_checklist_survives_its_json_form():
    original = failed_run()
    assert Checklist.from_json(original.to_json()) == original


def test_wiki_escaping_keeps_plain_text_plain():
    assert jira_format.wiki_text("PONG") == "PONG"
    assert jira_format.wiki_text("a\nb") == "a b"

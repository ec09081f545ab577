"""The Jira renderings of the sign-off. The ADF body is validated against the
schema Atlassian publishes in the npm package @atlaskit/adf-schema, fetched at
test time at a pinned version. Both bodies are measured as they are sent."""

from __future__ import annotations

import json

import jsonschema
import pytest

from harness.reporting import adf_nodes, jira_format, publication, signoff_md
from harness.reporting import checklist as checklist_module
from harness.reporting.checklist import CHANGES_TITLE, NOT_VERIFIED_TITLE, Checklist
from harness.reporting.decision import TITLE as DECISION_TITLE
from harness.reporting.risks import TITLE as RISKS_TITLE
from harness.reporting.specifications import SECTIONS
from tests.support.runs import failing_run, heaviest_run, passing_run, provisional_run

RUNS = {"passing": passing_run, "provisional": provisional_run, "failing": failing_run, "heaviest": heaviest_run}
PANELS = {"passing": "success", "provisional": "warning", "failing": "error", "heaviest": "error"}
HEADINGS = [
    CHANGES_TITLE,
    NOT_VERIFIED_TITLE,
    RISKS_TITLE,
    *(title for title, _ in SECTIONS),
    "Environment",
    "Run",
    DECISION_TITLE,
]


@pytest.mark.parametrize("run", RUNS)
@pytest.mark.network
def test_the_adf_body_validates_against_atlassians_schema(adf_schema, run):
    jsonschema.Draft4Validator(adf_schema).validate(jira_format.adf(RUNS[run]()))


@pytest.mark.network
def test_an_empty_text_node_fails_the_schema(adf_schema):
    """The real pitfall: Jira rejects an ADF document with an empty text node."""
    body = jira_format.adf(failing_run())
    body["content"].append({"type": "paragraph", "content": [{"type": "text", "text": ""}]})
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(adf_schema).validate(body)


@pytest.mark.parametrize("run", ["passing", "provisional", "failing"])
def test_every_output_opens_with_the_verdict_and_has_every_section(run):
    checklist = RUNS[run]()
    markdown, wiki, adf = signoff_md.markdown(checklist), jira_format.wiki(checklist), jira_format.adf(checklist)
    assert markdown.splitlines()[2].startswith(f"**{checklist.verdict}**: ")
    assert wiki.splitlines()[1] == f"{{panel:title={checklist.verdict}|bgColor={wiki.splitlines()[1].split('=')[-1]}"
    assert wiki.splitlines()[2].startswith(f"*{checklist.verdict}*: ")
    panel = adf["content"][1]
    assert panel["type"] == "panel" and panel["attrs"]["panelType"] == PANELS[run]
    assert adf_nodes.adf_texts(panel)[0] == checklist.verdict
    adf_headings = [adf_nodes.adf_texts(n)[0] for n in adf["content"] if n["type"] == "heading"][1:]
    assert adf_headings == HEADINGS
    for heading in HEADINGS:
        assert f"## {heading}" in markdown or heading in ("Environment", "Run")
        assert f"h3. {jira_format.wiki_text(heading)}" in wiki


def test_adf_keeps_the_evidence_in_expand_blocks_and_marks_verdicts():
    body = jira_format.adf(failing_run())
    expands = [n for n in body["content"] if n["type"] == "expand"]
    assert expands and all(n["attrs"]["title"].startswith("Observed: ") for n in expands)
    assert "A client on this machine pinged port 6379 and got PONG." in " ".join(adf_nodes.adf_texts(expands))
    text = json.dumps(body)
    assert '"text": "FAILED", "color": "red"' in text and '"text": "PASSED", "color": "green"' in text


@pytest.mark.parametrize("run", RUNS)
def test_both_bodies_fit_in_a_jira_comment_as_sent(run):
    checklist = RUNS[run]()
    for body in (jira_format.wiki(checklist), jira_format.adf(checklist)):
        assert jira_format.size(body) <= jira_format.BUDGET < jira_format.LIMIT


def test_evidence_that_does_not_fit_moves_to_the_attachment(capsys):
    checklist = heaviest_run()
    full = jira_format._adf(
        checklist, jira_format.LEVELS[0], publication.Publication()
    )  # what it would be with everything in it
    assert jira_format.size(full) > jira_format.LIMIT
    for body in (jira_format.wiki(checklist), jira_format.adf(checklist)):
        text = body if isinstance(body, str) else " ".join(adf_nodes.adf_texts(body))
        assert "the observed evidence is in the attached signoff.md" in text
        assert "ping failed: expected" in text  # failures keep their reasons
    for name, run in RUNS.items():
        sizes = [jira_format.size(jira_format.wiki(run())), jira_format.size(jira_format.adf(run()))]
        print(f"{name}: wiki {sizes[0]:,}, ADF {sizes[1]:,} characters")  # for the closing note
    assert "heaviest" in capsys.readouterr().out


def test_risks_that_do_not_fit_are_left_to_the_attachment_under_their_heading():
    run, lean = heaviest_run(), jira_format.Detail(False, False, 80, 1, risks=False)
    assert run.risks
    wiki = jira_format._wiki(run, lean, publication.Publication())
    adf = " ".join(adf_nodes.adf_texts(jira_format._adf(run, lean, publication.Publication())))
    assert jira_format.wiki_text(RISKS_TITLE) in wiki and RISKS_TITLE in adf
    for text in (wiki, adf):
        assert jira_format.RISKS_ELSEWHERE in text and "production uses" not in text  # in every risk's sentence


def test_criteria_that_do_not_fit_as_tables_are_listed_with_every_label_and_verdict():
    run, listed = heaviest_run(), jira_format.Detail(False, False, 80, 1, tables=False)
    body = jira_format._adf(run, listed, publication.Publication())
    assert not any(node["type"] == "table" for node in body["content"])
    texts = adf_nodes.adf_texts(body)
    labels = [item.label for section in run.sections for item in section.items]
    assert all(label in texts for label in labels) and texts.count("FAILED") >= len(labels)


def test_the_size_is_counted_as_java_counts_characters():
    assert jira_format.size("é") == 1 and jira_format.size("😀") == 2
    assert jira_format.size({"a": "é"}) == len('{"a":"é"}')


def test_wiki_markup_escapes_what_would_break_a_table_or_start_a_macro():
    markup = jira_format.wiki(failing_run())
    fact = next(line for line in markup.splitlines() if "ConnectionError" in line)
    assert "\\{host\\} \\| port 6379 \\[refused\\] C:&#92;temp, see {{ss \\-ltn}}" in fact
    row = next(line for line in markup.splitlines() if line.startswith("|Redis connectivity tested"))
    assert row.count("|") - row.count("\\|") == 4  # the three cells' delimiters, nothing from the evidence
    assert "(x) FAILED" in row and "{{@ac:ping}}" in row


def test_issue_keys_and_the_marker_appear_verbatim_in_wiki_markup():
    markup = jira_format.wiki(passing_run())
    assert "h2. OPTERP-20 sign-off: Redis in Docker Compose" in markup
    assert "Sync lock \\(OPTERP-21\\)" in markup and "OPTERP\\-" not in markup
    assert jira_format.wiki_text(publication.MARKER) == publication.MARKER and publication.MARKER in markup
    assert jira_format.wiki_text("a -b- c -- d") == "a \\-b\\- c \\-\\- d"  # strikethrough and dashes stay literal


def test_signoff_markdown_is_rendered_from_the_same_checklist():
    text = signoff_md.markdown(failing_run())
    assert "**FAILED**: 2 of 31 criteria failed (ping, smoke)." in text
    assert "| compose file | `/repo/docker-compose.yml` |" in text


@pytest.mark.parametrize("run", RUNS)
def test_the_checklist_survives_its_json_form(run):
    original = RUNS[run]()
    assert Checklist.from_json(original.to_json()) == original


def test_the_rendered_wiki_comment(capsys):
    """Printed for the closing note: a provisional run, as Jira receives it."""
    print(jira_format.wiki(provisional_run()))
    assert "(/) passed" in capsys.readouterr().out


def test_wiki_escaping_keeps_plain_text_plain():
    assert jira_format.wiki_text("PONG") == "PONG"
    assert jira_format.wiki_text("a\nb") == "a b"


@pytest.mark.network
def test_a_sentinel_checklist_with_its_trade_offs_renders_valid_adf(adf_schema):
    from harness.core.evidence import SENTINEL, Evidence

    checklist = checklist_module.build(
        [], Evidence(topology=SENTINEL), [("compose file", "docker-compose.ha.yml")], None
    )
    jsonschema.Draft4Validator(adf_schema).validate(jira_format.adf(checklist))
    assert "CLIENT PAUSE" in jira_format.wiki(checklist)

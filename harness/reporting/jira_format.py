"""The sign-off checklist in Jira's own formats: wiki markup for REST v2 (Data
Center and Cloud) and the Atlassian Document Format for REST v3 (Cloud).
Jira shows Markdown as raw text, so signoff.md cannot be sent as it is."""

from __future__ import annotations

import re
from typing import Any

from harness.reporting.checklist import FAILED, PASSED, TITLE, Checklist, Item

# In the comment's text, so a later run finds and updates its own comment.
MARKER = "opterp20-acceptance-signoff"
FOOTER = f"Posted by the signoff publish command of the OPTERP-20 acceptance suite ({MARKER})."

# Characters wiki markup gives a meaning to (tables, macros, links, images,
# text effects, emoticons); a backslash before one shows it as it is.
_WIKI_SPECIAL = re.compile(r"([|{}\[\]*_+^~!#?()\-])")
_WIKI_ICON = {PASSED: "(/)", FAILED: "(x)"}


def wiki_text(text: str) -> str:
    """`text` shown literally in wiki markup, on one line. A backslash itself
    cannot be escaped with one (`\\\\` is a line break): it becomes its entity."""
    flat = " ".join(text.split())
    return "&#92;".join(_WIKI_SPECIAL.sub(r"\\\1", part) for part in flat.split("\\"))


def wiki(checklist: Checklist) -> str:
    lines = [f"h2. {wiki_text(TITLE)}", ""]
    detail = f" {wiki_text(checklist.detail)}" if checklist.detail else ""
    lines += [f"*{wiki_text(checklist.headline)}*{detail}", ""]
    for section in checklist.sections:
        lines += [f"h3. {wiki_text(section.title)}", "||Criterion||Verdict||Scenarios||Observed||"]
        lines += [_wiki_row(item) for item in section.items]
        lines.append("")
    lines += ["h3. Environment", "||Fact||Value||"]
    lines += [f"|{wiki_text(key)}|{wiki_text(value)}|" for key, value in checklist.environment]
    if checklist.note:
        lines += ["", f"*Note:* {wiki_text(checklist.note)}"]
    lines += ["", "h3. Run", "||Fact||Value||"]
    lines += [f"|{wiki_text(key)}|{wiki_text(value)}|" for key, value in checklist.run]
    lines += ["", "----", f"_{wiki_text(FOOTER)}_"]
    return "\n".join(lines) + "\n"


def _wiki_row(item: Item) -> str:
    icon = _WIKI_ICON.get(item.verdict, "(?)")
    scenarios = [wiki_text(f"{s.name}: {s.verdict}" + (f": {s.reason}" if s.reason else "")) for s in item.scenarios]
    facts = [wiki_text(fact) for fact in item.facts]
    return (
        f"|{wiki_text(item.text)} ({{{{{item.label}}}}})|{icon} {wiki_text(item.shown)}"
        f"|{_cell(scenarios)}|{_cell(facts)}|"
    )


def _cell(lines: list[str]) -> str:
    # A table cell is one line of markup; `\\` breaks it visibly. An empty cell needs a space.
    return " \\\\ ".join(lines) or " "


# -- ADF ----------------------------------------------------------------------
_STATUS_COLOUR = {PASSED: "green", FAILED: "red"}


def adf(checklist: Checklist) -> dict[str, Any]:
    content: list[dict[str, Any]] = [_heading(2, TITLE)]
    headline = [_text(checklist.headline, strong=True)]
    if checklist.detail:
        headline.append(_text(f" {checklist.detail}"))
    content.append(_paragraph(headline))
    for section in checklist.sections:
        content.append(_heading(3, section.title))
        header = _row([_header_cell(name) for name in ("Criterion", "Verdict", "Scenarios", "Observed")])
        content.append(_table([header, *(_adf_row(item) for item in section.items)]))
    for title, rows in (("Environment", checklist.environment), ("Run", checklist.run)):
        content.append(_heading(3, title))
        content.append(_table([_row([_cell_of([key]), _cell_of([value])]) for key, value in rows]))
        if title == "Environment" and checklist.note:
            content.append(_paragraph([_text("Note: ", strong=True), _text(checklist.note)]))
    content += [{"type": "rule"}, _paragraph([_text(FOOTER, em=True)])]
    return {"version": 1, "type": "doc", "content": content}


def _adf_row(item: Item) -> dict[str, Any]:
    status = {
        "type": "status",
        "attrs": {"text": item.shown.upper(), "color": _STATUS_COLOUR.get(item.verdict, "neutral")},
    }
    criterion = _paragraph([_text(f"{item.text} "), _text(item.label, code=True)])
    scenarios = [f"{s.name}: {s.verdict}" + (f": {s.reason}" if s.reason else "") for s in item.scenarios]
    return _row(
        [
            {"type": "tableCell", "content": [criterion]},
            {"type": "tableCell", "content": [_paragraph([status])]},
            _cell_of(scenarios),
            _cell_of(list(item.facts)),
        ]
    )


def _text(text: str, *, strong: bool = False, em: bool = False, code: bool = False) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "text", "text": text}
    marks = [{"type": name} for name, on in (("strong", strong), ("em", em), ("code", code)) if on]
    if marks:
        node["marks"] = marks
    return node


def _paragraph(nodes: list[dict[str, Any]]) -> dict[str, Any]:
    # ADF forbids empty text nodes: drop them; a paragraph may be empty.
    return {"type": "paragraph", "content": [n for n in nodes if n.get("type") != "text" or n["text"]]}


def _heading(level: int, text: str) -> dict[str, Any]:
    return {"type": "heading", "attrs": {"level": level}, "content": [_text(text)]}


def _cell_of(lines: list[str]) -> dict[str, Any]:
    """A cell of plain lines, one paragraph each (a cell needs at least one)."""
    return {"type": "tableCell", "content": [_paragraph([_text(line)]) for line in lines] or [_paragraph([])]}


def _header_cell(text: str) -> dict[str, Any]:
    return {"type": "tableHeader", "content": [_paragraph([_text(text)])]}


def _row(cells: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "tableRow", "content": cells}


def _table(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "table", "content": rows}

"""The nodes of an Atlassian Document Format body (Jira's REST v3), as the
sign-off's comment uses them, and the texts of one read back."""

from __future__ import annotations

from typing import Any

from harness.reporting.wiki_markup import code_runs


def adf_texts(node: object) -> list[str]:
    """Every text in an ADF node, in document order."""
    if isinstance(node, dict):
        return ([node["text"]] if isinstance(node.get("text"), str) else []) + adf_texts(node.get("content") or [])
    if isinstance(node, list):
        return [text for child in node for text in adf_texts(child)]
    return []


def inline(text: str) -> list[dict[str, Any]]:
    """Text with its `code` spans marked as code."""
    return [text_node(part, code=odd) for odd, part in code_runs(text)]


def text_node(text: str, *, strong: bool = False, em: bool = False, code: bool = False) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "text", "text": text}
    marks = [{"type": name} for name, on in (("strong", strong), ("em", em), ("code", code)) if on]
    if marks:
        node["marks"] = marks
    return node


def paragraph(nodes: list[dict[str, Any]]) -> dict[str, Any]:
    # ADF forbids empty text nodes: drop them; a paragraph may be empty.
    return {"type": "paragraph", "content": [n for n in nodes if n.get("type") != "text" or n["text"]]}


def bullets(items: list[list[dict[str, Any]]]) -> dict[str, Any]:
    return {"type": "bulletList", "content": [{"type": "listItem", "content": [paragraph(i)]} for i in items]}


def heading(level: int, text: str) -> dict[str, Any]:
    return {"type": "heading", "attrs": {"level": level}, "content": [text_node(text)]}


def cell_of(lines: list[str]) -> dict[str, Any]:
    """A cell of plain lines in one paragraph, broken by hard breaks (a paragraph
    each cost a heavy run's comment 1,400 characters)."""
    content: list[dict[str, Any]] = []
    for line in lines:
        content += ([{"type": "hardBreak"}] if content else []) + inline(line)
    return {"type": "tableCell", "content": [paragraph(content)]}


def header_cell(text: str) -> dict[str, Any]:
    return {"type": "tableHeader", "content": [paragraph([text_node(text)])]}


def row(cells: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "tableRow", "content": cells}


def table(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "table", "content": rows}

"""report.html opens with the sign-off's verdict: behave's HTML formatter
knows steps, not verdicts, so once it has written the file the verdict, what
would make it PASSED and the overview are put at the top of its page, from
the same signoff.json the sign-off's other forms are rendered from."""

from __future__ import annotations

import html
import re
from pathlib import Path

from harness.reporting.checklist import Checklist

BANNER_ID = "opterp20-verdict"
_BODY = re.compile(r"<body[^>]*>", re.IGNORECASE)
_COLOUR = {"PASSED": "#E3FCEF", "PROVISIONAL": "#FFFAE6", "FAILED": "#FFEBE6"}


def banner(checklist: Checklist) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(key)}</td><td>{html.escape(value)}</td></tr>" for key, value in checklist.overview
    )
    to_pass = f"<p><em>{html.escape(checklist.to_pass)}</em></p>" if checklist.to_pass else ""
    colour = _COLOUR.get(checklist.verdict, "#FFFFFF")
    return (
        f'<section id="{BANNER_ID}" style="background:{colour};padding:1em;margin:0 0 1em 0;font-family:sans-serif">'
        f"<h1>{html.escape(checklist.title)}</h1>"
        f"<p><strong>{html.escape(checklist.verdict)}</strong>: {html.escape(checklist.headline)}</p>"
        f"{to_pass}<table>{rows}</table>"
        "<p>The whole sign-off, with the product owner's decision block, is signoff.md.</p></section>"
    )


def open_with_verdict(report: Path, signoff_json: Path) -> bool:
    """Put the verdict at the top of `report`; False when either file is missing (a run that never started)."""
    try:
        page = report.read_text(encoding="utf-8")
        checklist = Checklist.from_json(signoff_json.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError):
        return False
    found = _BODY.search(page)
    if found is None or BANNER_ID in page:
        return False
    report.write_text(page[: found.end()] + banner(checklist) + page[found.end() :], encoding="utf-8")
    return True

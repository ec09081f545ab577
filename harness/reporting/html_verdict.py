"""report.html opens with the sign-off's verdict: behave's HTML formatter
knows steps, not verdicts, so once it has written the file the verdict, what
would make it PASSED and the overview are put at the top of its page, from
the same signoff.json the sign-off's other forms are rendered from. The page
then shows its features in the plan's order and hides the steps' code
locations until a reader asks for them."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from harness.reporting.checklist import Checklist

BANNER_ID = "opterp20-verdict"
SHOWN = "opterp20-locations"  # the body's class while the code locations are shown
# The formatter's step line ends in a span holding the step's code location.
_LOCATIONS = f"<style>body:not(.{SHOWN}) .step-capsule > .flex-left-space {{display: none}}</style>"
_TOGGLE = (
    f'<button type="button" onclick="document.body.classList.toggle(\'{SHOWN}\')">'
    "Show or hide the steps' code locations</button>"
)
# Moves each feature's section to its rank in `order` (by name; others last, in run order).
_REORDER = """<script>document.addEventListener("DOMContentLoaded", function () {
  var order = %s;
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.feature-filter-container"));
  if (!sections.length) { return; }
  var parent = sections[0].parentNode, anchor = document.createComment("features in the plan's order");
  parent.insertBefore(anchor, sections[0]);
  function rank(section) {
    var title = section.querySelector(".feature-title span");
    var at = order.indexOf(title ? title.textContent.replace(/^Feature: /, "") : "");
    return at < 0 ? order.length : at;
  }
  sections.map(function (s, i) { return [rank(s), i, s]; })
    .sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; })
    .forEach(function (x) { parent.insertBefore(x[2], anchor); });
});</script>"""


def plan_order(features: Sequence[tuple[str, Iterable[str]]], criteria: Sequence[str]) -> list[str]:
    """The names of `features` ((name, every tag of its scenarios)), ordered by the
    first of `criteria` (tags, in the plan's order) each proves; ties keep their order."""
    rank = {tag: at for at, tag in enumerate(criteria)}
    ranked = [(min((rank[t] for t in tags if t in rank), default=len(rank)), name) for name, tags in features]
    return [name for _, name in sorted(ranked, key=lambda item: item[0])]


_BODY = re.compile(r"<body[^>]*>", re.IGNORECASE)
_COLOUR = {"PASSED": "#E3FCEF", "PROVISIONAL": "#FFFAE6", "FAILED": "#FFEBE6"}


def banner(checklist: Checklist) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(key)}</td><td>{html.escape(value)}</td></tr>" for key, value in checklist.overview
    )
    to_pass = f"<p><em>{html.escape(checklist.to_pass)}</em></p>" if checklist.to_pass else ""
    gets = f"<p>{html.escape(checklist.gets)}</p>" if checklist.gets else ""
    colour = _COLOUR.get(checklist.verdict, "#FFFFFF")
    return (
        f'<section id="{BANNER_ID}" style="background:{colour};padding:1em;margin:0 0 1em 0;font-family:sans-serif">'
        f"<h1>{html.escape(checklist.title)}</h1>"
        f"<p><strong>{html.escape(checklist.verdict)}</strong>: {html.escape(checklist.headline)}</p>"
        f"{to_pass}<table>{rows}</table>{gets}"
        f"<p>The whole sign-off, with the product owner's decision block, is signoff.md. {_TOGGLE}</p></section>"
    )


def open_with_verdict(report: Path, signoff_json: Path, order: Sequence[str] = ()) -> bool:
    """Put the verdict at the top of `report`, its features shown in `order` (their
    names); False when either file is missing (a run that never started)."""
    try:
        page = report.read_text(encoding="utf-8")
        checklist = Checklist.from_json(signoff_json.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError):
        return False
    found = _BODY.search(page)
    if found is None or BANNER_ID in page:
        return False
    reorder = _REORDER % json.dumps(list(order)).replace("</", "<\\/")
    top = banner(checklist) + _LOCATIONS + reorder
    report.write_text(page[: found.end()] + top + page[found.end() :], encoding="utf-8")
    return True

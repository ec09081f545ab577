"""Cucumber JSON (the format Xray imports) from behave's model after a run.

One element per scenario (outlines expanded), tags as {name, line}, durations
in nanoseconds, statuses mapped to Cucumber's set, `error_message` always a
string, and the Background's steps inside each scenario."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping
from typing import Any

# behave status name -> Cucumber status
STATUS = {
    "passed": "passed",
    "failed": "failed",
    "error": "failed",
    "hook_error": "failed",
    "cleanup_error": "failed",
    "skipped": "skipped",
    "untested": "skipped",
    "executing": "skipped",
    "undefined": "undefined",
    "untested_undefined": "undefined",
    "pending": "pending",
    "pending_warn": "pending",
    "untested_pending": "pending",
}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def tags(items: Iterable[Any], origin: Iterable[Any] = ()) -> list[dict[str, Any]]:
    """Tags as {name, line}; a scenario made from an outline takes the lines
    of the outline's tags, since behave's copies have none."""
    lines = {str(tag): getattr(tag, "line", None) for tag in origin}
    return [{"name": f"@{tag}", "line": int(getattr(tag, "line", None) or lines.get(str(tag)) or 0)} for tag in items]


def step(item: Any) -> dict[str, Any]:
    status = STATUS.get(item.status.name, "skipped")
    result: dict[str, Any] = {"status": status, "duration": int(round((item.duration or 0) * 1e9))}
    if status == "failed":
        result["error_message"] = str(item.error_message or f"{item.status.name} in step {item.name!r}")
    return {
        "keyword": f"{item.keyword.strip()} ",
        "name": item.name,
        "line": int(item.line),
        "match": {"location": str(item.location)},
        "result": result,
    }


def scenario(feature: Any, item: Any, attachments: Mapping[str, str]) -> dict[str, Any]:
    steps = [step(s) for s in item.all_steps]  # Background steps first, as Cucumber reports them
    if item.name in attachments and steps:
        data = base64.b64encode(attachments[item.name].encode()).decode()
        steps[-1]["embeddings"] = [{"mime_type": "text/plain", "data": data}]
    return {
        "id": f"{slug(feature.name)};{slug(item.name)}",
        "keyword": item.keyword,
        "type": "scenario",
        "name": item.name,
        "description": "\n".join(item.description or ()),
        "line": int(item.line),
        "tags": tags([*feature.tags, *item.tags], origin=getattr(getattr(item, "parent", None), "tags", ())),
        "steps": steps,
    }


def report(features: Iterable[Any], attachments: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """`attachments` maps a scenario name to text evidence attached to its last step."""
    return [
        {
            "uri": str(feature.filename),
            "id": slug(feature.name),
            "keyword": feature.keyword,
            "name": feature.name,
            "description": "\n".join(feature.description or ()),
            "line": int(feature.line),
            "tags": tags(feature.tags),
            "elements": [scenario(feature, s, attachments or {}) for s in feature.walk_scenarios()],
        }
        for feature in features
    ]

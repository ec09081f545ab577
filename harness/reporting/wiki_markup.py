"""Jira wiki markup (REST v2) for text that must show literally: every
character that would start markup escaped, `code` in monospace."""

from __future__ import annotations

import re

_WIKI_SPECIAL = re.compile(r"([|{}\[\]*_+^~!#?()])")
# A hyphen between two letters or digits (OPTERP-20, re-creation) never starts
# strikethrough or a dash; any other is escaped.
_LONE_HYPHEN = re.compile(r"(?<![A-Za-z0-9])-|-(?![A-Za-z0-9])")
_CODE = re.compile(r"`([^`]+)`")


def wiki_text(text: str) -> str:
    """`text` shown literally in wiki markup, on one line; `code` in monospace.
    A backslash itself cannot be escaped with one (`\\\\` is a line break): it
    becomes its entity."""
    flat = " ".join(text.split())
    parts = _CODE.split(flat)  # even: text, odd: code
    return "".join(f"{{{{{_escape(part)}}}}}" if odd else _escape(part) for odd, part in _alternate(parts))


def _escape(text: str) -> str:
    def one(part: str) -> str:
        return _LONE_HYPHEN.sub(r"\\-", _WIKI_SPECIAL.sub(r"\\\1", part))

    return "&#92;".join(one(part) for part in text.split("\\"))


def code_runs(text: str) -> list[tuple[bool, str]]:
    """`text` cut at its `code` spans: (is code, the run), in order."""
    return _alternate(_CODE.split(text))


def _alternate(parts: list[str]) -> list[tuple[bool, str]]:
    return [(n % 2 == 1, part) for n, part in enumerate(parts) if part]

"""Tag filters in behave's classic syntax, read as what they mean.

behave guesses the syntax of each run's `--tags`; a comma or a `~` makes it
choose the classic one, where `@name:N` limits a tag to N scenarios. Every
criterion tag here has a colon (`@ac:port`), so `--tags=@ac:port,@ac:ping`
ended in a traceback (`invalid literal for int()`) before any hook of ours
ran. The project's configuration has behave read every filter as a cucumber
tag expression instead (`tag_expression_protocol = "v2"`), and the runner,
before it collects anything, rewrites a classic one into it: a comma is
`or`, a leading `~` (or `-`) is `not`, and separate `--tags` are `and`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from behave.tag_expression import make_tag_expression

_KEYWORDS = frozenset({"and", "or", "not", "(", ")"})
_NEGATIONS = ("~", "-")


def is_classic(filter_: str) -> bool:
    """Whether one `--tags` value is in the classic syntax: a comma or a negation
    by `~`/`-`, and none of a tag expression's words."""
    words = filter_.replace("(", " ( ").replace(")", " ) ").split()
    if any(word in _KEYWORDS for word in words):
        return False
    return "," in filter_ or any(word.startswith(_NEGATIONS) for word in words)


def _term(tag: str) -> str:
    tag = tag.strip()
    negated = tag.startswith(_NEGATIONS)
    name = tag.lstrip("".join(_NEGATIONS)).lstrip("@")
    return f"not @{name}" if negated else f"@{name}"


def _rewritten(filter_: str) -> str:
    if not is_classic(filter_):
        return filter_
    terms = [_term(tag) for part in filter_.split(",") for tag in part.split() if tag]
    return " or ".join(terms)


def expression(filters: Sequence[str] | str) -> str:
    """The run's `--tags` values as one tag expression: each classic one rewritten,
    and several joined by `and` (as behave joins them)."""
    parts = [filters] if isinstance(filters, str) else list(filters)
    rewritten = [_rewritten(part) for part in parts if part.strip()]
    return rewritten[0] if len(rewritten) == 1 else " and ".join(f"({part})" for part in rewritten)


def read(config: Any) -> None:
    """Give a behave Configuration the tag expression its `--tags` mean, where one is classic."""
    filters = [config.tags] if isinstance(config.tags, str) else list(config.tags or [])
    if any(is_classic(f) for f in filters):
        config.tag_expression = make_tag_expression(expression(filters))

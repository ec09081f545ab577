"""A unified diff applied to today's text, as `patch` applies one with no
fuzz: each hunk's old lines (its context and what it removes) must be found
exactly, nearest the line it names; what a hunk does not find is reported,
never guessed at. The catalogue's cases are such diffs against the delivered
compose files, so each is the delivered file plus its one change."""

from __future__ import annotations

import re
from dataclasses import dataclass

_HUNK = re.compile(r"^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@")


class DoesNotApply(Exception):
    """A hunk's old lines are no longer in the text: the file changed where the case changes it."""


@dataclass(frozen=True)
class Hunk:
    line: int  # where the old lines began when the diff was made (1-based)
    old: tuple[str, ...]  # context and removed lines
    new: tuple[str, ...]  # context and added lines


@dataclass(frozen=True)
class Patch:
    target: str  # the file it applies to, as its `---` line names it
    hunks: tuple[Hunk, ...]

    @classmethod
    def parse(cls, text: str) -> Patch | None:
        """The diff in `text`, after any leading lines (a case's header); None if there is none."""
        lines = text.splitlines()
        starts = [i for i, line in enumerate(lines) if line.startswith("--- ") and i + 1 < len(lines)]
        if not starts:
            return None
        first = starts[0]
        if not lines[first + 1].startswith("+++ "):
            raise ValueError(f"a `--- ` line without its `+++ ` line: {lines[first]!r}")
        target = lines[first][4:].split("\t")[0].strip()
        hunks: list[Hunk] = []
        old: list[str] = []
        new: list[str] = []
        start = 0
        for line in lines[first + 2 :]:
            if match := _HUNK.match(line):
                if old or new:
                    hunks.append(Hunk(start, tuple(old), tuple(new)))
                start, old, new = int(match.group(1)), [], []
            elif line.startswith(" ") or line == "":
                old.append(line[1:])
                new.append(line[1:])
            elif line.startswith("-"):
                old.append(line[1:])
            elif line.startswith("+"):
                new.append(line[1:])
            elif not line.startswith("\\"):  # "\ No newline at end of file"
                raise ValueError(f"not a line of a unified diff: {line!r}")
        if old or new:
            hunks.append(Hunk(start, tuple(old), tuple(new)))
        if not hunks:
            raise ValueError(f"a diff of {target} without hunks")
        return cls(target, tuple(hunks))

    def apply(self, text: str) -> str:
        """`text` with every hunk applied, each where its old lines are found nearest its line."""
        lines = text.splitlines()
        offset = 0  # lines added so far by earlier hunks
        for number, hunk in enumerate(self.hunks, 1):
            at = _find(lines, hunk.old, hunk.line - 1 + offset)
            if at is None:
                shown = "\n".join(f"    {line}" for line in hunk.old)
                raise DoesNotApply(f"hunk {number} (line {hunk.line}) no longer applies to {self.target}:\n{shown}")
            lines[at : at + len(hunk.old)] = hunk.new
            offset += len(hunk.new) - len(hunk.old)
        return "\n".join(lines) + "\n"


def _find(lines: list[str], wanted: tuple[str, ...], near: int) -> int | None:
    """Where `wanted` occurs in `lines`, the occurrence nearest `near` (patch's rule with no fuzz)."""
    if not wanted:
        return max(0, min(near, len(lines)))
    size = len(wanted)
    found = [i for i in range(len(lines) - size + 1) if tuple(lines[i : i + size]) == wanted]
    return min(found, key=lambda i: abs(i - near)) if found else None

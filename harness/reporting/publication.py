"""Which comment, and which attachments, a run's sign-off is on its Jira
issue. Each topology kind signs off on its own comment, and so does each
release tag; none of them ever edits another's. A later run of the same kind
on the default branch updates that comment; a tag's run adds its own, so
what the product owner signed for a release stays as it was."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from harness.core.evidence import SINGLE_NODE

# In the comment's text, so a later run finds and updates its own comment. It
# has no character wiki markup would escape, so Data Center stores it as it
# is and a search of the stored source finds it.
MARKER = "opterp20.acceptance.signoff"
# What earlier versions posted: the plain marker (ADF) and its escaped form (wiki).
LEGACY_MARKERS = ("opterp20-acceptance-signoff", "opterp20\\-acceptance\\-signoff")
_NOT_MARKER = re.compile(r"[^a-z0-9.]+")


def _slug(text: str) -> str:
    """`text` in the marker's own characters (no wiki markup escapes them)."""
    return _NOT_MARKER.sub(".", text.lower()).strip(".") or "unnamed"


@dataclass(frozen=True)
class Publication:
    topology: str = SINGLE_NODE  # the kind the run signed off (harness/topology/kinds.py)
    tag: str = ""  # the release tag the run was for; empty on a branch

    @classmethod
    def of(cls, topology: str, env: Mapping[str, str]) -> Publication:
        """The run's publication, its tag read from the CI's environment (GitHub Actions, GitLab CI)."""
        github = env.get("GITHUB_REF_NAME", "") if env.get("GITHUB_REF_TYPE") == "tag" else ""
        return cls(topology, (env.get("CI_COMMIT_TAG", "") or github).strip())

    @property
    def _parts(self) -> list[str]:
        kind = [] if self.topology == SINGLE_NODE else [self.topology]
        return kind + ([self.tag] if self.tag else [])

    @property
    def marker(self) -> str:
        return ".".join([MARKER, *(_slug(part) for part in self._parts)])

    @property
    def footer(self) -> str:
        return f"Posted by the signoff publish command of the OPTERP-20 acceptance suite ({self.marker})."

    def title(self, title: str) -> str:
        return f"{title}, release {self.tag}" if self.tag else title

    def owns(self, text: str) -> bool:
        """Whether a comment's text is this publication's: its marker, whole (a
        longer marker is another's); on the default one, an earlier version's too."""
        if re.search(re.escape(self.marker) + r"(?![a-z0-9.])", text):
            return True
        return not self._parts and any(legacy in text for legacy in LEGACY_MARKERS)

    def attachment_name(self, file: Path) -> str:
        """The name a report is attached under: `signoff.md` for the plan's
        topology on a branch, `signoff-sentinel.md`, `signoff-v1.2.md` otherwise."""
        suffix = "".join(f"-{_slug(part)}" for part in self._parts)
        return f"{file.stem}{suffix}{file.suffix}"

"""The product owner's part of the sign-off: what would make the verdict
PASSED, and the decision block that closes signoff.md and both Jira bodies.
Each change from the plan and each item not verified is a box of its own, so
a signature covers exactly what was ticked, for the commit the run was of."""

from __future__ import annotations

from dataclasses import dataclass

BOX = "☐"
TITLE = "Decision (for the product owner)"
BLANK = "______________"


@dataclass(frozen=True)
class Decision:
    verdict: str  # the run's: PASSED | PROVISIONAL | FAILED
    signable: bool  # not FAILED: a failed run offers nothing to sign
    issue: str
    changes: tuple[str, ...]  # each change from the plan, in one line
    not_verified: tuple[str, ...]
    commit: str  # the commit the run was of, or "" when it was not recorded

    @property
    def boxes(self) -> list[str]:
        """One line per thing to decide, each opening with an empty box; none for a FAILED run."""
        if not self.signable:
            return []
        lines = [f"{BOX} I approve this change from the plan: {change}" for change in self.changes]
        # Named by its subject only: the sentence itself is under Not verified, just above.
        lines += [f"{BOX} I accept as not verified: {subject(sentence)}" for sentence in self.not_verified]
        of = f" of commit {self.commit}" if self.commit else ""
        lines.append(f"{BOX} I accept this {self.verdict} run{of} as the sign-off of {self.issue}.")
        return lines

    @property
    def closing(self) -> str:
        """The line under the boxes: the signature, or why a FAILED run cannot be signed."""
        if not self.signable:
            return "A FAILED run cannot be signed: see what would make it PASSED above, then run it again."
        commit = self.commit or BLANK
        return f"Signed by: {BLANK}   Date: {BLANK}   Commit: {commit}"


def subject(sentence: str) -> str:
    """What a sentence under Not verified is about: the words before its first colon, or all of it."""
    head, colon, _ = sentence.partition(": ")
    return f"{head} (see Not verified)" if colon else sentence


def to_pass(failed: int, not_run: int, refusal: str, needs: list[str], runs: str = "") -> str:
    """One line on what would make the verdict PASSED ("" when it is); `runs`:
    the runs it takes, where no one run can hold every criterion."""
    if refusal:
        return f"To be PASSED: fix what stopped the run ({refusal}), then run it again."
    if runs:
        fixes = [f"fix the {failed} failed criteria"] if failed else []
        return f"To be PASSED: {' and '.join(fixes)}{'; then ' if fixes else ''}{runs}"
    if failed or not_run:
        parts = [f"fix the {failed} failed criteria"] if failed else []
        parts += [f"run the {not_run} that did not run"] if not_run else []
        where = f", on {' and '.join(needs)}" if needs else ""
        return f"To be PASSED: {' and '.join(parts)}; every criterion must pass{where}."
    if needs:
        return f"To be PASSED: the same run, every criterion passing, on {' and '.join(needs)}."
    return ""

"""What a run may change in the repository: nothing outside reports/, except
the caches of Python and its tools, which git ignores and nobody reads."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_ALLOWED = ("reports/", ".venv/", ".pytest_cache/", ".ruff_cache/", ".mypy_cache/")


def state() -> set[str]:
    """`git status`, ignored files included, minus what a run may write."""
    done = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all", "--ignored"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return {
        line for line in done.stdout.splitlines() if not line[3:].startswith(_ALLOWED) and "__pycache__/" not in line
    }

"""The fault matrix, printed: for each fault injected into a real run, how long
the run took to end after it, its exit code, the line that names the fault, its
last line and what it left. `--root DIR --python PY` runs another checkout's
suite (an older commit, say) under the same faults, for a before and after; that
checkout must know `-D project_name` (a run is found by the name it was given).

    uv run python bench/faults.py [--only paused] [--root /tmp/before --python /tmp/before/.venv/bin/python]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.fault_matrix import ROOT, Matrix  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--only", default="", help="run the faults whose name contains this")
    parser.add_argument("--bound", type=float, default=300, help="seconds before a run counts as hung")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        matrix = Matrix(Path(scratch), options.root.resolve(), options.python, options.bound)
        for fault in matrix.all():
            if options.only in fault.__name__:
                print(fault(), flush=True)


if __name__ == "__main__":
    main()

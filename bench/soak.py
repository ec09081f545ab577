"""Soak: run the full suite N times and report the pass rate, wall times and
anything left on the engine after any run.

    uv run python bench/soak.py [--runs 20] [-- behave args...]
"""

from __future__ import annotations

import argparse
import statistics
import sys

from tests.support.behave_run import behave
from tests.support.inventory import engine_objects

BOUND = 1800  # seconds for one run (the durability load takes about 2 minutes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20, help="how many full runs (default 20)")
    parser.add_argument("behave_args", nargs="*", help="passed to behave, after --")
    args = parser.parse_args()
    before = engine_objects()
    walls: list[float] = []
    failures: list[str] = []
    leftovers: dict[int, set[str]] = {}
    for number in range(1, args.runs + 1):
        run = behave(*args.behave_args, timeout=BOUND)
        walls.append(run.wall)
        left = engine_objects() - before
        if left:
            leftovers[number] = left
        verdict = "pass" if run.returncode == 0 else f"FAIL (exit {run.returncode})"
        residue = f"; left behind: {', '.join(sorted(left))}" if left else ""
        print(f"run {number}/{args.runs}: {verdict} in {run.wall:.2f} s{residue}", flush=True)
        if run.returncode != 0:
            failing = [line for line in run.stdout.splitlines() if line.startswith("  features/")]
            failures.append(f"run {number}: " + ("; ".join(failing) or run.stderr.strip()[-300:]))
    passed = args.runs - len(failures)
    print(
        f"\npassed {passed}/{args.runs}; wall time min {min(walls):.2f} s, "
        f"median {statistics.median(walls):.2f} s, max {max(walls):.2f} s"
    )
    residue = "; ".join(f"run {n}: {sorted(v)}" for n, v in leftovers.items())
    print(f"left behind: {residue or 'nothing'}")
    for failure in failures:
        print(failure)
    return 0 if passed == args.runs and not leftovers else 1


if __name__ == "__main__":
    sys.exit(main())

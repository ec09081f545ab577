"""Benchmark: how long the suite takes to report each broken service.

    uv run python bench/catalogue_times.py [NAME ...]

Runs the suite on each single-node mutant of the misconfiguration catalogue (or
the named ones) as tests/catalogue does, and prints each one's wall time, slowest first,
against the target: a broken service is reported within 35 s.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.catalogue import killed, mutants, run_suite  # noqa: E402

TARGET = 35.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="mutants to time (as `show --list` names them); default: all")
    names = parser.parse_args().names
    cases = [case for case in mutants() if case.name in names or (not names and case.runs == "all")]
    times: list[tuple[float, str, bool]] = []
    for case in cases:
        began = time.monotonic()
        outcome = run_suite(case)
        wall = time.monotonic() - began
        dead = killed(case, outcome)
        times.append((wall, case.name, dead))
        print(f"{case.name:32} {wall:6.1f} s  {'killed' if dead else 'NOT killed'}", flush=True)
    times.sort(reverse=True)
    print("\nslowest first:")
    for wall, name, _ in times[:5]:
        print(f"  {name:32} {wall:6.1f} s{'  over the target' if wall > TARGET else ''}")
    over = [name for wall, name, _ in times if wall > TARGET]
    total = sum(wall for wall, _, _ in times)
    print(
        f"\n{len(times)} mutants in {total:.0f} s; slowest {times[0][1]} {times[0][0]:.1f} s; "
        f"over {TARGET:g} s: {', '.join(over) or 'none'}"
    )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())

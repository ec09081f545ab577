"""Benchmark: run the full behave suite and report how fast it is.

    uv run python bench/bench.py [--runs N] [-- behave args...]

Prints the wall time of each run and, from the evidence the suite records
(reports/evidence.json), the time from up, crash and re-creation to healthy,
as min/median/max over the runs, next to the targets of OPTERP-20.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys

from suite_runs import ROOT, run_behave

EVIDENCE = ROOT / "reports" / "evidence.json"
MEASURES = {  # label: (evidence "what", target seconds)
    "full suite wall time": (None, 20.0),
    "up -> healthy": ("seconds from up to healthy", 2.0),
    "crash -> healthy": ("seconds from crash to healthy", 2.0),
    "re-creation -> healthy": ("seconds from re-creation to healthy", None),
}


def run_once(behave_args: list[str]) -> dict[str, list[float]]:
    EVIDENCE.unlink(missing_ok=True)
    done = run_behave(behave_args)
    wall = done.wall
    if done.returncode != 0:
        tail = done.stdout[-3000:] + done.stderr
        sys.exit(f"bench: the suite failed (exit {done.returncode}); fix it before measuring:\n{tail}")
    facts = json.loads(EVIDENCE.read_text())["facts"]
    samples: dict[str, list[float]] = {"full suite wall time": [wall]}
    for label, (what, _) in MEASURES.items():
        if what:
            samples[label] = [float(f["value"]) for f in facts if f["what"] == what]
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="how many full runs (default 3)")
    parser.add_argument("behave_args", nargs="*", help="passed to behave, after --")
    args = parser.parse_args()
    collected: dict[str, list[float]] = {label: [] for label in MEASURES}
    for number in range(1, args.runs + 1):
        samples = run_once(args.behave_args)
        for label, values in samples.items():
            collected[label] += values
        print(f"run {number}/{args.runs}: {samples['full suite wall time'][0]:.2f} s", flush=True)
    print(f"\n{'measure':<24}{'n':>3}{'min':>8}{'median':>8}{'max':>8}  target")
    for label, (_, target) in MEASURES.items():
        values = collected[label]
        if not values:
            print(f"{label:<24}  not measured")
            continue
        verdict = "" if target is None else f"<= {target:g} s {'met' if max(values) <= target else 'MISSED'}"
        spread = f"{min(values):>8.2f}{statistics.median(values):>8.2f}{max(values):>8.2f}"
        print(f"{label:<24}{len(values):>3}{spread}  {verdict}")


if __name__ == "__main__":
    main()

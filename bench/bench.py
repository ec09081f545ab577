"""Benchmark: run the full behave suite and report how fast it is.

    uv run python bench/bench.py [--runs N] [-- behave args...]

Prints the wall time of each run; then, as min/median/max over the runs, the
time each feature took (from reports/behave.json) and what the suite measured
(from reports/evidence.json): the service's own timings next to the targets of
OPTERP-20, and what the consumer scenarios saw.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys

from tests.support.behave_run import ROOT, behave

REPORTS = ROOT / "reports"
WALL = "full suite wall time"
MEASURES = {  # label: (evidence "what", target seconds)
    WALL: (None, 25.0),
    "up -> healthy": ("seconds from up to healthy", 1.3),
    "crash -> healthy": ("seconds from crash to healthy", 1.3),
    "re-creation -> healthy": ("seconds from re-creation to healthy", None),
    "crash -> answering": ("seconds from crash to answering", None),
    "lock release -> waiter holds it": ("seconds from release to the waiter holding the lock", 0.25),
    "task sent -> result": ("seconds from sending to the result", 2.0),
    "crash -> task result": ("seconds from the crash to the result", 10.0),
    "scheduler start -> job fired": ("seconds from the new scheduler's start to the job firing", 3.0),
}
# Consumer evidence that is a sentence, shown as seen in the last run.
OBSERVATIONS = (
    "contention",
    "lock free after its holder was killed",
    "task delivered again",
    "20 queued tasks after crash and re-creation",
    "under memory pressure",
)


BOUND = 1800  # seconds for one run (the durability load takes about 2 minutes)


def run_once(behave_args: list[str]) -> tuple[dict[str, list[float]], dict[str, float], dict[str, str]]:
    for name in ("evidence.json", "behave.json"):
        (REPORTS / name).unlink(missing_ok=True)
    done = behave(*behave_args, timeout=BOUND)
    if done.returncode != 0:
        tail = done.stdout[-3000:] + done.stderr
        sys.exit(f"bench: the suite failed (exit {done.returncode}); fix it before measuring:\n{tail}")
    facts = json.loads((REPORTS / "evidence.json").read_text())["facts"]
    samples: dict[str, list[float]] = {WALL: [done.wall]}
    for label, (what, _) in MEASURES.items():
        if what:
            samples[label] = [float(f["value"]) for f in facts if f["what"] == what]
    seen = {f["what"]: str(f["value"]) for f in facts if f["what"] in OBSERVATIONS}
    return samples, feature_times(), seen


def feature_times() -> dict[str, float]:
    """Seconds each feature's steps took (hooks and cleanup excluded)."""
    features = json.loads((REPORTS / "behave.json").read_text())
    return {
        feature["location"].split(":")[0]: sum(
            step.get("result", {}).get("duration", 0.0)
            for element in feature.get("elements", [])
            for step in element.get("steps", [])
        )
        for feature in features
    }


def spread(values: list[float]) -> str:
    return f"{len(values):>3}{min(values):>8.2f}{statistics.median(values):>8.2f}{max(values):>8.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="how many full runs (default 3)")
    parser.add_argument("behave_args", nargs="*", help="passed to behave, after --")
    args = parser.parse_args()
    collected: dict[str, list[float]] = {label: [] for label in MEASURES}
    per_feature: dict[str, list[float]] = {}
    seen: dict[str, str] = {}
    for number in range(1, args.runs + 1):
        samples, features, seen = run_once(args.behave_args)
        for label, values in samples.items():
            collected[label] += values
        for feature, seconds in features.items():
            per_feature.setdefault(feature, []).append(seconds)
        print(f"run {number}/{args.runs}: {samples[WALL][0]:.2f} s", flush=True)
    print(f"\n{'feature':<34}{'n':>3}{'min':>8}{'median':>8}{'max':>8}")
    for feature, values in sorted(per_feature.items(), key=lambda item: -statistics.median(item[1])):
        print(f"{feature:<34}{spread(values)}")
    print(f"\n{'measure':<34}{'n':>3}{'min':>8}{'median':>8}{'max':>8}  target")
    for label, (_, target) in MEASURES.items():
        values = collected[label]
        if not values:
            print(f"{label:<34}  not measured")
            continue
        verdict = "" if target is None else f"<= {target:g} s {'met' if max(values) <= target else 'MISSED'}"
        print(f"{label:<34}{spread(values)}  {verdict}")
    print("\nconsumers, last run:")
    for what in OBSERVATIONS:
        print(f"  {what}: {seen.get(what, 'not measured')}")


if __name__ == "__main__":
    main()

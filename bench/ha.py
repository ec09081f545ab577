"""Benchmark of the Sentinel topology: run `behave --tags=@ha` and report, per
run, the whole run's time, each scenario's time, and each fault's figures as
the sentinels' events and the writers measured them.

    uv run python bench/ha.py [--runs N] [-- behave args...]

Figures per fault: failover time to the first and the last sentinel's
+switch-master; writes tried, acknowledged, replica-confirmed and lost; the
old master's demotion time and the writes it accepted.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from tests.support.behave_run import behave


def scenario_times(report: Path) -> dict[str, float]:
    times: dict[str, float] = {}
    for feature in json.loads(report.read_text()):
        for element in feature.get("elements", []):
            if element.get("type") == "scenario":
                took = sum(s.get("result", {}).get("duration", 0.0) for s in element.get("steps", []))
                times[element["name"]] = took
    return times


def figures(evidence: Path) -> dict[str, list[str]]:
    said: dict[str, list[str]] = defaultdict(list)
    for fact in json.loads(evidence.read_text())["facts"]:
        if fact["what"] in (
            "failover timeline",
            "writes through the failover",
            "unconfirmed writes lost",
            "writes the old master accepted",
            "seconds from up to ready",
            "seconds from up to ready after a restart",
            "switches after an absorbed crash",
        ):
            said[fact["scenario"]].append(fact["said"])
    return said


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("behave_args", nargs="*")
    args = parser.parse_args()
    for number in range(1, args.runs + 1):
        reports = Path(f"/tmp/opterp20-bench-ha-{number}")
        done = behave("--tags=@ha", *args.behave_args, reports=reports, junit=False, timeout=900)
        print(f"run {number}: exit {done.returncode}, {done.wall:.1f} s wall")
        times, said = scenario_times(reports / "behave.json"), figures(reports / "evidence.json")
        for name, took in times.items():
            print(f"  {took:6.1f} s  {name}")
            for sentence in said.get(name, []):
                print(f"            {sentence}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

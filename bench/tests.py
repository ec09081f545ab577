"""Benchmark: the README's test command, timed as a whole.

    uv run python bench/tests.py [PYTEST ARGS ...]      e.g.  -m "not suite_run"   or  -p no:xdist

Runs `pytest` with the given arguments (none: the whole command, as CI runs it)
and prints its wall time, how busy the CPU was over the run (from /proc/stat:
the share of every core's time not spent idle, over the whole run and in its
busiest minute), the 15 slowest tests (from the run's JUnit file, kept as
reports/bench-tests.xml for every test's time), and the timings the whole runs
of the suite measured (their evidence.json: the default run's in reports/, the
others' in pytest's temporary directories), to set a parallel run's margins
beside a serial run's. The README's figures for the test command come from
here. Exits as pytest did.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SLOWEST = 15
WINDOW = 60.0  # seconds: the busiest stretch of the run
SAMPLE = 5.0  # seconds between /proc/stat readings


@dataclass(frozen=True)
class CpuTimes:
    busy: int
    total: int

    @classmethod
    def read(cls) -> CpuTimes:
        # The first line sums every core: user nice system idle iowait irq softirq steal ...
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
        idle = fields[3] + fields[4]
        return cls(sum(fields) - idle, sum(fields))

    def busy_since(self, earlier: CpuTimes) -> float:
        total = self.total - earlier.total
        return (self.busy - earlier.busy) / total if total else 0.0


class Sampler(threading.Thread):
    """/proc/stat every few seconds, for the busiest window of the run."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[tuple[float, CpuTimes]] = [(time.monotonic(), CpuTimes.read())]
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(SAMPLE):
            self.samples.append((time.monotonic(), CpuTimes.read()))

    def busiest(self) -> float | None:
        """The busiest stretch of at least WINDOW seconds; None for a shorter run."""
        peaks = []
        for i, (began, first) in enumerate(self.samples):
            later = [c for t, c in self.samples[i + 1 :] if t - began >= WINDOW]
            if later:
                peaks.append(later[0].busy_since(first))
        return max(peaks, default=None)


def slowest(junit: Path) -> list[tuple[float, str]]:
    if not junit.exists():
        return []
    cases = [
        (float(case.get("time", 0)), f"{case.get('classname', '')}::{case.get('name', '')}")
        for case in ET.parse(junit).getroot().iter("testcase")
    ]
    return sorted(cases, reverse=True)[:SLOWEST]


def measured(basetemp: Path) -> dict[str, list[tuple[float, str]]]:
    """Every timing a whole run of the suite recorded (`seconds ...` facts), with the run it came from."""
    runs = [ROOT / "reports" / "evidence.json", *sorted(basetemp.glob("**/reports/evidence.json"))]
    found: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for path in (p for p in runs if p.exists()):
        run = "default run" if path.parent == ROOT / "reports" else path.parent.parent.name.rstrip("0123456789")
        for fact in json.loads(path.read_text())["facts"]:
            if str(fact["what"]).startswith("seconds") and isinstance(fact["value"], int | float):
                found[f"{fact['criterion']}: {fact['what']}"].append((float(fact["value"]), run))
    return found


def main() -> int:
    pytest_args = sys.argv[1:]
    junit = ROOT / "reports" / "bench-tests.xml"
    junit.parent.mkdir(exist_ok=True)
    (ROOT / "reports" / "evidence.json").unlink(missing_ok=True)
    basetemp = Path(tempfile.mkdtemp(prefix="opterp20-bench-"))
    sampler = Sampler()
    sampler.start()
    began, cpu = time.monotonic(), CpuTimes.read()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", f"--junitxml={junit}", f"--basetemp={basetemp}", *pytest_args],
        cwd=ROOT,
        env=os.environ,
    )
    wall, busy = time.monotonic() - began, CpuTimes.read().busy_since(cpu)
    sampler.done.set()
    sampler.join()
    sampler.samples.append((time.monotonic(), CpuTimes.read()))
    print(f"\nbench: pytest {' '.join(pytest_args)} exited {done.returncode}")
    print(f"bench: wall {wall / 60:.1f} min ({wall:.0f} s) on {os.cpu_count()} cores")
    peak = sampler.busiest()
    busiest = f", {peak:.0%} in its busiest minute" if peak is not None else ""
    print(f"bench: CPU busy {busy:.0%} over the run{busiest}")
    print(f"bench: the {SLOWEST} slowest tests")
    for seconds, name in slowest(junit):
        print(f"  {seconds:7.1f} s  {name}")
    print("bench: what the whole runs of the suite measured (the largest of each run)")
    for what, values in sorted(measured(basetemp).items()):
        by_run: dict[str, float] = {}
        for value, run in values:
            by_run[run] = max(value, by_run.get(run, value))
        print(f"  {what}: " + ", ".join(f"{value:.3f} ({run})" for run, value in sorted(by_run.items())))
    shutil.rmtree(basetemp, ignore_errors=True)
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())

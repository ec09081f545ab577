"""The misconfiguration catalogue: compose files that must fail the suite
(tests/mutants) and rewrites that must pass it (tests/equivalents).

A mutant's header comment names its mistake and the exact scenarios it fails:

    # Mistake: AOF not switched on
    # Breaks: @ac:aof, @ac:persistence
    # Runs: all            (or `static`: only the @static scenarios are run;
    #                       or `ha`: the file is docker-compose.ha.yml's, run with --tags=@ha,
    #                       the consumers' feature and the partitions aside; or `clients`: the
    #                       consumers' feature alone, @ha-consumers, its partition aside; or
    #                       `partition`: the partitions alone, @ha-partition)
    # Compose file: docker-compose.ha.yml   (optional: the file run instead of this one,
    #   for a mistake that is not in the file: a client setting left out, say)
    # Environment: REDIS_PASSWORD_FILE=tests/mutants/secrets/plain-password   (optional;
    #   a relative path is from the repository root)
    # Fails exactly:
    #   definition.feature: Append-only persistence is switched on
    # May also fail:      (optional: scenarios the mistake leaves to timing)
    #   celery_broker.feature: ...

An equivalent whose header says `# Same model as: docker-compose.yml` is
proven by model equality: Docker Compose normalises it to the very model it
makes of the delivered file (extension fields, `x-*`, aside), so every run of
it is a run of that file. The others change the model, and the whole suite
must pass against them.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.infra.compose import Compose
from tests.support.behave_run import ROOT, behave

MUTANTS = ROOT / "tests" / "mutants"
EQUIVALENTS = ROOT / "tests" / "equivalents"
# The score line printed at the end of the pytest run (tests/catalogue/conftest.py).
SCORE: dict[str, list[bool]] = {"mutants": [], "equivalents": []}
# What a case's run selects, and which setting names its file.
# The topology's mutants leave the consumers' feature aside: it repeats their faults, and
# tests/mutants/clients proves each client setting against it (--tags=@ha-consumers).
# The partitions, of the topology and of its consumers, are proven by tests/mutants/partition.
RUNS = {
    "all": (),
    "static": ("--tags=@static",),
    "ha": ("--tags=@ha", "--tags=~@ha-consumers", "--tags=~@ha-partition"),
    "clients": ("--tags=@ha-consumers", "--tags=~@ha-partition"),
    "partition": ("--tags=@ha-partition",),
}
HA_RUNS = ("ha", "clients", "partition")  # given docker-compose.ha.yml's features


@dataclass(frozen=True)
class Case:
    path: Path
    mistake: str
    runs: str  # a key of RUNS
    fails: frozenset[str]  # "feature file: scenario name"
    environment: tuple[tuple[str, str], ...] = ()  # variables the run is given
    # Scenarios whose outcome the mistake leaves to timing (`May also fail:`): neither required nor unexpected.
    may_fail: frozenset[str] = frozenset()
    same_model_as: str = ""  # `Same model as:`, a path from the repository root
    compose_file: str = ""  # `Compose file:`, run instead of this file; a path from the repository root

    @property
    def file(self) -> Path:
        """The compose file the run is given."""
        return ROOT / self.compose_file if self.compose_file else self.path

    @property
    def name(self) -> str:
        return self.path.stem

    @classmethod
    def parse(cls, path: Path) -> Case:
        fields: dict[str, str] = {}
        lists: dict[str, set[str]] = {"Fails exactly:": set(), "May also fail:": set()}
        listing: set[str] | None = None
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("#"):
                break
            text = line[1:].strip()
            if listing is not None and line.startswith("#   "):
                listing.add(text)
                continue
            listing = lists.get(text)
            key, _, value = text.partition(": ")
            fields.setdefault(key, value)
        runs = fields.get("Runs", "all").split()[0]
        if runs not in RUNS:
            raise ValueError(f"{path.name}: `Runs:` must be one of {', '.join(RUNS)}, not {runs!r}")
        environment = tuple(
            (name, str(ROOT / value) if "/" in value else value)
            for name, _, value in (item.partition("=") for item in fields.get("Environment", "").split())
        )
        mistake = fields.get("Mistake") or fields.get("Equivalent", "")
        fails, may_fail = lists["Fails exactly:"], lists["May also fail:"]
        same, compose_file = fields.get("Same model as", ""), fields.get("Compose file", "")
        return cls(path, mistake, runs, frozenset(fails), environment, frozenset(may_fail), same, compose_file)


@dataclass(frozen=True)
class Outcome:
    returncode: int
    failed: frozenset[str]  # scenarios that did not pass, as "feature file: name"
    executed: int
    stderr: str
    project: str  # the run's compose project
    reasons: dict[str, str]  # failed scenario -> its first error, on one line


def judged(case: Case, outcome: Outcome) -> frozenset[str]:
    """The failures that count: a scenario the mistake leaves to timing counts neither way."""
    return outcome.failed - case.may_fail


def killed(case: Case, outcome: Outcome) -> bool:
    """The catalogue's kill rule: the run failed, on exactly the scenarios the mutant's header names."""
    return outcome.returncode == 1 and judged(case, outcome) == case.fails


def passed(outcome: Outcome) -> bool:
    """An equivalent passes: every scenario it ran passed, and it ran some."""
    return outcome.returncode == 0 and not outcome.failed and outcome.executed > 0


def model(path: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """The suite's own reading of `path` (`Compose.config`), under one project
    name, without its extension fields (Compose keeps them in the model and
    acts on none)."""
    compose = Compose("opterp20-model", path, timeout=60).with_variables(env or {})
    return {key: value for key, value in compose.config().items() if not key.startswith("x-")}


def run_suite(case: Case, timeout: float = 600) -> Outcome:
    """`behave -D compose_file=<case>`; scenario results from behave's JSON."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "catalogue-results.json"  # not behave.json: the reports formatter writes that
        setting = "ha_compose_file" if case.runs in HA_RUNS else "compose_file"
        args = ["-D", f"{setting}={case.file}", "--format", "json", "--outfile", str(report)]
        env = dict(case.environment)
        done = behave(*args, *RUNS[case.runs], reports=Path(scratch), junit=False, env=env, timeout=timeout)
        features = json.loads(report.read_text() or "[]") if report.exists() else []
    failed, executed, reasons = set(), 0, {}
    for feature in features:
        for element in feature.get("elements", []):
            if element.get("type") != "scenario" or element.get("status") in ("skipped", "untested"):
                continue
            executed += 1
            if element.get("status") != "passed":
                name = f"{Path(feature['location'].split(':')[0]).name}: {element['name']}"
                failed.add(name)
                reasons[name] = _first_error(element)
    return Outcome(done.returncode, frozenset(failed), executed, done.stderr.strip(), done.project, reasons)


def _first_error(element: dict) -> str:
    for step in element.get("steps", []):
        message = step.get("result", {}).get("error_message")
        if message:
            text = message if isinstance(message, str) else " ".join(message)
            return " ".join(text.split())[:500]
    return element.get("status", "failed")

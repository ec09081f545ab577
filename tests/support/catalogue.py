"""The misconfiguration catalogue: mistakes that must fail the suite
(tests/mutants) and rewrites that must pass it (tests/equivalents), each kept
as its one change to a delivered compose file, never as a copy of one.

A case is a header comment naming the change and what it must do, then the
change itself as a unified diff against today's delivered file, which the
catalogue applies at test time (tests/support/patch.py). So every case is the
file OpticsERP gets plus one mistake; a change of the delivered file where a
case changes it makes that case fail to apply, in the quick loop.

    # Mistake: AOF not switched on
    # Breaks: @ac:aof, @ac:persistence
    # Runs: all            (or `static`: only the @static scenarios are run;
    #                       or `ha`: docker-compose.ha.yml's features, --tags=@ha, the consumers'
    #                       feature and the partitions aside; or `clients`: the consumers' feature
    #                       alone, @ha-consumers, its partition aside; or `partition`: the
    #                       partitions alone, @ha-partition; or `ops`: features/ops, --tags=@ops)
    # Environment: REDIS_PASSWORD_FILE=tests/mutants/secrets/plain-password   (optional;
    #   a relative path is from the repository root)
    # Compose file: docker-compose.ha.yml   (only for a case without a diff: the delivered file
    #   it runs as it is, its mistake being in the environment: a client setting left out, say)
    # Same mistake as: ha/no-min-replicas   (optional, instead of a diff: that case's)
    # Fails exactly:
    #   definition.feature: Append-only persistence is switched on
    # May also fail:      (optional: scenarios the mistake leaves to timing; they are not run)
    #   celery_broker.feature: ...
    --- docker-compose.yml
    +++ docker-compose.yml
    @@ -18,3 +18,3 @@
    ...

A mutant runs the features that hold the scenarios it names (its kind's tags,
within those files): it must fail exactly the named ones, and every other
scenario of those features must pass. The rest of the suite is not run for it:
a mistake proves itself where it is caught, and a run of the whole suite per
mistake cost more than the test command's bound allows. An equivalent runs its
kind's whole selection, since it must pass everything.

An equivalent whose header says `# Same model as: docker-compose.yml` is
proven by model equality: Docker Compose normalises it to the very model it
makes of the delivered file (extension fields, `x-*`, aside), so every run of
it is a run of that file. The others change the model, and the whole suite
must pass against them.

    uv run python -m tests.support.catalogue show NAME     the compose file a case runs, exactly
    uv run python -m tests.support.catalogue show --list   every case: its name, kind and change
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.infra.compose import Compose
from tests.support.behave_run import ROOT, behave
from tests.support.patch import DoesNotApply, Patch

MUTANTS = ROOT / "tests" / "mutants"
FEATURES = ROOT / "features"
EQUIVALENTS = ROOT / "tests" / "equivalents"
DELIVERED = ("docker-compose.yml", "docker-compose.ha.yml")
HA_FILE = "docker-compose.ha.yml"
# What a case's run selects.
# The topology's mutants leave the consumers' feature aside: it repeats their faults, and
# tests/mutants/clients proves each client setting against it (--tags=@ha-consumers).
# The partitions, of the topology and of its consumers, are proven by tests/mutants/partition.
RUNS = {
    "all": (),
    "static": ("--tags=@static",),
    "ha": ("--tags=@ha", "--tags=~@ha-consumers", "--tags=~@ha-partition"),
    "clients": ("--tags=@ha-consumers", "--tags=~@ha-partition"),
    "partition": ("--tags=@ha-partition",),
    "ops": ("--tags=@ops",),
}
# A run of each kind, measured: its seconds, and the cores it keeps busy (tests/support/parallel.py
# starts the longest first, and spreads the busy ones among those that mostly wait).
COST = {"all": (30, 0.8), "static": (3, 0.8), "ha": (110, 0.4), "clients": (95, 0.5), "partition": (35, 0.4)}
COST["ops"] = (15, 0.6)  # features/ops: 8 scenarios in about 15 s


@dataclass(frozen=True)
class Case:
    path: Path
    mistake: str
    runs: str  # a key of RUNS
    fails: frozenset[str]  # "feature file: scenario name"
    environment: tuple[tuple[str, str], ...] = ()  # variables the run is given
    # Scenarios whose outcome the mistake leaves to timing (`May also fail:`): not run.
    may_fail: frozenset[str] = frozenset()
    same_model_as: str = ""  # `Same model as:`, a path from the repository root
    patch: Patch | None = None  # the change; None: the delivered file as it is
    compose_file: str = ""  # `Compose file:`, for a case without a diff

    @property
    def name(self) -> str:
        """Its path under tests/mutants or tests/equivalents, without `.patch`: `aof-off`, `ha/quorum-3`."""
        for kind_dir in (MUTANTS, EQUIVALENTS):
            if self.path.is_relative_to(kind_dir):
                return self.path.relative_to(kind_dir).with_suffix("").as_posix()
        return self.path.stem

    @property
    def kind(self) -> str:
        return "equivalent" if self.path.is_relative_to(EQUIVALENTS) else "mutant"

    @property
    def target(self) -> str:
        """The delivered file the case starts from."""
        return self.patch.target if self.patch else self.compose_file or DELIVERED[0]

    @property
    def features(self) -> tuple[str, ...]:
        """The feature files a mutant's run is judged on: those holding the scenarios it
        must fail (an equivalent's: none named, so its kind's whole selection)."""
        folder = FEATURES / "ha" if self.target == HA_FILE else FEATURES / "ops" if self.runs == "ops" else FEATURES
        return tuple(sorted({str((folder / s.split(": ", 1)[0]).relative_to(ROOT)) for s in self.fails}))

    @property
    def cost(self) -> tuple[float, float]:
        """The seconds its run takes (its kind's, for the share of the folder's features
        it runs), and the cores it keeps busy."""
        seconds, cores = COST[self.runs]
        if not self.features:
            return seconds, cores
        folder = (ROOT / self.features[0]).parent
        share = len(self.features) / len(list(folder.glob("*.feature")))
        return round(seconds * max(share, 0.2), 1), cores

    @classmethod
    def parse(cls, path: Path) -> Case:
        text = path.read_text(encoding="utf-8")
        fields: dict[str, str] = {}
        lists: dict[str, set[str]] = {"Fails exactly:": set(), "May also fail:": set()}
        listing: set[str] | None = None
        key = ""
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            content = line[1:].strip()
            if line.startswith("#   "):  # an item of a list, or a field's text going on
                if listing is not None:
                    listing.add(content)
                elif key in fields:
                    fields[key] += f" {content}"
                continue
            listing = lists.get(content)
            key, _, value = content.partition(": ")
            fields.setdefault(key, value)
        runs = fields.get("Runs", "all").split()[0]
        if runs not in RUNS:
            raise ValueError(f"{path.name}: `Runs:` must be one of {', '.join(RUNS)}, not {runs!r}")
        environment = tuple(
            (name, str(ROOT / value) if "/" in value else value)
            for name, _, value in (item.partition("=") for item in fields.get("Environment", "").split())
        )
        patch = Patch.parse(text)
        if same := fields.get("Same mistake as"):
            patch = Case.parse(MUTANTS / f"{same}.patch").patch
        if patch and patch.target not in DELIVERED:
            raise ValueError(f"{path.name}: its diff is of {patch.target}, not of a delivered file {DELIVERED}")
        return cls(
            path,
            fields.get("Mistake") or fields.get("Equivalent", ""),
            runs,
            frozenset(lists["Fails exactly:"]),
            environment,
            frozenset(lists["May also fail:"]),
            fields.get("Same model as", ""),
            patch,
            fields.get("Compose file", ""),
        )

    def text(self) -> str:
        """The compose file the case runs (DoesNotApply if today's file changed where the case does)."""
        delivered = (ROOT / self.target).read_text(encoding="utf-8")
        return self.patch.apply(delivered) if self.patch else delivered

    def derive(self, directory: Path) -> Path:
        """The case's compose file, written into `directory` beside copies of the
        delivered files (which a case may extend, as an override beside them would)."""
        for name in DELIVERED:
            shutil.copy(ROOT / name, directory / name)
        if self.patch is None:
            return directory / self.target
        derived = directory / f"{self.path.stem}.yml"
        derived.write_text(self.text(), encoding="utf-8")
        return derived


def mutants() -> list[Case]:
    return [Case.parse(p) for p in sorted(MUTANTS.glob("*.patch")) + sorted(MUTANTS.glob("*/*.patch"))]


def equivalents() -> list[Case]:
    return [Case.parse(p) for p in sorted(EQUIVALENTS.glob("*.patch"))]


def find(name: str) -> Case:
    matches = [case for case in mutants() + equivalents() if case.name == name]
    if not matches:
        raise LookupError(f"no case named {name!r}; `show --list` names them all")
    return matches[0]


@dataclass(frozen=True)
class Outcome:
    returncode: int
    failed: frozenset[str]  # scenarios that did not pass, as "feature file: name"
    executed: int
    stderr: str
    project: str  # the run's compose project
    reasons: dict[str, str]  # failed scenario -> its first error, on one line


def killed(case: Case, outcome: Outcome) -> bool:
    """The catalogue's kill rule: the run of the features the mutant's header names
    failed, on exactly the scenarios it names."""
    return outcome.returncode == 1 and outcome.failed == case.fails


def passed(outcome: Outcome) -> bool:
    """An equivalent passes: every scenario it ran passed, and it ran some."""
    return outcome.returncode == 0 and not outcome.failed and outcome.executed > 0


def model(path: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """The suite's own reading of `path` (`Compose.config`), under one project
    name, without its extension fields (Compose keeps them in the model and
    acts on none)."""
    compose = Compose("opterp20-model", path, timeout=60).with_variables(env or {})
    return {key: value for key, value in compose.config().items() if not key.startswith("x-")}


def selection(case: Case) -> tuple[str, ...]:
    """behave's arguments for the scenarios the case is judged on: its kind's
    tags, in the features it names (a mutant's), less the scenarios it leaves to
    timing (by name: behave selects by name with one regular expression, here
    one that matches every other name)."""
    names = sorted({scenario.split(": ", 1)[1] for scenario in case.may_fail})
    leave_out = ("--name", f"^(?!(?:{'|'.join(re.escape(n) for n in names)})$)") if names else ()
    return (*RUNS[case.runs], *leave_out, *case.features)


def run_suite(case: Case, timeout: float = 600) -> Outcome:
    """`behave -D compose_file=<the case's file>`; scenario results from behave's JSON."""
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        report = directory / "catalogue-results.json"  # not behave.json: the reports formatter writes that
        setting = "ha_compose_file" if case.target == HA_FILE else "compose_file"
        args = ["-D", f"{setting}={case.derive(directory)}", "--format", "json", "--outfile", str(report)]
        done = behave(
            *args, *selection(case), reports=directory, junit=False, env=dict(case.environment), timeout=timeout
        )
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


def main(argv: list[str]) -> int:
    if argv == ["show", "--list"]:
        for case in mutants() + equivalents():
            print(f"{case.kind:10} {case.name:42} {case.target:22} {case.mistake}")
        return 0
    if len(argv) == 2 and argv[0] == "show":
        try:
            print(find(argv[1]).text(), end="")
        except (LookupError, DoesNotApply) as error:
            print(f"catalogue: {error}", file=sys.stderr)
            return 1
        return 0
    print("usage: python -m tests.support.catalogue show NAME | show --list", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

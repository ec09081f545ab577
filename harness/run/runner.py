"""behave's own runner, with two of its lines changed and one verdict added.

- behave 1.3 prints `USING RUNNER: ...` on stdout before every run, with no
  option to turn it off (behave#1319; behave#1334 would move it to stderr).
  Named in [tool.behave], so the console starts with the run's own first line.
- A run the suite stops itself (the engine went away) is aborted as behave
  aborts one, so the scenarios after it are reported as not run; behave would
  then close with "ABORTED: By user.", which is not what happened.
- A run whose cleanup failed is red, without a hook raising a traceback.
- report.html, once behave's formatter has written it, opens with the sign-off's verdict.
- A `--tags` filter in behave's classic syntax (`@ac:port,@ac:ping`) is read
  as the `or` it means (harness/run/classic_tags.py), not ended in a traceback.
- One topology kind's features are collected (harness/topology/kinds.py): a
  kind with a folder of its own (the Sentinel topology's `features/ha/`) when
  it is asked for, by its tag (`--tags=@ha`) or by naming its features; else
  the plan's. A default tag filter would do it too, but behave counts every
  scenario a tag expression leaves out as skipped, and the default run's
  summary must say `0 skipped`."""

from __future__ import annotations

import builtins
import sys
from pathlib import Path
from typing import Any

import behave.runner
from behave.runner import Runner as BehaveRunner

from harness.reporting import html_verdict
from harness.reporting.formatter import HTML
from harness.reporting.publish import SIGNOFF_JSON
from harness.reporting.specifications import SPECIFICATIONS
from harness.run import classic_tags
from harness.topology import kinds
from harness.topology.kinds import TopologyKind

_NOISE = "USING RUNNER: "
_BY_USER = "\nABORTED: By user."


def _print_without_runner_line(*args: Any, **kwargs: Any) -> None:
    if args and isinstance(args[0], str) and args[0].startswith(_NOISE):
        return
    builtins.print(*args, **kwargs)


class Runner(BehaveRunner):
    def __init__(self, config: Any, **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        classic_tags.read(config)
        self.stopped_because: str | None = None
        self.red = False  # set by the run's lifecycle: something failed outside any scenario
        # behave prints that line from its main module (`behave.__main__`, or
        # `__main__` under `python -m behave`) right after making this runner.
        for name in ("behave.__main__", "__main__"):
            module = sys.modules.get(name)
            if module is not None and getattr(module, "__package__", None) == "behave":
                module.print = _print_without_runner_line  # type: ignore[attr-defined]
        behave.runner.print = self._print

    def feature_locations(self) -> list[Any]:
        found = list(super().feature_locations())
        kind = asked_kind(self.config.tag_expression, [Path(p) for p in self.config.paths])
        return [location for location in found if kinds.of_path(Path(str(location.filename))) is kind]

    def stop(self, reason: str) -> None:
        """End the run after the current step: the rest is not run."""
        if self.stopped_because is None:
            self.stopped_because = reason
            self.context._set_root_attribute("aborted", True)

    def run_model(self, features: Any = None) -> bool:
        failed = bool(super().run_model(features))
        # behave's formatters have written report.html now, and the run its sign-off.
        suite = getattr(self.context, "suite", None) if self.context is not None else None
        if suite is not None:
            reports = suite.settings.reports_dir
            html_verdict.open_with_verdict(reports / HTML, reports / SIGNOFF_JSON, self._plan_order())
        return failed or self.red

    def _plan_order(self) -> list[str]:
        """The run's features by name, in the order of the criteria they prove (the sign-off's)."""
        kind = asked_kind(self.config.tag_expression, [Path(p) for p in self.config.paths])
        criteria = [f"{c.prefix}:{tag}" for c in SPECIFICATIONS[kind.name].criteria for tag in c.proven_by]
        features = [(f.name, [t for s in f.walk_scenarios() for t in s.effective_tags]) for f in self.features]
        return html_verdict.plan_order(features, criteria)

    def _print(self, *args: Any, **kwargs: Any) -> None:
        if self.stopped_because is not None and args and args[0] == _BY_USER:
            return
        builtins.print(*args, **kwargs)


def asked_kind(tags: Any, paths: list[Path]) -> TopologyKind:
    """The kind whose features a run asks for: one with a folder of its own whose
    features are named, or whose scenarios the tag expression asks for; else the plan's."""
    for kind in kinds.KINDS:
        if kind.folder and (requires(kind, tags) or any(kind.holds(path) for path in paths)):
            return kind
    return kinds.KINDS[0]


def requires(kind: TopologyKind, tags: Any) -> bool:
    """Whether the tag expression is a filter that one of the kind's scenarios
    passes: tagged with the kind's tag and one of its criteria, with or without
    its feature tags (for the Sentinel topology: `--tags=@ha`, `--tags=@ha:majority`,
    `--tags=@ha-consumers`, `--tags=@ha-partition`, `--tags="@ha and @ha:ready"`).
    A filter on the tickets' keys (@OPTERP-20) is not."""
    criteria = [f"{kind.tag}:{tag}" for c in SPECIFICATIONS[kind.name].criteria for tag in c.proven_by]
    scenarios = ([kind.tag, *feature, criterion] for criterion in criteria for feature in kind.feature_tags)
    return not tags.check([]) and any(tags.check(scenario) for scenario in scenarios)

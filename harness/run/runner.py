"""behave's own runner, with two of its lines changed and one verdict added.

- behave 1.3 prints `USING RUNNER: ...` on stdout before every run, with no
  option to turn it off (behave#1319; behave#1334 would move it to stderr).
  Named in [tool.behave], so the console starts with the run's own first line.
- A run the suite stops itself (the engine went away) is aborted as behave
  aborts one, so the scenarios after it are reported as not run; behave would
  then close with "ABORTED: By user.", which is not what happened.
- A run whose cleanup failed is red, without a hook raising a traceback.
- The Sentinel topology's features (`features/ha/`) are collected only when
  they are asked for: by `--tags=@ha`, or by naming them. A default tag filter
  would do it too, but behave counts every scenario a tag expression leaves
  out as skipped, and the default run's summary must say `0 skipped`. With
  `--tags=@ha` only they are collected, for the same reason."""

from __future__ import annotations

import builtins
import sys
from pathlib import Path
from typing import Any

import behave.runner
from behave.runner import Runner as BehaveRunner

from harness.reporting.criteria import HA

_NOISE = "USING RUNNER: "
HA_FEATURES = "ha"  # features/ha/: the features of docker-compose.ha.yml
HA_TAG = "ha"
HA_CONSUMERS_TAG = "ha-consumers"  # features/ha/consumers.feature
HA_PARTITION_TAG = "ha-partition"  # every scenario with a network partition
# The feature-level tags an @ha scenario may carry besides @ha.
HA_FEATURE_TAGS: tuple[list[str], ...] = (
    [],
    [HA_CONSUMERS_TAG],
    [HA_PARTITION_TAG],
    [HA_CONSUMERS_TAG, HA_PARTITION_TAG],
)
_BY_USER = "\nABORTED: By user."


def _print_without_runner_line(*args: Any, **kwargs: Any) -> None:
    if args and isinstance(args[0], str) and args[0].startswith(_NOISE):
        return
    builtins.print(*args, **kwargs)


class Runner(BehaveRunner):
    def __init__(self, config: Any, **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
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
        asked = requires_ha(self.config.tag_expression) or any(is_ha(Path(p)) for p in self.config.paths)
        return [location for location in found if is_ha(Path(str(location.filename))) == asked]

    def stop(self, reason: str) -> None:
        """End the run after the current step: the rest is not run."""
        if self.stopped_because is None:
            self.stopped_because = reason
            self.context._set_root_attribute("aborted", True)

    def run_model(self, features: Any = None) -> bool:
        failed = bool(super().run_model(features))
        return failed or self.red

    def _print(self, *args: Any, **kwargs: Any) -> None:
        if self.stopped_because is not None and args and args[0] == _BY_USER:
            return
        builtins.print(*args, **kwargs)


def requires_ha(tags: Any) -> bool:
    """Whether the tag expression is a filter that an @ha scenario passes: one
    tagged @ha and one of the topology's criteria, with or without the feature
    tags of HA_FEATURE_TAGS (`--tags=@ha`, `--tags=@ha:majority`, `--tags=@ha-consumers`,
    `--tags=@ha-partition`, `--tags="@ha and @ha:ready"`). A filter on the tickets' keys (@OPTERP-20) is not."""
    criteria = [f"ha:{tag}" for criterion in HA for tag in criterion.proven_by]
    scenarios = ([HA_TAG, *feature, criterion] for criterion in criteria for feature in HA_FEATURE_TAGS)
    return not tags.check([]) and any(tags.check(scenario) for scenario in scenarios)


def is_ha(path: Path) -> bool:
    """A feature file in, or the directory, `features/ha`."""
    return (path.parent if path.suffix == ".feature" else path).name == HA_FEATURES

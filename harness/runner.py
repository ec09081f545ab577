"""behave's own runner, minus one line of noise: behave 1.3 prints
`USING RUNNER: ...` on stdout before every run, with no option to turn it off
(behave#1319; behave#1334 would move it to stderr). Named in [tool.behave], so
the console starts with the run's own first line."""

from __future__ import annotations

import builtins
import sys
from typing import Any

from behave.runner import Runner as BehaveRunner

_NOISE = "USING RUNNER: "


def _print_without_runner_line(*args: Any, **kwargs: Any) -> None:
    if args and isinstance(args[0], str) and args[0].startswith(_NOISE):
        return
    builtins.print(*args, **kwargs)


class Runner(BehaveRunner):
    def __init__(self, config: Any, **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        # behave prints that line from its main module (`behave.__main__`, or
        # `__main__` under `python -m behave`) right after making this runner.
        for name in ("behave.__main__", "__main__"):
            module = sys.modules.get(name)
            if module is not None and getattr(module, "__package__", None) == "behave":
                module.print = _print_without_runner_line  # type: ignore[attr-defined]

"""The code's shape, as issue 28 measures it: the longest module and class, the
step functions over 8 lines, the branches on the run being the Sentinel
topology's outside `harness/topology/`, and the largest scenario-state class.

    uv run python bench/shape.py [ROOT]

Modules are the delivered code and the test support (not `test_*.py`); a step
function's length is its body's, from the first statement after its docstring."""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

CODE = ("harness", "steps", "stand_ins", "bench", "tests/support", "environment.py")
STEP_DECORATORS = {"given", "when", "then", "step"}
LONG_STEP = 8  # lines
HA_NAMES = {"ha", "_ha_selected", "HA_FEATURE_TAGS", "ha_compose_file", "ha_run_timeout", "ha_poll_interval"}


@dataclass(frozen=True)
class Measure:
    what: str
    value: int
    where: str

    def __str__(self) -> str:
        return f"{self.what}: {self.value} ({self.where})"


def modules(root: Path) -> list[Path]:
    found: list[Path] = []
    for part in CODE:
        path = root / part
        found += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return [p for p in found if not p.name.startswith("test_")]


def longest_module(root: Path, files: list[Path]) -> Measure:
    size, path = max((len(p.read_text().splitlines()), p) for p in files)
    return Measure("longest module", size, str(path.relative_to(root)))


def longest_class(root: Path, trees: dict[Path, ast.Module]) -> Measure:
    size, where = max(
        (node.end_lineno - node.lineno + 1, f"{path.relative_to(root)}:{node.name}")
        for path, tree in trees.items()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and node.end_lineno is not None
    )
    return Measure("longest class", size, where)


def _is_step(function: ast.FunctionDef) -> bool:
    for decorator in function.decorator_list:
        call = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(call, ast.Name) and call.id in STEP_DECORATORS:
            return True
    return False


def _body_lines(function: ast.FunctionDef) -> int:
    body = function.body
    docstring = isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and len(body) > 1
    first = body[1] if docstring else body[0]
    return (function.end_lineno or first.lineno) - first.lineno + 1


def long_steps(root: Path, trees: dict[Path, ast.Module]) -> Measure:
    steps = [
        (_body_lines(node), f"{path.relative_to(root)}:{node.name}")
        for path, tree in trees.items()
        if path.parts[len(root.parts)] == "steps"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and _is_step(node)
    ]
    long = sorted(((n, w) for n, w in steps if n > LONG_STEP), reverse=True)
    return Measure(f"step functions over {LONG_STEP} lines", len(long), f"of {len(steps)}: {long[:3]}")


def _names(node: ast.AST) -> set[str]:
    found = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            found.add(child.id)
        elif isinstance(child, ast.Attribute):
            found.add(child.attr)
    return found


def ha_branches(root: Path, trees: dict[Path, ast.Module]) -> Measure:
    where = [
        f"{path.relative_to(root)}:{node.lineno}"
        for path, tree in trees.items()
        if not str(path.relative_to(root)).startswith(("harness/topology/", "bench/", "tests/"))
        for node in ast.walk(tree)
        if isinstance(node, ast.If | ast.IfExp | ast.While) and _names(node.test) & HA_NAMES
    ]
    return Measure("`ha` branches outside harness/topology/", len(where), ", ".join(where) or "none")


def largest_state(root: Path, trees: dict[Path, ast.Module]) -> Measure:
    size, where = max(
        (sum(isinstance(s, ast.AnnAssign) for s in node.body), f"{path.relative_to(root)}:{node.name}")
        for path, tree in trees.items()
        if path.parts[len(root.parts) :][:2] == ("harness", "run") or path.name == "scenario_state.py"
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and node.name.endswith("State")
    )
    return Measure("largest state class (fields)", size, where)


def main(argv: list[str]) -> int:
    root = Path(argv[1] if len(argv) > 1 else ".").resolve()
    files = modules(root)
    trees = {p: ast.parse(p.read_text(), str(p)) for p in files}
    for measure in (
        longest_module(root, files),
        longest_class(root, trees),
        long_steps(root, trees),
        ha_branches(root, trees),
        largest_state(root, trees),
    ):
        print(measure)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

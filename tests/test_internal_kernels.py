"""Compiled functions without a Python entry point (model/internal.py) are called only from compiled code.

Calling one from Python would crash the interpreter rather than raise, so the sources are checked: outside the
bodies of compiled functions, nothing in the package, the tests, the benchmarks or the tools may refer to one by
name (importing it for compiled code is allowed)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("src", "tests", "benchmarks", "tools")


def decorators(node: ast.FunctionDef) -> list[str]:
    return [ast.unparse(d) for d in node.decorator_list]


def is_compiled(node: ast.AST) -> bool:
    return isinstance(node, ast.FunctionDef) and any("njit" in d or d == "internal" for d in decorators(node))


def trees() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8")))
            for folder in FOLDERS for path in sorted((ROOT / folder).rglob("*.py"))]


def internal_names(parsed: list[tuple[Path, ast.Module]]) -> set[str]:
    return {node.name for _, tree in parsed for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and "internal" in decorators(node)}


def python_references(tree: ast.Module, names: set[str]) -> list[tuple[str, int]]:
    """(name, line) of every use of one of `names` outside compiled functions and import statements."""
    inside = {id(sub) for node in ast.walk(tree) if is_compiled(node) for sub in ast.walk(node)}
    found = []
    for node in ast.walk(tree):
        if id(node) in inside:
            continue
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        if name in names:
            found.append((name, node.lineno))
    return found


def test_internal_functions_are_called_only_from_compiled_code() -> None:
    parsed = trees()
    names = internal_names(parsed)
    assert {"record_month", "record_outcomes", "record_groups", "record_tables"} <= names
    misuse = [f"{path.relative_to(ROOT)}:{line} {name}" for path, tree in parsed
              for name, line in python_references(tree, names)]
    assert misuse == [], f"called from Python (remove @internal or call it from compiled code): {misuse}"


def test_the_check_sees_a_call_from_python() -> None:
    source = ast.parse("@internal\ndef kernel(x):\n    return x\n\n"
                       "@numba.njit\ndef caller(x):\n    return kernel(x)\n\n"
                       "def python(x):\n    return kernel(x)\n")
    assert python_references(source, {"kernel"}) == [("kernel", 10)]

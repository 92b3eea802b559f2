"""Helpers for the tests that walk a registry instead of keeping a hand list: import everything
that may fill a registry (the core's modules, the installed plugins, the test modules that
declare tables), and find which tests say they exercise what."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections.abc import Iterator
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path

import kinerja

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
# Modules whose import does more than define things: the WSGI entry point builds an app from the
# environment. It registers nothing of its own (it imports the factory, walked anyway).
NOT_IMPORTED = frozenset({"kinerja.wsgi"})


@cache
def import_everything() -> tuple[str, ...]:
    """Import every module of the core and of every installed plugin, so every registry (rules,
    labels, counters, kinds) holds what the code anywhere registers, lazily imported or not."""
    names = [
        m.name
        for m in pkgutil.walk_packages(kinerja.__path__, "kinerja.")
        if m.name not in NOT_IMPORTED
    ]
    for point in entry_points(group="kinerja.plugins"):
        package = importlib.import_module(point.value.split(":")[0])
        names.append(package.__name__)
        if hasattr(package, "__path__"):
            names += [
                m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
            ]
    for name in names:
        importlib.import_module(name)
    return tuple(names)


def test_files() -> Iterator[Path]:
    """The suite's test modules: the core's and each first-party plugin's."""
    yield from sorted(TESTS.glob("test_*.py"))
    yield from sorted(ROOT.glob("plugins/*/tests/test_*.py"))


def import_tests(pattern: str) -> list[str]:
    """Import the core's test modules matching `pattern` (their tables register on import)."""
    names = [f"tests.{path.stem}" for path in sorted(TESTS.glob(pattern))]
    for name in names:
        importlib.import_module(name)
    return names


def marked(mark: str) -> dict[str, set[str]]:
    """{argument: tests} of every test function decorated `@pytest.mark.<mark>("a", "b", ...)`,
    read from the source (so it holds whichever tests this run collected)."""
    found: dict[str, set[str]] = {}
    for path in test_files():
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if not node.name.startswith("test_"):
                continue
            for decorator in node.decorator_list:
                if not (
                    isinstance(decorator, ast.Call)
                    and isinstance(decorator.func, ast.Attribute)
                    and decorator.func.attr == mark
                    and ast.unparse(decorator.func.value) == "pytest.mark"
                ):
                    continue
                for argument in decorator.args:
                    assert isinstance(argument, ast.Constant), f"{path}: {node.name}: a literal"
                    where = f"{path.relative_to(ROOT)}::{node.name}"
                    found.setdefault(str(argument.value), set()).add(where)
    return found

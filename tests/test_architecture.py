"""The shape of the code, as docs/architecture.md describes it: the import layers of
.importlinter hold, no module grows past 600 lines, no import is made by name at run
time outside the app factory, services never abort a request, and no signal is
connected as a side effect of importing a module."""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
MAX_LINES = 600


def python_files() -> list[Path]:
    return sorted(APP.rglob("*.py"))


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def lint_imports() -> list[str]:
    script = Path(sys.executable).parent / "lint-imports"
    command = [str(script)] if script.exists() else [shutil.which("lint-imports") or "lint-imports"]
    return command + ["--config", str(ROOT / ".importlinter")]


def test_the_import_layers_hold():
    result = subprocess.run(lint_imports(), cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_no_module_is_over_600_lines():
    long = [f"{relative(path)}: {n}" for path in python_files()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert long == []


def _imports_importlib(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(alias.name.split(".")[0] == "importlib" for alias in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "importlib":
            return True
    return False


def test_importlib_only_in_the_app_factory():
    found = [relative(path) for path in python_files() if path != APP / "__init__.py" and _imports_importlib(path)]
    assert found == []


def _is_services_module(path: Path) -> bool:
    return path.name == "services.py" or "services" in path.relative_to(APP).parts[:-1]


def _aborts(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and (getattr(node.func, "id", None) == "abort"
                                               or getattr(node.func, "attr", None) == "abort")]


def test_no_service_aborts_a_request():
    """Services raise a Refusal or return None; the view decides between 404 and 403."""
    found = [f"{relative(path)}:{line}" for path in python_files() if _is_services_module(path)
             for line in _aborts(path)]
    assert found == []


def _module_level_connects(path: Path) -> list[int]:
    """Lines where a statement outside any function or class calls `.connect(`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = []
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            # Decorators run at import time too (@signal.connect).
            calls = [d for d in statement.decorator_list]
        else:
            calls = [statement]
        for node in calls:
            for inner in ast.walk(node):
                if isinstance(inner, ast.Attribute) and inner.attr in ("connect", "connect_via"):
                    lines.append(inner.lineno)
    return lines


def test_no_signal_is_connected_when_a_module_is_imported():
    """Receivers are connected by each domain's wiring.connect(app), which the app factory calls."""
    found = [f"{relative(path)}:{line}" for path in python_files() for line in _module_level_connects(path)]
    assert found == []


def test_the_checks_above_can_fail(tmp_path):
    """The detectors find what they look for."""
    sample = tmp_path / "services.py"
    sample.write_text("import importlib\nfrom flask import abort\nfrom x import sig\n"
                      "sig.connect(print)\n\n\n@sig.connect\ndef f():\n    abort(404)\n")
    assert _imports_importlib(sample)
    assert _aborts(sample) == [9]
    assert _module_level_connects(sample) == [4, 7]


def _unit_cycles() -> list[list[str]]:
    """Groups of app's top-level units (packages and modules directly under app/) that
    import each other, directly or round a loop; imports inside functions count too."""
    import grimp  # installed with import-linter, which the layer test needs as well

    graph = grimp.build_graph("app")
    edges: dict[str, set[str]] = {}
    for module in graph.modules:
        if module.count(".") < 1:
            continue
        unit = module.split(".")[1]
        for imported in graph.find_modules_directly_imported_by(module):
            if imported.count(".") >= 1 and imported.split(".")[1] != unit:
                edges.setdefault(unit, set()).add(imported.split(".")[1])

    def reaches(start: str, goal: str) -> bool:
        seen, stack = set(), [start]
        while stack:
            node = stack.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                stack.extend(edges.get(node, ()))
        return False

    units = sorted(edges)
    groups: list[list[str]] = []
    for unit in units:
        group = sorted(u for u in units if u != unit and reaches(unit, u) and reaches(u, unit))
        if group and sorted([unit, *group]) not in groups:
            groups.append(sorted([unit, *group]))
    return groups


def test_no_import_cycle_between_top_level_units():
    assert _unit_cycles() == []

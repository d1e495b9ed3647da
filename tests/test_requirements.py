"""A production install is `pip install -r requirements.txt`: everything the running
application imports must come from the standard library or from a package pinned there."""
from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What production runs: the application, its configuration, the WSGI entry and the migrations.
RUNTIME_SOURCES = ("app", "config.py", "wsgi.py", "migrations")


def canonical(name: str) -> str:
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned_requirements(path: Path) -> dict[str, str]:
    """{distribution: version} for every `name[extras]==version` line of a requirements file."""
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==(\S+)", line)
        assert match, f"{path.name}: not pinned with ==: {line}"
        pins[canonical(match[1])] = match[3]
    return pins


def source_files() -> list[Path]:
    files = []
    for name in RUNTIME_SOURCES:
        path = ROOT / name
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return files


def local_names() -> set[str]:
    """Top-level names this project defines itself: its packages and modules at the root."""
    return {p.stem for p in ROOT.glob("*.py")} | {p.name for p in ROOT.iterdir()
                                                  if p.is_dir() and (p / "__init__.py").exists()}


def imported_top_levels(path: Path) -> dict[str, int]:
    """{top-level module: first line} of every absolute import in the file, at module level
    or inside a function, class, `try` or `if TYPE_CHECKING`."""
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            found.setdefault(name.split(".")[0], node.lineno)
    return found


def unresolved_imports(pins: dict[str, str]) -> list[tuple[str, int, str, str]]:
    """(file, line, module, distributions providing it) for each import that neither the
    standard library, this project nor a distribution in `pins` provides."""
    provided_by = packages_distributions()
    local = local_names()
    problems = []
    for path in source_files():
        for module, line in sorted(imported_top_levels(path).items()):
            if module in sys.stdlib_module_names or module in local:
                continue
            distributions = {canonical(d) for d in provided_by.get(module, [])}
            if not distributions & pins.keys():
                origin = ", ".join(sorted(distributions)) or "no installed distribution"
                problems.append((str(path.relative_to(ROOT)), line, module, origin))
    return problems


def test_every_runtime_import_is_pinned_in_requirements_txt():
    assert unresolved_imports(pinned_requirements(ROOT / "requirements.txt")) == []


def test_the_check_notices_a_runtime_package_missing_from_requirements_txt():
    pins = pinned_requirements(ROOT / "requirements.txt")
    del pins["lxml"]
    problems = unresolved_imports(pins)
    assert {(module, origin) for _path, _line, module, origin in problems} == {("lxml", "lxml")}
    assert "app/agenda/exports.py" in {path for path, *_ in problems}


def test_development_requirements_build_on_the_runtime_ones_without_repeating_them():
    runtime = pinned_requirements(ROOT / "requirements.txt")
    development_file = ROOT / "requirements-dev.txt"
    assert "-r requirements.txt" in development_file.read_text().splitlines()
    assert sorted(runtime.keys() & pinned_requirements(development_file).keys()) == []

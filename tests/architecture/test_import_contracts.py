"""The house's order. The contracts in pyproject.toml ([tool.importlinter]) say which package may
import which: the commands and the window above the services, the capabilities in order
(registry, protection, shelter, care, avrr, then follow-ups, reports and documents), the
database below; the window never touches SQLAlchemy; the services never import Qt. A package
cycle always runs back up a layer, so the contracts also keep the house free of cycles; the
last test shows they do fail on one."""
from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "transit_centre"


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    """import-linter over the package found first on the path at ``root``, with the project's contracts."""
    code = ("import sys; from importlinter.cli import lint_imports; "
            "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True))")
    return subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(root)},
                          timeout=300)


def test_the_import_contracts_hold():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_contracts_fail_on_a_deliberate_cycle(tmp_path):
    """The registry importing a return case (which imports the registry) is refused, naming the import."""
    copy = tmp_path / "house"
    shutil.copytree(PACKAGE, copy / "transit_centre", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    (copy / "transit_centre" / "registry" / "deliberate_cycle.py").write_text(
        "from transit_centre.avrr.cases import get_case  # noqa: F401\n", encoding="utf-8")
    result = _lint_imports(copy)
    assert result.returncode != 0
    assert "transit_centre.registry.deliberate_cycle -> transit_centre.avrr.cases" in result.stdout
    assert "BROKEN" in result.stdout


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _offenders(folder: Path, forbidden: tuple[str, ...], exclude: tuple[str, ...] = ()) -> list[str]:
    found = []
    for path in folder.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        if any(rel.startswith(e) for e in exclude):
            continue
        for name in _imports(path):
            if name.startswith(forbidden):
                found.append(f"{rel}: {name}")
    return found


def test_ui_never_imports_the_database_layer():
    assert _offenders(PACKAGE / "ui", ("sqlalchemy", "transit_centre.db", "alembic")) == []


def test_services_and_printing_never_import_qt():
    assert _offenders(PACKAGE, ("PySide6", "shiboken6"), exclude=("ui/",)) == []


def test_printing_does_not_query_the_database():
    assert _offenders(PACKAGE / "printing", ("sqlalchemy", "transit_centre.db")) == []

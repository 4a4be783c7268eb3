"""Layer rules: ui -> services -> db. The screens never touch SQLAlchemy or the db package;
services and printing never import Qt."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "transit_centre"


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

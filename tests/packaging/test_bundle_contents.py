"""Distribution: the smoke command, Windows-safe paths, this laptop's configuration, the icon,
and the PyInstaller spec's view of the modules named in strings."""
from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from transit_centre.db.engine import Database, configured_url, sqlite_url

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "transit_centre"


@pytest.fixture
def own_data_dir(tmp_path, monkeypatch):
    """Configuration and the default database in this test's own folder."""
    folder = tmp_path / "data"
    monkeypatch.setenv("TRANSIT_CENTRE_DATA_DIR", str(folder))
    monkeypatch.delenv("TRANSIT_CENTRE_DATABASE_URL", raising=False)
    return folder


# -- smoke command -----------------------------------------------------------------------

def test_smoke_command_opens_every_page_on_demo_data(empty_db, qsettings_isolated, capsys):
    from transit_centre.cli.main import main

    assert main(["--lang", "en", "--database", empty_db.url, "smoke", "--residents", "20"]) == 0
    out = capsys.readouterr().out
    assert "Smoke run passed." in out and "Welcome wizard: ok" in out
    from transit_centre.enums import Role
    from transit_centre.security.permissions import Actor
    from transit_centre.ui.shell.pages import PAGES

    manager = Actor(None, "manager", "Manager", frozenset({Role.MANAGER}), frozenset())
    for spec in PAGES:
        if spec.visible(manager):
            assert f"Page {spec.key}: ok" in out


def test_smoke_reports_a_page_that_does_not_open(empty_db, qsettings_isolated, monkeypatch, tmp_path):
    from transit_centre.security.permissions import Permission
    from transit_centre.ui.shell import pages
    from transit_centre.ui.shell.smoke import run_smoke

    broken = pages.PageSpec("broken", "Broken", "transit_centre.no_such_module:Page",
                            lambda actor: actor.can(Permission.RESIDENT_READ))
    monkeypatch.setattr(pages, "PAGES", [*pages.PAGES, broken])
    monkeypatch.setattr("transit_centre.ui.shell.main_window.PAGES", pages.PAGES)
    problems = run_smoke(empty_db.url, residents=5, settings_dir=tmp_path / "settings")
    assert any("broken" in p for p in problems), problems


def test_smoke_notices_missing_resources(monkeypatch, tmp_path):
    from transit_centre import paths
    from transit_centre.ui.shell.smoke import _check_resources

    assert _check_resources() == []
    monkeypatch.setattr(paths, "resources_dir", lambda: tmp_path)
    problems = "\n".join(_check_resources())
    assert "messages.mo" in problems and "fonts/DejaVuSans.ttf" in problems


# -- paths with spaces and accents ---------------------------------------------------------

@pytest.mark.parametrize("folder", ["Aïssata Traoré/Données", "50% sûr #1/a@b c"])
def test_database_in_a_folder_with_accents_opens_migrates_and_keeps_records(tmp_path, folder):
    from transit_centre.storage.opening import open_database
    from transit_centre.enums import Role
    from transit_centre.security.permissions import Actor
    from transit_centre.security.users import authenticate, create_user

    path = tmp_path / folder / "transit-centre.sqlite3"
    url = sqlite_url(path)
    assert Path(make_url(url).database) == path.resolve()
    db = open_database(url)
    assert db.sqlite_path == path.resolve() and str(path.resolve()) == db.describe()
    create_user(db, Actor.system(), username="aissata", full_name="Aïssata Traoré",
                password="un-mot-de-passe-long", roles=[Role.ADMIN])
    db.dispose()
    assert path.exists()
    again = open_database(url)
    assert authenticate(again, "aissata", "un-mot-de-passe-long").full_name == "Aïssata Traoré"
    again.dispose()


def test_sqlite_url_keeps_windows_drive_paths():
    url = sqlite_url(Path("C:/Users/Aïssata Traoré/AppData/Local/transit-centre.sqlite3"))
    assert make_url(url).database.endswith("Users/Aïssata Traoré/AppData/Local/transit-centre.sqlite3")


# -- this laptop's configuration -------------------------------------------------------------

def test_database_folder_choice_is_remembered_and_read_by_configured_url(own_data_dir, tmp_path):
    from transit_centre import localconfig

    assert localconfig.is_first_start()
    assert make_url(configured_url()).database == str((own_data_dir / "transit-centre.sqlite3").resolve())
    chosen = tmp_path / "Clé USB" / "Données"
    path = localconfig.choose_database_folder(chosen)
    assert path == chosen.resolve() / "transit-centre.sqlite3"
    assert make_url(configured_url()).database == str(path)
    assert json.loads(localconfig.config_path().read_text(encoding="utf-8"))["database_folder"] == str(
        chosen.resolve())
    assert not localconfig.is_first_start("sqlite:///elsewhere.sqlite3")
    localconfig.choose_database_folder(None)
    assert make_url(configured_url()).database == str((own_data_dir / "transit-centre.sqlite3").resolve())


def test_a_damaged_config_file_is_ignored(own_data_dir):
    from transit_centre import localconfig

    own_data_dir.mkdir(parents=True, exist_ok=True)
    localconfig.config_path().write_text("{not json", encoding="utf-8")
    assert localconfig.load_config() == {}
    assert localconfig.database_path() == own_data_dir / "transit-centre.sqlite3"


def test_an_unusable_folder_is_refused_with_a_message(tmp_path):
    from transit_centre.errors import DomainError
    from transit_centre.localconfig import check_folder

    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(DomainError) as info:
        check_folder(blocker / "sub")
    assert str(blocker) in str(info.value)


def test_environment_url_wins_over_the_configuration(own_data_dir, monkeypatch):
    monkeypatch.setenv("TRANSIT_CENTRE_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert configured_url() == "postgresql+psycopg://u@h/db"


# -- icon ----------------------------------------------------------------------------------------

def test_application_icon_loads(qapp):
    from PIL import Image

    from transit_centre.ui.common.icons import app_icon

    icon = app_icon()
    assert not icon.isNull() and not icon.pixmap(64, 64).isNull()
    with Image.open(ROOT / "resources" / "icons" / "transit-centre.ico") as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])


# -- the PyInstaller spec ----------------------------------------------------------------------

def _string_registry_modules() -> list[str]:
    from transit_centre.cli import main as cli
    from transit_centre.demo import generate as demo
    from transit_centre.registry import timeline
    from transit_centre.ui.shell import pages

    names = list(cli.COMMAND_MODULES)
    names += [spec.factory.split(":")[0] for spec in pages.PAGES]
    names += [entry.split(":")[0] for entry in demo.EXTENSIONS]
    names += [entry.split(":")[0] for entry in timeline.TIMELINE_SOURCES]
    return names


def test_modules_named_in_strings_are_inside_the_package_the_spec_collects():
    """The spec bundles every ``transit_centre`` module; one elsewhere would be missing on Windows."""
    import importlib.util

    for name in _string_registry_modules():
        assert name.startswith("transit_centre."), name
        assert importlib.util.find_spec(name) is not None, name
    spec = (ROOT / "packaging" / "transit_centre.spec").read_text(encoding="utf-8")
    ast.parse(spec)
    assert 'collect_submodules("transit_centre"' in spec


def test_no_posix_only_calls_in_the_application():
    """The application runs on Windows: no fork, no POSIX signals or file locks, no pwd/grp."""
    forbidden_modules = {"fcntl", "pwd", "grp", "termios", "resource", "pty"}
    forbidden_attrs = {("os", "fork"), ("os", "getuid"), ("os", "geteuid"), ("os", "setsid"),
                       ("os", "killpg"), ("signal", "SIGKILL"), ("signal", "SIGALRM"), ("signal", "alarm"),
                       ("os", "symlink"), ("os", "mkfifo")}
    found = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [f"{path.name}: import {a.name}" for a in node.names if a.name in forbidden_modules]
            elif isinstance(node, ast.ImportFrom) and node.module in forbidden_modules:
                found.append(f"{path.name}: from {node.module}")
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and (
                    node.value.id, node.attr) in forbidden_attrs:
                found.append(f"{path.name}:{node.lineno}: {node.value.id}.{node.attr}")
    assert found == []


def test_build_script_reads_the_package_version():
    import importlib.util

    from transit_centre import __version__

    spec = importlib.util.spec_from_file_location("tc_build", ROOT / "packaging" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.version() == __version__
    iss = (ROOT / "packaging" / "installer.iss").read_text(encoding="utf-8")
    assert "{#AppVersion}" in iss and "PrivilegesRequired=lowest" in iss


@pytest.mark.skipif(os.name != "nt", reason="drive letters exist on Windows only")
def test_sqlite_url_on_windows_resolves_drive_letter(tmp_path):  # pragma: no cover - Windows CI
    url = sqlite_url(tmp_path / "Données" / "x.sqlite3")
    db = Database(url)
    assert db.sqlite_path is not None
    db.dispose()


# -- F1 in dialogs ---------------------------------------------------------------------------------

def test_f1_in_a_dialog_shows_its_help(qtbot, qsettings_isolated):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialog, QLineEdit, QMessageBox, QVBoxLayout

    from transit_centre.ui.shell.app import make_application

    app = make_application()
    dialog = QDialog()
    dialog.setWindowTitle("Enregistrer un résident")
    dialog.help_text = "Aide propre à ce formulaire."
    field = QLineEdit(dialog)
    QVBoxLayout(dialog).addWidget(field)
    qtbot.addWidget(dialog)
    dialog.show()
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_F1)
    box = dialog.findChild(QMessageBox, "helpDialog")
    assert box is not None and box.text() == "Aide propre à ce formulaire."
    assert "Enregistrer un résident" in box.windowTitle()
    box.close()
    plain = QDialog()
    qtbot.addWidget(plain)
    plain.show()
    qtbot.keyClick(plain, Qt.Key.Key_F1)
    assert "*" in plain.findChild(QMessageBox, "helpDialog").text()
    assert app is not None


def test_every_page_has_its_f1_help():
    from transit_centre.ui.shell.pages import PAGES

    missing = [spec.key for spec in PAGES if len(spec.help_text.strip()) < 80]
    assert missing == []

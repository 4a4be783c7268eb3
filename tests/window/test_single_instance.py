"""One window per user and database: a second start brings the running window to the front and
ends; commands still run beside the window; a lock left by a crashed window does not block."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMainWindow

from transit_centre import __version__
from transit_centre.db.engine import sqlite_url
from transit_centre.ui.shell.single_instance import SingleInstance, instance_key

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path):
    data = tmp_path / "data"
    values = dict(os.environ, TRANSIT_CENTRE_DATA_DIR=str(data), QT_QPA_PLATFORM="offscreen",
                  PYTHONPATH=str(ROOT))
    values.pop("TRANSIT_CENTRE_DATABASE_URL", None)
    return values


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "transit_centre.cli.main", *args]


def test_the_key_is_the_same_for_one_database_and_differs_between_databases(tmp_path):
    first = sqlite_url(tmp_path / "a" / "transit-centre.sqlite3")
    assert instance_key(first) == instance_key(first)
    assert instance_key(first) != instance_key(sqlite_url(tmp_path / "b" / "transit-centre.sqlite3"))
    assert len(instance_key(None)) == 16


def test_one_lock_per_database_released_with_the_window(qapp, tmp_path):
    first = SingleInstance(tmp_path, "k1")
    other_database = SingleInstance(tmp_path, "k2")
    second = SingleInstance(tmp_path, "k1")
    try:
        assert first.claim() and other_database.claim()
        assert not second.claim()
        assert second.running_pid() == os.getpid()
        first.release()
        assert second.claim()
    finally:
        for instance in (first, other_database, second):
            instance.release()


def test_a_lock_left_by_a_crashed_window_does_not_block_the_next_start(qapp, tmp_path, env):
    crash = textwrap.dedent("""
        import os, sys
        from pathlib import Path
        from PySide6.QtCore import QCoreApplication
        from transit_centre.ui.shell.single_instance import SingleInstance
        app = QCoreApplication([])
        instance = SingleInstance(Path(sys.argv[1]), "k")
        assert instance.claim()
        os._exit(3)  # no unlock: as a crash
    """)
    done = subprocess.run([sys.executable, "-c", crash, str(tmp_path)], env=env, timeout=60,
                          capture_output=True, text=True)
    assert done.returncode == 3, done.stderr
    assert (tmp_path / "instance-k.lock").exists()
    instance = SingleInstance(tmp_path, "k")
    try:
        assert instance.claim()
    finally:
        instance.release()


def test_a_second_start_brings_the_window_to_the_front_and_commands_still_run(qtbot, tmp_path, env):
    url = sqlite_url(tmp_path / "db" / "transit-centre.sqlite3")
    instance = SingleInstance(Path(env["TRANSIT_CENTRE_DATA_DIR"]), instance_key(url))
    window = QMainWindow()
    window.setObjectName("mainWindow")
    qtbot.addWidget(window)
    try:
        assert instance.claim()
        window.showMinimized()
        # A second start of the window, as the Start menu does it: it asks and ends at once.
        with qtbot.waitSignal(instance.activated, timeout=60_000):
            second = subprocess.Popen(_cli("--database", url), env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True)
        out, err = second.communicate(timeout=60)
        assert second.returncode == 0, err
        assert not window.isMinimized() and window.isVisible()
        # The command line beside the open window.
        version = subprocess.run(_cli("--database", url, "version"), env=env, capture_output=True,
                                 text=True, timeout=60)
        assert version.returncode == 0 and __version__ in version.stdout, version.stderr
        assert not (tmp_path / "db" / "transit-centre.sqlite3").exists()  # the second start opened nothing
    finally:
        instance.release()


def test_a_window_that_does_not_answer_is_reported_and_nothing_else_opens(qtbot, tmp_path, monkeypatch,
                                                                           qsettings_isolated):
    from PySide6.QtWidgets import QMessageBox

    from transit_centre.i18n import set_language
    from transit_centre.ui.shell import app as app_module
    from transit_centre.ui.shell import single_instance
    from transit_centre.ui.shell.login import LoginDialog
    from transit_centre.ui.shell.welcome import WelcomeWizard

    monkeypatch.setenv("TRANSIT_CENTRE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(single_instance, "ANSWER_TIMEOUT_MS", 300)
    said, shown = [], []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: said.append(text))
    monkeypatch.setattr(WelcomeWizard, "exec", lambda self: shown.append("wizard") or 0)
    monkeypatch.setattr(LoginDialog, "exec", lambda self: shown.append("login") or 0)
    url = sqlite_url(tmp_path / "db" / "transit-centre.sqlite3")
    # The running window is this very process, busy (its event loop does not turn while we wait).
    running = SingleInstance(tmp_path / "data", instance_key(url))
    try:
        assert running.claim()
        assert app_module.run(url) == 0
    finally:
        running.release()
        set_language("fr")
    assert shown == [] and len(said) == 1 and "déjà ouvert" in said[0]  # French: the default language

"""When the SQLite file is checked (storage/integrity.py): before anything is written when it may have
been hurt (never closed cleanly, an unclean close, changed by something else); otherwise after
the window shows, and then a failed check stops every further read and write."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import func, select

from support.database import TEST_URL
from transit_centre.storage import integrity
from transit_centre.storage.opening import open_database
from transit_centre.db.engine import sqlite_url
from transit_centre.db.models import Setting
from transit_centre.storage import backup

pytestmark = pytest.mark.skipif(bool(TEST_URL), reason="the check is for SQLite files")


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    """The files checked (the real check runs)."""
    done: list[str] = []

    def counting(db):
        done.append(db.sqlite_path.name)
        return real(db)

    real = integrity.check_integrity
    monkeypatch.setattr(integrity, "check_integrity", counting)
    return done


def _fill(db, n=400):
    with db.transaction(None) as s:
        for i in range(n):
            s.add(Setting(key=f"fill.{i:05d}", value={"text": "x" * 300}))
    db.dispose()


def _closed(path) -> None:
    """Close as the application does at exit."""
    db = open_database(sqlite_url(path), background_check=True)
    integrity.note_closed(db)


def test_a_file_closed_cleanly_opens_without_waiting_for_its_check(tmp_path, checks):
    path = tmp_path / "tc.sqlite3"
    db = open_database(sqlite_url(path))  # a new file: nothing to check
    assert checks == []
    _fill(db)
    db = open_database(sqlite_url(path))  # never noted as closed: checked before use
    assert checks == ["tc.sqlite3"]
    integrity.note_closed(db)
    assert not (tmp_path / "tc.sqlite3-wal").exists()
    assert json.loads((tmp_path / "tc.sqlite3-state.json").read_text())["closed"]["size"] == path.stat().st_size

    window = open_database(sqlite_url(path), background_check=True)
    assert checks == ["tc.sqlite3"]  # the window opens at once...
    assert integrity.background_check_due(window)  # ...and checks once it shows
    integrity.check_now(window)
    assert checks == ["tc.sqlite3"] * 2 and not integrity.background_check_due(window)
    integrity.note_closed(window)

    command = open_database(sqlite_url(path))  # checked less than a week ago: a command opens at once too
    assert checks == ["tc.sqlite3"] * 2
    integrity.note_closed(command)
    state = json.loads((tmp_path / "tc.sqlite3-state.json").read_text())
    state["checked_at"] = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=8)).isoformat()
    (tmp_path / "tc.sqlite3-state.json").write_text(json.dumps(state))
    integrity.note_closed(open_database(sqlite_url(path), background_check=True))
    assert checks == ["tc.sqlite3"] * 2  # the window checks a week-old file after it shows
    integrity.note_closed(open_database(sqlite_url(path)))
    assert checks == ["tc.sqlite3"] * 3  # a command, with no background, checks it first


CRASH = textwrap.dedent("""
    import os, sqlite3, sys
    conn = sqlite3.connect(sys.argv[1])
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("UPDATE setting SET value = '{}' WHERE key = 'fill.00001'")
    conn.commit()
    os._exit(0)  # killed: the write-ahead log stays behind
""")


def test_after_an_unclean_close_the_file_is_checked_before_anything_is_written(tmp_path, checks):
    path = tmp_path / "tc.sqlite3"
    _fill(open_database(sqlite_url(path)))
    _closed(path)
    subprocess.run([sys.executable, "-c", CRASH, str(path)], check=True, timeout=60)
    assert (tmp_path / "tc.sqlite3-wal").exists()
    checks.clear()
    db = open_database(sqlite_url(path), background_check=True)
    assert checks == ["tc.sqlite3"]
    integrity.note_closed(db)


def test_a_file_changed_by_something_else_is_checked_before_anything_is_written(tmp_path, checks):
    path = tmp_path / "tc.sqlite3"
    _fill(open_database(sqlite_url(path)))
    _closed(path)
    import sqlite3

    conn = sqlite3.connect(path)  # another program (a sync tool, a copy, sqlite3.exe)
    conn.execute("DELETE FROM setting WHERE key = 'fill.00002'")
    conn.commit()
    conn.close()
    checks.clear()
    integrity.note_closed(open_database(sqlite_url(path), background_check=True))
    assert checks == ["tc.sqlite3"]


def _decay(path, pages=4) -> bytes:
    """Damage the last pages (the settings written last), keeping the size and modification
    time: what a failing disk does to a file closed cleanly."""
    info = path.stat()
    data = bytearray(path.read_bytes())
    data[-4096 * (pages + 1):-4096] = b"\x5a" * (4096 * pages)
    path.write_bytes(bytes(data))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    return bytes(data)


def test_damage_found_after_the_window_opened_stops_every_read_and_write(tmp_path, checks):
    path = tmp_path / "tc.sqlite3"
    _fill(open_database(sqlite_url(path)), n=2000)
    _closed(path)
    damaged = _decay(path)
    checks.clear()
    db = open_database(sqlite_url(path), background_check=True)
    assert checks == []  # closed cleanly, unchanged as far as size and time tell
    with pytest.raises(backup.DamagedDatabase) as info:
        integrity.check_now(db)  # what the window runs after it shows
    assert "transit-centre restore" in str(info.value)
    for readonly in (True, False):
        with pytest.raises(backup.DamagedDatabase):
            with db.transaction(None, readonly=readonly) as s:
                s.scalar(select(func.count(Setting.id)))
    integrity.note_closed(db)
    assert path.read_bytes() == damaged  # nothing was written after the check
    assert "closed" not in json.loads((tmp_path / "tc.sqlite3-state.json").read_text())
    with pytest.raises(backup.DamagedDatabase):  # never trusted again without a check
        open_database(sqlite_url(path), background_check=True)
    assert checks == ["tc.sqlite3", "tc.sqlite3"]


def test_the_window_ends_the_session_when_its_background_check_fails(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QApplication, QMainWindow

    from transit_centre.ui.shell import startup_checks

    path = tmp_path / "tc.sqlite3"
    _fill(open_database(sqlite_url(path)), n=2000)
    _closed(path)
    _decay(path)
    db = open_database(sqlite_url(path), background_check=True)
    reported: list[tuple] = []
    monkeypatch.setattr(startup_checks, "report_damaged_database",
                        lambda where, exc, parent=None: reported.append((where, str(exc))) or 2)
    exits: list[int] = []  # the real exit would end every later event loop of the test run
    monkeypatch.setattr(QApplication, "exit", staticmethod(lambda code=0: exits.append(code)))
    from transit_centre.paths import backup_dir

    backups = set(backup_dir().iterdir())
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    startup_checks.run_background_checks(db, window)
    qtbot.waitUntil(lambda: bool(reported), timeout=30_000)
    assert reported[0][0] == path and "transit-centre restore" in reported[0][1]
    assert db.refused is not None and not window.isVisible() and exits == [2]
    assert set(backup_dir().iterdir()) == backups  # no backup made of a damaged file


def test_a_rollback_journal_left_behind_is_an_unclean_close_too(tmp_path, checks):
    """Off a local disk the database keeps a rollback journal instead of a write-ahead log."""
    path = tmp_path / "tc.sqlite3"
    _fill(open_database(sqlite_url(path)))
    _closed(path)
    (tmp_path / "tc.sqlite3-journal").write_bytes(b"")  # what a crash in the middle of a write leaves
    assert not integrity.closed_cleanly(path)
    (tmp_path / "tc.sqlite3-journal").unlink()
    assert integrity.closed_cleanly(path)

"""Backups: consistent copies while the database is in use, rotation, checked restore that keeps
the replaced file, the command line, the integrity check at start, PostgreSQL refusal."""
from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from support.database import TEST_URL
from transit_centre.admin.settings import set_setting
from transit_centre.storage.opening import open_database
from transit_centre.cli.main import main
from transit_centre.db.engine import Database, sqlite_url
from transit_centre.db.models import AuditEntry, Setting
from transit_centre.enums import AuditAction, Role
from transit_centre.errors import DomainError, PermissionDenied
from transit_centre.storage import backup
from transit_centre.security.permissions import Actor

sqlite_only = pytest.mark.skipif(bool(TEST_URL), reason="backups are for SQLite files")


@pytest.fixture
def app_db(tmp_path):
    """A migrated SQLite database as the application opens it (Alembic, reference data)."""
    db = open_database(sqlite_url(tmp_path / "live" / "transit-centre.sqlite3"))
    yield db
    db.dispose()


def _add_settings(db, n, prefix="k"):
    with db.transaction(None) as s:
        for i in range(n):
            s.add(Setting(key=f"{prefix}{i}", value={"i": i}))


def _count(db_or_path, prefix="k"):
    db = db_or_path if isinstance(db_or_path, Database) else Database(sqlite_url(db_or_path))
    with db.transaction(None, readonly=True) as s:
        n = s.scalar(select(func.count(Setting.id)).where(Setting.key.startswith(prefix)))
    if db is not db_or_path:
        db.dispose()
    return n


def _info(folder: Path, stamp: str, kind: str = "auto") -> backup.BackupInfo:
    path = folder / f"transit-centre-{stamp}-{kind}.sqlite3"
    path.write_bytes(b"x")
    return backup._parse(path)


def test_rotation_keeps_seven_daily_and_four_weekly(tmp_path):
    start = dt.datetime(2026, 1, 1, 9, 0)
    items = []
    for day in range(60):  # two backups a day for 60 days, plus a manual one long ago
        for hour in (9, 15):
            items.append(_info(tmp_path, (start + dt.timedelta(days=day, hours=hour - 9)).strftime("%Y%m%d-%H%M%S")))
    manual = _info(tmp_path, "20250101-120000", "manual")
    deleted = backup.rotate(tmp_path)
    kept = backup.list_backups(tmp_path)
    assert manual in kept and manual.path not in deleted
    autos = [b for b in kept if b.kind == "auto"]
    last_day = (start + dt.timedelta(days=59)).date()
    daily = {b.created.date() for b in autos if (last_day - b.created.date()).days < 7}
    assert len(daily) == 7
    weeks = {tuple(b.created.isocalendar())[:2] for b in autos}
    assert len(weeks) == 4  # the 7 daily backups fall into the newest 2 weeks; 4 weeks in all
    assert all(b.created.hour == 15 for b in autos)  # the newest of each day is the one kept
    assert len(autos) <= 7 + 4 and len(kept) + len(deleted) == len(items) + 1


@sqlite_only
def test_backup_while_another_connection_writes(app_db, tmp_path):
    _add_settings(app_db, 50)
    # An open write transaction elsewhere: the backup copies the last committed state.
    other = sqlite3.connect(str(app_db.sqlite_path), timeout=30)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO setting (id, created_at, updated_at, version, key, value) "
                  "VALUES (x'00000000000000000000000000000001', '2026-01-01', '2026-01-01', 1, 'uncommitted', '1')")
    info = backup.make_backup(app_db, tmp_path / "out")
    other.rollback()
    other.close()
    backup.backup_database(app_db, Actor.system(), tmp_path / "audited")
    assert info.path.exists() and info.kind == "manual"
    assert not list((tmp_path / "out").glob("*.partial"))
    assert backup.check_backup(info.path)
    assert _count(info.path) == 50
    assert _count(info.path, "uncommitted") == 0
    with app_db.transaction(None, readonly=True) as s:
        assert s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == AuditAction.BACKUP)) == 1


@sqlite_only
def test_auto_backup_once_a_day_into_the_chosen_folder(app_db, tmp_path, make_actor):
    folder = tmp_path / "usb"
    set_setting(app_db, Actor.system(), backup.FOLDER_KEY, str(folder))
    assert backup.backup_folder(app_db) == folder
    day = dt.datetime(2026, 3, 2, 8, 0)
    first = backup.auto_backup(app_db, now=day)
    assert first is not None and first.path.parent == folder
    assert backup.auto_backup(app_db, now=day + dt.timedelta(hours=5)) is None
    assert backup.auto_backup(app_db, now=day + dt.timedelta(days=1)) is not None
    assert len(backup.list_backups(folder)) == 2


def test_only_allowed_roles_back_up_and_restore(app_db, make_actor, tmp_path):
    with pytest.raises(PermissionDenied):
        backup.backup_database(app_db, make_actor(Role.CASEWORKER), tmp_path)
    with pytest.raises(PermissionDenied):
        backup.restore_backup(app_db, make_actor(Role.MANAGER), tmp_path / "x.sqlite3")


@sqlite_only
def test_restore_checks_then_replaces_and_keeps_the_old_database(app_db, tmp_path):
    _add_settings(app_db, 10)
    saved = backup.backup_database(app_db, Actor.system(), tmp_path / "b")
    _add_settings(app_db, 5, prefix="later")
    live = app_db.sqlite_path
    result = backup.restore_backup(app_db, Actor.system(), saved.path)
    assert result.replaced_kept_as is not None and result.replaced_kept_as.exists()
    assert _count(live) == 10 and _count(live, "later") == 0
    assert _count(result.replaced_kept_as, "later") == 5  # nothing lost: the old file is kept
    reopened = open_database(sqlite_url(live))
    with reopened.transaction(None, readonly=True) as s:
        assert s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == AuditAction.RESTORE)) == 1
    reopened.dispose()


@sqlite_only
def test_restore_refuses_bad_backups_and_changes_nothing(app_db, tmp_path):
    live = app_db.sqlite_path
    _add_settings(app_db, 3)
    app_db.dispose()
    before = live.read_bytes()
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database" * 100)
    other = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(str(other))
    conn.execute("CREATE TABLE something (x)")
    conn.commit()
    conn.close()
    newer = tmp_path / "newer.sqlite3"
    backup.make_backup(app_db, tmp_path / "n", kind="manual")
    made = backup.list_backups(tmp_path / "n")[0].path
    made.rename(newer)
    conn = sqlite3.connect(str(newer))
    conn.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    conn.commit()
    conn.close()
    for bad, words in ((garbage, "garbage"), (other, "alembic_version"), (newer, "ffffffffffff"),
                       (tmp_path / "missing.sqlite3", "missing")):
        with pytest.raises(DomainError) as info:
            backup.restore_file(live, bad)
        assert words in str(info.value)
    assert live.read_bytes() == before
    assert not list(live.parent.glob("*.replaced-*"))


@sqlite_only
def test_damaged_database_is_refused_at_start(tmp_path):
    path = tmp_path / "damaged.sqlite3"
    db = open_database(sqlite_url(path))
    _add_settings(db, 200)
    db.dispose()
    data = bytearray(path.read_bytes())
    for offset in range(4096 * 3, min(len(data), 4096 * 6)):  # scribble over a few pages
        data[offset] = 0x5A
    path.write_bytes(bytes(data))
    with pytest.raises(backup.DamagedDatabase) as info:
        open_database(sqlite_url(path))
    assert "transit-centre restore" in str(info.value)


def test_postgresql_backups_are_the_servers_job():
    db = Database("postgresql+psycopg://user@127.0.0.1:1/none")
    assert not backup.backups_supported(db)
    with pytest.raises(backup.BackupsUnsupported) as info:
        backup.backup_database(db, Actor.system())
    assert "pg_dump" in str(info.value)
    assert backup.auto_backup(db) is None
    db.dispose()


def _admin(db, username="awa", password="un-mot-de-passe-long", roles=None):
    from transit_centre.enums import Role
    from transit_centre.security.users import create_user

    create_user(db, Actor.system(), username=username, full_name=username.title(), password=password,
                roles=roles or [Role.ADMIN])


@sqlite_only
def test_command_line_backup_and_restore(app_db, tmp_path, capsys, monkeypatch):
    from transit_centre.enums import Role

    _add_settings(app_db, 4)
    _admin(app_db)
    _admin(app_db, "moussa", roles=[Role.MANAGER])
    url = app_db.url
    app_db.dispose()
    assert main(["--database", url, "backup", "--to", str(tmp_path / "cli")]) == 2  # who? nobody signed in
    assert "--user" in capsys.readouterr().err
    monkeypatch.setenv("TRANSIT_CENTRE_PASSWORD", "un-mot-de-passe-long")
    monkeypatch.setenv("TRANSIT_CENTRE_USER", "awa")
    assert main(["--database", url, "backup", "--to", str(tmp_path / "cli")]) == 0
    made = backup.list_backups(tmp_path / "cli")
    assert len(made) == 1 and str(made[0].path) in capsys.readouterr().out
    assert main(["--database", url, "backup", "--list", "--to", str(tmp_path / "cli")]) == 0
    assert made[0].name in capsys.readouterr().out
    _add_settings(app_db, 2, prefix="after")
    app_db.dispose()
    monkeypatch.setattr("builtins.input", lambda _prompt: "n")
    assert main(["--database", url, "restore", str(made[0].path)]) == 1
    assert _count(app_db.sqlite_path, "after") == 2
    assert main(["--database", url, "restore", str(made[0].path), "--yes", "--user", "moussa"]) == 2
    assert "administrat" in capsys.readouterr().err  # only an administrator of the backup restores it
    assert _count(app_db.sqlite_path, "after") == 2
    assert main(["--database", url, "restore", str(made[0].path), "--yes"]) == 0
    assert _count(app_db.sqlite_path, "after") == 0
    assert main(["--database", url, "restore", str(tmp_path / "nothing.sqlite3"), "--yes"]) == 2
    assert main(["--database", "postgresql+psycopg://u@127.0.0.1:1/x", "backup"]) == 2
    assert "pg_dump" in capsys.readouterr().err


def test_backing_up_a_database_that_does_not_exist_is_a_message(tmp_path, capsys):
    missing = tmp_path / "nothing-here.sqlite3"
    assert main(["--database", sqlite_url(missing), "backup", "--to", str(tmp_path / "b")]) == 2
    assert str(missing) in capsys.readouterr().err
    assert not missing.exists()  # checking did not create an empty database either


@sqlite_only
def test_a_damaged_database_is_restored_from_the_command_line(tmp_path, capsys, monkeypatch):
    path = tmp_path / "live.sqlite3"
    db = open_database(sqlite_url(path))
    _add_settings(db, 30)
    _admin(db)
    monkeypatch.setenv("TRANSIT_CENTRE_PASSWORD", "un-mot-de-passe-long")
    monkeypatch.setenv("TRANSIT_CENTRE_USER", "awa")
    saved = backup.make_backup(db, tmp_path / "b")
    db.dispose()
    data = bytearray(path.read_bytes())
    data[4096 * 2:4096 * 5] = b"\x5a" * (4096 * 3)
    path.write_bytes(bytes(data))
    with pytest.raises(backup.DamagedDatabase):
        open_database(sqlite_url(path))
    assert main(["--database", sqlite_url(path), "restore", str(saved.path), "--yes"]) == 0
    kept = list(tmp_path.glob("live.sqlite3.replaced-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == bytes(data)  # the damaged file is kept as it was
    reopened = open_database(sqlite_url(path))
    assert _count(reopened) == 30
    reopened.dispose()

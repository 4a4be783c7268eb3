"""Reliability: a process killed in the middle of saving loses nothing it had committed; two
windows editing the same record never silently overwrite each other (SQLite and PostgreSQL)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import uuid

import pytest
from sqlalchemy import func, select

from transit_centre.admin.centres import get_centre, update_centre
from transit_centre.admin.settings import get_setting, set_setting
from transit_centre.db.engine import Database, sqlite_url
from transit_centre.db.models import AuditEntry, Setting
from transit_centre.enums import Role
from transit_centre.errors import ConflictError
from transit_centre.security.accounts import get_user, update_user
from transit_centre.security.permissions import Actor
from transit_centre.security.users import create_user

CHILD = textwrap.dedent("""
    import sys
    from transit_centre.db.base import Base
    from transit_centre.db.engine import Database, sqlite_url
    from transit_centre.db.models import Setting
    import transit_centre.db.models  # noqa: F401

    db = Database(sqlite_url(sys.argv[1]))
    Base.metadata.create_all(db.engine)
    print("ready", flush=True)
    for i in range(1_000_000):
        with db.transaction(None) as s:
            row = Setting(key=f"kill.{i:07d}", value={"i": i, "text": "x" * (i % 500)})
            s.add(row)
        print(row.id.hex, i, flush=True)  # printed only once the commit has returned
""")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_in_the_middle_of_saves_keeps_every_committed_record(tmp_path):
    path = tmp_path / "killed.sqlite3"
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    child = subprocess.Popen([sys.executable, str(script), str(path)], stdout=subprocess.PIPE, text=True, env=env)
    committed: dict[str, int] = {}
    try:
        assert child.stdout.readline().strip() == "ready"
        for line in child.stdout:
            record_id, number = line.split()
            committed[record_id] = int(number)
            if len(committed) >= 300:
                break
        child.send_signal(signal.SIGKILL)  # mid-way: the child is already in its next save
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    committed.update(dict(_parse(line) for line in child.stdout.read().splitlines() if line.strip()))
    assert child.returncode == -signal.SIGKILL

    db = Database(sqlite_url(path))
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        with db.transaction(None, readonly=True) as s:
            rows = {r.id.hex: r.value for r in s.scalars(select(Setting).where(Setting.key.startswith("kill.")))}
            audited = set(s.scalars(select(AuditEntry.entity_id).where(AuditEntry.entity == "setting")))
        for record_id, number in committed.items():
            assert rows.get(record_id) == {"i": number, "text": "x" * (number % 500)}, number
            assert uuid.UUID(record_id) in audited  # the record and its audit entry, together
        # Whatever was saved but not yet printed is complete too (and at most one such record).
        assert len(rows) - len(committed) in (0, 1)
        assert all(v["text"] == "x" * (v["i"] % 500) for v in rows.values())
    finally:
        db.dispose()


def _parse(line: str) -> tuple[str, int]:
    record_id, number = line.split()
    return record_id, int(number)


def test_two_windows_editing_the_same_centre(db, centres, make_actor):
    """Window A and window B open the same centre; A saves; B's save is refused with a clear
    message; B reloads and saves its change on top of A's."""
    admin = make_actor(Role.ADMIN, centre=None)
    window_a = get_centre(db, admin, centres["MOP"])
    window_b = get_centre(db, admin, centres["MOP"])
    update_centre(db, admin, window_a.id, name=window_a.name, town=window_a.town, region=window_a.region,
                  capacity=81, kind=window_a.kind, active=True, expected_version=window_a.version)
    with pytest.raises(ConflictError) as refused:
        update_centre(db, admin, window_b.id, name="Centre de Mopti", town=window_b.town, region=window_b.region,
                      capacity=window_b.capacity, kind=window_b.kind, active=True,
                      expected_version=window_b.version)
    assert str(refused.value)
    after = get_centre(db, admin, centres["MOP"])
    assert after.capacity == 81 and after.name == window_a.name  # nothing of B was written
    reloaded = update_centre(db, admin, after.id, name="Centre de Mopti", town=after.town, region=after.region,
                             capacity=after.capacity, kind=after.kind, active=True, expected_version=after.version)
    assert (reloaded.name, reloaded.capacity, reloaded.version) == ("Centre de Mopti", 81, after.version + 1)


def test_two_windows_editing_the_same_account(db):
    admin = create_user(db, Actor.system(), username="admin", full_name="Awa", password="mot-de-passe-solide",
                        roles=[Role.ADMIN])
    actor = Actor(admin.id, "admin", "Awa", frozenset({Role.ADMIN}))
    user = create_user(db, actor, username="oumar", full_name="Oumar", password="mot-de-passe-solide",
                       roles=[Role.MHPSS])
    copy_a, copy_b = get_user(db, actor, user.id), get_user(db, actor, user.id)
    update_user(db, actor, user.id, full_name="Oumar Touré", roles=[Role.MHPSS], centre_ids=[],
                expected_version=copy_a.version)
    with pytest.raises(ConflictError):
        update_user(db, actor, user.id, full_name="O. T.", roles=[Role.MEDICAL], centre_ids=[],
                    expected_version=copy_b.version)
    now = get_user(db, actor, user.id)
    assert now.full_name == "Oumar Touré" and now.roles == (Role.MHPSS,)


def test_two_connections_racing_on_one_record(db, centres):
    """Both copies pass the version check before either writes: the database-level version
    condition still refuses the second write (no lost update)."""
    other = Database(db.url)
    try:
        from transit_centre.db.models import Centre

        with db.transaction(None) as first, other.transaction(None, readonly=True) as reader:
            stale = reader.get(Centre, centres["SIK"])
            reader.expunge(stale)
            first.get(Centre, centres["SIK"]).capacity = 61
        with pytest.raises(ConflictError):
            with other.transaction(None) as second:
                second.add(stale)
                stale.capacity = 62
        with db.transaction(None, readonly=True) as s:
            assert s.get(Centre, centres["SIK"]).capacity == 61
    finally:
        other.dispose()


def test_settings_last_writer_is_audited(db, make_actor):
    """Settings have no edit form copy to go stale, but every change is in the log."""
    admin = make_actor(Role.ADMIN, centre=None)
    set_setting(db, admin, "organisation.address", "Gao")
    set_setting(db, admin, "organisation.address", "Kayes")
    assert get_setting(db, "organisation.address") == "Kayes"
    with db.transaction(None, readonly=True) as s:
        n = s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.entity == "setting"))
    assert n == 2


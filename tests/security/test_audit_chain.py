"""An audit log that cannot be rewritten unnoticed: raw SQL that changes, deletes or adds an
entry, or cuts the last ones, is reported by the check at the first broken link."""
from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from sqlalchemy import select, text

from transit_centre.db import audit_chain
from transit_centre.db.audit import audit_entry
from transit_centre.db.models import AuditEntry
from transit_centre.enums import AuditAction, Role
from transit_centre.security.audit_log import check_audit_chain
from transit_centre.security.permissions import Actor


def _write(db, n: int, actor=None) -> None:
    for i in range(n):
        with db.transaction(actor or Actor.system()) as s:
            audit_entry(s, AuditAction.PRINT, "receipt", uuid.uuid4(), detail=f"print {i}")
            audit_entry(s, AuditAction.EXPORT, "monthly_export", None, detail=f"export {i}")


def _entries(db) -> list[AuditEntry]:
    with db.transaction(None, readonly=True) as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def _raw(db, sql: str, **params) -> None:
    with db.engine.begin() as conn:
        conn.execute(text(sql), params)


def test_entries_are_chained_in_commit_order(db, make_actor):
    before = len(_entries(db))  # the reference data seeded with the database
    _write(db, 5)
    entries = _entries(db)
    assert [e.seq for e in entries] == list(range(1, before + 11))
    assert all(e.chain_hash and len(e.chain_hash) == 64 for e in entries)
    status = check_audit_chain(db, make_actor(Role.MANAGER))
    assert status.ok and status.checked == before + 10 and str(before + 10) in status.message


def test_an_edited_entry_is_reported(db, make_actor):
    _write(db, 5)
    target = _entries(db)[-5]
    _raw(db, "UPDATE audit_entry SET username = 'someone-else' WHERE seq = :seq", seq=target.seq)
    status = check_audit_chain(db, make_actor(Role.MANAGER))
    assert not status.ok and status.broken_at == target.seq and "modifiée" in status.message


def test_a_deleted_entry_is_reported(db, make_actor):
    _write(db, 5)
    target = _entries(db)[-3]
    _raw(db, "DELETE FROM audit_entry WHERE seq = :seq", seq=target.seq)
    status = check_audit_chain(db, make_actor(Role.MANAGER))
    assert not status.ok and status.broken_at == target.seq and "supprimée" in status.message


def test_the_last_entries_cut_off_are_reported(db, make_actor):
    _write(db, 5)
    last = _entries(db)[-1].seq
    _raw(db, "DELETE FROM audit_entry WHERE seq > :seq", seq=last - 2)
    status = check_audit_chain(db, make_actor(Role.MANAGER))
    assert not status.ok and status.broken_at == last - 1


def test_an_entry_slipped_in_is_reported(db, make_actor):
    _write(db, 2)
    with db.engine.begin() as conn:
        conn.execute(AuditEntry.__table__.insert().values(
            id=uuid.uuid4(), at=dt.datetime.now(dt.timezone.utc), username="ghost", action="login", entity="app_user"))
    status = check_audit_chain(db, make_actor(Role.MANAGER))
    assert not status.ok and "1 entrée" in status.message


def test_a_rewritten_chain_still_differs_from_its_anchor(db):
    """Recomputing every hash after an edit makes the chain hold, but its head no longer matches
    the anchor a monthly package carried to headquarters."""
    _write(db, 3)
    with db.engine.connect() as conn:
        anchor = audit_chain.head(conn)
    _raw(db, "UPDATE audit_entry SET detail = 'rewritten' WHERE seq = 2")
    with db.engine.begin() as conn:  # the attacker recomputes the chain from the start
        rows = conn.execute(select(AuditEntry.__table__).order_by(AuditEntry.__table__.c.seq)).mappings().all()
        current = audit_chain.GENESIS
        for row in rows:
            current = audit_chain.link_hash(current, row["seq"], dict(row))
            conn.execute(AuditEntry.__table__.update().where(AuditEntry.__table__.c.id == row["id"])
                         .values(chain_hash=current))
        conn.execute(text("UPDATE audit_chain_head SET chain_hash = :h"), {"h": current})
    with db.engine.connect() as conn:
        assert audit_chain.verify(conn).ok
        assert audit_chain.head(conn) != anchor


def test_concurrent_writers_keep_one_chain(db, make_actor):
    before = len(_entries(db))
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            _write(db, 8)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    status = check_audit_chain(db, make_actor(Role.MANAGER))
    assert status.ok and status.checked == before + 64


def test_entries_written_before_the_chain_are_sealed_by_the_migration(empty_db):
    from transit_centre.db.migrate import upgrade

    from alembic import command
    from transit_centre.db.migrate import alembic_config

    command.upgrade(alembic_config(empty_db), "0002_protection")
    with empty_db.engine.begin() as conn:
        for i in range(5):
            conn.execute(text("INSERT INTO audit_entry (id, at, username, action, entity, detail) "
                              "VALUES (:id, :at, 'awa', 'print', 'receipt', :d)"),
                         {"id": uuid.uuid4().hex if empty_db.is_sqlite else str(uuid.uuid4()),
                          "at": dt.datetime(2026, 11, 1, 10, i, tzinfo=dt.timezone.utc), "d": f"old {i}"})
    upgrade(empty_db)
    with empty_db.engine.connect() as conn:
        report = audit_chain.verify(conn)
    assert report.ok and report.checked == 5


@pytest.mark.parametrize("role", [Role.CASH_OFFICER, Role.CASEWORKER])
def test_only_auditors_check_the_chain(db, make_actor, role):
    from transit_centre.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        check_audit_chain(db, make_actor(role))


def test_the_audit_screen_shows_the_first_broken_link(qtbot, qsettings_isolated, db, make_actor):
    from transit_centre.ui.admin.audit import AuditViewer
    from transit_centre.ui.common.context import UiContext

    _write(db, 3)
    target = _entries(db)[-2]
    _raw(db, "UPDATE audit_entry SET detail = 'nothing happened' WHERE seq = :seq", seq=target.seq)
    viewer = AuditViewer(UiContext(db, make_actor(Role.MANAGER), "GAO", "Gao"))
    qtbot.addWidget(viewer)
    qtbot.waitUntil(lambda: "altéré" in viewer.chain.text(), timeout=10000)
    assert f"l'entrée {target.seq}" in viewer.chain.text() and "b00020" in viewer.chain.styleSheet()

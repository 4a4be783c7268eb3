"""Every change is audited with old and new values; stale edits are refused; nothing is deleted."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from transit_centre.admin.centres import get_centre, update_centre
from transit_centre.db.audit import HardDeleteRefused
from transit_centre.db.models import AuditEntry, Centre
from transit_centre.enums import AuditAction, CentreKind, Role
from transit_centre.errors import ConflictError, PermissionDenied


def _edit(db, actor, centre, **changes):
    values = dict(name=centre.name, town=centre.town, region=centre.region, capacity=centre.capacity,
                  kind=centre.kind, active=centre.active, expected_version=centre.version)
    values.update(changes)
    return update_centre(db, actor, centre.id, **values)


def test_update_writes_old_and_new_values(db, centres, make_actor):
    admin = make_actor(Role.ADMIN, username="awa")
    before = get_centre(db, admin, centres["GAO"])
    _edit(db, admin, before, capacity=150, name="Centre d'accueil de Gao")
    with db.transaction(None, readonly=True) as s:
        entries = s.scalars(select(AuditEntry).where(
            AuditEntry.entity_id == before.id, AuditEntry.action == AuditAction.UPDATE)).all()
    by_field = {e.field: e for e in entries}
    assert by_field["capacity"].old_value == str(before.capacity)
    assert by_field["capacity"].new_value == "150"
    assert by_field["name"].old_value == before.name
    assert by_field["name"].new_value == "Centre d'accueil de Gao"
    assert all(e.username == "awa" and e.user_id == admin.user_id for e in entries)
    assert "version" not in by_field and "updated_at" not in by_field


def test_stale_update_is_refused_with_clear_message(db, centres, make_actor):
    admin = make_actor(Role.ADMIN)
    first_copy = get_centre(db, admin, centres["GAO"])
    second_copy = get_centre(db, admin, centres["GAO"])
    _edit(db, admin, first_copy, capacity=111)
    with pytest.raises(ConflictError) as info:
        _edit(db, admin, second_copy, capacity=222)
    assert "modifié par quelqu'un d'autre" in str(info.value)
    assert get_centre(db, admin, centres["GAO"]).capacity == 111


def test_concurrent_flush_is_refused_by_version_column(db, centres):
    """A copy read before someone else's save cannot be written back over it."""
    with db.transaction(None, readonly=True) as s:
        stale = s.get(Centre, centres["GAO"])  # detached once the transaction ends
    with db.transaction(None) as s:
        s.get(Centre, centres["GAO"]).capacity = 1
    with pytest.raises(ConflictError):
        with db.transaction(None) as s:
            s.add(stale)
            stale.capacity = 2
    with db.transaction(None, readonly=True) as s:
        assert s.get(Centre, centres["GAO"]).capacity == 1


def test_hard_delete_is_refused(db, centres):
    with pytest.raises(HardDeleteRefused):
        with db.transaction(None) as s:
            s.delete(s.get(Centre, centres["GAO"]))
    with db.transaction(None, readonly=True) as s:
        assert s.get(Centre, centres["GAO"]) is not None


def test_audit_entries_cannot_be_changed(db, centres, make_actor):
    _edit(db, make_actor(Role.ADMIN), get_centre(db, make_actor(Role.ADMIN), centres["GAO"]), capacity=99)
    with pytest.raises(HardDeleteRefused):
        with db.transaction(None) as s:
            entry = s.scalars(select(AuditEntry)).first()
            entry.new_value = "tampered"


def test_only_administrators_edit_centres(db, centres, make_actor):
    manager = make_actor(Role.MANAGER)
    centre = get_centre(db, manager, centres["GAO"])
    with pytest.raises(PermissionDenied):
        _edit(db, manager, centre, capacity=1)


def test_validation_saves_nothing(db, centres, make_actor):
    from transit_centre.errors import ValidationError

    admin = make_actor(Role.ADMIN)
    centre = get_centre(db, admin, centres["GAO"])
    with pytest.raises(ValidationError) as info:
        _edit(db, admin, centre, name="  ", capacity=-3)
    assert set(info.value.errors) == {"name", "capacity"}
    assert get_centre(db, admin, centres["GAO"]).version == centre.version


def test_created_records_carry_author_and_create_entry(db, make_actor):
    admin = make_actor(Role.ADMIN)
    with db.transaction(admin) as s:
        c = Centre(code="TST", name="Test", town="Gao", region="Gao", kind=CentreKind.GENERAL, capacity=3)
        s.add(c)
    with db.transaction(None, readonly=True) as s:
        stored = s.get(Centre, c.id)
        assert stored.created_by == admin.user_id
        assert stored.created_at.tzinfo is not None
        assert stored.created_at <= dt.datetime.now(dt.timezone.utc)
        entry = s.scalars(select(AuditEntry).where(AuditEntry.entity_id == c.id)).one()
        assert entry.action == AuditAction.CREATE and '"code": "TST"' in entry.new_value

"""The audit viewer's service: filters, paging, who sees which entries; the log cannot be edited."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, select, update

from transit_centre.admin.centres import get_centre, update_centre
from transit_centre.db.audit import HardDeleteRefused
from transit_centre.db.models import AuditEntry
from transit_centre.enums import AuditAction, Role
from transit_centre.errors import PermissionDenied, ValidationError
from transit_centre.security.audit_log import AuditFilter, audit_count, audit_entities, audit_page


def _capacity(db, actor, centre_id, capacity):
    c = get_centre(db, actor, centre_id)
    return update_centre(db, actor, c.id, name=c.name, town=c.town, region=c.region, capacity=capacity,
                         kind=c.kind, active=c.active, expected_version=c.version)


@pytest.fixture
def history(db, centres, make_actor):
    admin = make_actor(Role.ADMIN, username="awa", centre=None)
    for capacity in (10, 20, 30):
        _capacity(db, admin, centres["GAO"], capacity)
    _capacity(db, admin, centres["KAY"], 40)
    return admin


def test_filters_and_paging(db, centres, history):
    admin = history
    gao = AuditFilter(record=centres["GAO"], action=AuditAction.UPDATE)
    assert audit_count(db, admin, gao) == 3
    first = audit_page(db, admin, gao, 0, 2)
    rest = audit_page(db, admin, gao, 2, 2)
    assert [r.new_value for r in first + rest] == ["30", "20", "10"]  # newest first
    assert {r.username for r in first} == {"awa"}
    assert audit_count(db, admin, AuditFilter(user="AWA ")) == 4
    assert audit_count(db, admin, AuditFilter(user=admin.user_id)) == 4
    assert audit_count(db, admin, AuditFilter(user="nobody")) == 0
    assert audit_count(db, admin, AuditFilter(entity="centre", action=AuditAction.UPDATE)) == 4
    assert "centre" in audit_entities(db, admin)
    today = dt.date.today()
    assert audit_count(db, admin, AuditFilter(entity="centre", date_from=today, date_to=today)) >= 4
    assert audit_count(db, admin, AuditFilter(date_to=today - dt.timedelta(days=1))) == 0
    assert audit_count(db, admin, AuditFilter(record="GAO-2026-99999")) == 0
    with pytest.raises(ValidationError):
        audit_page(db, admin, AuditFilter(date_from=today, date_to=today - dt.timedelta(days=1)))


def test_managers_see_their_centres_only(db, centres, history, make_actor):
    manager = make_actor(Role.MANAGER, centre="GAO")
    rows = audit_page(db, manager, AuditFilter(action=AuditAction.UPDATE), 0, 100)
    assert rows and {r.centre_id for r in rows} == {centres["GAO"]}
    assert audit_count(db, manager, AuditFilter(record=centres["KAY"])) == 0
    hq = make_actor(Role.HQ, centre=None)
    assert audit_count(db, hq, AuditFilter(record=centres["KAY"], action=AuditAction.UPDATE)) == 1


def test_other_roles_cannot_read_the_log(db, history, make_actor):
    for role in (Role.CASEWORKER, Role.MEDICAL, Role.CASH_OFFICER):
        with pytest.raises(PermissionDenied):
            audit_page(db, make_actor(role))


def test_the_log_cannot_be_changed_or_deleted_through_the_application(db, history):
    with db.transaction(None, readonly=True) as s:
        count = s.scalar(select(AuditEntry.id).limit(1)) and len(s.scalars(select(AuditEntry.id)).all())
    with pytest.raises(HardDeleteRefused):
        with db.transaction(None) as s:
            s.delete(s.scalars(select(AuditEntry)).first())
    with pytest.raises(HardDeleteRefused):
        with db.transaction(None) as s:
            s.scalars(select(AuditEntry)).first().old_value = "rewritten"
    with pytest.raises(HardDeleteRefused):
        with db.transaction(None) as s:
            s.execute(update(AuditEntry).values(username="someone-else"))
    with pytest.raises(HardDeleteRefused):
        with db.transaction(None) as s:
            s.execute(delete(AuditEntry))
    with db.transaction(None, readonly=True) as s:
        assert len(s.scalars(select(AuditEntry.id)).all()) == count
        assert "someone-else" not in set(s.scalars(select(AuditEntry.username)))


def test_a_record_shows_with_the_records_that_point_to_it(db, centres, make_actor):
    """A room's history includes its beds'; a bed's audit entries belong to the room's centre."""
    from transit_centre.db.models import Bed, Room
    from transit_centre.enums import BedKind

    admin = make_actor(Role.ADMIN, centre=None)
    with db.transaction(admin) as s:
        room = Room(centre_id=centres["GAO"], name="Dortoir A")
        s.add(room)
        s.flush()
        s.add(Bed(room_id=room.id, label="A1", kind=BedKind.MEN))
    with db.transaction(admin) as s:
        s.add(Bed(room_id=room.id, label="A2", kind=BedKind.MEN))
    rows = audit_page(db, admin, AuditFilter(record=room.id))
    assert {r.entity for r in rows} == {"room", "bed"} and len(rows) == 3
    assert audit_count(db, admin, AuditFilter(record=room.id, include_related=False)) == 1
    manager = make_actor(Role.MANAGER, centre="GAO")
    assert audit_count(db, manager, AuditFilter(entity="bed")) == 2  # beds carry the room's centre
    assert audit_count(db, make_actor(Role.MANAGER, centre="KAY"), AuditFilter(entity="bed")) == 0


def test_records_saved_together_find_their_centre(db, centres, make_actor):
    from transit_centre.db.models import Bed, Room
    from transit_centre.enums import BedKind

    admin = make_actor(Role.ADMIN, centre=None)
    with db.transaction(admin) as s:  # room and bed inserted by the same flush
        room = Room(id=__import__("uuid").uuid4(), centre_id=centres["KAY"], name="Dortoir B")
        s.add_all([room, Bed(room_id=room.id, label="B1", kind=BedKind.WOMEN)])
    assert audit_count(db, make_actor(Role.MANAGER, centre="KAY"), AuditFilter(entity="bed")) == 1

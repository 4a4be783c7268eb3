"""Shelter services: rooms and beds, check-in rules, moves, transfers, check-out, permissions."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from transit_centre.db.models import Stay
from transit_centre.enums import BedKind, DepartureReason, Role, Sex
from transit_centre.errors import DomainError, NotFound, PermissionDenied, RuleViolation, ValidationError
from transit_centre.registry.timeline import resident_timeline
from transit_centre.security.permissions import Actor
from transit_centre.shelter import admission, occupancy, rooms
from transit_centre.shelter.stays import close_open_stay, present_residents

from support.shelter import add_resident, make_beds

TODAY = dt.date.today()


@pytest.fixture
def gao(db, centres, make_actor):
    manager = make_actor(Role.MANAGER, centre="GAO")
    beds = make_beds(db, manager, centres["GAO"])
    return manager, beds, centres["GAO"]


def test_check_in_assigns_the_bed_and_shows_in_occupancy(db, gao):
    manager, beds, gao_id = gao
    rid = add_resident(db, gao_id, "Moussa", "Traoré")
    stay = admission.check_in(db, manager, rid, centre_id=gao_id, bed_id=beds["M1"], arrived_from="Niamey")
    assert stay.is_open and stay.bed_label == "M1" and stay.room_name == "A" and stay.arrived_from == "Niamey"
    present = present_residents(db, manager, gao_id)
    assert [(p.resident_id, p.bed_label, p.room_name) for p in present] == [(rid, "M1", "A")]
    view = occupancy.occupancy(db, manager, gao_id)
    assert view.present == 1 and view.capacity == 5
    assert view.free_by_kind[BedKind.MEN] == 1 and view.free_by_kind[BedKind.MINORS] == 1
    held = {b.label: b.occupant for r in view.rooms for b in r.beds}
    assert held["M1"].resident_id == rid and held["M2"] is None


def test_a_bed_cannot_hold_two_people(db, gao):
    manager, beds, gao_id = gao
    first = add_resident(db, gao_id, "Moussa", "Traoré")
    second = add_resident(db, gao_id, "Ibrahim", "Keïta")
    admission.check_in(db, manager, first, centre_id=gao_id, bed_id=beds["M1"])
    with pytest.raises(RuleViolation, match="Traoré"):
        admission.check_in(db, manager, second, centre_id=gao_id, bed_id=beds["M1"])
    assert present_residents(db, manager, gao_id)[0].resident_id == first
    assert len(present_residents(db, manager, gao_id)) == 1


def test_the_database_index_refuses_a_second_open_stay_in_a_bed(db, gao):
    manager, beds, gao_id = gao
    first = add_resident(db, gao_id, "Moussa", "Traoré")
    second = add_resident(db, gao_id, "Ibrahim", "Keïta")
    admission.check_in(db, manager, first, centre_id=gao_id, bed_id=beds["M1"])
    with pytest.raises(DomainError):
        with db.transaction(Actor.system()) as s:
            s.add(Stay(resident_id=second, centre_id=gao_id, bed_id=beds["M1"], arrival_date=TODAY))
    # a closed stay in the same bed is history, not a conflict
    with db.transaction(Actor.system()) as s:
        s.add(Stay(resident_id=second, centre_id=gao_id, bed_id=beds["M1"], arrival_date=TODAY,
                   departure_date=TODAY, departure_reason=DepartureReason.OTHER))


def test_a_race_for_the_same_bed_gets_a_clear_message(db, gao, monkeypatch):
    """Two users see the bed free at the same moment: the index refuses the second one."""
    manager, beds, gao_id = gao
    first = add_resident(db, gao_id, "Moussa", "Traoré")
    second = add_resident(db, gao_id, "Ibrahim", "Keïta")
    admission.check_in(db, manager, first, centre_id=gao_id, bed_id=beds["M1"])
    monkeypatch.setattr(admission, "_holder", lambda *a, **k: None)  # the check saw a free bed
    with pytest.raises(RuleViolation, match="M1") as info:
        admission.check_in(db, manager, second, centre_id=gao_id, bed_id=beds["M1"])
    assert "Actualisez" in str(info.value)  # says what to do (French is the default language)
    assert admission.current_stay(db, manager, second) is None


def test_minor_needs_a_minors_bed_unless_overridden(db, gao):
    manager, beds, gao_id = gao
    child = add_resident(db, gao_id, "Awa", "Diallo", Sex.FEMALE, dob=TODAY.replace(year=TODAY.year - 12))
    with pytest.raises(RuleViolation) as info:
        admission.check_in(db, manager, child, centre_id=gao_id, bed_id=beds["F1"])
    assert info.value.field == "override_reason"
    stay = admission.check_in(db, manager, child, centre_id=gao_id, bed_id=beds["F1"],
                              override_reason="With her mother")
    assert stay.bed_label == "F1" and stay.bed_override_reason == "With her mother"


def test_minor_is_a_minor_until_the_eighteenth_birthday(db, gao):
    manager, beds, gao_id = gao
    born = dt.date(TODAY.year - 18, TODAY.month, TODAY.day) if (TODAY.month, TODAY.day) != (2, 29) \
        else dt.date(TODAY.year - 18, 3, 1)
    almost = add_resident(db, gao_id, "Sekou", "Camara", dob=born + dt.timedelta(days=1))
    adult = add_resident(db, gao_id, "Bakary", "Coulibaly", dob=born)
    with pytest.raises(RuleViolation):
        admission.check_in(db, manager, almost, centre_id=gao_id, bed_id=beds["M1"])
    assert admission.check_in(db, manager, almost, centre_id=gao_id, bed_id=beds["K1"]).bed_label == "K1"
    assert admission.check_in(db, manager, adult, centre_id=gao_id, bed_id=beds["M1"]).bed_label == "M1"


def test_sex_of_the_bed_and_adults_in_minors_beds(db, gao):
    manager, beds, gao_id = gao
    woman = add_resident(db, gao_id, "Fatoumata", "Sylla", Sex.FEMALE)
    man = add_resident(db, gao_id, "Oumar", "Touré", Sex.MALE)
    with pytest.raises(RuleViolation, match="M1"):
        admission.check_in(db, manager, woman, centre_id=gao_id, bed_id=beds["M1"])
    with pytest.raises(RuleViolation, match="W1"):
        admission.check_in(db, manager, man, centre_id=gao_id, bed_id=beds["W1"])
    with pytest.raises(RuleViolation, match="K1"):
        admission.check_in(db, manager, man, centre_id=gao_id, bed_id=beds["K1"])
    assert admission.check_in(db, manager, woman, centre_id=gao_id, bed_id=beds["W1"]).bed_label == "W1"
    assert admission.check_in(db, manager, man, centre_id=gao_id, bed_id=beds["M1"],
                              override_reason="  ").bed_label == "M1"


def test_already_present_is_refused_anywhere(db, gao, centres, make_actor):
    manager, beds, gao_id = gao
    rid = add_resident(db, gao_id, "Moussa", "Traoré")
    admission.check_in(db, manager, rid, centre_id=gao_id)
    with pytest.raises(RuleViolation, match="Gao"):
        admission.check_in(db, manager, rid, centre_id=gao_id, bed_id=beds["M1"])
    both = dataclasses.replace(manager, centre_ids=frozenset({gao_id, centres["MOP"]}))
    with pytest.raises(RuleViolation):
        admission.check_in(db, both, rid, centre_id=centres["MOP"])


def test_check_in_validates_input(db, gao):
    manager, beds, gao_id = gao
    rid = add_resident(db, gao_id, "Moussa", "Traoré")
    with pytest.raises(ValidationError) as info:
        admission.check_in(db, manager, rid, centre_id=gao_id, arrival_date=TODAY + dt.timedelta(days=1),
                           arrived_from="x" * 300)
    assert set(info.value.errors) == {"arrival_date", "arrived_from"}
    with pytest.raises(RuleViolation):
        admission.check_in(db, manager, rid, centre_id=gao_id, bed_id=beds["M1"].__class__(int=1))
    with pytest.raises(RuleViolation):
        admission.check_in(db, manager, rid.__class__(int=5), centre_id=gao_id)


def test_stays_never_overlap(db, gao):
    manager, beds, gao_id = gao
    rid = add_resident(db, gao_id, "Moussa", "Traoré")
    stay = admission.check_in(db, manager, rid, centre_id=gao_id, arrival_date=TODAY - dt.timedelta(days=10))
    admission.check_out(db, manager, stay.id, reason=DepartureReason.LEFT_ON_OWN, day=TODAY - dt.timedelta(days=5))
    with pytest.raises(RuleViolation):
        admission.check_in(db, manager, rid, centre_id=gao_id, arrival_date=TODAY - dt.timedelta(days=7))
    again = admission.check_in(db, manager, rid, centre_id=gao_id, arrival_date=TODAY - dt.timedelta(days=5))
    assert again.is_open


def test_move_bed_keeps_the_history(db, gao, make_actor):
    manager, beds, gao_id = gao
    rid = add_resident(db, gao_id, "Moussa", "Traoré")
    stay = admission.check_in(db, manager, rid, centre_id=gao_id, bed_id=beds["M1"])
    moved = admission.move_bed(db, manager, stay.id, beds["M2"], expected_version=stay.version)
    assert moved.bed_label == "M2"
    with pytest.raises(DomainError):  # stale copy
        admission.move_bed(db, manager, stay.id, beds["M1"], expected_version=stay.version)
    with pytest.raises(RuleViolation):
        admission.move_bed(db, manager, stay.id, beds["M2"])
    other = add_resident(db, gao_id, "Ibrahim", "Keïta")
    admission.check_in(db, manager, other, centre_id=gao_id, bed_id=beds["M1"])  # M1 is free again
    with pytest.raises(RuleViolation, match="Keïta"):
        admission.move_bed(db, manager, stay.id, beds["M1"])
    events = resident_timeline(db, manager, rid)
    titles = [e.title for e in events]
    assert any("Changement de lit" in t or "Bed change" in t for t in titles), titles
    change = next(e for e in events if "M2" in e.detail and "M1" in e.detail)
    assert change.detail.index("M1") < change.detail.index("M2")


def test_transfer_closes_one_stay_and_opens_the_next(db, gao, centres, make_actor):
    manager, beds, gao_id = gao
    mopti = centres["MOP"]
    mopti_manager = make_actor(Role.MANAGER, centre="MOP")
    mopti_beds = make_beds(db, mopti_manager, mopti, name="B")
    rid = add_resident(db, gao_id, "Moussa", "Traoré")
    stay = admission.check_in(db, manager, rid, centre_id=gao_id, bed_id=beds["M1"],
                              arrival_date=TODAY - dt.timedelta(days=3))
    with pytest.raises(PermissionDenied):  # a bed in Mopti needs the right to write in Mopti
        admission.transfer(db, manager, stay.id, mopti, bed_id=mopti_beds["M1"])
    with pytest.raises(RuleViolation):
        admission.transfer(db, manager, stay.id, gao_id)
    new = admission.transfer(db, manager, stay.id, mopti, note="Closer to the bus station")
    assert new.centre_id == mopti and new.previous_stay_id == stay.id and new.bed_id is None
    assert new.arrival_date == TODAY and new.arrived_from  # the origin centre's name
    chain = admission.resident_stays(db, mopti_manager, rid)
    assert [s.id for s in chain] == [stay.id, new.id]
    assert chain[0].departure_reason == DepartureReason.TRANSFER
    assert chain[0].transferred_to_centre_id == mopti and chain[0].departure_date == TODAY
    assert present_residents(db, manager, gao_id) == []
    assert [p.resident_id for p in present_residents(db, mopti_manager, mopti)] == [rid]
    assert occupancy.occupancy(db, mopti_manager, mopti).without_bed[0].resident_id == rid
    assert occupancy.occupancy(db, manager, gao_id).free_by_kind[BedKind.MEN] == 2
    placed = admission.move_bed(db, mopti_manager, new.id, mopti_beds["M2"])
    assert placed.bed_label == "M2"
    titles = [e.title for e in resident_timeline(db, manager, rid)]
    assert any("Mopti" in t and "Gao" in t for t in titles), titles


def test_transfer_with_a_bed_by_someone_working_in_both(db, gao, centres, make_actor):
    manager, beds, gao_id = gao
    both = dataclasses.replace(manager, centre_ids=frozenset({gao_id, centres["MOP"]}))
    mopti_beds = make_beds(db, both, centres["MOP"], name="B")
    rid = add_resident(db, gao_id, "Moussa", "Traoré")
    stay = admission.check_in(db, manager, rid, centre_id=gao_id, bed_id=beds["M1"])
    new = admission.transfer(db, both, stay.id, centres["MOP"], bed_id=mopti_beds["M1"])
    assert new.bed_label == "M1" and new.centre_id == centres["MOP"]
    with pytest.raises(RuleViolation):  # the old stay is closed
        admission.transfer(db, both, stay.id, centres["MOP"])


def test_check_out_with_a_reason(db, gao):
    manager, beds, gao_id = gao
    rid = add_resident(db, gao_id, "Moussa", "Traoré")
    stay = admission.check_in(db, manager, rid, centre_id=gao_id, bed_id=beds["M1"],
                              arrival_date=TODAY - dt.timedelta(days=2))
    with pytest.raises(ValidationError) as info:
        admission.check_out(db, manager, stay.id, reason=DepartureReason.OTHER)
    assert "note" in info.value.errors
    with pytest.raises(ValidationError):
        admission.check_out(db, manager, stay.id, reason=DepartureReason.TRANSFER)
    with pytest.raises(ValidationError):
        admission.check_out(db, manager, stay.id, reason="nonsense")
    with pytest.raises(RuleViolation):
        admission.check_out(db, manager, stay.id, reason=DepartureReason.RETURN,
                            day=TODAY - dt.timedelta(days=5))
    done = admission.check_out(db, manager, stay.id, reason=DepartureReason.OTHER, note="Hospitalised")
    assert done.departure_date == TODAY and done.departure_note == "Hospitalised"
    assert present_residents(db, manager, gao_id) == []
    with pytest.raises(RuleViolation):
        admission.check_out(db, manager, stay.id, reason=DepartureReason.RETURN)
    events = resident_timeline(db, manager, rid)
    assert events[0].detail.endswith("Hospitalised")


def test_close_open_stay_for_other_capabilities(db, gao):
    manager, beds, gao_id = gao
    rid = add_resident(db, gao_id, "Moussa", "Traoré")
    admission.check_in(db, manager, rid, centre_id=gao_id, bed_id=beds["M1"], arrival_date=TODAY - dt.timedelta(days=1))
    with db.transaction(manager) as s:
        with pytest.raises(RuleViolation):
            close_open_stay(s, rid, TODAY - dt.timedelta(days=4), DepartureReason.RETURN)
    with db.transaction(manager) as s:
        closed = close_open_stay(s, rid, TODAY, DepartureReason.RETURN, "Convoy to Bamako")
        assert closed.departure_reason == DepartureReason.RETURN
        assert close_open_stay(s, rid, TODAY, DepartureReason.RETURN) is None
    assert present_residents(db, manager, gao_id) == []


def test_present_residents_on_a_past_night(db, gao):
    manager, beds, gao_id = gao
    rid = add_resident(db, gao_id, "Moussa", "Traoré")
    stay = admission.check_in(db, manager, rid, centre_id=gao_id, arrival_date=TODAY - dt.timedelta(days=5))
    admission.check_out(db, manager, stay.id, reason=DepartureReason.RETURN, day=TODAY - dt.timedelta(days=2))
    assert [p.resident_id for p in present_residents(db, manager, gao_id, TODAY - dt.timedelta(days=3))] == [rid]
    assert present_residents(db, manager, gao_id, TODAY - dt.timedelta(days=2)) == []
    assert present_residents(db, manager, gao_id, TODAY - dt.timedelta(days=6)) == []


def test_rooms_and_beds_administration(db, gao):
    manager, beds, gao_id = gao
    room = rooms.list_rooms(db, manager, gao_id)[0]
    with pytest.raises(RuleViolation):
        rooms.add_room(db, manager, gao_id, " a ")
    with pytest.raises(ValidationError):
        rooms.add_room(db, manager, gao_id, "   ")
    renamed = rooms.rename_room(db, manager, room.id, "Dortoir A", expected_version=room.version)
    assert renamed.name == "Dortoir A"
    with pytest.raises(DomainError):
        rooms.rename_room(db, manager, room.id, "Dortoir Z", expected_version=room.version)
    with pytest.raises(RuleViolation):
        rooms.add_bed(db, manager, room.id, "m1", BedKind.MEN)
    with pytest.raises(ValidationError) as info:
        rooms.add_bed(db, manager, room.id, "", "sofa")
    assert set(info.value.errors) == {"label", "kind"}
    bed = rooms.update_bed(db, manager, beds["M2"], label="M2b", kind=BedKind.FAMILY)
    assert (bed.label, bed.kind) == ("M2b", BedKind.FAMILY)
    added = rooms.add_beds(db, manager, room.id, 3, BedKind.WOMEN, prefix="W")
    assert [b.label for b in added] == ["W2", "W3", "W4"]
    rid = add_resident(db, gao_id, "Moussa", "Traoré")
    admission.check_in(db, manager, rid, centre_id=gao_id, bed_id=beds["M1"])
    with pytest.raises(RuleViolation, match="Traoré"):
        rooms.set_bed_active(db, manager, beds["M1"], False)
    with pytest.raises(RuleViolation):
        rooms.set_room_active(db, manager, room.id, False)
    off = rooms.set_bed_active(db, manager, beds["K1"], False)
    assert not off.active
    with pytest.raises(RuleViolation):  # an inactive bed takes nobody
        admission.check_in(db, manager, add_resident(db, gao_id, "Sira", "Diarra", Sex.FEMALE,
                                                     dob=TODAY.replace(year=TODAY.year - 10)),
                           centre_id=gao_id, bed_id=beds["K1"])
    view = occupancy.occupancy(db, manager, gao_id)
    assert view.capacity == 7 and view.beds_by_kind[BedKind.MINORS] == 0
    listed = {b.label: b for b in rooms.list_rooms(db, manager, gao_id)[0].beds}
    assert listed["M1"].occupant and "Traoré" in listed["M1"].occupant and not listed["K1"].active
    assert [b.label for b in rooms.list_rooms(db, manager, gao_id)[0].beds][:3] == ["F1", "K1", "M1"]


def test_permissions_and_centre_visibility(db, gao, centres, make_actor):
    manager, beds, gao_id = gao
    rid = add_resident(db, gao_id, "Moussa", "Traoré")
    caseworker = make_actor(Role.CASEWORKER, centre="GAO")
    medical = make_actor(Role.MEDICAL, centre="GAO")
    cash = make_actor(Role.CASH_OFFICER, centre="GAO")
    stranger = make_actor(Role.MANAGER, centre="MOP")
    hq = make_actor(Role.HQ, centre=None)
    room_id = rooms.list_rooms(db, manager, gao_id)[0].id
    with pytest.raises(PermissionDenied):
        rooms.add_room(db, caseworker, gao_id, "B")
    with pytest.raises(PermissionDenied):
        rooms.add_bed(db, stranger, room_id, "X1", BedKind.MEN)
    with pytest.raises(PermissionDenied):
        admission.check_in(db, medical, rid, centre_id=gao_id, bed_id=beds["M1"])
    with pytest.raises(PermissionDenied):
        admission.check_in(db, stranger, rid, centre_id=gao_id)
    with pytest.raises(PermissionDenied):
        admission.check_in(db, hq, rid, centre_id=gao_id)
    stay = admission.check_in(db, caseworker, rid, centre_id=gao_id, bed_id=beds["M1"])
    with pytest.raises(PermissionDenied):
        admission.check_out(db, stranger, stay.id, reason=DepartureReason.RETURN)
    with pytest.raises(PermissionDenied):
        occupancy.occupancy(db, stranger, gao_id)
    with pytest.raises(PermissionDenied):
        occupancy.occupancy(db, cash, gao_id)
    assert occupancy.occupancy(db, hq, gao_id).present == 1
    assert len(present_residents(db, medical, gao_id)) == 1
    assert len(present_residents(db, cash, gao_id)) == 1  # resident readers may know who is here
    with pytest.raises(PermissionDenied):
        present_residents(db, stranger, gao_id)
    with pytest.raises(NotFound):
        admission.get_stay(db, manager, stay.id.__class__(int=7))


@pytest.mark.parametrize("bad", ["not-an-id", "", 42, "00000000-0000-0000-0000-000000000000"])
def test_hostile_ids_give_clear_errors(db, gao, bad):
    manager, beds, gao_id = gao
    rid = add_resident(db, gao_id, "Moussa", "Traoré")
    with pytest.raises(RuleViolation):
        admission.check_in(db, manager, bad, centre_id=gao_id)
    with pytest.raises(RuleViolation):
        admission.check_in(db, manager, rid, centre_id=gao_id, bed_id=bad or "x")
    stay = admission.check_in(db, manager, rid, centre_id=gao_id)
    with pytest.raises(DomainError):
        admission.transfer(db, manager, stay.id, bad)
    with pytest.raises(NotFound):
        admission.check_out(db, manager, bad, reason=DepartureReason.RETURN)
    with pytest.raises(RuleViolation):
        admission.move_bed(db, manager, stay.id, bad or "x")
    with pytest.raises(DomainError):
        rooms.add_bed(db, manager, bad, "X", BedKind.MEN)

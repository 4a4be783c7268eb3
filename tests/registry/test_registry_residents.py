"""Registering residents: validation of each rule, case numbers, documents, vulnerabilities,
households, consent, photo, optimistic locking, permissions and all-or-nothing saving."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from transit_centre.db.models import AuditEntry, Household, IdentityDocument, Resident, Vulnerability
from transit_centre.enums import AuditAction, DocumentKind, HouseholdKind, HouseholdRole, Role, Sex, VulnerabilityKind
from transit_centre.errors import ConflictError, NotFound, PermissionDenied, RuleViolation, ValidationError
from transit_centre.registry import households, records
from transit_centre.registry.residents import (
    DocumentInput,
    ResidentInput,
    VulnerabilityInput,
    get_resident,
    record_consent,
    register_resident,
    set_photo,
    update_resident,
)
from transit_centre.registry.timeline import TimelineEvent
from transit_centre.registry.events import resident_events

TODAY = dt.date.today()


def person(**changes) -> ResidentInput:
    data = dict(first_name="Aïssata", last_name="Traoré", sex=Sex.FEMALE, date_of_birth=dt.date(1995, 3, 4),
                nationality="ML", phone="76 12 34 56", consent_given=True)
    data.update(changes)
    return ResidentInput(**data)


def count(db, model) -> int:
    with db.transaction(None, readonly=True) as s:
        return s.scalar(select(func.count()).select_from(model))


@pytest.fixture
def caseworker(make_actor):
    return make_actor(Role.CASEWORKER, centre="GAO")


def test_register_stores_folded_names_search_text_and_case_number(db, caseworker):
    view = register_resident(db, caseworker, person(documents=[DocumentInput(
        DocumentKind.PASSPORT, "AB 123456", "ML", dt.date(2020, 1, 1), dt.date(2025, 1, 1))]))
    assert view.case_number == f"GAO-{TODAY.year}-00001"
    assert view.phone == "+22376123456"
    assert view.consent_given and view.consent_date == TODAY
    with db.transaction(None, readonly=True) as s:
        r = s.get(Resident, view.id)
        assert r.last_name_folded == "traore" and r.first_name_folded == "aissata"
        assert "traore" in r.search_text and "22376123456" in r.search_text and "ab123456" in r.search_text
        assert r.consent_recorded_by == caseworker.user_id
    second = register_resident(db, caseworker, person(first_name="Moussa", sex=Sex.MALE))
    assert second.case_number == f"GAO-{TODAY.year}-00002"


def test_case_numbers_count_per_centre_and_year(db, make_actor):
    gao, mopti = make_actor(Role.CASEWORKER, centre="GAO"), make_actor(Role.CASEWORKER, centre="MOP")
    assert register_resident(db, gao, person()).case_number.endswith("-00001")
    assert register_resident(db, mopti, person()).case_number == f"MOP-{TODAY.year}-00001"
    last_year = register_resident(db, gao, person(registered_on=dt.date(TODAY.year - 1, 6, 1)))
    assert last_year.case_number == f"GAO-{TODAY.year - 1}-00001"
    assert register_resident(db, gao, person()).case_number.endswith("-00002")


@pytest.mark.parametrize("changes, field", [
    ({"first_name": "  "}, "first_name"),
    ({"last_name": None}, "last_name"),
    ({"sex": None}, "sex"),
    ({"sex": "X"}, "sex"),
    ({"date_of_birth": TODAY + dt.timedelta(days=1)}, "date_of_birth"),
    ({"date_of_birth": None}, "date_of_birth"),
    ({"date_of_birth": None, "estimated_age": 111}, "estimated_age"),
    ({"date_of_birth": None, "estimated_age": -1}, "estimated_age"),
    ({"date_of_birth": None, "estimated_age": "vingt"}, "estimated_age"),
    ({"nationality": "XX"}, "nationality"),
    ({"nationality": None}, "nationality"),
    ({"phone": "12"}, "phone"),
    ({"phone": "call me"}, "phone"),
    ({"first_name": "A" * 151}, "first_name"),
    ({"consent_date": TODAY + dt.timedelta(days=3)}, "consent_date"),
    ({"registered_on": TODAY + dt.timedelta(days=1)}, "registered_on"),
    ({"documents": [DocumentInput(DocumentKind.PASSPORT, "P1", "ML", dt.date(2022, 1, 1), dt.date(2021, 1, 1))]},
     "documents"),
    ({"documents": [DocumentInput(DocumentKind.PASSPORT, "P1", "QQ")]}, "documents"),
    ({"documents": [DocumentInput(None, "P1")]}, "documents"),
    ({"documents": [DocumentInput(DocumentKind.PASSPORT, "P1", "ML", TODAY + dt.timedelta(days=5))]}, "documents"),
    ({"vulnerabilities": [VulnerabilityInput(VulnerabilityKind.DISABILITY, TODAY + dt.timedelta(days=2))]},
     "vulnerabilities"),
    ({"vulnerabilities": [VulnerabilityInput(VulnerabilityKind.DISABILITY),
                          VulnerabilityInput(VulnerabilityKind.DISABILITY)]}, "vulnerabilities"),
])
def test_each_validation_rule_refuses_and_saves_nothing(db, caseworker, changes, field):
    with pytest.raises(ValidationError) as info:
        register_resident(db, caseworker, person(**changes))
    assert field in info.value.errors, info.value.errors
    assert info.value.errors[field]
    assert count(db, Resident) == 0 and count(db, IdentityDocument) == 0


def test_all_messages_are_given_at_once(db, caseworker):
    with pytest.raises(ValidationError) as info:
        register_resident(db, caseworker, ResidentInput(first_name="", last_name="", sex=None, nationality="ZZ",
                                                         phone="abc"))
    assert {"first_name", "last_name", "sex", "date_of_birth", "nationality", "phone"} <= set(info.value.errors)


def test_estimated_age_gives_first_of_january(db, caseworker):
    view = register_resident(db, caseworker, person(date_of_birth=None, estimated_age=30))
    assert view.date_of_birth == dt.date(TODAY.year - 30, 1, 1) and view.dob_estimated
    baby = register_resident(db, caseworker, person(date_of_birth=None, estimated_age=0))
    assert baby.date_of_birth == dt.date(TODAY.year, 1, 1)


def test_foreign_phone_numbers_keep_their_country(db, caseworker):
    view = register_resident(db, caseworker, person(phone="+234 803 123 4567", nationality="NG"))
    assert view.phone == "+2348031234567"


def test_nothing_half_saved_when_a_step_fails(db, caseworker, monkeypatch):
    import transit_centre.registry.residents as module

    def broken(resident):
        raise RuntimeError("disk full")

    # Fails after every row was flushed, at the very end of the transaction.
    monkeypatch.setattr(module, "view", broken)
    with pytest.raises(RuntimeError):
        register_resident(db, caseworker, person(
            new_household_name="Famille Traoré",
            documents=[DocumentInput(DocumentKind.PASSPORT, "P1", "ML")],
            vulnerabilities=[VulnerabilityInput(VulnerabilityKind.DISABILITY)]))
    for model in (Resident, IdentityDocument, Vulnerability, Household):
        assert count(db, model) == 0


def test_permissions_and_centre_visibility(db, make_actor, centres):
    nurse = make_actor(Role.MEDICAL, centre="GAO")
    with pytest.raises(PermissionDenied):
        register_resident(db, nurse, person())
    gao = make_actor(Role.CASEWORKER, centre="GAO")
    with pytest.raises(PermissionDenied):
        register_resident(db, gao, person(centre_id=centres["MOP"]))
    view = register_resident(db, gao, person())
    assert get_resident(db, nurse, view.id).resident.case_number == view.case_number
    with pytest.raises(PermissionDenied):
        get_resident(db, make_actor(Role.CASEWORKER, centre="MOP"), view.id)
    assert get_resident(db, make_actor(Role.HQ, centre=None), view.id).centre_code == "GAO"
    with pytest.raises(PermissionDenied):
        update_resident(db, make_actor(Role.HQ, centre=None), view.id, person(), view.version)
    with pytest.raises(NotFound):
        get_resident(db, gao, view.centre_id)


def test_update_uses_optimistic_locking_and_refreshes_search_text(db, caseworker):
    view = register_resident(db, caseworker, person())
    updated = update_resident(db, caseworker, view.id, person(last_name="Touré", phone=None), view.version)
    assert updated.last_name == "Touré" and updated.version == view.version + 1
    with db.transaction(None, readonly=True) as s:
        r = s.get(Resident, view.id)
        assert r.last_name_folded == "toure" and "traore" not in r.search_text
    with pytest.raises(ConflictError):
        update_resident(db, caseworker, view.id, person(last_name="Keïta"), view.version)
    with pytest.raises(ValidationError):
        update_resident(db, caseworker, view.id, person(first_name=""), updated.version)


def test_documents_added_and_voided_change_the_search_text(db, caseworker):
    view = register_resident(db, caseworker, person())
    doc = records.add_document(db, caseworker, view.id, DocumentInput(DocumentKind.NATIONAL_ID, "NI-998877", "ML"))
    with db.transaction(None, readonly=True) as s:
        assert "ni-998877" in s.get(Resident, view.id).search_text
    with pytest.raises(ValidationError):
        records.add_document(db, caseworker, view.id, DocumentInput(
            DocumentKind.PASSPORT, "X", "ML", dt.date(2024, 1, 1), dt.date(2023, 1, 1)))
    with pytest.raises(ValidationError):
        records.void_document(db, caseworker, doc.id, " ")
    voided = records.void_document(db, caseworker, doc.id, "typing mistake", doc.version)
    assert voided.voided
    with db.transaction(None, readonly=True) as s:
        assert "ni-998877" not in s.get(Resident, view.id).search_text
    with pytest.raises(RuleViolation):
        records.void_document(db, caseworker, doc.id, "again")
    detail = get_resident(db, caseworker, view.id)
    assert [d.voided for d in detail.documents] == [True]


def test_vulnerabilities_resolve_void_and_confidential_note(db, caseworker, make_actor):
    view = register_resident(db, caseworker, person(vulnerabilities=[
        VulnerabilityInput(VulnerabilityKind.TRAFFICKING_VICTIM, TODAY - dt.timedelta(days=3), "recruited in Lagos")]))
    detail = get_resident(db, caseworker, view.id)
    (vul,) = detail.vulnerabilities
    assert vul.has_note and vul.identified_on == TODAY - dt.timedelta(days=3)
    with pytest.raises(RuleViolation):
        records.add_vulnerability(db, caseworker, view.id, VulnerabilityInput(VulnerabilityKind.TRAFFICKING_VICTIM))
    with pytest.raises(PermissionDenied):
        records.vulnerability_note(db, make_actor(Role.MEDICAL), vul.id)
    assert records.vulnerability_note(db, caseworker, vul.id) == "recruited in Lagos"
    with db.transaction(None, readonly=True) as s:
        read = s.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.READ)).all()
        assert [e.entity_id for e in read] == [vul.id]
        assert not s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.new_value.like("%Lagos%")))
    with pytest.raises(ValidationError):
        records.resolve_vulnerability(db, caseworker, vul.id, TODAY - dt.timedelta(days=10))
    resolved = records.resolve_vulnerability(db, caseworker, vul.id, TODAY, vul.version)
    assert resolved.resolved_on == TODAY
    assert get_resident(db, caseworker, view.id).active_vulnerabilities == []
    other = records.add_vulnerability(db, caseworker, view.id, VulnerabilityInput(VulnerabilityKind.DISABILITY))
    assert records.void_vulnerability(db, caseworker, other.id, "mistake").voided


def test_households_family_of_three(db, caseworker, make_actor):
    head = register_resident(db, caseworker, person(first_name="Moussa", sex=Sex.MALE,
                                                    new_household_name="Famille Traoré",
                                                    household_role=HouseholdRole.HEAD))
    hh = head.household_id
    assert hh is not None
    register_resident(db, caseworker, person(household_id=hh, household_role=HouseholdRole.SPOUSE))
    child = register_resident(db, caseworker, person(first_name="Awa", date_of_birth=None, estimated_age=4,
                                                     household_id=hh, household_role="child"))
    detail = get_resident(db, caseworker, child.id)
    assert detail.household_name == "Famille Traoré" and len(detail.members) == 3
    assert {m.role for m in detail.members} == {HouseholdRole.HEAD, HouseholdRole.SPOUSE, HouseholdRole.CHILD}
    listed = households.list_households(db, caseworker, text="traore")
    assert [(h.name, h.members) for h in listed] == [("Famille Traoré", 3)]
    removed = households.remove_member(db, caseworker, child.id, child.version)
    assert removed.household_id is None
    group = households.create_household(db, caseworker, "Groupe d'Agadez", HouseholdKind.GROUP)
    moved = households.add_member(db, caseworker, group.id, child.id, HouseholdRole.MEMBER)
    assert moved.household_id == group.id
    mopti = make_actor(Role.CASEWORKER, centre="MOP")
    with pytest.raises(ValidationError):
        register_resident(db, mopti, person(household_id=hh))
    with pytest.raises(ValidationError):
        register_resident(db, caseworker, person(household_id=hh, new_household_name="Autre"))


def test_consent_recorded_later_and_timeline(db, caseworker):
    view = register_resident(db, caseworker, person(consent_given=False, vulnerabilities=[
        VulnerabilityInput(VulnerabilityKind.DISABILITY, TODAY)]))
    assert not view.consent_given and view.consent_date is None
    later = record_consent(db, caseworker, view.id, True, TODAY, view.version)
    assert later.consent_given and later.consent_date == TODAY
    with db.transaction(caseworker, readonly=True) as s:
        events = resident_events(s, caseworker, view.id)
    kinds = sorted(e.kind for e in events)
    assert kinds == ["consent", "registration", "vulnerability"]
    assert all(isinstance(e, TimelineEvent) for e in events)
    assert any(view.case_number in e.detail for e in events)


def test_photo_is_copied_and_checked(db, caseworker, tmp_path):
    view = register_resident(db, caseworker, person())
    picture = tmp_path / "photo.PNG"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    updated = set_photo(db, caseworker, view.id, picture, view.version)
    detail = get_resident(db, caseworker, view.id)
    assert detail.photo_file is not None and detail.photo_file.name == f"{view.id}.png"
    assert detail.photo_file.read_bytes() == picture.read_bytes()
    assert updated.photo_path == f"photos/{view.id}.png"
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ValidationError):
        set_photo(db, caseworker, view.id, text)
    fake = tmp_path / "fake.jpg"
    fake.write_text("not a picture")
    with pytest.raises(ValidationError):
        set_photo(db, caseworker, view.id, fake)
    big = tmp_path / "big.jpg"
    with big.open("wb") as fh:
        fh.write(b"\xff\xd8\xff")
        fh.seek(10 * 1024 * 1024)
        fh.write(b"\0")
    with pytest.raises(ValidationError):
        set_photo(db, caseworker, view.id, big)
    with pytest.raises(ValidationError):
        set_photo(db, caseworker, view.id, tmp_path / "missing.jpg")

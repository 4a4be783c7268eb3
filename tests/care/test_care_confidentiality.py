"""Confidential notes: medical notes for medical staff only, MHPSS notes for MHPSS staff only;
every read is audited; the audit log never holds the note text."""
from __future__ import annotations

import pytest
from support.care import present  # noqa: F401 - fixture
from sqlalchemy import select

from transit_centre.care import medical, mhpss, records
from transit_centre.care.enums import MhpssType
from transit_centre.db.models import AuditEntry
from transit_centre.enums import AuditAction, Role
from transit_centre.errors import PermissionDenied, RuleViolation
from transit_centre.registry.timeline import resident_timeline

MEDICAL_NOTE = "Tuberculose suspectée – SECRET-MED"
MHPSS_NOTE = "Récit de violences – SECRET-PSY"
OTHERS = (Role.CASEWORKER, Role.MANAGER, Role.HQ, Role.ADMIN)


@pytest.fixture
def notes(db, make_actor, present):
    consult = medical.record_consultation(db, make_actor(Role.MEDICAL), present[0], consultation_type="curative",
                                          provider="Dr Sangaré", note=MEDICAL_NOTE)
    group = mhpss.record_group_activity(db, make_actor(Role.MHPSS), activity_type=MhpssType.GROUP,
                                        title="Groupe de parole", attendee_ids=present[:5], provider="O. Touré",
                                        note=MHPSS_NOTE)
    session = mhpss.record_mhpss_session(db, make_actor(Role.MHPSS), present[0], session_type="counselling",
                                         provider="O. Touré", note=MHPSS_NOTE)
    return consult, group, session


def _reads(db, service_id):
    with db.transaction(None, readonly=True) as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.entity_id == service_id,
                                                       AuditEntry.action == AuditAction.READ)))


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_see_the_service_but_never_the_note(db, make_actor, present, notes, role):
    consult, group, session = notes
    actor = make_actor(role)
    listed = records.resident_services(db, actor, present[0])
    assert {v.id for v in listed} == {consult.id, group.id, session.id}
    for view in listed:
        assert view.has_note and view.note is None and not view.can_read_note
    for service in notes:
        with pytest.raises(PermissionDenied):
            records.read_confidential_note(db, actor, service.id)
        assert _reads(db, service.id) == []
    events = resident_timeline(db, actor, present[0])
    assert all("SECRET" not in e.title + e.detail for e in events)


def test_medical_reads_medical_notes_only_and_each_read_is_audited(db, make_actor, notes):
    consult, group, session = notes
    nurse = make_actor(Role.MEDICAL, username="nurse")
    assert records.read_confidential_note(db, nurse, consult.id) == MEDICAL_NOTE
    assert records.read_confidential_note(db, nurse, consult.id) == MEDICAL_NOTE
    reads = _reads(db, consult.id)
    assert len(reads) == 2 and {r.username for r in reads} == {"nurse"}
    assert all(r.field == "confidential_note" and r.new_value is None and r.old_value is None for r in reads)
    for service in (group, session):
        with pytest.raises(PermissionDenied):
            records.read_confidential_note(db, nurse, service.id)
    assert records.get_service(db, nurse, consult.id).can_read_note
    assert not records.get_service(db, nurse, session.id).can_read_note


def test_mhpss_reads_mhpss_notes_only(db, make_actor, notes):
    consult, group, session = notes
    officer = make_actor(Role.MHPSS, username="psy")
    assert records.read_confidential_note(db, officer, group.id) == MHPSS_NOTE
    assert records.read_confidential_note(db, officer, session.id) == MHPSS_NOTE
    assert len(_reads(db, group.id)) == 1 and len(_reads(db, session.id)) == 1
    with pytest.raises(PermissionDenied):
        records.read_confidential_note(db, officer, consult.id)


def test_staff_of_another_centre_cannot_read(db, make_actor, notes):
    consult, group, _session = notes
    with pytest.raises(PermissionDenied):
        records.read_confidential_note(db, make_actor(Role.MEDICAL, centre="KAY"), consult.id)
    with pytest.raises(PermissionDenied):
        records.read_confidential_note(db, make_actor(Role.MHPSS, centre="KAY"), group.id)


def test_services_without_a_confidential_note(db, centres, make_actor, present):
    from transit_centre.care.distribution import record_distribution
    from transit_centre.enums import ServiceKind

    result = record_distribution(db, make_actor(Role.CASEWORKER), centres["GAO"], kind=ServiceKind.MEAL,
                                 resident_ids=present[:1])
    with pytest.raises(RuleViolation):
        records.read_confidential_note(db, make_actor(Role.MEDICAL), result.service_ids[0])


def test_audit_log_never_holds_the_note(db, make_actor, notes):
    consult, group, session = notes
    nurse, officer = make_actor(Role.MEDICAL), make_actor(Role.MHPSS)
    records.read_confidential_note(db, nurse, consult.id)
    records.read_confidential_note(db, officer, session.id)
    records.void_service(db, officer, session.id, "doublon")
    with db.transaction(None, readonly=True) as s:
        entries = list(s.scalars(select(AuditEntry)))
        creates = [e for e in entries if e.entity_id == consult.id and e.action == AuditAction.CREATE]
    assert creates and '"confidential_note": "***"' in creates[0].new_value
    text = " ".join(f"{e.old_value} {e.new_value} {e.detail}" for e in entries)
    assert "SECRET" not in text

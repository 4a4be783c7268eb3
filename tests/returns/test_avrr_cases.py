"""Return case workflow and movements: every rule and every refusal."""
from __future__ import annotations

import datetime as dt

import pytest
from support.avrr import TODAY, add_fit, add_resident, open_international, walk_to_fit
from sqlalchemy import select

from transit_centre.avrr import cases as C
from transit_centre.avrr import movements as M
from transit_centre.avrr.documents import manifest_view, travel_letter_view
from transit_centre.avrr.timeline import events
from transit_centre.db.models import AuditEntry, Stay
from transit_centre.enums import (
    AuditAction,
    CancelReason,
    DepartureReason,
    MovementMode,
    MovementStatus,
    ReturnStatus,
    ReturnStep,
    ReturnType,
    VulnerabilityKind,
)
from transit_centre.errors import ConflictError, PermissionDenied, RuleViolation, ValidationError
from transit_centre.enums import Role
from transit_centre.i18n import set_language


@pytest.fixture(autouse=True)
def _english():
    # The messages asserted below are the English source texts.
    set_language("en")


@pytest.fixture
def cw(make_actor):
    return make_actor(Role.CASEWORKER)


@pytest.fixture
def gao(centres):
    return centres["GAO"]


def _movement(db, actor, day=TODAY, escorts=(), country="GN"):
    return M.create_movement(db, actor, M.MovementInput(day, MovementMode.BUS_CONVOY, country, "Gao → Conakry",
                                                        ("Gao → Bamako", "Bamako → Conakry"), "STMB", None,
                                                        tuple(escorts)))


def test_open_case_validation_and_one_open_case(db, cw, gao):
    rid = add_resident(db, gao)
    with pytest.raises(ValidationError) as exc:
        C.open_case(db, cw, C.CaseInput(rid, None, "XX"))
    assert set(exc.value.errors) == {"return_type", "destination_country"}
    with pytest.raises(ValidationError) as exc:
        C.open_case(db, cw, C.CaseInput(rid, ReturnType.MALIAN_HOME, "GN"))
    assert "destination_country" in exc.value.errors and "destination_region" in exc.value.errors
    with pytest.raises(ValidationError):
        C.open_case(db, cw, C.CaseInput(rid, ReturnType.INTERNATIONAL, "ML"))
    case = open_international(db, cw, rid)
    assert case.summary.case_reference.startswith(f"GAO-{TODAY.year - (1 if (TODAY - dt.timedelta(days=5)).year < TODAY.year else 0)}-RET-")
    assert case.steps[0].state == "done" and case.next_step == ReturnStep.COUNSELLED
    with pytest.raises(RuleViolation, match="open return case"):
        open_international(db, cw, rid)
    # after cancelling, a new case may be opened (a resident can return more than once)
    C.cancel_case(db, cw, case.summary.id, CancelReason.CHANGED_MIND)
    again = open_international(db, cw, rid)
    assert again.summary.id != case.summary.id
    assert len(C.cases_of_resident(db, cw, rid)) == 2


def test_permissions(db, make_actor, gao):
    rid = add_resident(db, gao)
    with pytest.raises(PermissionDenied):
        open_international(db, make_actor(Role.CASH_OFFICER), rid)
    with pytest.raises(PermissionDenied):
        open_international(db, make_actor(Role.CASEWORKER, centre="KAY"), rid)


def test_steps_in_order_skip_needs_reason(db, cw, gao):
    rid = add_resident(db, gao)
    case_id = open_international(db, cw, rid).summary.id
    with pytest.raises(RuleViolation, match="not done yet"):
        C.record_step(db, cw, case_id, ReturnStep.APPLICATION_SIGNED)
    with pytest.raises(ValidationError):
        C.skip_step(db, cw, case_id, ReturnStep.COUNSELLED, "  ")
    with pytest.raises(RuleViolation):
        C.record_step(db, cw, case_id, ReturnStep.TRAVEL_BOOKED)
    with pytest.raises(RuleViolation):
        C.skip_step(db, cw, case_id, ReturnStep.DEPARTED, "no")
    with pytest.raises(ValidationError):
        C.record_step(db, cw, case_id, ReturnStep.COUNSELLED, done_on=TODAY + dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        C.record_step(db, cw, case_id, ReturnStep.COUNSELLED, done_on=TODAY - dt.timedelta(days=30))
    detail = C.skip_step(db, cw, case_id, ReturnStep.COUNSELLED, "counselled in Niger before arrival")
    assert detail.steps[1].state == "skipped" and detail.steps[1].skip_reason
    assert detail.steps[1].done_by_name == cw.full_name
    with pytest.raises(RuleViolation, match="already recorded"):
        C.record_step(db, cw, case_id, ReturnStep.COUNSELLED)
    C.record_step(db, cw, case_id, ReturnStep.APPLICATION_SIGNED)
    with pytest.raises(ValidationError) as exc:
        C.record_step(db, cw, case_id, ReturnStep.DOCUMENTS_REQUESTED, details={"kind": "bus ticket"})
    assert "kind" in exc.value.errors
    C.record_step(db, cw, case_id, ReturnStep.DOCUMENTS_REQUESTED, details={"kind": "passport"})
    with pytest.raises(ValidationError) as exc:
        C.record_step(db, cw, case_id, ReturnStep.DOCUMENTS_OBTAINED,
                      details={"kind": "passport", "number": "", "expiry": (TODAY - dt.timedelta(days=1)).isoformat()})
    assert set(exc.value.errors) == {"number", "expiry"}
    detail = C.record_step(db, cw, case_id, ReturnStep.DOCUMENTS_OBTAINED,
                           details={"kind": "passport", "number": "P123", "expiry": dt.date(2099, 1, 1)})
    assert detail.steps[4].details["number"] == "P123"
    # fit-to-travel comes from the medical record, never typed
    with pytest.raises(RuleViolation, match="fit-to-travel"):
        C.record_step(db, cw, case_id, ReturnStep.FIT_TO_TRAVEL)
    add_fit(db, gao, rid, status="not_fit")
    with pytest.raises(RuleViolation, match="not fit"):
        C.record_step(db, cw, case_id, ReturnStep.FIT_TO_TRAVEL)
    add_fit(db, gao, rid, status="fit", day=TODAY)
    detail = C.record_step(db, cw, case_id, ReturnStep.FIT_TO_TRAVEL)
    assert detail.summary.current_step == ReturnStep.FIT_TO_TRAVEL
    assert detail.steps[5].details["status"] == "fit"
    # undo the last manual step with a reason
    detail = C.undo_step(db, cw, case_id, "recorded on the wrong case")
    assert detail.summary.current_step == ReturnStep.DOCUMENTS_OBTAINED


def test_hold_resume_cancel(db, cw, gao):
    rid = add_resident(db, gao)
    case = open_international(db, cw, rid)
    with pytest.raises(ValidationError):
        C.hold_case(db, cw, case.summary.id, "")
    held = C.hold_case(db, cw, case.summary.id, "waiting for family contact")
    assert held.summary.status == ReturnStatus.ON_HOLD
    with pytest.raises(RuleViolation, match="on hold"):
        C.record_step(db, cw, case.summary.id, ReturnStep.COUNSELLED)
    with pytest.raises(ConflictError):
        C.resume_case(db, cw, case.summary.id, expected_version=held.summary.version + 5)  # stale copy
    resumed = C.resume_case(db, cw, case.summary.id)
    assert resumed.summary.status == ReturnStatus.ACTIVE
    with pytest.raises(RuleViolation):
        C.resume_case(db, cw, case.summary.id)
    with pytest.raises(ValidationError):
        C.cancel_case(db, cw, case.summary.id, None)
    with pytest.raises(ValidationError):
        C.cancel_case(db, cw, case.summary.id, CancelReason.OTHER, "")
    cancelled = C.cancel_case(db, cw, case.summary.id, CancelReason.ABSCONDED)
    assert cancelled.summary.status == ReturnStatus.CANCELLED
    with pytest.raises(RuleViolation, match="cancelled"):
        C.record_step(db, cw, case.summary.id, ReturnStep.COUNSELLED)


def test_readiness_lists_reasons_and_add_refuses(db, cw, gao):
    ready_id = add_resident(db, gao, "Ready", "One")
    add_fit(db, gao, ready_id)
    ready = open_international(db, cw, ready_id).summary.id
    walk_to_fit(db, cw, ready)

    expiring_id = add_resident(db, gao, "Expiring", "Doc")
    add_fit(db, gao, expiring_id, valid_until=TODAY + dt.timedelta(days=2))
    expiring = open_international(db, cw, expiring_id).summary.id
    walk_to_fit(db, cw, expiring, expiry=TODAY + dt.timedelta(days=3))

    early_id = add_resident(db, gao, "Early", "Stage")
    early = open_international(db, cw, early_id).summary.id

    mv = _movement(db, cw, TODAY + dt.timedelta(days=7))
    rows = {r.return_case_id: r for r in M.readiness(db, cw, mv.id)}
    assert rows[ready].ready and rows[ready].reasons == ()
    assert not rows[expiring].ready
    assert any("travel document expires" in r for r in rows[expiring].reasons)
    assert any("fit-to-travel is not valid" in r for r in rows[expiring].reasons)
    assert not rows[early].ready and any("Step not done" in r for r in rows[early].reasons)

    with pytest.raises(RuleViolation, match="not ready"):
        M.add_case(db, cw, mv.id, expiring)
    view = M.add_case(db, cw, mv.id, ready)
    assert [t.return_case_id for t in view.travellers] == [ready]
    assert C.get_case(db, cw, ready).summary.current_step == ReturnStep.TRAVEL_BOOKED
    with pytest.raises(RuleViolation, match="already on this movement"):
        M.add_case(db, cw, mv.id, ready)
    # another movement: the case is booked elsewhere, so it is not even a candidate there
    other = _movement(db, cw, TODAY + dt.timedelta(days=8))
    assert ready not in {r.return_case_id for r in M.readiness(db, cw, other.id)}
    with pytest.raises(RuleViolation, match="Already booked"):
        M.add_case(db, cw, other.id, ready)
    # wrong country movement
    senegal = _movement(db, cw, TODAY + dt.timedelta(days=7), country="SN")
    with pytest.raises(RuleViolation, match="another country"):
        M.add_case(db, cw, senegal.id, expiring)
    # take off again with a reason
    with pytest.raises(ValidationError):
        M.remove_case(db, cw, mv.id, ready, "")
    view = M.remove_case(db, cw, mv.id, ready, "seat given to a family")
    assert view.travellers == ()
    assert C.get_case(db, cw, ready).summary.current_step == ReturnStep.FIT_TO_TRAVEL


def test_on_hold_case_not_ready_and_fit_with_escort(db, cw, gao):
    rid = add_resident(db, gao)
    add_fit(db, gao, rid, status="fit_with_escort")
    case = open_international(db, cw, rid).summary.id
    walk_to_fit(db, cw, case)
    mv = _movement(db, cw)
    row = next(r for r in M.readiness(db, cw, mv.id) if r.return_case_id == case)
    assert not row.ready and row.escort_required
    assert any("escort" in r for r in row.reasons)
    C.hold_case(db, cw, case, "family tracing")
    row = next(r for r in M.readiness(db, cw, mv.id) if r.return_case_id == case)
    assert "The case is on hold." in row.reasons
    C.resume_case(db, cw, case)
    mv = M.update_movement(db, cw, mv.id, M.MovementInput(TODAY, MovementMode.BUS_CONVOY, "GN", escorts=("Ali Maïga",)),
                           mv.version)
    view = M.add_case(db, cw, mv.id, case)
    assert view.travellers[0].escort_required
    # removing the escort would leave the traveller unescorted: refused
    with pytest.raises(RuleViolation, match="escort"):
        M.update_movement(db, cw, mv.id, M.MovementInput(TODAY, MovementMode.BUS_CONVOY, "GN"), view.version)


def test_unaccompanied_minor_needs_note_and_escort(db, cw, gao, make_actor):
    rid = add_resident(db, gao, "Petit", "Bah", dob=TODAY.replace(year=TODAY.year - 15),
                       vulnerabilities=[VulnerabilityKind.UNACCOMPANIED_MINOR, VulnerabilityKind.TRAFFICKING_VICTIM])
    add_fit(db, gao, rid)
    case = open_international(db, cw, rid).summary
    assert case.is_uam and case.is_vot
    walk_to_fit(db, cw, case.id)
    mv = _movement(db, cw)
    row = next(r for r in M.readiness(db, cw, mv.id) if r.return_case_id == case.id)
    assert any("best-interest" in r for r in row.reasons)
    assert any("no escort" in r for r in row.reasons)
    with pytest.raises(RuleViolation, match="best-interest"):
        M.add_case(db, cw, mv.id, case.id)
    detail = C.set_best_interest_note(db, cw, case.id, "Mother traced in Kindia; agrees to receive him.")
    assert detail.has_best_interest_note
    with pytest.raises(RuleViolation, match="no escort"):
        M.add_case(db, cw, mv.id, case.id)
    mv = M.update_movement(db, cw, mv.id, M.MovementInput(TODAY, MovementMode.BUS_CONVOY, "GN",
                                                          escorts=("Kadiatou Diallo",)), mv.version)
    view = M.add_case(db, cw, mv.id, case.id)
    assert view.travellers[0].is_vot and view.travellers[0].escort_required
    manifest = manifest_view(db, cw, mv.id)
    assert manifest.travellers[0].is_minor and manifest.travellers[0].is_vot
    assert travel_letter_view(db, cw, case.id).is_vot
    # reading the confidential note is audited
    assert "Kindia" in C.read_best_interest_note(db, cw, case.id)
    with db.transaction(None, readonly=True) as s:
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.READ,
                                                  AuditEntry.entity_id == case.id)).first() is not None
        # the note's text never reaches the audit log
        assert not [e for e in s.scalars(select(AuditEntry)) if e.new_value and "Kindia" in e.new_value]


def test_departure_closes_stays_and_arrival(db, cw, gao, make_actor):
    ids = [add_resident(db, gao, f"Person{i}", "Sow") for i in range(3)]
    cases = []
    for rid in ids:
        add_fit(db, gao, rid)
        case = open_international(db, cw, rid).summary.id
        walk_to_fit(db, cw, case)
        cases.append(case)
    mv = _movement(db, cw, TODAY + dt.timedelta(days=1))
    with pytest.raises(RuleViolation, match="no travellers"):
        M.mark_departed(db, cw, mv.id, TODAY)
    for case in cases:
        M.add_case(db, cw, mv.id, case)
    with pytest.raises(RuleViolation, match="before its departure"):
        M.mark_departed(db, cw, mv.id)
    view = M.mark_departed(db, cw, mv.id, TODAY)
    assert view.status == MovementStatus.DEPARTED
    with db.transaction(None, readonly=True) as s:
        stays = list(s.scalars(select(Stay).where(Stay.resident_id.in_(ids))))
    assert all(st.departure_date == TODAY and st.departure_reason == DepartureReason.RETURN for st in stays)
    assert all(C.get_case(db, cw, c).summary.current_step == ReturnStep.DEPARTED for c in cases)
    with pytest.raises(RuleViolation):
        M.add_case(db, cw, mv.id, cases[0])
    with pytest.raises(RuleViolation, match="already departed"):
        C.cancel_case(db, cw, cases[0], CancelReason.CHANGED_MIND)
    M.mark_arrived(db, cw, mv.id, TODAY)
    detail = C.record_step(db, cw, cases[0], ReturnStep.REINTEGRATION_STARTED)
    assert detail.summary.status == ReturnStatus.COMPLETED
    evs = events_for(db, cw, ids[0])
    assert any(e.kind == "return" for e in evs)


def test_movement_validation(db, cw):
    with pytest.raises(ValidationError) as exc:
        M.create_movement(db, cw, M.MovementInput(None, "boat", "QQ", legs=("x" * 200,)))
    assert {"departure_date", "mode", "destination_country", "legs"} <= set(exc.value.errors)
    with pytest.raises(ValidationError) as exc:
        M.create_movement(db, cw, M.MovementInput(TODAY, MovementMode.FLIGHT))
    assert "flight_number" in exc.value.errors
    mv = _movement(db, cw)
    cancelled = M.cancel_movement(db, cw, mv.id, "bus broke down")
    assert cancelled.status == MovementStatus.CANCELLED
    with pytest.raises(RuleViolation):
        M.mark_departed(db, cw, mv.id)


def events_for(db, actor, resident_id):
    with db.transaction(actor, readonly=True) as s:
        return events(s, actor, resident_id)


def test_hostile_input_gives_clear_errors(db, cw, gao):
    rid = add_resident(db, gao)
    case_id = open_international(db, cw, rid).summary.id
    with pytest.raises(ValidationError):
        C.record_step(db, cw, case_id, "teleported")
    with pytest.raises(ValidationError):
        C.skip_step(db, cw, case_id, "teleported", "because")
    with pytest.raises(ValidationError):
        C.record_step(db, cw, case_id, ReturnStep.COUNSELLED, note="x" * 5000)
    detail = C.record_step(db, cw, case_id, ReturnStep.COUNSELLED, details="not a dict")
    assert detail.summary.current_step == ReturnStep.COUNSELLED
    with pytest.raises(ValidationError):
        C.record_step(db, cw, case_id, ReturnStep.APPLICATION_SIGNED, note="\x00\x01" + "y" * 2000)
    from transit_centre.errors import NotFound
    with pytest.raises(NotFound):
        C.get_case(db, cw, "not-a-uuid")
    with pytest.raises(NotFound):
        M.add_case(db, cw, "nope", case_id)
    with pytest.raises(ValidationError):
        C.open_case(db, cw, C.CaseInput(rid, ReturnType.MALIAN_HOME, "ML", "R" * 500))

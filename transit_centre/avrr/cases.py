"""Return cases: open, walk the workflow step by step (or skip with a reason), hold, resume,
cancel. One open case per resident; a resident may return several times over the years.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from transit_centre.admin.backdating import backdated
from transit_centre.avrr import rules
from transit_centre.common import Errors, check_version, fold, get, next_number
from transit_centre.db.audit import audit_entry
from transit_centre.db.base import utcnow
from transit_centre.db.engine import Database
from transit_centre.db.models import Centre, MovementCase, Resident, ReturnCase, ReturnStepRecord, Stay
from transit_centre.enums import AuditAction, CancelReason, ReturnStatus, ReturnStep, ReturnType
from transit_centre.errors import RuleViolation, ValidationError
from transit_centre.i18n import _, format_date, is_country_code
from transit_centre.registry.groups import refresh_group
from transit_centre.security.permissions import Actor, Permission

P = Permission
OPEN_STATUSES = (ReturnStatus.ACTIVE, ReturnStatus.ON_HOLD)


@dataclass(frozen=True)
class CaseSummary:
    id: uuid.UUID
    case_reference: str
    resident_id: uuid.UUID
    resident_name: str
    resident_case_number: str
    nationality: str | None
    return_type: ReturnType
    destination_country: str
    destination_region: str | None
    status: ReturnStatus
    current_step: ReturnStep
    opened_on: dt.date
    centre_id: uuid.UUID
    is_uam: bool
    is_vot: bool
    version: int


@dataclass(frozen=True)
class StepView:
    step: ReturnStep
    state: str  # "done" | "skipped" | "pending"
    done_on: dt.date | None = None
    done_by_name: str = ""
    skip_reason: str | None = None
    details: dict = field(default_factory=dict)
    note: str | None = None


@dataclass(frozen=True)
class CaseDetail:
    summary: CaseSummary
    destination_commune: str | None
    steps: tuple[StepView, ...]
    next_step: ReturnStep | None
    missing: tuple[str, ...]
    hold_reason: str | None
    cancel_reason: CancelReason | None
    cancel_note: str | None
    has_best_interest_note: bool
    movement_reference: str | None
    notes: str | None


@dataclass(frozen=True)
class CaseInput:
    resident_id: uuid.UUID
    return_type: ReturnType | str | None
    destination_country: str | None
    destination_region: str | None = None
    destination_commune: str | None = None
    opened_on: dt.date | None = None
    notes: str | None = None


@dataclass(frozen=True)
class CaseFilter:
    centre_id: uuid.UUID | None = None
    statuses: tuple[ReturnStatus, ...] = ()
    step: ReturnStep | None = None
    search: str | None = None
    only_open: bool = False


# --- views --------------------------------------------------------------------------------

def _summary(session: Session, case: ReturnCase, resident: Resident | None = None) -> CaseSummary:
    resident = resident or session.get(Resident, case.resident_id)
    actor = session.info.get("actor")
    if actor is None or actor.can(P.PROTECTION_READ, case.centre_id):
        is_uam, is_vot = rules.flags(session, case.resident_id)
    else:  # protection status is not for this role (cash officer, administrator, headquarters)
        is_uam = is_vot = False
    return CaseSummary(
        id=case.id, case_reference=case.case_reference, resident_id=case.resident_id,
        resident_name=rules.resident_name(resident), resident_case_number=resident.case_number,
        nationality=resident.nationality, return_type=case.return_type,
        destination_country=case.destination_country, destination_region=case.destination_region,
        status=case.status, current_step=case.current_step, opened_on=case.opened_on,
        centre_id=case.centre_id, is_uam=is_uam, is_vot=is_vot, version=case.version)


def _missing(session: Session, case: ReturnCase, steps: dict, next_step: ReturnStep | None) -> list[str]:
    """What stops the case from moving forward, in plain words."""
    missing: list[str] = []
    if case.status == ReturnStatus.ON_HOLD:
        missing.append(_("On hold: {reason}").format(reason=case.hold_reason or ""))
    if case.status in (ReturnStatus.CANCELLED, ReturnStatus.COMPLETED):
        return missing
    if next_step is not None and next_step not in rules.AUTOMATIC_STEPS:
        missing.append(_("Next step: {step}.").format(step=next_step.label))
    if ReturnStep.TRAVEL_BOOKED not in steps:
        is_uam, _vot = rules.flags(session, case.resident_id)
        if is_uam and not case.best_interest_note:
            missing.append(_("Unaccompanied minor: no best-interest / family tracing note."))
        fit = rules.latest_fit_to_travel(session, case.resident_id)
        if fit is None:
            missing.append(_("No fit-to-travel assessment in the medical record."))
        elif fit.status == "not_fit":
            missing.append(_("The medical record says: not fit to travel."))
        if case.return_type == ReturnType.INTERNATIONAL and rules.travel_document(steps) is None:
            missing.append(_("No travel document has been obtained."))
        if next_step == ReturnStep.TRAVEL_BOOKED:
            missing.append(_("Add the case to a movement to book the travel."))
    return missing


def _detail(session: Session, case: ReturnCase) -> CaseDetail:
    steps = rules.live_steps(session, case.id)
    views = []
    for step in rules.STEPS:
        record = steps.get(step)
        if record is None:
            views.append(StepView(step, "pending"))
        else:
            views.append(StepView(step, "skipped" if record.skipped else "done", record.done_on,
                                  record.done_by_name, record.skip_reason, dict(record.details or {}),
                                  record.note))
    next_step = next((s for s in rules.STEPS if s not in steps), None)
    movement = rules.booked_movement(session, case.id)
    return CaseDetail(
        summary=_summary(session, case), destination_commune=case.destination_commune,
        steps=tuple(views), next_step=next_step, missing=tuple(_missing(session, case, steps, next_step)),
        hold_reason=case.hold_reason, cancel_reason=case.cancel_reason, cancel_note=case.cancel_note,
        has_best_interest_note=bool(case.best_interest_note),
        movement_reference=movement.reference if movement else None, notes=case.notes)


def get_case(db: Database, actor: Actor, case_id: uuid.UUID) -> CaseDetail:
    actor.require(P.RETURN_READ)
    with db.transaction(actor, readonly=True) as s:
        case = get(s, ReturnCase, case_id, _("return case"))
        actor.require(P.RETURN_READ, case.centre_id)
        return _detail(s, case)


def _filtered(query, actor: Actor, flt: CaseFilter):
    visible = actor.visible_centres()
    if visible is not None:
        query = query.where(ReturnCase.centre_id.in_(visible))
    if flt.centre_id is not None:
        query = query.where(ReturnCase.centre_id == flt.centre_id)
    if flt.statuses:
        query = query.where(ReturnCase.status.in_(flt.statuses))
    if flt.only_open:
        query = query.where(ReturnCase.status.in_(OPEN_STATUSES))
    if flt.step is not None:
        query = query.where(ReturnCase.current_step == flt.step)
    if flt.search:
        for token in fold(flt.search).split()[:5]:
            like = "%" + token.replace("%", "").replace("_", "") + "%"
            query = query.where(or_(Resident.search_text.like(like),
                                    func.lower(ReturnCase.case_reference).like(like)))
    return query


def page_cases(db: Database, actor: Actor, flt: CaseFilter, offset: int = 0, limit: int = 100) -> list[CaseSummary]:
    """One page of return cases, newest first (for the list model's fetchMore)."""
    actor.require(P.RETURN_READ)
    with db.transaction(actor, readonly=True) as s:
        query = _filtered(select(ReturnCase, Resident).join(Resident, Resident.id == ReturnCase.resident_id),
                          actor, flt)
        rows = s.execute(query.order_by(ReturnCase.opened_on.desc(), ReturnCase.case_reference.desc())
                         .offset(max(offset, 0)).limit(max(min(limit, 500), 1))).all()
        return [_summary(s, case, resident) for case, resident in rows]


def cases_of_resident(db: Database, actor: Actor, resident_id: uuid.UUID) -> list[CaseSummary]:
    actor.require(P.RETURN_READ)
    with db.transaction(actor, readonly=True) as s:
        cases = s.scalars(select(ReturnCase).where(ReturnCase.resident_id == resident_id)
                          .order_by(ReturnCase.opened_on.desc()))
        return [_summary(s, c) for c in cases if actor.can_see_centre(c.centre_id)]


# --- opening a case -----------------------------------------------------------------------

def _validate(data: CaseInput, errors: Errors) -> tuple[ReturnType | None, str | None]:
    return_type = None
    try:
        return_type = ReturnType(data.return_type) if data.return_type else None
    except ValueError:
        pass
    if return_type is None:
        errors.add("return_type", _("Choose the type of return."))
    country = (data.destination_country or "").strip().upper() or None
    if not country:
        errors.add("destination_country", _("This field is required."))
    elif not is_country_code(country):
        errors.add("destination_country", _("Unknown country."))
    elif return_type == ReturnType.MALIAN_HOME and country != "ML":
        errors.add("destination_country", _("A Malian returning home returns to Mali."))
    elif return_type == ReturnType.INTERNATIONAL and country == "ML":
        errors.add("destination_country", _("A return to the country of origin cannot go to Mali."))
    region = errors.text("destination_region", data.destination_region, max_length=100)
    errors.text("destination_commune", data.destination_commune, max_length=100)
    errors.text("notes", data.notes, max_length=4000)
    if return_type == ReturnType.MALIAN_HOME and not region:
        errors.add("destination_region", _("Give the region of return."))
    if data.opened_on and data.opened_on > dt.date.today():
        errors.add("opened_on", _("The date cannot be in the future."))
    return return_type, country


def _record_step(session: Session, actor: Actor, case: ReturnCase, step: ReturnStep, day: dt.date, *,
                 skipped: bool = False, reason: str | None = None, details: dict | None = None,
                 note: str | None = None) -> ReturnStepRecord:
    record = ReturnStepRecord(
        id=uuid.uuid4(), return_case_id=case.id, step=step, done_on=day, done_by=actor.user_id,
        done_by_name=actor.full_name or actor.username, skipped=skipped, skip_reason=reason,
        details=details or {}, note=note, created_by=actor.user_id)
    backdated(session, ReturnStepRecord.__tablename__, record.id, day, case.centre_id, field="done_on")
    session.add(record)
    session.flush()
    case.current_step = rules.current_step(rules.live_steps(session, case.id))
    return record


def case_centre(session: Session, resident: Resident) -> uuid.UUID:
    """The centre the resident is staying in now (else the one that registered them)."""
    stay = session.scalars(select(Stay).where(Stay.resident_id == resident.id, Stay.departure_date.is_(None))
                           .order_by(Stay.arrival_date.desc())).first()
    return stay.centre_id if stay else resident.centre_id


def open_case(db: Database, actor: Actor, data: CaseInput) -> CaseDetail:
    """Open a return case (step "registered" is recorded at once)."""
    actor.require(P.RETURN_WRITE)
    errors = Errors()
    return_type, country = _validate(data, errors)
    errors.raise_if_any()
    opened_on = data.opened_on or dt.date.today()
    with db.transaction(actor) as s:
        resident = get(s, Resident, data.resident_id, _("resident"))
        centre_id = case_centre(s, resident)
        actor.require(P.RETURN_WRITE, centre_id)
        existing = s.scalars(select(ReturnCase).where(ReturnCase.resident_id == resident.id,
                                                      ReturnCase.status.in_(OPEN_STATUSES))).first()
        if existing is not None:
            raise RuleViolation(_("This resident already has an open return case ({ref}).").format(
                ref=existing.case_reference))
        centre = s.get(Centre, centre_id)
        number = next_number(s, centre_id, "return", opened_on.year)
        case = ReturnCase(
            resident_id=resident.id, centre_id=centre_id,
            case_reference=f"{centre.code}-{opened_on.year}-RET-{number:05d}",
            return_type=return_type, destination_country=country,
            destination_region=Errors().text("r", data.destination_region, max_length=100),
            destination_commune=Errors().text("c", data.destination_commune, max_length=100),
            opened_on=opened_on, status=ReturnStatus.ACTIVE, current_step=ReturnStep.REGISTERED,
            notes=Errors().text("n", data.notes, max_length=4000), created_by=actor.user_id)
        s.add(case)
        s.flush()
        _record_step(s, actor, case, ReturnStep.REGISTERED, opened_on)
        refresh_group(s, resident)
        return _detail(s, case)


# --- workflow -----------------------------------------------------------------------------

def _open_case_for_write(session: Session, actor: Actor, case_id: uuid.UUID,
                         expected_version: int | None, *, allow_hold: bool = False) -> ReturnCase:
    case = get(session, ReturnCase, case_id, _("return case"))
    actor.require(P.RETURN_WRITE, case.centre_id)
    check_version(case, expected_version)
    if case.status == ReturnStatus.CANCELLED:
        raise RuleViolation(_("The case is cancelled."))
    if case.status == ReturnStatus.COMPLETED:
        raise RuleViolation(_("The case is completed."))
    if case.status == ReturnStatus.ON_HOLD and not allow_hold:
        raise RuleViolation(_("The case is on hold. Resume it first."))
    return case


def _parse_step(step: ReturnStep | str) -> ReturnStep:
    try:
        return ReturnStep(step)
    except ValueError:
        raise ValidationError({"step": _("Unknown step.")}) from None


def _check_order(steps: dict, step: ReturnStep) -> None:
    if step in steps:
        raise RuleViolation(_("This step is already recorded: {step}.").format(step=step.label))
    for earlier in rules.STEPS[:rules.STEPS.index(step)]:
        if earlier not in steps:
            raise RuleViolation(_(
                "The step \"{step}\" is not done yet. Record it, or skip it with a reason."
            ).format(step=earlier.label))


def _step_details(session: Session, case: ReturnCase, step: ReturnStep, day: dt.date,
                  details: dict | None) -> dict:
    """Validate and normalise the facts a step carries."""
    details = dict(details) if isinstance(details, dict) else {}
    errors = Errors()
    out: dict = {}
    if step in (ReturnStep.DOCUMENTS_REQUESTED, ReturnStep.DOCUMENTS_OBTAINED):
        kind = str(details.get("kind") or "")
        if kind not in rules.TRAVEL_DOCUMENT_KINDS:
            errors.add("kind", _("Choose the kind of travel document."))
        out["kind"] = kind
    if step == ReturnStep.DOCUMENTS_OBTAINED:
        number = errors.text("number", details.get("number"), required=True, max_length=64)
        expiry = details.get("expiry")
        if isinstance(expiry, str):
            expiry = rules._parse_date(expiry)
        if not isinstance(expiry, dt.date):
            errors.add("expiry", _("Give the expiry date."))
        elif expiry <= day:
            errors.add("expiry", _("The document is already expired."))
        out.update(number=number, expiry=expiry.isoformat() if isinstance(expiry, dt.date) else None)
    if step == ReturnStep.FIT_TO_TRAVEL:
        fit = rules.latest_fit_to_travel(session, case.resident_id)
        if fit is None:
            raise RuleViolation(_("No fit-to-travel assessment in the medical record."))
        if fit.status == "not_fit":
            raise RuleViolation(_("The medical record says: not fit to travel."))
        if fit.valid_until is not None and fit.valid_until < day:
            raise RuleViolation(_("The fit-to-travel expired on {date}.").format(date=format_date(fit.valid_until)))
        out.update(service_id=str(fit.service_id), status=fit.status, assessed_on=fit.assessed_on.isoformat(),
                   valid_until=fit.valid_until.isoformat() if fit.valid_until else None,
                   provider=fit.provider)
    errors.raise_if_any()
    return out


def _check_day(day: dt.date | None, case: ReturnCase) -> dt.date:
    day = day or dt.date.today()
    errors = Errors()
    if day > dt.date.today():
        errors.add("done_on", _("The date cannot be in the future."))
    elif day < case.opened_on:
        errors.add("done_on", _("The date cannot be before the case was opened ({date}).").format(
            date=format_date(case.opened_on)))
    errors.raise_if_any()
    return day


def record_step(db: Database, actor: Actor, case_id: uuid.UUID, step: ReturnStep | str, *,
                done_on: dt.date | None = None, details: dict | None = None, note: str | None = None,
                expected_version: int | None = None) -> CaseDetail:
    """Record the next workflow step as done (fit-to-travel is read from the medical record)."""
    actor.require(P.RETURN_WRITE)
    step = _parse_step(step)
    if step in rules.AUTOMATIC_STEPS:
        raise RuleViolation(_("This step is recorded from the movement, not by hand."))
    note_errors = Errors()
    note = note_errors.text("note", note, max_length=1000)
    note_errors.raise_if_any()
    with db.transaction(actor) as s:
        case = _open_case_for_write(s, actor, case_id, expected_version)
        day = _check_day(done_on, case)
        steps = rules.live_steps(s, case.id)
        _check_order(steps, step)
        facts = _step_details(s, case, step, day, details)
        _record_step(s, actor, case, step, day, details=facts, note=note)
        if step == ReturnStep.REINTEGRATION_STARTED:
            case.status = ReturnStatus.COMPLETED
            case.completed_at = utcnow()
        s.flush()
        return _detail(s, case)


def skip_step(db: Database, actor: Actor, case_id: uuid.UUID, step: ReturnStep | str, reason: str | None, *,
              done_on: dt.date | None = None, expected_version: int | None = None) -> CaseDetail:
    """Skip a step: allowed only with a reason (e.g. a Malian needs no travel document)."""
    actor.require(P.RETURN_WRITE)
    step = _parse_step(step)
    errors = Errors()
    reason = errors.text("reason", reason, required=True, max_length=500)
    errors.raise_if_any()
    if step in rules.AUTOMATIC_STEPS:
        raise RuleViolation(_("This step cannot be skipped."))
    with db.transaction(actor) as s:
        case = _open_case_for_write(s, actor, case_id, expected_version)
        day = _check_day(done_on, case)
        steps = rules.live_steps(s, case.id)
        _check_order(steps, step)
        if step == ReturnStep.ARRIVED and ReturnStep.DEPARTED not in steps:
            raise RuleViolation(_("The resident has not departed yet."))
        _record_step(s, actor, case, step, day, skipped=True, reason=reason)
        if step == ReturnStep.REINTEGRATION_STARTED:
            case.status = ReturnStatus.COMPLETED
            case.completed_at = utcnow()
        s.flush()
        return _detail(s, case)


def undo_step(db: Database, actor: Actor, case_id: uuid.UUID, reason: str | None,
              expected_version: int | None = None) -> CaseDetail:
    """Void the last step recorded by hand (a mistake), with a reason."""
    actor.require(P.RETURN_WRITE)
    errors = Errors()
    reason = errors.text("reason", reason, required=True, max_length=500)
    errors.raise_if_any()
    with db.transaction(actor) as s:
        case = _open_case_for_write(s, actor, case_id, expected_version)
        steps = rules.live_steps(s, case.id)
        last = rules.current_step(steps)
        if last in rules.AUTOMATIC_STEPS:
            raise RuleViolation(_("This step is recorded from the movement, not by hand."))
        record = steps[last]
        record.voided_at, record.voided_by, record.void_reason = utcnow(), actor.user_id, reason
        s.flush()
        case.current_step = rules.current_step(rules.live_steps(s, case.id))
        s.flush()
        return _detail(s, case)


def hold_case(db: Database, actor: Actor, case_id: uuid.UUID, reason: str | None,
              expected_version: int | None = None) -> CaseDetail:
    actor.require(P.RETURN_WRITE)
    errors = Errors()
    reason = errors.text("reason", reason, required=True, max_length=500)
    errors.raise_if_any()
    with db.transaction(actor) as s:
        case = _open_case_for_write(s, actor, case_id, expected_version)
        if ReturnStep.DEPARTED in rules.live_steps(s, case.id):
            raise RuleViolation(_("The resident has already departed."))
        case.status = ReturnStatus.ON_HOLD
        case.hold_reason = reason
        case.held_at = utcnow()
        s.flush()
        return _detail(s, case)


def resume_case(db: Database, actor: Actor, case_id: uuid.UUID, expected_version: int | None = None) -> CaseDetail:
    actor.require(P.RETURN_WRITE)
    with db.transaction(actor) as s:
        case = _open_case_for_write(s, actor, case_id, expected_version, allow_hold=True)
        if case.status != ReturnStatus.ON_HOLD:
            raise RuleViolation(_("The case is not on hold."))
        case.status = ReturnStatus.ACTIVE
        case.hold_reason = None
        case.held_at = None
        s.flush()
        return _detail(s, case)


def cancel_case(db: Database, actor: Actor, case_id: uuid.UUID, reason: CancelReason | str | None,
                note: str | None = None, expected_version: int | None = None) -> CaseDetail:
    """Cancel (changed mind, absconded, other + note); takes the case off any planned movement."""
    actor.require(P.RETURN_WRITE)
    errors = Errors()
    try:
        reason = CancelReason(reason) if reason else None
    except ValueError:
        reason = None
    if reason is None:
        errors.add("reason", _("Choose the reason."))
    note = errors.text("note", note, max_length=500)
    if reason == CancelReason.OTHER and not note:
        errors.add("note", _("Say why the case is cancelled."))
    errors.raise_if_any()
    with db.transaction(actor) as s:
        case = _open_case_for_write(s, actor, case_id, expected_version, allow_hold=True)
        steps = rules.live_steps(s, case.id)
        if ReturnStep.DEPARTED in steps:
            raise RuleViolation(_("The resident has already departed."))
        now = utcnow()
        for link in s.scalars(select(MovementCase).where(MovementCase.return_case_id == case.id,
                                                         MovementCase.voided_at.is_(None))):
            link.voided_at, link.voided_by, link.void_reason = now, actor.user_id, _("Case cancelled")
        booked = steps.get(ReturnStep.TRAVEL_BOOKED)
        if booked is not None:
            booked.voided_at, booked.voided_by, booked.void_reason = now, actor.user_id, _("Case cancelled")
        case.status = ReturnStatus.CANCELLED
        case.cancel_reason = reason
        case.cancel_note = note
        case.cancelled_at = now
        case.cancelled_by = actor.user_id
        s.flush()
        case.current_step = rules.current_step(rules.live_steps(s, case.id))
        refresh_group(s, s.get(Resident, case.resident_id))
        s.flush()
        return _detail(s, case)


# --- best-interest note (protection information) -------------------------------------------

def set_best_interest_note(db: Database, actor: Actor, case_id: uuid.UUID, note: str | None,
                           expected_version: int | None = None) -> CaseDetail:
    """Record the best-interest / family tracing note an unaccompanied minor needs before booking."""
    actor.require(P.RETURN_WRITE)
    actor.require(P.PROTECTION_NOTE_READ)
    errors = Errors()
    note = errors.text("best_interest_note", note, required=True, max_length=8000)
    errors.raise_if_any()
    with db.transaction(actor) as s:
        case = _open_case_for_write(s, actor, case_id, expected_version, allow_hold=True)
        case.best_interest_note = note
        case.best_interest_recorded_on = dt.date.today()
        s.flush()
        return _detail(s, case)


def read_best_interest_note(db: Database, actor: Actor, case_id: uuid.UUID) -> str | None:
    """The note itself; the read is written to the audit log (confidential protection note)."""
    actor.require(P.PROTECTION_NOTE_READ)
    with db.transaction(actor) as s:
        case = get(s, ReturnCase, case_id, _("return case"))
        actor.require(P.PROTECTION_NOTE_READ, case.centre_id)
        audit_entry(s, AuditAction.READ, "return_case", case.id, field="best_interest_note",
                    centre_id=case.centre_id)
        return case.best_interest_note

"""Session-level facts the AVRR services share: protection flags, fit-to-travel, travel
documents, step states and readiness of a case for a departure date.

Kept in one place so the case screen, the movement readiness check and the documents all
give the same answer for the same person.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from transit_centre.ages import is_adult, is_minor
from transit_centre.care.medical import latest_fit_to_travel as care_latest_fit_to_travel
from transit_centre.db.models import (
    Household,
    Movement,
    MovementCase,
    Resident,
    ReturnCase,
    ReturnStepRecord,
    Vulnerability,
)
from transit_centre.enums import (
    HouseholdKind,
    MovementStatus,
    ReturnStatus,
    ReturnStep,
    ReturnType,
    VulnerabilityKind,
)
from transit_centre.i18n import _, format_date

STEPS = ReturnStep.ordered()
# Steps that must be done (or skipped with a reason) before a case can be booked.
BEFORE_BOOKING = STEPS[1:STEPS.index(ReturnStep.TRAVEL_BOOKED)]
# Steps recorded by the movement services, never by hand.
AUTOMATIC_STEPS = frozenset({ReturnStep.REGISTERED, ReturnStep.TRAVEL_BOOKED, ReturnStep.DEPARTED})
TRAVEL_DOCUMENT_KINDS = ("passport", "laissez_passer", "consular_letter")
MAX_AMOUNT = 5_000_000  # XOF; anything above is a typing mistake


@dataclass(frozen=True)
class FitToTravel:
    service_id: uuid.UUID
    assessed_on: dt.date
    status: str  # "fit" | "not_fit" | "fit_with_escort"
    valid_until: dt.date | None
    provider: str | None


def _parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def latest_fit_to_travel(session: Session, resident_id: uuid.UUID) -> FitToTravel | None:
    """The latest fit-to-travel from the medical record."""
    found = care_latest_fit_to_travel(session, resident_id)
    if found is None:
        return None
    return FitToTravel(found.service_id, found.assessed_on, str(getattr(found.status, "value", found.status)),
                       _parse_date(found.valid_until), found.provider)


def fit_state(fit: FitToTravel | None, day: dt.date) -> str:
    """Whether a fit-to-travel lets the person travel on ``day``: "valid", "expired" (or not yet
    written when ``day`` comes), "not_fit" or "missing"."""
    if fit is None or fit.assessed_on > day:
        return "missing"
    if fit.status == "not_fit":
        return "not_fit"
    if fit.status not in ("fit", "fit_with_escort"):
        return "missing"
    if fit.valid_until is None or fit.valid_until < day:
        return "expired"
    return "valid"


def active_vulnerabilities(session: Session, resident_id: uuid.UUID,
                           day: dt.date | None = None) -> set[VulnerabilityKind]:
    day = day or dt.date.today()
    rows = session.scalars(
        select(Vulnerability.kind).where(
            Vulnerability.resident_id == resident_id, Vulnerability.voided_at.is_(None),
            or_(Vulnerability.resolved_on.is_(None), Vulnerability.resolved_on > day))
    )
    return set(rows)


def flags(session: Session, resident_id: uuid.UUID, day: dt.date | None = None) -> tuple[bool, bool]:
    """(is unaccompanied minor, is victim of trafficking) on ``day``."""
    kinds = active_vulnerabilities(session, resident_id, day)
    return VulnerabilityKind.UNACCOMPANIED_MINOR in kinds, VulnerabilityKind.TRAFFICKING_VICTIM in kinds


def live_steps(session: Session, case_id: uuid.UUID) -> dict[ReturnStep, ReturnStepRecord]:
    rows = session.scalars(select(ReturnStepRecord).where(
        ReturnStepRecord.return_case_id == case_id, ReturnStepRecord.voided_at.is_(None)))
    return {r.step: r for r in rows}


def current_step(steps: dict[ReturnStep, ReturnStepRecord]) -> ReturnStep:
    """The furthest step done or skipped."""
    done = [s for s in STEPS if s in steps]
    return done[-1] if done else ReturnStep.REGISTERED


def resident_name(resident: Resident) -> str:
    return f"{resident.first_name} {resident.last_name}".strip()


def travel_document(steps: dict[ReturnStep, ReturnStepRecord]) -> dict | None:
    """Kind, number and expiry of the travel document obtained (None if not obtained)."""
    record = steps.get(ReturnStep.DOCUMENTS_OBTAINED)
    if record is None or record.skipped:
        return None
    return dict(record.details or {})


def booked_movement(session: Session, case_id: uuid.UUID,
                    exclude: uuid.UUID | None = None) -> Movement | None:
    """The planned or departed movement the case travels on (not ``exclude``)."""
    query = (select(Movement).join(MovementCase, MovementCase.movement_id == Movement.id)
             .where(MovementCase.return_case_id == case_id, MovementCase.voided_at.is_(None),
                    Movement.status.in_([MovementStatus.PLANNED, MovementStatus.DEPARTED,
                                         MovementStatus.ARRIVED])))
    if exclude is not None:
        query = query.where(Movement.id != exclude)
    return session.scalars(query).first()


@dataclass(frozen=True)
class Readiness:
    ready: bool
    reasons: tuple[str, ...]
    escort_required: bool


def case_readiness(session: Session, case: ReturnCase, movement: Movement,
                   *, ignore_booking: bool = False) -> Readiness:
    """Can ``case`` travel on ``movement``? Every reason it cannot, in words a caseworker acts on."""
    reasons: list[str] = []
    day = movement.departure_date
    if case.status == ReturnStatus.ON_HOLD:
        reasons.append(_("The case is on hold."))
    elif case.status == ReturnStatus.CANCELLED:
        reasons.append(_("The case is cancelled."))
    elif case.status == ReturnStatus.COMPLETED:
        reasons.append(_("The case is completed."))
    steps = live_steps(session, case.id)
    if ReturnStep.DEPARTED in steps:
        reasons.append(_("The resident has already departed."))
    for step in BEFORE_BOOKING:
        if step not in steps:
            reasons.append(_("Step not done: {step}.").format(step=step.label))
    if not ignore_booking:
        other = booked_movement(session, case.id, exclude=movement.id)
        if other is not None:
            reasons.append(_("Already booked on movement {ref}.").format(ref=other.reference))
    if movement.destination_country and movement.destination_country != case.destination_country:
        reasons.append(_("The movement goes to another country."))
    document = travel_document(steps)
    if document is not None:
        expiry = _parse_date(document.get("expiry"))
        if expiry is not None and expiry < day:
            reasons.append(_("The travel document expires on {date}, before the departure.").format(
                date=format_date(expiry)))
    elif case.return_type == ReturnType.INTERNATIONAL:
        reasons.append(_("No travel document has been obtained."))
    escort = False
    fit = latest_fit_to_travel(session, case.resident_id)
    if fit is None:
        reasons.append(_("No fit-to-travel assessment in the medical record."))
    elif fit.status == "not_fit":
        reasons.append(_("The medical record says: not fit to travel."))
    else:
        if fit.status not in ("fit", "fit_with_escort"):
            reasons.append(_("The fit-to-travel assessment has no result."))
        if fit.valid_until is None or fit.valid_until < day:
            reasons.append(_("The fit-to-travel is not valid on the departure date."))
        if fit.assessed_on > day:
            reasons.append(_("The fit-to-travel is dated after the departure."))
        if fit.status == "fit_with_escort":
            escort = True
            if not movement.escorts:
                reasons.append(_("Fit to travel with an escort only, and the movement has no escort."))
    kinds = active_vulnerabilities(session, case.resident_id, day)
    is_uam = VulnerabilityKind.UNACCOMPANIED_MINOR in kinds
    if is_uam and not case.best_interest_note:
        reasons.append(_("Unaccompanied minor: no best-interest / family tracing note."))
    if minor_needs_escort(session, session.get(Resident, case.resident_id), movement, kinds):
        escort = True
        if not movement.escorts:
            reasons.append(_("A minor travelling without an adult of their family: the movement has no escort."))
    return Readiness(not reasons, tuple(reasons), escort)


def on_board(session: Session, movement: Movement) -> Any:
    """Subquery: the residents booked on the movement."""
    return (select(ReturnCase.resident_id).join(MovementCase, MovementCase.return_case_id == ReturnCase.id)
            .where(MovementCase.movement_id == movement.id, MovementCase.voided_at.is_(None)))


def escort_needed(session: Session, resident: Resident, movement: Movement,
                  kinds: set[VulnerabilityKind] | None = None, fit: FitToTravel | None = None) -> bool:
    """Whether the traveller needs the movement's escort now: fit to travel with an escort only,
    or a minor without an adult of their family on board (computed, never a stale stored flag)."""
    fit = latest_fit_to_travel(session, resident.id) if fit is None else fit
    return (fit is not None and fit.status == "fit_with_escort") or \
        minor_needs_escort(session, resident, movement, kinds)


def minor_needs_escort(session: Session, resident: Resident, movement: Movement,
                       kinds: set[VulnerabilityKind] | None = None) -> bool:
    """A minor on ``movement`` travels with an escort when recorded unaccompanied or separated, or
    when no adult of their family travels on the same movement."""
    day = movement.departure_date
    if not is_minor(resident.date_of_birth, day):
        return False
    kinds = active_vulnerabilities(session, resident.id, day) if kinds is None else kinds
    if kinds & {VulnerabilityKind.UNACCOMPANIED_MINOR, VulnerabilityKind.SEPARATED_MINOR}:
        return True
    if resident.household_id is None:
        return True
    family = session.scalars(
        select(Resident).join(Household, Household.id == Resident.household_id)
        .where(Resident.household_id == resident.household_id, Household.kind == HouseholdKind.FAMILY,
               Resident.id != resident.id, Resident.id.in_(on_board(session, movement)))).all()
    return not any(is_adult(member.date_of_birth, day) for member in family)

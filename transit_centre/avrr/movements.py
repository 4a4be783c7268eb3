"""Movements: plan a departure, check which cases are ready for it, book them, mark it
departed (the travellers are checked out of their centre in the same transaction) and arrived.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transit_centre.admin.backdating import check_backdate
from transit_centre.avrr import rules
from transit_centre.avrr.cases import OPEN_STATUSES, _record_step
from transit_centre.common import Errors, check_version, get, next_number
from transit_centre.db.base import utcnow
from transit_centre.db.engine import Database
from transit_centre.db.models import Centre, Movement, MovementCase, Resident, ReturnCase
from transit_centre.enums import DepartureReason, MovementMode, MovementStatus, ReturnStatus, ReturnStep
from transit_centre.errors import RuleViolation
from transit_centre.i18n import _, is_country_code
from transit_centre.security.permissions import Actor, Permission
from transit_centre.shelter import guardians

P = Permission
MAX_LEGS = 10
MAX_ESCORTS = 10


@dataclass(frozen=True)
class MovementInput:
    departure_date: dt.date | None
    mode: MovementMode | str | None
    destination_country: str | None = None
    route: str | None = None
    legs: tuple[str, ...] = ()
    carrier: str | None = None
    flight_number: str | None = None
    escorts: tuple[str, ...] = ()
    notes: str | None = None
    centre_id: uuid.UUID | None = None


@dataclass(frozen=True)
class TravellerView:
    return_case_id: uuid.UUID
    case_reference: str
    resident_id: uuid.UUID
    resident_name: str
    escort_required: bool
    is_uam: bool
    is_vot: bool


@dataclass(frozen=True)
class MovementView:
    id: uuid.UUID
    reference: str
    centre_id: uuid.UUID
    departure_date: dt.date
    mode: MovementMode
    destination_country: str | None
    route: str | None
    legs: tuple[str, ...]
    carrier: str | None
    flight_number: str | None
    escorts: tuple[str, ...]
    status: MovementStatus
    arrived_on: dt.date | None
    notes: str | None
    travellers: tuple[TravellerView, ...]
    version: int


@dataclass(frozen=True)
class ReadinessRow:
    return_case_id: uuid.UUID
    case_reference: str
    resident_name: str
    destination_country: str
    destination_region: str | None
    ready: bool
    reasons: tuple[str, ...]
    on_movement: bool
    escort_required: bool
    is_uam: bool
    is_vot: bool


def _view(session: Session, movement: Movement) -> MovementView:
    travellers = []
    links = session.execute(
        select(MovementCase, ReturnCase, Resident)
        .join(ReturnCase, ReturnCase.id == MovementCase.return_case_id)
        .join(Resident, Resident.id == ReturnCase.resident_id)
        .where(MovementCase.movement_id == movement.id, MovementCase.voided_at.is_(None))
        .order_by(Resident.last_name_folded, Resident.first_name_folded)).all()
    for _link, case, resident in links:
        is_uam, is_vot = rules.flags(session, resident.id, movement.departure_date)
        travellers.append(TravellerView(case.id, case.case_reference, resident.id, rules.resident_name(resident),
                                        rules.escort_needed(session, resident, movement), is_uam, is_vot))
    return MovementView(
        id=movement.id, reference=movement.reference, centre_id=movement.centre_id,
        departure_date=movement.departure_date, mode=movement.mode,
        destination_country=movement.destination_country, route=movement.route,
        legs=tuple(movement.legs or ()), carrier=movement.carrier, flight_number=movement.flight_number,
        escorts=tuple(movement.escorts or ()), status=movement.status, arrived_on=movement.arrived_on,
        notes=movement.notes, travellers=tuple(travellers), version=movement.version)


def _validate(data: MovementInput) -> dict:
    errors = Errors()
    out: dict = {}
    if data.departure_date is None:
        errors.add("departure_date", _("This field is required."))
    elif not isinstance(data.departure_date, dt.date) or isinstance(data.departure_date, dt.datetime):
        errors.add("departure_date", _("Enter a valid date."))
    out["departure_date"] = data.departure_date
    try:
        out["mode"] = MovementMode(data.mode) if data.mode else None
    except ValueError:
        out["mode"] = None
    if out["mode"] is None:
        errors.add("mode", _("Choose how the movement travels."))
    country = (data.destination_country or "").strip().upper() or None
    if country and not is_country_code(country):
        errors.add("destination_country", _("Unknown country."))
    out["destination_country"] = country
    out["route"] = errors.text("route", data.route, max_length=300)
    out["carrier"] = errors.text("carrier", data.carrier, max_length=200)
    out["flight_number"] = errors.text("flight_number", data.flight_number, max_length=32)
    out["notes"] = errors.text("notes", data.notes, max_length=4000)
    if out["mode"] == MovementMode.FLIGHT and not out["flight_number"]:
        errors.add("flight_number", _("Give the flight number."))
    legs = [errors.text("legs", leg, max_length=100) for leg in data.legs or ()]
    out["legs"] = [leg for leg in legs if leg]
    if len(out["legs"]) > MAX_LEGS:
        errors.add("legs", _("At most {n} legs.").format(n=MAX_LEGS))
    escorts = [errors.text("escorts", name, max_length=150) for name in data.escorts or ()]
    out["escorts"] = [e for e in escorts if e]
    if len(out["escorts"]) > MAX_ESCORTS:
        errors.add("escorts", _("At most {n} escorts.").format(n=MAX_ESCORTS))
    errors.raise_if_any()
    return out


def create_movement(db: Database, actor: Actor, data: MovementInput) -> MovementView:
    actor.require(P.MOVEMENT_WRITE)
    centre_id = data.centre_id or actor.current_centre_id
    if centre_id is None:
        raise RuleViolation(_("Choose a centre first."))
    actor.require(P.MOVEMENT_WRITE, centre_id)
    values = _validate(data)
    with db.transaction(actor) as s:
        # A past movement entered after the fact: within the back-dating limit (its departure
        # and arrival steps are audited as back-dated).
        check_backdate(s, values["departure_date"], "departure_date")
        centre = get(s, Centre, centre_id, _("centre"))
        year = values["departure_date"].year
        number = next_number(s, centre.id, "movement", year)
        movement = Movement(centre_id=centre.id, reference=f"{centre.code}-{year}-MV-{number:04d}",
                            status=MovementStatus.PLANNED, created_by=actor.user_id, **values)
        s.add(movement)
        s.flush()
        return _view(s, movement)


def _planned(session: Session, actor: Actor, movement_id: uuid.UUID, expected_version: int | None) -> Movement:
    movement = get(session, Movement, movement_id, _("movement"))
    actor.require(P.MOVEMENT_WRITE, movement.centre_id)
    check_version(movement, expected_version)
    if movement.status != MovementStatus.PLANNED:
        raise RuleViolation(_("The movement is {status}: it can no longer be changed.").format(
            status=movement.status.label.lower()))
    return movement


def _travellers(session: Session, movement: Movement) -> list[tuple[MovementCase, ReturnCase]]:
    return list(session.execute(
        select(MovementCase, ReturnCase).join(ReturnCase, ReturnCase.id == MovementCase.return_case_id)
        .where(MovementCase.movement_id == movement.id, MovementCase.voided_at.is_(None))).all())


def _refuse_unready(session: Session, movement: Movement) -> None:
    problems = []
    for link, case in _travellers(session, movement):
        result = rules.case_readiness(session, case, movement, ignore_booking=True)
        link.escort_required = result.escort_required
        if not result.ready:
            problems.append(_("{ref}: {reasons}").format(ref=case.case_reference, reasons=" ".join(result.reasons)))
    if problems:
        raise RuleViolation("\n".join(problems))


def update_movement(db: Database, actor: Actor, movement_id: uuid.UUID, data: MovementInput,
                    expected_version: int | None) -> MovementView:
    """Edit a planned movement; refused if a booked traveller would no longer be ready."""
    actor.require(P.MOVEMENT_WRITE)
    values = _validate(data)
    with db.transaction(actor) as s:
        movement = _planned(s, actor, movement_id, expected_version)
        check_backdate(s, values["departure_date"], "departure_date")
        for key, value in values.items():
            setattr(movement, key, value)
        s.flush()
        _refuse_unready(s, movement)
        s.flush()
        return _view(s, movement)


def get_movement(db: Database, actor: Actor, movement_id: uuid.UUID) -> MovementView:
    actor.require(P.RETURN_READ)
    with db.transaction(actor, readonly=True) as s:
        movement = get(s, Movement, movement_id, _("movement"))
        actor.require(P.RETURN_READ, movement.centre_id)
        return _view(s, movement)


def list_movements(db: Database, actor: Actor, centre_id: uuid.UUID | None = None,
                   statuses: tuple[MovementStatus, ...] = (), offset: int = 0, limit: int = 200) -> list[MovementView]:
    actor.require(P.RETURN_READ)
    with db.transaction(actor, readonly=True) as s:
        query = select(Movement)
        visible = actor.visible_centres()
        if visible is not None:
            query = query.where(Movement.centre_id.in_(visible))
        if centre_id is not None:
            query = query.where(Movement.centre_id == centre_id)
        if statuses:
            query = query.where(Movement.status.in_(statuses))
        rows = s.scalars(query.order_by(Movement.departure_date.desc(), Movement.reference.desc())
                         .offset(max(offset, 0)).limit(max(min(limit, 500), 1)))
        return [_view(s, m) for m in rows]


def readiness(db: Database, actor: Actor, movement_id: uuid.UUID) -> list[ReadinessRow]:
    """Candidate cases of the movement's centre, ready or not, with the reasons."""
    actor.require(P.RETURN_READ)
    with db.transaction(actor, readonly=True) as s:
        movement = get(s, Movement, movement_id, _("movement"))
        actor.require(P.RETURN_READ, movement.centre_id)
        on_movement = {case.id for _link, case in _travellers(s, movement)}
        candidates = s.execute(
            select(ReturnCase, Resident).join(Resident, Resident.id == ReturnCase.resident_id)
            .where(ReturnCase.centre_id == movement.centre_id, ReturnCase.status.in_(OPEN_STATUSES),
                   ReturnCase.current_step.notin_([ReturnStep.DEPARTED, ReturnStep.ARRIVED,
                                                   ReturnStep.REINTEGRATION_STARTED]))
            .order_by(Resident.last_name_folded, Resident.first_name_folded)).all()
        rows = []
        for case, resident in candidates:
            if case.id not in on_movement and rules.booked_movement(s, case.id, exclude=movement.id):
                continue  # travelling on another movement: not a candidate here
            result = rules.case_readiness(s, case, movement, ignore_booking=case.id in on_movement)
            is_uam, is_vot = rules.flags(s, resident.id, movement.departure_date)
            rows.append(ReadinessRow(case.id, case.case_reference, rules.resident_name(resident),
                                     case.destination_country, case.destination_region, result.ready,
                                     result.reasons, case.id in on_movement, result.escort_required,
                                     is_uam, is_vot))
        rows.sort(key=lambda r: (not r.on_movement, not r.ready))
        return rows


def add_case(db: Database, actor: Actor, movement_id: uuid.UUID, case_id: uuid.UUID,
             separation_reason: str | None = None) -> MovementView:
    """Book a ready case on the movement (step "travel booked"); refused with the reasons if not ready.

    A child booked while an adult of their family stays in the centre without a booking on this
    movement needs ``separation_reason`` (recorded on the child: the guardian rule). Book the
    family's adults first and the children go with them.
    """
    actor.require(P.MOVEMENT_WRITE)
    with db.transaction(actor) as s:
        movement = _planned(s, actor, movement_id, None)
        case = get(s, ReturnCase, case_id, _("return case"))
        actor.require(P.RETURN_WRITE, case.centre_id)
        if case.centre_id != movement.centre_id:
            raise RuleViolation(_("The case belongs to another centre."))
        if s.scalar(select(MovementCase.id).where(MovementCase.movement_id == movement.id,
                                                  MovementCase.return_case_id == case.id,
                                                  MovementCase.voided_at.is_(None))):
            raise RuleViolation(_("The case is already on this movement."))
        result = rules.case_readiness(s, case, movement)
        if not result.ready:
            raise RuleViolation(_("{ref} is not ready: {reasons}").format(
                ref=case.case_reference, reasons=" ".join(result.reasons)))
        travelling = {*s.scalars(rules.on_board(s, movement)), case.resident_id}
        # Booked today, or on the departure day of a past movement entered after the fact.
        day = min(dt.date.today(), movement.departure_date)
        guardians.enforce(s, guardians.separation(s, travelling, movement.centre_id, day, children_only=True),
                          separation_reason, day, skip_recorded=True)
        s.add(MovementCase(movement_id=movement.id, return_case_id=case.id,
                           escort_required=result.escort_required, created_by=actor.user_id))
        _record_step(s, actor, case, ReturnStep.TRAVEL_BOOKED, day,
                     details={"movement_id": str(movement.id), "movement": movement.reference})
        s.flush()
        return _view(s, movement)


def remove_case(db: Database, actor: Actor, movement_id: uuid.UUID, case_id: uuid.UUID,
                reason: str | None) -> MovementView:
    actor.require(P.MOVEMENT_WRITE)
    errors = Errors()
    reason = errors.text("reason", reason, required=True, max_length=500)
    errors.raise_if_any()
    with db.transaction(actor) as s:
        movement = _planned(s, actor, movement_id, None)
        link = s.scalars(select(MovementCase).where(MovementCase.movement_id == movement.id,
                                                    MovementCase.return_case_id == case_id,
                                                    MovementCase.voided_at.is_(None))).first()
        if link is None:
            raise RuleViolation(_("The case is not on this movement."))
        _unbook(s, actor, link, reason)
        s.flush()
        return _view(s, movement)


def _unbook(session: Session, actor: Actor, link: MovementCase, reason: str) -> None:
    now = utcnow()
    link.voided_at, link.voided_by, link.void_reason = now, actor.user_id, reason
    case = session.get(ReturnCase, link.return_case_id)
    booked = rules.live_steps(session, case.id).get(ReturnStep.TRAVEL_BOOKED)
    if booked is not None:
        booked.voided_at, booked.voided_by, booked.void_reason = now, actor.user_id, reason
    session.flush()
    case.current_step = rules.current_step(rules.live_steps(session, case.id))


def cancel_movement(db: Database, actor: Actor, movement_id: uuid.UUID, reason: str | None,
                    expected_version: int | None = None) -> MovementView:
    actor.require(P.MOVEMENT_WRITE)
    errors = Errors()
    reason = errors.text("reason", reason, required=True, max_length=500)
    errors.raise_if_any()
    with db.transaction(actor) as s:
        movement = _planned(s, actor, movement_id, expected_version)
        for link, _case in _travellers(s, movement):
            _unbook(s, actor, link, reason)
        movement.status = MovementStatus.CANCELLED
        movement.cancel_reason = reason
        s.flush()
        return _view(s, movement)


def mark_departed(db: Database, actor: Actor, movement_id: uuid.UUID, departed_on: dt.date | None = None,
                  expected_version: int | None = None, separation_reason: str | None = None) -> MovementView:
    """The movement left: each case moves to "departed" and each stay is closed (reason: return).

    Refused while a traveller is not ready (an unescorted minor, an expired fit-to-travel...),
    and when the departure separates a child from their family's adults without a recorded
    reason (``separation_reason``: the guardian rule).
    """
    from transit_centre.shelter.stays import close_open_stay

    actor.require(P.MOVEMENT_WRITE)
    with db.transaction(actor) as s:
        movement = _planned(s, actor, movement_id, expected_version)
        day = departed_on or movement.departure_date
        if day > dt.date.today():
            raise RuleViolation(_("A movement cannot be marked departed before its departure date."))
        travellers = _travellers(s, movement)
        if not travellers:
            raise RuleViolation(_("The movement has no travellers."))
        movement.departure_date = day
        _refuse_unready(s, movement)
        guardians.enforce(s, guardians.separation(s, [case.resident_id for _link, case in travellers],
                                                  movement.centre_id, day), separation_reason, day,
                          skip_recorded=True)
        for _link, case in travellers:  # closing the stay refuses a flagged traveller, stay or not
            _record_step(s, actor, case, ReturnStep.DEPARTED, day,
                         details={"movement_id": str(movement.id), "movement": movement.reference})
            close_open_stay(s, case.resident_id, day, DepartureReason.RETURN, note=movement.reference)
        movement.status = MovementStatus.DEPARTED
        movement.departed_at = utcnow()
        s.flush()
        return _view(s, movement)


def mark_arrived(db: Database, actor: Actor, movement_id: uuid.UUID, arrived_on: dt.date | None = None,
                 expected_version: int | None = None) -> MovementView:
    """The travellers arrived and were handed over: step "arrived" for each case."""
    actor.require(P.MOVEMENT_WRITE)
    with db.transaction(actor) as s:
        movement = get(s, Movement, movement_id, _("movement"))
        actor.require(P.MOVEMENT_WRITE, movement.centre_id)
        check_version(movement, expected_version)
        if movement.status != MovementStatus.DEPARTED:
            raise RuleViolation(_("The movement has not departed."))
        day = arrived_on or dt.date.today()
        if day < movement.departure_date or day > dt.date.today():
            raise RuleViolation(_("The arrival date must be between the departure and today."))
        for _link, case in _travellers(s, movement):
            if case.status == ReturnStatus.ACTIVE and ReturnStep.ARRIVED not in rules.live_steps(s, case.id):
                _record_step(s, actor, case, ReturnStep.ARRIVED, day,
                             details={"movement": movement.reference})
        movement.status = MovementStatus.ARRIVED
        movement.arrived_on = day
        s.flush()
        return _view(s, movement)


def count_movements(db: Database, actor: Actor, centre_id: uuid.UUID | None = None) -> int:
    actor.require(P.RETURN_READ)
    with db.transaction(actor, readonly=True) as s:
        query = select(func.count(Movement.id))
        if centre_id is not None:
            query = query.where(Movement.centre_id == centre_id)
        return int(s.scalar(query) or 0)

"""Admission and departure: check-in with a bed, bed moves, transfers and check-out.

A resident has at most one open stay anywhere; a bed holds at most one person (checked here
and enforced by the partial unique index ``uq_stay_open_bed``). Stays never overlap in time, so
bed-nights derived from them are never counted twice. Every change is in the audit log.
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transit_centre.ages import age_on, is_minor
from transit_centre.common import Errors, check_version, get
from transit_centre.db.engine import Database
from transit_centre.db.models import Bed, Centre, Resident, Room, Stay
from transit_centre.enums import BedKind, DepartureReason, Sex
from transit_centre.errors import RuleViolation
from transit_centre.i18n import _, format_date
from transit_centre.security.permissions import Actor, Permission
from transit_centre.shelter import guardians
from transit_centre.shelter.rooms import as_uuid
from transit_centre.shelter.stays import close_open_stay, open_stay


@dataclass(frozen=True)
class StayView:
    id: uuid.UUID
    resident_id: uuid.UUID
    resident_name: str
    case_number: str
    centre_id: uuid.UUID
    centre_name: str
    arrival_date: dt.date
    arrived_from: str | None
    bed_id: uuid.UUID | None
    bed_label: str | None
    room_name: str | None
    departure_date: dt.date | None
    departure_reason: DepartureReason | None
    departure_note: str | None
    transferred_to_centre_id: uuid.UUID | None
    previous_stay_id: uuid.UUID | None
    bed_override_reason: str | None
    version: int

    @property
    def is_open(self) -> bool:
        return self.departure_date is None


def stay_view(session: Session, stay: Stay) -> StayView:
    resident = stay.resident
    centre = session.get(Centre, stay.centre_id)
    bed = stay.bed
    return StayView(
        stay.id, resident.id, f"{resident.first_name} {resident.last_name}", resident.case_number,
        stay.centre_id, centre.name if centre else "", stay.arrival_date, stay.arrived_from,
        bed.id if bed else None, bed.label if bed else None, bed.room.name if bed else None,
        stay.departure_date, stay.departure_reason, stay.departure_note,
        stay.transferred_to_centre_id, stay.previous_stay_id, stay.bed_override_reason, stay.version,
    )


def bed_rule_problem(resident: Resident, bed: Bed, day: dt.date) -> str | None:
    """Why this bed does not suit this person (a minor outside a minors' bed, a man in a women's
    bed...), or None. The user may still assign it by giving a reason."""
    age = age_on(resident.date_of_birth, day)
    minor = is_minor(resident.date_of_birth, day)
    if minor and bed.kind != BedKind.MINORS:
        return _("{name} is a minor ({age} years old) and bed {bed} is not a minors' bed.").format(
            name=resident.first_name, age=age, bed=bed.label)
    if not minor and bed.kind == BedKind.MINORS and age is not None:
        return _("Bed {bed} is a minors' bed and {name} is an adult.").format(bed=bed.label, name=resident.first_name)
    if resident.sex == Sex.FEMALE and bed.kind == BedKind.MEN:
        return _("Bed {bed} is a men's bed.").format(bed=bed.label)
    if resident.sex == Sex.MALE and bed.kind == BedKind.WOMEN:
        return _("Bed {bed} is a women's bed.").format(bed=bed.label)
    return None


def _holder(session: Session, bed_id: uuid.UUID, except_stay: uuid.UUID | None = None) -> Resident | None:
    query = (select(Resident).join(Stay, Stay.resident_id == Resident.id)
             .where(Stay.bed_id == bed_id, Stay.departure_date.is_(None)))
    if except_stay is not None:
        query = query.where(Stay.id != except_stay)
    return session.scalars(query).first()


def _take_bed(session: Session, resident: Resident, bed_id: uuid.UUID, centre_id: uuid.UUID, day: dt.date,
              override_reason: str | None, except_stay: uuid.UUID | None = None) -> Bed:
    """Check that the bed can hold this resident; lock it so two users cannot both take it."""
    bed_id = as_uuid(bed_id)
    bed = session.scalars(select(Bed).where(Bed.id == bed_id).with_for_update()).first() if bed_id else None
    if bed is None:
        raise RuleViolation(_("The bed was not found."))
    room = session.get(Room, bed.room_id)
    if room.centre_id != centre_id:
        raise RuleViolation(_("Bed {bed} is not in this centre.").format(bed=bed.label))
    if not bed.active or not room.active:
        raise RuleViolation(_("Bed {bed} is no longer in use.").format(bed=bed.label))
    holder = _holder(session, bed.id, except_stay)
    if holder is not None:
        raise RuleViolation(_("Bed {bed} in room {room} is already taken by {name} ({case}).").format(
            bed=bed.label, room=room.name, name=f"{holder.first_name} {holder.last_name}",
            case=holder.case_number))
    problem = bed_rule_problem(resident, bed, day)
    if problem and not override_reason:
        raise RuleViolation(problem + " " + _("Choose another bed, or give the reason for this choice."),
                            field="override_reason")
    return bed


def _flush_bed(session: Session, bed: Bed | None) -> None:
    """Flush; the unique index may still refuse a bed taken at the same moment by someone else."""
    label = bed.label if bed is not None else ""
    try:
        session.flush()
    except IntegrityError as exc:
        raise RuleViolation(_("Bed {bed} was taken by someone else a moment ago. Refresh and choose "
                              "another bed.").format(bed=label)) from exc


def _validate_day(errors: Errors, field: str, day: object) -> dt.date | None:
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        errors.add(field, _("Give a valid date."))
        return None
    if day > dt.date.today():
        errors.add(field, _("The date cannot be in the future."))
    return day


def _reason(errors: Errors, override_reason: str | None) -> str | None:
    return errors.text("override_reason", override_reason, max_length=500)


def _lock_resident(session: Session, resident_id: uuid.UUID) -> Resident:
    """Lock the resident row so two check-ins of one person queue (PostgreSQL; SQLite serialises)."""
    resident_id = as_uuid(resident_id)
    resident = (session.scalars(select(Resident).where(Resident.id == resident_id).with_for_update()).first()
                if resident_id else None)
    if resident is None:
        raise RuleViolation(_("The resident was not found."))
    return resident


def _open_new_stay(session: Session, resident: Resident, centre_id: uuid.UUID, day: dt.date,
                   bed_id: uuid.UUID | None, arrived_from: str | None, override_reason: str | None,
                   previous_stay_id: uuid.UUID | None = None) -> Stay:
    centre = get(session, Centre, as_uuid(centre_id), _("centre"))
    if not centre.active:
        raise RuleViolation(_("Centre {name} is closed.").format(name=centre.name))
    current = open_stay(session, resident.id)
    if current is not None:
        where = session.get(Centre, current.centre_id)
        raise RuleViolation(_("{name} is already present in {centre} since {date}. Check them out or "
                              "transfer them instead.").format(
            name=f"{resident.first_name} {resident.last_name}", centre=where.name if where else "",
            date=format_date(current.arrival_date)))
    later = session.scalars(select(Stay).where(Stay.resident_id == resident.id,
                                               Stay.departure_date > day)).first()
    if later is not None:
        raise RuleViolation(_("{name} already has a stay until {date}; the arrival cannot be before "
                              "that date.").format(name=resident.first_name, date=format_date(later.departure_date)))
    if resident.date_of_birth and day < resident.date_of_birth:
        raise RuleViolation(_("The arrival date is before the date of birth."), field="arrival_date")
    bed = _take_bed(session, resident, bed_id, centre_id, day, override_reason) if bed_id else None
    stay = Stay(resident_id=resident.id, centre_id=centre_id, bed_id=bed.id if bed else None,
                arrival_date=day, arrived_from=arrived_from, previous_stay_id=previous_stay_id,
                bed_override_reason=override_reason if bed is not None else None)
    session.add(stay)
    _flush_bed(session, bed)
    return stay


def check_in(db: Database, actor: Actor, resident_id: uuid.UUID, *, centre_id: uuid.UUID,
             arrival_date: dt.date | None = None, bed_id: uuid.UUID | None = None,
             arrived_from: str | None = None, override_reason: str | None = None) -> StayView:
    """Admit a resident to a centre (optionally straight into a bed)."""
    actor.require(Permission.SHELTER_WRITE, centre_id)
    errors = Errors()
    day = _validate_day(errors, "arrival_date", arrival_date or dt.date.today())
    arrived_from_ = errors.text("arrived_from", arrived_from, max_length=200)
    reason = _reason(errors, override_reason)
    errors.raise_if_any()
    with db.transaction(actor) as s:
        resident = _lock_resident(s, resident_id)
        if resident.archived:
            raise RuleViolation(_("This resident's record is archived."))
        stay = _open_new_stay(s, resident, centre_id, day, bed_id, arrived_from_, reason)
        return stay_view(s, stay)


def _load_open_stay(session: Session, actor: Actor, stay_id: uuid.UUID, expected_version: int | None) -> Stay:
    stay = get(session, Stay, as_uuid(stay_id), _("stay"))
    actor.require(Permission.SHELTER_WRITE, stay.centre_id)
    check_version(stay, expected_version)
    if stay.departure_date is not None:
        raise RuleViolation(_("This stay is already closed (departure on {date}).").format(
            date=format_date(stay.departure_date)))
    return stay


def get_stay(db: Database, actor: Actor, stay_id: uuid.UUID) -> StayView:
    with db.transaction(actor, readonly=True) as s:
        stay = get(s, Stay, as_uuid(stay_id), _("stay"))
        actor.require(Permission.SHELTER_READ, stay.centre_id)
        return stay_view(s, stay)


def current_stay(db: Database, actor: Actor, resident_id: uuid.UUID) -> StayView | None:
    """The resident's open stay (any centre), or None."""
    actor.require(Permission.SHELTER_READ)
    with db.transaction(actor, readonly=True) as s:
        stay = open_stay(s, resident_id)
        return stay_view(s, stay) if stay is not None else None


def move_bed(db: Database, actor: Actor, stay_id: uuid.UUID, bed_id: uuid.UUID | None, *,
             override_reason: str | None = None, expected_version: int | None = None) -> StayView:
    """Give a present resident another bed (or none: ``bed_id=None`` frees their bed).

    The old and new beds are in the audit log, which the resident's timeline reads.
    """
    actor.require(Permission.SHELTER_WRITE)
    errors = Errors()
    reason = _reason(errors, override_reason)
    errors.raise_if_any()
    with db.transaction(actor) as s:
        stay = _load_open_stay(s, actor, stay_id, expected_version)
        if bed_id is not None and bed_id == stay.bed_id:
            raise RuleViolation(_("The resident is already in this bed."))
        bed = None
        if bed_id is not None:
            bed = _take_bed(s, stay.resident, bed_id, stay.centre_id, dt.date.today(), reason, stay.id)
        stay.bed_id = bed.id if bed else None
        stay.bed = bed
        stay.bed_override_reason = reason if bed is not None else None
        _flush_bed(s, bed)
        return stay_view(s, stay)


def transfer(db: Database, actor: Actor, stay_id: uuid.UUID, to_centre_id: uuid.UUID, *,
             day: dt.date | None = None, bed_id: uuid.UUID | None = None, note: str | None = None,
             override_reason: str | None = None, expected_version: int | None = None,
             companions: Sequence[uuid.UUID] = (), separation_reason: str | None = None) -> StayView:
    """Close the stay with reason "transfer" and open the next one in the other centre.

    The receiving centre's bed is optional (its staff may assign it on arrival); giving one
    needs the right to write in that centre too. ``companions``: members of the household present
    in the same centre who move with the resident (their beds are assigned on arrival). A move
    that separates a child from their family's adults needs ``separation_reason`` (the guardian
    rule, ``shelter.guardians``). Returns the new stay.
    """
    actor.require(Permission.SHELTER_WRITE)
    errors = Errors()
    day = _validate_day(errors, "day", day or dt.date.today())
    note_ = errors.text("note", note, max_length=500)
    reason = _reason(errors, override_reason)
    to_centre_id = as_uuid(to_centre_id) if to_centre_id is not None else None
    if to_centre_id is None:
        errors.add("to_centre_id", _("Choose the centre the resident goes to."))
    errors.raise_if_any()
    if bed_id is not None:
        actor.require(Permission.SHELTER_WRITE, to_centre_id)
    with db.transaction(actor) as s:
        stay = _load_open_stay(s, actor, stay_id, expected_version)
        if to_centre_id == stay.centre_id:
            raise RuleViolation(_("The resident is already in this centre."), field="to_centre_id")
        if day < stay.arrival_date:
            raise RuleViolation(_("The transfer date cannot be before the arrival date ({date}).").format(
                date=format_date(stay.arrival_date)), field="day")
        resident = _lock_resident(s, stay.resident_id)
        origin = s.get(Centre, stay.centre_id)
        group = _companion_stays(s, stay, companions)
        guardians.enforce(s, guardians.separation(s, [st.resident_id for st in group], stay.centre_id, day),
                          separation_reason, day)
        new = None
        for member in group:
            closed = close_open_stay(s, member.resident_id, day, DepartureReason.TRANSFER, note_)
            closed.transferred_to_centre_id = to_centre_id
            s.flush()
            if member is stay:
                new = _open_new_stay(s, resident, to_centre_id, day, bed_id, origin.name if origin else None,
                                     reason, previous_stay_id=closed.id)
            else:  # companions get their beds on arrival
                _open_new_stay(s, _lock_resident(s, member.resident_id), to_centre_id, day, None,
                               origin.name if origin else None, None, previous_stay_id=closed.id)
        return stay_view(s, new)


CHECK_OUT_REASONS = (DepartureReason.RETURN, DepartureReason.LEFT_ON_OWN, DepartureReason.OTHER)


def check_out(db: Database, actor: Actor, stay_id: uuid.UUID, *, reason: DepartureReason | str,
              day: dt.date | None = None, note: str | None = None,
              expected_version: int | None = None, companions: Sequence[uuid.UUID] = (),
              separation_reason: str | None = None) -> StayView:
    """End a stay: return, left on own, or other (a note then says why). Frees the bed.

    ``companions``: members of the household present in the same centre who leave too (same
    reason, date and note). A departure that separates a child from their family's adults needs
    ``separation_reason`` (the guardian rule, ``shelter.guardians``).
    """
    actor.require(Permission.SHELTER_WRITE)
    errors = Errors()
    day = _validate_day(errors, "day", day or dt.date.today())
    note_ = errors.text("note", note, max_length=500)
    try:
        reason_ = DepartureReason(reason)
    except ValueError:
        reason_ = None
    if reason_ == DepartureReason.TRANSFER:
        errors.add("reason", _("Use Transfer to send a resident to another centre."))
    elif reason_ not in CHECK_OUT_REASONS:
        errors.add("reason", _("Choose the reason for leaving."))
    if reason_ == DepartureReason.OTHER and not note_:
        errors.add("note", _("Say why the resident left."))
    errors.raise_if_any()
    with db.transaction(actor) as s:
        stay = _load_open_stay(s, actor, stay_id, expected_version)
        if day < stay.arrival_date:
            raise RuleViolation(_("The departure date cannot be before the arrival date ({date}).").format(
                date=format_date(stay.arrival_date)), field="day")
        group = _companion_stays(s, stay, companions)
        guardians.enforce(s, guardians.separation(s, [st.resident_id for st in group], stay.centre_id, day),
                          separation_reason, day)
        for member in group:
            close_open_stay(s, member.resident_id, day, reason_, note_)
        return stay_view(s, stay)


def _companion_stays(session: Session, stay: Stay, companions: Sequence[uuid.UUID]) -> list[Stay]:
    """The stay, then the open stays of the companions: household members in the same centre."""
    group = [stay]
    for resident_id in dict.fromkeys(as_uuid(c) for c in companions or ()):
        if resident_id is None or resident_id == stay.resident_id:
            continue
        other = session.scalars(select(Stay).where(Stay.resident_id == resident_id, Stay.departure_date.is_(None),
                                                   Stay.centre_id == stay.centre_id)).first()
        person = session.get(Resident, resident_id)
        if other is None or person is None or person.household_id is None or \
                person.household_id != stay.resident.household_id:
            raise RuleViolation(_("Only members of the same household present in this centre can leave together."),
                                field="companions")
        group.append(other)
    return group


@dataclass(frozen=True)
class HouseholdMember:
    resident_id: uuid.UUID
    name: str
    case_number: str
    age: int | None


def household_present(db: Database, actor: Actor, stay_id: uuid.UUID) -> list[HouseholdMember]:
    """The other members of the resident's household present in the same centre (the people
    who may leave or move together with them)."""
    actor.require(Permission.SHELTER_READ)
    with db.transaction(actor, readonly=True) as s:
        stay = get(s, Stay, as_uuid(stay_id), _("stay"))
        actor.require(Permission.SHELTER_READ, stay.centre_id)
        household = stay.resident.household_id
        if household is None:
            return []
        rows = s.scalars(select(Resident).join(Stay, Stay.resident_id == Resident.id).where(
            Resident.household_id == household, Resident.id != stay.resident_id, Stay.centre_id == stay.centre_id,
            Stay.departure_date.is_(None)).order_by(Resident.last_name_folded, Resident.first_name_folded)).all()
        today = dt.date.today()
        return [HouseholdMember(r.id, f"{r.first_name} {r.last_name}", r.case_number, age_on(r.date_of_birth, today))
                for r in rows]


def separation_warning(db: Database, actor: Actor, stay_id: uuid.UUID, companions: Sequence[uuid.UUID] = (),
                       day: dt.date | None = None) -> str | None:
    """What the guardian rule says of this departure before the user confirms it (None: nothing)."""
    actor.require(Permission.SHELTER_READ)
    day = day or dt.date.today()
    with db.transaction(actor, readonly=True) as s:
        stay = get(s, Stay, as_uuid(stay_id), _("stay"))
        actor.require(Permission.SHELTER_READ, stay.centre_id)
        ids = [stay.resident_id, *(as_uuid(c) for c in companions or ())]
        found = guardians.separation(s, [i for i in ids if i is not None], stay.centre_id, day)
        return found.message() if found is not None else None


def resident_stays(db: Database, actor: Actor, resident_id: uuid.UUID) -> list[StayView]:
    """All stays of a resident, oldest first (the transfer chain reads in order)."""
    actor.require(Permission.SHELTER_READ)
    with db.transaction(actor, readonly=True) as s:
        stays = s.scalars(select(Stay).where(Stay.resident_id == resident_id)
                          .order_by(Stay.arrival_date, Stay.created_at)).all()
        return [stay_view(s, st) for st in stays]

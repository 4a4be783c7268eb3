"""Who is in a centre on a given night, and closing a stay from another capability.

These two functions are a contract other capabilities rely on (care, AVRR, reports):
``present_residents`` answers "who sleeps here tonight" and ``close_open_stay`` ends a stay
inside the caller's own transaction (AVRR closes the stay when a movement departs).
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from transit_centre.protection.flags import enforce_flags
from transit_centre.enums import FlagEffect
from transit_centre.common import clean
from transit_centre.db.engine import Database
from transit_centre.db.models import Bed, Resident, Room, Stay
from transit_centre.enums import DepartureReason, Sex
from transit_centre.errors import PermissionDenied, RuleViolation
from transit_centre.i18n import _, format_date
from transit_centre.security.permissions import Actor, Permission


@dataclass(frozen=True)
class PresentResident:
    resident_id: uuid.UUID
    case_number: str
    first_name: str
    last_name: str
    sex: Sex
    date_of_birth: dt.date | None
    nationality: str | None
    household_id: uuid.UUID | None
    bed_label: str | None
    room_name: str | None
    stay_id: uuid.UUID
    arrival_date: dt.date
    bed_id: uuid.UUID | None = None
    room_id: uuid.UUID | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def covers_night(day: dt.date):
    """SQL condition: the stay covers the night from ``day`` to ``day + 1``."""
    return and_(Stay.arrival_date <= day,
                or_(Stay.departure_date.is_(None), Stay.departure_date > day))


def require_read(actor: Actor, centre_id: uuid.UUID | None) -> None:
    """Shelter readers and resident readers alike may know who is present in their centre."""
    if actor.can(Permission.SHELTER_READ, centre_id) or actor.can(Permission.RESIDENT_READ, centre_id):
        return
    if Permission.SHELTER_READ in actor.permissions or Permission.RESIDENT_READ in actor.permissions:
        raise PermissionDenied(_("You do not work in this centre."))
    raise PermissionDenied(_("Your role does not allow this action."))


def present_in_session(session: Session, centre_id: uuid.UUID, day: dt.date) -> list[PresentResident]:
    """Session-level form of ``present_residents`` for services already in a transaction."""
    rows = session.execute(
        select(Stay, Resident, Bed, Room)
        .join(Resident, Resident.id == Stay.resident_id)
        .outerjoin(Bed, Bed.id == Stay.bed_id)
        .outerjoin(Room, Room.id == Bed.room_id)
        .where(Stay.centre_id == centre_id, covers_night(day))
        .order_by(Room.name, Bed.label, Resident.last_name_folded, Resident.first_name_folded)
    ).all()
    return [
        PresentResident(
            resident_id=r.id, case_number=r.case_number, first_name=r.first_name,
            last_name=r.last_name, sex=r.sex, date_of_birth=r.date_of_birth,
            nationality=r.nationality, household_id=r.household_id,
            bed_label=bed.label if bed else None, room_name=room.name if room else None,
            stay_id=stay.id, arrival_date=stay.arrival_date,
            bed_id=bed.id if bed else None, room_id=room.id if room else None,
        )
        for stay, r, bed, room in rows
    ]


def present_residents(db: Database, actor: Actor, centre_id: uuid.UUID,
                      day: dt.date | None = None) -> list[PresentResident]:
    """Residents whose stay covers the night of ``day`` (default today), by room and bed."""
    require_read(actor, centre_id)
    day = day or dt.date.today()
    with db.transaction(actor, readonly=True) as s:
        return present_in_session(s, centre_id, day)


def open_stay(session: Session, resident_id: uuid.UUID, *, for_update: bool = False) -> Stay | None:
    """The resident's open stay in any centre (there is at most one)."""
    query = (select(Stay).where(Stay.resident_id == resident_id, Stay.departure_date.is_(None))
             .order_by(Stay.arrival_date.desc()))
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).first()


def close_open_stay(session: Session, resident_id: uuid.UUID, day: dt.date,
                    reason: DepartureReason, note: str | None = None) -> Stay | None:
    """Close the resident's open stay on ``day`` (frees the bed); None if they had none.

    No permission check: the calling service has done it. Refuses a departure before arrival,
    and a departure (or transfer) that an active flag on the resident refuses.
    """
    # A flag refuses the departure whether or not the resident still has an open stay.
    enforce_flags(session, resident_id, FlagEffect.BLOCK_TRANSFER if reason == DepartureReason.TRANSFER
                  else FlagEffect.BLOCK_CHECK_OUT)
    stay = open_stay(session, resident_id, for_update=True)
    if stay is None:
        return None
    if day < stay.arrival_date:
        raise RuleViolation(_("The departure date cannot be before the arrival date ({date}).").format(
            date=format_date(stay.arrival_date)))
    stay.departure_date = day
    stay.departure_reason = DepartureReason(reason)
    stay.departure_note = clean(note)[:500] if clean(note) else None
    session.flush()
    return stay

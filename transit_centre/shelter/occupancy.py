"""Tonight's occupancy of a centre and bed-nights derived from the stays (never typed in).

A bed-night is one resident present for one night. A stay covers the nights
[arrival, departure): arriving on the 30th and leaving on the 2nd is two nights, the 30th
and the 31st (or 1st). A period ``start``..``end`` covers the nights of ``start`` through
``end`` included; an open stay counts up to tonight (today) or the end of the period.
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter as Tally
from dataclasses import dataclass

from sqlalchemy import or_, select

from transit_centre.common import Errors, get
from transit_centre.db.engine import Database
from transit_centre.db.models import Centre, Resident, Room, Stay
from transit_centre.enums import BedKind
from transit_centre.i18n import _
from transit_centre.security.permissions import Actor, Permission
from transit_centre.shelter.rooms import _natural
from transit_centre.shelter.stays import PresentResident, present_in_session


@dataclass(frozen=True)
class BedSlot:
    bed_id: uuid.UUID
    label: str
    kind: BedKind
    occupant: PresentResident | None


@dataclass(frozen=True)
class RoomSlot:
    room_id: uuid.UUID
    name: str
    beds: tuple[BedSlot, ...]


@dataclass(frozen=True)
class Occupancy:
    centre_id: uuid.UUID
    centre_name: str
    day: dt.date
    rooms: tuple[RoomSlot, ...]
    without_bed: tuple[PresentResident, ...]   # present tonight but no bed assigned
    present: int
    capacity: int                                # active beds in active rooms
    declared_capacity: int                       # the centre's capacity on record
    free_by_kind: dict[BedKind, int]
    beds_by_kind: dict[BedKind, int]

    @property
    def free(self) -> int:
        return sum(self.free_by_kind.values())


def occupancy(db: Database, actor: Actor, centre_id: uuid.UUID, day: dt.date | None = None) -> Occupancy:
    """Which bed holds whom tonight (or on the night of ``day``), free beds by kind."""
    actor.require(Permission.SHELTER_READ, centre_id)
    day = day or dt.date.today()
    with db.transaction(actor, readonly=True) as s:
        centre = get(s, Centre, centre_id, _("centre"))
        present = present_in_session(s, centre_id, day)
        by_bed = {p.bed_id: p for p in present if p.bed_id is not None}
        rooms = sorted(s.scalars(select(Room).where(Room.centre_id == centre_id)), key=lambda r: _natural(r.name))
        slots: list[RoomSlot] = []
        free: Tally[BedKind] = Tally({k: 0 for k in BedKind})
        total: Tally[BedKind] = Tally({k: 0 for k in BedKind})
        shown: set[uuid.UUID] = set()
        for room in rooms:
            beds = []
            for bed in sorted(room.beds, key=lambda b: _natural(b.label)):
                occupant = by_bed.get(bed.id)
                usable = room.active and bed.active
                if not usable and occupant is None:
                    continue
                beds.append(BedSlot(bed.id, bed.label, bed.kind, occupant))
                shown.add(bed.id)
                if usable:
                    total[bed.kind] += 1
                    if occupant is None:
                        free[bed.kind] += 1
            if beds or room.active:
                slots.append(RoomSlot(room.id, room.name, tuple(beds)))
        without = tuple(p for p in present if p.bed_id is None or p.bed_id not in shown)
        return Occupancy(
            centre_id=centre.id, centre_name=centre.name, day=day, rooms=tuple(slots),
            without_bed=without, present=len(present), capacity=sum(total.values()),
            declared_capacity=centre.capacity, free_by_kind=dict(free), beds_by_kind=dict(total),
        )


def free_beds(db: Database, actor: Actor, centre_id: uuid.UUID) -> list[BedSlot]:
    """Beds nobody holds now, for a bed picker."""
    view = occupancy(db, actor, centre_id)
    return [b for room in view.rooms for b in room.beds if b.occupant is None]


# --- bed-nights ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ResidentNights:
    resident_id: uuid.UUID
    case_number: str
    name: str
    nights: int


@dataclass(frozen=True)
class BedNights:
    centre_id: uuid.UUID
    start: dt.date
    end: dt.date
    nights_in_period: int
    bed_nights: int
    capacity: int
    per_resident: tuple[ResidentNights, ...]

    @property
    def occupancy_rate(self) -> float | None:
        """bed-nights / (capacity x nights), None when the centre has no beds."""
        if self.capacity <= 0 or self.nights_in_period <= 0:
            return None
        return self.bed_nights / (self.capacity * self.nights_in_period)


def stay_nights(arrival: dt.date, departure: dt.date | None, start: dt.date, end: dt.date,
                today: dt.date | None = None) -> int:
    """Nights of one stay inside the period ``start``..``end`` (both nights included)."""
    today = today or dt.date.today()
    stop = end + dt.timedelta(days=1)
    if departure is None:
        departure = min(stop, today + dt.timedelta(days=1))
    first, last = max(arrival, start), min(departure, stop)
    return max(0, (last - first).days)


def _check_period(start: object, end: object) -> None:
    errors = Errors()
    for field, value in (("start", start), ("end", end)):
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            errors.add(field, _("Give a valid date."))
    if not errors and end < start:  # type: ignore[operator]
        errors.add("end", _("The end of the period is before its start."))
    errors.raise_if_any()


def bed_nights(db: Database, actor: Actor, centre_id: uuid.UUID, start: dt.date, end: dt.date, *,
               today: dt.date | None = None) -> BedNights:
    """Bed-nights of a centre over a period, in total and per resident, with the capacity."""
    from transit_centre.shelter.rooms import bed_capacity

    actor.require(Permission.SHELTER_READ, centre_id)
    _check_period(start, end)
    with db.transaction(actor, readonly=True) as s:
        centre = get(s, Centre, centre_id, _("centre"))
        rows = s.execute(
            select(Stay.resident_id, Stay.arrival_date, Stay.departure_date,
                   Resident.case_number, Resident.first_name, Resident.last_name)
            .join(Resident, Resident.id == Stay.resident_id)
            .where(Stay.centre_id == centre_id, Stay.arrival_date <= end,
                   or_(Stay.departure_date.is_(None), Stay.departure_date > start))
        ).all()
        per: dict[uuid.UUID, list] = {}
        for resident_id, arrival, departure, case, first, last in rows:
            n = stay_nights(arrival, departure, start, end, today)
            if n <= 0:
                continue
            entry = per.setdefault(resident_id, [case, f"{first} {last}", 0])
            entry[2] += n
        capacity = bed_capacity(s, centre_id) or centre.capacity
        residents = tuple(sorted((ResidentNights(rid, c, name, n) for rid, (c, name, n) in per.items()),
                                 key=lambda r: r.case_number))
        return BedNights(centre_id, start, end, (end - start).days + 1,
                         sum(r.nights for r in residents), capacity, residents)


def resident_bed_nights(db: Database, actor: Actor, resident_id: uuid.UUID, *,
                        start: dt.date | None = None, end: dt.date | None = None,
                        today: dt.date | None = None) -> dict[uuid.UUID, int]:
    """Bed-nights of one resident per centre (all time unless a period is given)."""
    actor.require(Permission.SHELTER_READ)
    start = start or dt.date(1900, 1, 1)
    end = end or (today or dt.date.today())
    _check_period(start, end)
    with db.transaction(actor, readonly=True) as s:
        get(s, Resident, resident_id, _("resident"))
        result: dict[uuid.UUID, int] = {}
        for centre_id, arrival, departure in s.execute(
                select(Stay.centre_id, Stay.arrival_date, Stay.departure_date)
                .where(Stay.resident_id == resident_id)):
            if not actor.can_see_centre(centre_id):
                continue
            n = stay_nights(arrival, departure, start, end, today)
            if n:
                result[centre_id] = result.get(centre_id, 0) + n
        return result


__all__ = ["BedNights", "BedSlot", "Occupancy", "ResidentNights", "RoomSlot",
           "bed_nights", "free_beds", "occupancy", "resident_bed_nights", "stay_nights"]

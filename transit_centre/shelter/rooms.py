"""Rooms and beds of a centre: what the administration of a centre can add, rename or retire.

Nothing is deleted: a room or bed is deactivated. A bed that holds someone tonight cannot be
deactivated (nor can the room around it), so nobody is left in a bed that no longer exists.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transit_centre.common import Errors, as_uuid, check_version, fold, get
from transit_centre.db.engine import Database
from transit_centre.db.models import Bed, Centre, Resident, Room, Stay
from transit_centre.enums import BedKind
from transit_centre.errors import RuleViolation
from transit_centre.i18n import _
from transit_centre.security.permissions import Actor, Permission


@dataclass(frozen=True)
class BedView:
    id: uuid.UUID
    room_id: uuid.UUID
    label: str
    kind: BedKind
    active: bool
    version: int
    occupant: str | None = None  # "Case number – name" of whoever holds it now


@dataclass(frozen=True)
class RoomView:
    id: uuid.UUID
    centre_id: uuid.UUID
    name: str
    active: bool
    version: int
    beds: tuple[BedView, ...] = ()

    @property
    def active_beds(self) -> int:
        return sum(1 for b in self.beds if b.active) if self.active else 0


def occupants(session: Session, bed_ids: list[uuid.UUID] | None = None) -> dict[uuid.UUID, str]:
    """Who holds each bed now (open stays with a bed), as "case number – name"."""
    query = (select(Stay.bed_id, Resident.case_number, Resident.first_name, Resident.last_name)
             .join(Resident, Resident.id == Stay.resident_id)
             .where(Stay.departure_date.is_(None), Stay.bed_id.is_not(None)))
    if bed_ids is not None:
        query = query.where(Stay.bed_id.in_(bed_ids))
    return {bed_id: f"{case} – {first} {last}" for bed_id, case, first, last in session.execute(query)}



def _bed_view(bed: Bed, occupant: str | None = None) -> BedView:
    return BedView(bed.id, bed.room_id, bed.label, bed.kind, bed.active, bed.version, occupant)


def _room_view(session: Session, room: Room) -> RoomView:
    held = occupants(session, [b.id for b in room.beds]) if room.beds else {}
    beds = tuple(_bed_view(b, held.get(b.id)) for b in sorted(room.beds, key=lambda b: _natural(b.label)))
    return RoomView(room.id, room.centre_id, room.name, room.active, room.version, beds)


def _natural(label: str) -> tuple:
    """Sort "B2" before "B10"."""
    import re

    return tuple(int(p) if p.isdigit() else p.casefold() for p in re.split(r"(\d+)", label))


def list_rooms(db: Database, actor: Actor, centre_id: uuid.UUID, *,
               include_inactive: bool = True) -> list[RoomView]:
    """The centre's rooms with their beds and who holds each bed now."""
    actor.require(Permission.SHELTER_READ, centre_id)
    with db.transaction(actor, readonly=True) as s:
        query = select(Room).where(Room.centre_id == centre_id)
        if not include_inactive:
            query = query.where(Room.active.is_(True))
        rooms = sorted(s.scalars(query), key=lambda r: _natural(r.name))
        held = occupants(s)
        return [RoomView(r.id, r.centre_id, r.name, r.active, r.version,
                         tuple(_bed_view(b, held.get(b.id))
                               for b in sorted(r.beds, key=lambda b: _natural(b.label))
                               if include_inactive or b.active))
                for r in rooms]


def _room_name(errors: Errors, name: str) -> str | None:
    return errors.text("name", name, required=True, max_length=100)


def _refuse_duplicate_room(session: Session, centre_id: uuid.UUID, name: str,
                           room_id: uuid.UUID | None = None) -> None:
    for other_id, other_name in session.execute(
            select(Room.id, Room.name).where(Room.centre_id == centre_id)):
        if other_id != room_id and fold(other_name) == fold(name):
            raise RuleViolation(_("A room named {name} already exists in this centre.").format(name=other_name))


def add_room(db: Database, actor: Actor, centre_id: uuid.UUID, name: str) -> RoomView:
    actor.require(Permission.SHELTER_ADMIN, centre_id)
    errors = Errors()
    name_ = _room_name(errors, name)
    errors.raise_if_any()
    with db.transaction(actor) as s:
        get(s, Centre, as_uuid(centre_id), _("centre"))
        _refuse_duplicate_room(s, centre_id, name_)
        room = Room(centre_id=centre_id, name=name_, active=True)
        s.add(room)
        s.flush()
        return RoomView(room.id, room.centre_id, room.name, room.active, room.version, ())


def _load_room(session: Session, actor: Actor, room_id: uuid.UUID) -> Room:
    room = get(session, Room, as_uuid(room_id), _("room"))
    actor.require(Permission.SHELTER_ADMIN, room.centre_id)
    return room


def rename_room(db: Database, actor: Actor, room_id: uuid.UUID, name: str, *,
                expected_version: int | None = None) -> RoomView:
    actor.require(Permission.SHELTER_ADMIN)
    errors = Errors()
    name_ = _room_name(errors, name)
    errors.raise_if_any()
    with db.transaction(actor) as s:
        room = _load_room(s, actor, room_id)
        check_version(room, expected_version)
        _refuse_duplicate_room(s, room.centre_id, name_, room.id)
        room.name = name_
        s.flush()
        return _room_view(s, room)


def set_room_active(db: Database, actor: Actor, room_id: uuid.UUID, active: bool, *,
                    expected_version: int | None = None) -> RoomView:
    """Deactivate (or reactivate) a room; refused while one of its beds holds someone."""
    actor.require(Permission.SHELTER_ADMIN)
    with db.transaction(actor) as s:
        room = _load_room(s, actor, room_id)
        check_version(room, expected_version)
        if not active and occupants(s, [b.id for b in room.beds]):
            raise RuleViolation(_("Room {name} cannot be deactivated: someone is sleeping in one of "
                                  "its beds. Move them first.").format(name=room.name))
        room.active = bool(active)
        s.flush()
        return _room_view(s, room)


def _bed_fields(errors: Errors, label: str, kind: BedKind | str | None) -> tuple[str | None, BedKind | None]:
    label_ = errors.text("label", label, required=True, max_length=50)
    try:
        kind_ = BedKind(kind) if kind is not None else None
    except ValueError:
        kind_ = None
    if kind_ is None:
        errors.add("kind", _("Choose the kind of bed."))
    return label_, kind_


def _refuse_duplicate_bed(session: Session, room: Room, label: str, bed_id: uuid.UUID | None = None) -> None:
    for bed in room.beds:
        if bed.id != bed_id and fold(bed.label) == fold(label):
            raise RuleViolation(_("Room {room} already has a bed labelled {label}.").format(
                room=room.name, label=bed.label))


def add_bed(db: Database, actor: Actor, room_id: uuid.UUID, label: str, kind: BedKind | str) -> BedView:
    actor.require(Permission.SHELTER_ADMIN)
    errors = Errors()
    label_, kind_ = _bed_fields(errors, label, kind)
    errors.raise_if_any()
    with db.transaction(actor) as s:
        room = _load_room(s, actor, room_id)
        _refuse_duplicate_bed(s, room, label_)
        bed = Bed(room_id=room.id, label=label_, kind=kind_, active=True)
        s.add(bed)
        s.flush()
        return _bed_view(bed)


def add_beds(db: Database, actor: Actor, room_id: uuid.UUID, count: int, kind: BedKind | str,
             prefix: str = "") -> list[BedView]:
    """Add ``count`` beds numbered after the room's existing ones (prefix + 1, 2, 3...)."""
    actor.require(Permission.SHELTER_ADMIN)
    errors = Errors()
    if not isinstance(count, int) or not 1 <= count <= 200:
        errors.add("count", _("Give a number of beds between 1 and 200."))
    prefix_ = errors.text("prefix", prefix, max_length=40) or ""
    _label, kind_ = _bed_fields(errors, "x", kind)
    errors.raise_if_any()
    with db.transaction(actor) as s:
        room = _load_room(s, actor, room_id)
        taken = {fold(b.label) for b in room.beds}
        added: list[Bed] = []
        number = 0
        while len(added) < count:
            number += 1
            label = f"{prefix_}{number}"
            if fold(label) in taken:
                continue
            bed = Bed(room_id=room.id, label=label, kind=kind_, active=True)
            s.add(bed)
            added.append(bed)
        s.flush()
        return [_bed_view(b) for b in added]


def _load_bed(session: Session, actor: Actor, bed_id: uuid.UUID) -> Bed:
    bed = get(session, Bed, as_uuid(bed_id), _("bed"))
    actor.require(Permission.SHELTER_ADMIN, bed.room.centre_id)
    return bed


def update_bed(db: Database, actor: Actor, bed_id: uuid.UUID, *, label: str, kind: BedKind | str,
               expected_version: int | None = None) -> BedView:
    """Relabel a bed or change its kind (men, women, family, minors)."""
    actor.require(Permission.SHELTER_ADMIN)
    errors = Errors()
    label_, kind_ = _bed_fields(errors, label, kind)
    errors.raise_if_any()
    with db.transaction(actor) as s:
        bed = _load_bed(s, actor, bed_id)
        check_version(bed, expected_version)
        _refuse_duplicate_bed(s, bed.room, label_, bed.id)
        bed.label, bed.kind = label_, kind_
        s.flush()
        return _bed_view(bed, occupants(s, [bed.id]).get(bed.id))


def set_bed_active(db: Database, actor: Actor, bed_id: uuid.UUID, active: bool, *,
                   expected_version: int | None = None) -> BedView:
    """Deactivate (or reactivate) a bed; a bed holding someone cannot be deactivated."""
    actor.require(Permission.SHELTER_ADMIN)
    with db.transaction(actor) as s:
        bed = _load_bed(s, actor, bed_id)
        check_version(bed, expected_version)
        held = occupants(s, [bed.id]).get(bed.id)
        if not active and held:
            raise RuleViolation(_("Bed {label} cannot be deactivated: {who} is in it. Move them "
                                  "first.").format(label=bed.label, who=held))
        bed.active = bool(active)
        s.flush()
        return _bed_view(bed, held)


def bed_capacity(session: Session, centre_id: uuid.UUID) -> int:
    """Active beds in active rooms: the centre's capacity in beds."""
    return session.scalar(
        select(func.count(Bed.id)).join(Room, Room.id == Bed.room_id)
        .where(Room.centre_id == centre_id, Room.active.is_(True), Bed.active.is_(True))) or 0

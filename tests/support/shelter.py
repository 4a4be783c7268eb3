"""Helpers for the shelter tests: residents inserted through the ORM, a small set of beds."""
from __future__ import annotations

import datetime as dt
import uuid

from transit_centre.db.models import Resident
from transit_centre.enums import BedKind, Role, Sex
from transit_centre.registry.text import search_text
from transit_centre.common import fold
from transit_centre.security.permissions import Actor
from transit_centre.shelter import rooms


def add_resident(db, centre_id: uuid.UUID, first: str, last: str, sex: Sex = Sex.MALE,
                 dob: dt.date | None = dt.date(1990, 5, 1), case: str | None = None) -> uuid.UUID:
    case = case or f"GAO-2026-{uuid.uuid4().int % 100000:05d}"
    with db.transaction(Actor.system()) as s:
        r = Resident(centre_id=centre_id, case_number=case, first_name=first, last_name=last,
                     first_name_folded=fold(first), last_name_folded=fold(last),
                     search_text=search_text(case, first, last, None, None), sex=sex,
                     date_of_birth=dob, registered_on=dt.date.today())
        s.add(r)
        s.flush()
        return r.id


def make_beds(db, manager, centre_id: uuid.UUID, name: str = "A") -> dict[str, uuid.UUID]:
    """Room ``name`` with beds M1, M2 (men), W1 (women), F1 (family), K1 (minors)."""
    room = rooms.add_room(db, manager, centre_id, name)
    beds = {}
    for label, kind in (("M1", BedKind.MEN), ("M2", BedKind.MEN), ("W1", BedKind.WOMEN),
                        ("F1", BedKind.FAMILY), ("K1", BedKind.MINORS)):
        beds[label] = rooms.add_bed(db, manager, room.id, label, kind).id
    return beds


def manager_of(make_actor, centre: str = "GAO") -> Actor:
    return make_actor(Role.MANAGER, centre=centre)

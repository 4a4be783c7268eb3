"""A small resident finder for the check-in dialog (name or case number, accent-insensitive).

The registry's own list is built for browsing 100,000 residents; check-in only needs the
first few matches of what the user types, with where each person is now.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select

from transit_centre.common import fold
from transit_centre.db.engine import Database
from transit_centre.db.models import Centre, Resident, Stay
from transit_centre.enums import Sex
from transit_centre.security.permissions import Actor, Permission


@dataclass(frozen=True)
class ResidentChoice:
    id: uuid.UUID
    case_number: str
    first_name: str
    last_name: str
    sex: Sex
    date_of_birth: dt.date | None
    present_centre: str | None  # the centre they are in now, if any

    @property
    def display(self) -> str:
        return f"{self.case_number} – {self.first_name} {self.last_name}"


def _escape(token: str) -> str:
    return token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def find_residents(db: Database, actor: Actor, text: str, *, limit: int = 20) -> list[ResidentChoice]:
    """Residents whose case number, names, phone or document match every typed word."""
    actor.require(Permission.SHELTER_READ)
    tokens = [t for t in fold(text or "").split(" ") if t][:6]
    if not tokens:
        return []
    limit = max(1, min(int(limit), 100))
    with db.transaction(actor, readonly=True) as s:
        query = select(Resident).where(Resident.archived.is_(False))
        for token in tokens:
            query = query.where(Resident.search_text.like(f"%{_escape(token[:50])}%", escape="\\"))
        visible = actor.visible_centres()
        if visible is not None:
            query = query.where(Resident.centre_id.in_(visible))
        residents = s.scalars(query.order_by(Resident.last_name_folded, Resident.first_name_folded)
                              .limit(limit)).all()
        ids = [r.id for r in residents]
        where: dict[uuid.UUID, str] = {}
        if ids:
            for resident_id, name in s.execute(
                    select(Stay.resident_id, Centre.name).join(Centre, Centre.id == Stay.centre_id)
                    .where(Stay.resident_id.in_(ids), Stay.departure_date.is_(None))):
                where[resident_id] = name
        return [ResidentChoice(r.id, r.case_number, r.first_name, r.last_name, r.sex, r.date_of_birth,
                               where.get(r.id)) for r in residents]


def household_members_to_admit(db: Database, actor: Actor, resident_id: uuid.UUID) -> list[ResidentChoice]:
    """Members of the resident's household (family or travel group) who are not present anywhere:
    after admitting one, the screen offers to admit the others."""
    actor.require(Permission.SHELTER_READ)
    with db.transaction(actor, readonly=True) as s:
        resident = s.get(Resident, resident_id)
        if resident is None or resident.household_id is None:
            return []
        present = select(Stay.resident_id).where(Stay.departure_date.is_(None))
        members = s.scalars(
            select(Resident).where(Resident.household_id == resident.household_id, Resident.id != resident.id,
                                   Resident.archived.is_(False), Resident.id.not_in(present))
            .order_by(Resident.date_of_birth, Resident.first_name_folded)).all()
        return [ResidentChoice(r.id, r.case_number, r.first_name, r.last_name, r.sex, r.date_of_birth, None)
                for r in members if actor.can_see_centre(r.centre_id)]

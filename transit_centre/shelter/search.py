"""The members of a resident's household who may be admitted with them (proposed after a
check-in). Finding a resident by name is the registry's search (``registry.search``)."""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select

from transit_centre.db.engine import Database
from transit_centre.db.models import Resident, Stay
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

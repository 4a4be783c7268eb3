"""Is this person already registered? Similar names (accent-folded, fuzzy), same sex, a date of
birth within two years (or unknown) and the same nationality.

The database narrows the candidates first (same sex and nationality, date of birth window,
a name starting with the same letter), so the fuzzy comparison runs on a few thousand names
at most even with 100,000 residents.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlalchemy import and_, or_, select

from transit_centre.common import clean, fold
from transit_centre.db.engine import Database
from transit_centre.db.models import Centre, Resident
from transit_centre.enums import Sex
from transit_centre.security.permissions import Actor, Permission

THRESHOLD = 85
YEARS = 2
LIMIT = 20


@dataclass(frozen=True)
class DuplicateCandidate:
    resident_id: uuid.UUID
    case_number: str
    first_name: str
    last_name: str
    sex: Sex
    date_of_birth: dt.date | None
    nationality: str | None
    registered_on: dt.date
    centre_code: str
    score: int

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def _shift(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def find_duplicates(db: Database, actor: Actor, first_name: str | None, last_name: str | None,
                    sex: Sex | str | None, date_of_birth: dt.date | None, nationality: str | None,
                    *, exclude: uuid.UUID | None = None) -> list[DuplicateCandidate]:
    """Residents (in the centres this user sees) who may be the person described, best first."""
    actor.require(Permission.RESIDENT_READ)
    try:
        first, last = fold(clean(first_name, 150)), fold(clean(last_name, 150))
    except ValueError:
        return []
    wanted = f"{first} {last}".strip()
    if not wanted:
        return []
    letters = {w[0] for w in wanted.split()}
    name_filter = or_(*[c.like(f"{letter}%") for letter in sorted(letters)
                        for c in (Resident.first_name_folded, Resident.last_name_folded)])
    query = (select(Resident.id, Resident.case_number, Resident.first_name, Resident.last_name,
                    Resident.first_name_folded, Resident.last_name_folded, Resident.sex,
                    Resident.date_of_birth, Resident.nationality, Resident.registered_on, Centre.code)
             .join(Centre, Centre.id == Resident.centre_id)
             .where(name_filter))
    if sex:
        query = query.where(Resident.sex == Sex(sex))
    if nationality:
        query = query.where(Resident.nationality == nationality.upper())
    if date_of_birth is not None:
        query = query.where(or_(Resident.date_of_birth.is_(None), and_(
            Resident.date_of_birth >= _shift(date_of_birth, -YEARS),
            Resident.date_of_birth <= _shift(date_of_birth, YEARS))))
    if exclude is not None:
        query = query.where(Resident.id != exclude)
    visible = actor.visible_centres()
    if visible is not None:
        query = query.where(Resident.centre_id.in_(visible))
    found: list[DuplicateCandidate] = []
    with db.transaction(actor, readonly=True) as s:
        for row in s.execute(query):
            score = fuzz.token_sort_ratio(wanted, f"{row.first_name_folded} {row.last_name_folded}")
            if score >= THRESHOLD:
                found.append(DuplicateCandidate(
                    row.id, row.case_number, row.first_name, row.last_name, row.sex, row.date_of_birth,
                    row.nationality, row.registered_on, row.code, int(round(score))))
    found.sort(key=lambda c: (-c.score, c.case_number))
    return found[:LIMIT]

"""Is this person already registered? Similar names (accent-folded, fuzzy), same sex, a date of
birth within two years (or unknown) and the same nationality.

The database narrows the candidates first (same sex and nationality, date of birth window,
the same initials in either order: a typo in the first letter of a name is not caught), so the fuzzy comparison runs on a few thousand names
at most even with 100,000 residents.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

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


def _starts(column: Any, letter: str) -> Any:
    """``column`` starts with ``letter``, as an index range (LIKE would scan the table)."""
    return and_(column >= letter, column < letter[:-1] + chr(ord(letter[-1]) + 1))


def _initials_filter(first: str, last: str) -> Any:
    """Same initials, in either order (names are often swapped): "Mamadou Traoré" is looked for
    among first names in M and last names in T, or first names in T and last names in M."""
    if not first or not last:
        letter = (first or last)[0]
        return or_(_starts(Resident.first_name_folded, letter), _starts(Resident.last_name_folded, letter))
    f, l = first[0], last[0]
    return or_(and_(_starts(Resident.first_name_folded, f), _starts(Resident.last_name_folded, l)),
               and_(_starts(Resident.first_name_folded, l), _starts(Resident.last_name_folded, f)))


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
    name_filter = _initials_filter(first, last)
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

"""Listing and searching residents a page at a time, for the lazy residents table.

Search-as-you-type: the typed text is folded like ``Resident.search_text`` (lower case, no
accents) and each typed word must begin a word of it ("trao" finds "Traoré"; see
``db.models.registry.ResidentToken``: an index range, not a scan of the table). Presence ("in the centre tonight") is an EXISTS on an open stay. The query is built
once (``resident_query``) and used for both the count and the page, so both agree.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, exists, func, or_, select

from transit_centre.ages import age_on
from transit_centre.common import fold
from transit_centre.db.engine import Database
from transit_centre.db.models import Centre, Resident, ResidentToken, Stay, Vulnerability
from transit_centre.enums import Sex, VulnerabilityKind
from transit_centre.errors import PermissionDenied, ValidationError
from transit_centre.i18n import _
from transit_centre.security.permissions import Actor, Permission

PRESENCE = ("present", "departed", "all")
MAX_WORDS = 6
MAX_LIMIT = 1000
_PHONEISH = re.compile(r"^[\d+().-]+$")
_NOT_DIGIT = re.compile(r"\D")


@dataclass(frozen=True)
class ResidentFilter:
    text: str = ""
    presence: str = "all"              # "present" (open stay), "departed" (none open), "all"
    sex: Sex | str | None = None
    nationality: str | None = None
    vulnerability: VulnerabilityKind | str | None = None   # an active (unresolved) one
    registered_from: dt.date | None = None
    registered_to: dt.date | None = None
    centre_id: uuid.UUID | None = None  # None: the actor's current centre
    all_centres: bool = False          # headquarters and administrators only

    def with_text(self, text: str) -> "ResidentFilter":
        return replace(self, text=text)


@dataclass(frozen=True)
class ResidentRow:
    id: uuid.UUID
    case_number: str
    last_name: str
    first_name: str
    sex: Sex
    date_of_birth: dt.date | None
    dob_estimated: bool
    nationality: str | None
    registered_on: dt.date
    centre_code: str
    present: bool
    phone: str | None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def age_on(self, day: dt.date | None = None) -> int | None:
        return age_on(self.date_of_birth, day or dt.date.today())


SORT_KEYS: dict[str, tuple[Any, ...]] = {
    "case_number": (Resident.case_number,),
    "last_name": (Resident.last_name_folded, Resident.first_name_folded),
    "first_name": (Resident.first_name_folded, Resident.last_name_folded),
    "sex": (Resident.sex,),
    "date_of_birth": (Resident.date_of_birth,),
    "nationality": (Resident.nationality,),
    "registered_on": (Resident.registered_on,),
    "centre": (Resident.centre_id,),
}


def _escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_words(text: str | None) -> list[str]:
    """The folded words of a search (at most six, each at most 64 characters)."""
    printable = "".join(ch for ch in (text or "") if unicodedata.category(ch)[0] != "C")
    words = [w[:64] for w in fold(printable).split() if w]
    return words[:MAX_WORDS]


def _prefix(word: str) -> Any:
    """Residents with a search word starting with ``word`` (an index range on the tokens)."""
    upper = word[:-1] + chr(min(ord(word[-1]) + 1, 0x10FFFF))
    return Resident.id.in_(select(ResidentToken.resident_id).where(
        ResidentToken.token >= word, ResidentToken.token <= upper,
        ResidentToken.token.like(f"{_escape(word)}%", escape="\\")))


def _word_condition(word: str) -> Any:
    condition = _prefix(word)
    digits = _NOT_DIGIT.sub("", word)
    if _PHONEISH.match(word) and digits != word and len(digits) >= 3:
        # "+223" or "76-12" typed for a phone stored as digits only.
        condition = or_(condition, _prefix(digits))
    return condition


def _open_stay() -> Any:
    return exists().where(Stay.resident_id == Resident.id, Stay.departure_date.is_(None))


def _centres(actor: Actor, f: ResidentFilter) -> list[uuid.UUID] | None:
    """Which centres the list covers (None: every centre)."""
    visible = actor.visible_centres()
    if f.all_centres:
        return None if visible is None else sorted(visible)
    centre_id = f.centre_id or actor.current_centre_id
    if centre_id is None:
        return None if visible is None else sorted(visible)
    if not actor.can_see_centre(centre_id):
        raise PermissionDenied(_("You do not work in this centre."))
    return [centre_id]


def resident_query(actor: Actor, f: ResidentFilter, columns: Any) -> Select[Any]:
    """``SELECT columns FROM resident WHERE <filter>`` for this user and filter."""
    actor.require(Permission.RESIDENT_READ)
    if f.presence not in PRESENCE:
        raise ValidationError({"presence": _("This value is not one of the choices.")})
    query = select(*columns).select_from(Resident)
    centres = _centres(actor, f)
    if centres is not None:
        query = query.where(Resident.centre_id == centres[0] if len(centres) == 1
                            else Resident.centre_id.in_(centres))
    for word in search_words(f.text):
        query = query.where(_word_condition(word))
    if f.presence == "present":
        # An IN list of the few open stays, not an EXISTS tried on every resident.
        query = query.where(Resident.id.in_(
            select(Stay.resident_id).where(Stay.departure_date.is_(None))))
    elif f.presence == "departed":
        query = query.where(~_open_stay())
    try:
        if f.sex:
            query = query.where(Resident.sex == Sex(f.sex))
        if f.vulnerability:
            actor.require(Permission.PROTECTION_READ)  # who is a victim of trafficking is protection data
            kind = VulnerabilityKind(f.vulnerability)
            query = query.where(exists().where(
                Vulnerability.resident_id == Resident.id, Vulnerability.kind == kind,
                Vulnerability.voided_at.is_(None), Vulnerability.resolved_on.is_(None)))
    except ValueError:
        raise ValidationError({"filter": _("This value is not one of the choices.")}) from None
    if f.nationality:
        query = query.where(Resident.nationality == f.nationality.upper())
    if f.registered_from is not None:
        query = query.where(Resident.registered_on >= f.registered_from)
    if f.registered_to is not None:
        query = query.where(Resident.registered_on <= f.registered_to)
    return query


def count_residents(db: Database, actor: Actor, f: ResidentFilter) -> int:
    """How many residents match (departed = all - present: two cheap counts, not one slow one)."""
    if f.presence == "departed":
        every = resident_query(actor, replace(f, presence="all"), [func.count()])
        present = resident_query(actor, replace(f, presence="present"), [func.count()])
        with db.transaction(actor, readonly=True) as s:
            return int(s.scalar(every) or 0) - int(s.scalar(present) or 0)
    query = resident_query(actor, f, [func.count()])
    with db.transaction(actor, readonly=True) as s:
        return int(s.scalar(query) or 0)


def _sort_columns(sort_key: str, descending: bool, avoid_index: bool) -> list[Any]:
    columns = list(SORT_KEYS[sort_key])
    if sort_key != "case_number":
        columns.append(Resident.case_number)
    if avoid_index:
        # SQLite would walk the sort column's index and look every row up (slow when few rows
        # match); "|| ''" makes it scan the table once and sort the matches instead.
        columns = [c.op("||")("") for c in columns]
    return [c.desc() if descending else c.asc() for c in columns]


def page_query(actor: Actor, f: ResidentFilter, sort_key: str = "case_number", descending: bool = False,
               offset: int = 0, limit: int = 200, *, sqlite: bool = False) -> Select[Any]:
    """The ids of one page are chosen first (narrow rows), then their columns are read."""
    if sort_key not in SORT_KEYS:
        raise ValidationError({"sort": _("This value is not one of the choices.")})
    offset = max(0, int(offset))
    limit = max(1, min(int(limit), MAX_LIMIT))
    centres = _centres(actor, f)
    # One centre: its (centre, sort column, id) index gives the order cheaply. Several centres:
    # let SQLite start from the matching words instead of walking every resident in order.
    filtered = bool(search_words(f.text)) and sqlite and (centres is None or len(centres) > 1)
    ids = (resident_query(actor, f, [Resident.id])
           .order_by(*_sort_columns(sort_key, descending, filtered)).offset(offset).limit(limit)).subquery()
    present = _open_stay().label("present")
    centre_code = (select(Centre.code).where(Centre.id == Resident.centre_id)
                   .correlate(Resident).scalar_subquery().label("centre_code"))
    return (select(Resident.id, Resident.case_number, Resident.last_name, Resident.first_name, Resident.sex,
                   Resident.date_of_birth, Resident.dob_estimated, Resident.nationality, Resident.registered_on,
                   centre_code, present, Resident.phone)
            .where(Resident.id.in_(select(ids.c.id)))
            .order_by(*_sort_columns(sort_key, descending, False)))


def resident_page(db: Database, actor: Actor, f: ResidentFilter, sort_key: str = "case_number",
                  descending: bool = False, offset: int = 0, limit: int = 200) -> list[ResidentRow]:
    """One page of the residents list, sorted by ``sort_key`` (see ``SORT_KEYS``)."""
    query = page_query(actor, f, sort_key, descending, offset, limit, sqlite=db.is_sqlite)
    with db.transaction(actor, readonly=True) as s:
        return [ResidentRow(r.id, r.case_number, r.last_name, r.first_name, r.sex, r.date_of_birth,
                            r.dob_estimated, r.nationality, r.registered_on, r.centre_code or "",
                            bool(r.present), r.phone)
                for r in s.execute(query)]

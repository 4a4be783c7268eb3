"""Listing and searching residents a page at a time, for the lazy residents table.

Search-as-you-type: the typed text is folded like ``Resident.search_text`` (lower case, no
accents) and matched by ``registry.matching`` in tiers: residents where every word begins a
word ("trao": Traoré) come first, then those where a word occurs inside one ("oul":
Coulibaly), then misspelt names ("mamadu": Mamadou); each tier is sorted by the chosen column.
On SQLite the words are looked up in the FTS5 trigram index, on PostgreSQL with pg_trgm.
Presence ("in the centre tonight") is an EXISTS on an open stay. The query is built once
(``resident_query``) and used for both the count and the page, so both agree.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
import uuid
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session

from transit_centre.ages import age_on
from transit_centre.common import fold
from transit_centre.db.engine import Database
from transit_centre.db.models import Centre, Resident, Stay, Vulnerability
from transit_centre.enums import Sex, VulnerabilityKind
from transit_centre.errors import PermissionDenied, ValidationError
from transit_centre.i18n import _
from transit_centre.registry.matching import PostgresMatch, SqliteMatch, fast_count, fast_page, match_for
from transit_centre.security.permissions import Actor, Permission

Match = SqliteMatch | PostgresMatch

PRESENCE = ("present", "departed", "all")
MAX_WORDS = 6
MAX_LIMIT = 1000


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


def search_words(text: str | None) -> list[str]:
    """The folded words of a search (at most six, each at most 64 characters)."""
    printable = "".join(ch for ch in (text or "") if unicodedata.category(ch)[0] != "C")
    words = [w[:64] for w in fold(printable).split() if w]
    return words[:MAX_WORDS]


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


def _check(actor: Actor, f: ResidentFilter) -> None:
    actor.require(Permission.RESIDENT_READ)
    if f.presence not in PRESENCE:
        raise ValidationError({"presence": _("This value is not one of the choices.")})


def resident_query(actor: Actor, f: ResidentFilter, columns: Any, match: Match | None = None,
                   tier: int | None = None) -> Select[Any]:
    """``SELECT columns FROM resident WHERE <filter>`` for this user and filter; with ``match``
    (the words of ``f.text``), the residents found in ``tier`` (None: in any tier)."""
    _check(actor, f)
    query = select(*columns).select_from(Resident)
    centres = _centres(actor, f)
    if centres is not None:
        query = query.where(Resident.centre_id == centres[0] if len(centres) == 1
                            else Resident.centre_id.in_(centres))
    if match is not None:
        query = query.where(match.condition(tier))
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


def _words_only(f: ResidentFilter) -> bool:
    """Only words and centres: SQLite answers from the search rows without visiting residents."""
    return f.presence == "all" and not (f.sex or f.vulnerability or f.nationality or f.registered_from
                                        or f.registered_to)


def _count(session: Session, actor: Actor, f: ResidentFilter) -> int:
    words = search_words(f.text)
    match = match_for(session, words) if words else None
    if isinstance(match, SqliteMatch) and _words_only(f):
        _check(actor, f)
        return int(session.connection().scalar(fast_count(match, _centres(actor, f))) or 0)
    return int(session.connection().scalar(resident_query(actor, f, [func.count()], match)) or 0)


def count_residents(db: Database, actor: Actor, f: ResidentFilter) -> int:
    """How many residents match (departed = all - present: two cheap counts, not one slow one)."""
    with db.transaction(actor, readonly=True) as s:
        if f.presence == "departed":
            return _count(s, actor, replace(f, presence="all")) - _count(s, actor, replace(f, presence="present"))
        return _count(s, actor, f)


def _sort_columns(sort_key: str, descending: bool, avoid_index: bool) -> list[Any]:
    columns = list(SORT_KEYS[sort_key])
    if sort_key != "case_number":
        columns.append(Resident.case_number)
    if avoid_index:
        # SQLite would walk the sort column's index and look every row up (slow when few rows
        # match); "|| ''" makes it scan the table once and sort the matches instead.
        columns = [c.op("||")("") for c in columns]
    return [c.desc() if descending else c.asc() for c in columns]


def _page_columns() -> list[Any]:
    present = _open_stay().label("present")
    centre_code = (select(Centre.code).where(Centre.id == Resident.centre_id)
                   .correlate(Resident).scalar_subquery().label("centre_code"))
    return [Resident.id, Resident.case_number, Resident.last_name, Resident.first_name, Resident.sex,
            Resident.date_of_birth, Resident.dob_estimated, Resident.nationality, Resident.registered_on,
            centre_code, present, Resident.phone]


def page_query(actor: Actor, f: ResidentFilter, sort_key: str = "case_number", descending: bool = False,
               offset: int = 0, limit: int = 200) -> Select[Any]:
    """A page of the list without search words: the ids of the page are chosen first (narrow
    rows), then their columns are read."""
    ids = (resident_query(actor, f, [Resident.id]).order_by(*_sort_columns(sort_key, descending, False))
           .offset(offset).limit(limit)).subquery()
    return (select(*_page_columns()).where(Resident.id.in_(select(ids.c.id)))
            .order_by(*_sort_columns(sort_key, descending, False)))


def _tier_query(actor: Actor, f: ResidentFilter, match: Match, tier: int, sort_key: str,
                descending: bool) -> Select[Any]:
    """The ids found in one tier, in the order of the list."""
    centres = _centres(actor, f)
    if isinstance(match, SqliteMatch) and _words_only(f) and sort_key == "case_number":
        _check(actor, f)
        return fast_page(match, tier, centres, descending)
    # One centre: its (centre, sort column, id) index gives the order cheaply. Several centres:
    # let SQLite start from the matching words instead of walking every resident in order.
    avoid_index = isinstance(match, SqliteMatch) and (centres is None or len(centres) > 1)
    return (resident_query(actor, f, [Resident.id], match, tier)
            .order_by(*_sort_columns(sort_key, descending, avoid_index)))


def _matching_rows(session: Session, actor: Actor, f: ResidentFilter, words: list[str], sort_key: str,
                   descending: bool, offset: int, limit: int) -> list[ResidentRow]:
    """One page over the tiers in turn (a tier is read only when the ones before it do not
    fill the page), each tier in one statement: its ids chosen first, then their columns."""
    match = match_for(session, words)
    rows: list[ResidentRow] = []
    skip = offset
    for tier in match.tiers:
        wanted = skip + limit - len(rows)
        ids = _tier_query(actor, f, match, tier, sort_key, descending).limit(wanted).subquery()
        query = (select(*_page_columns()).where(Resident.id.in_(select(ids.c[0])))
                 .order_by(*_sort_columns(sort_key, descending, False)))
        found = [_row(r) for r in session.connection().execute(query)]
        rows += found[skip:]
        skip = max(0, skip - len(found))
        if len(rows) >= limit:
            break
    return rows[:limit]


def _row(r: Any) -> ResidentRow:
    return ResidentRow(r.id, r.case_number, r.last_name, r.first_name, r.sex, r.date_of_birth, r.dob_estimated,
                       r.nationality, r.registered_on, r.centre_code or "", bool(r.present), r.phone)


def resident_page(db: Database, actor: Actor, f: ResidentFilter, sort_key: str = "case_number",
                  descending: bool = False, offset: int = 0, limit: int = 200) -> list[ResidentRow]:
    """One page of the residents list, sorted by ``sort_key`` (see ``SORT_KEYS``); when
    searching, prefix matches first, then matches inside a word, then misspelt names."""
    if sort_key not in SORT_KEYS:
        raise ValidationError({"sort": _("This value is not one of the choices.")})
    offset = max(0, int(offset))
    limit = max(1, min(int(limit), MAX_LIMIT))
    words = search_words(f.text)
    with db.transaction(actor, readonly=True) as s:
        connection = s.connection()
        if not words:
            return [_row(r) for r in connection.execute(page_query(actor, f, sort_key, descending, offset, limit))]
        return _matching_rows(s, actor, f, words, sort_key, descending, offset, limit)


def resident_by_case_number(db: Database, actor: Actor, number: str) -> uuid.UUID | None:
    """The resident with this case number, in a centre this user sees (None otherwise)."""
    actor.require(Permission.RESIDENT_READ)
    with db.transaction(actor, readonly=True) as s:
        found = s.execute(select(Resident.id, Resident.centre_id).where(
            Resident.case_number == number.strip().upper())).first()
    if found is None or not actor.can(Permission.RESIDENT_READ, found.centre_id):
        return None
    return found.id

"""Formatting for paper: values written in the document's language (never the application's
active one), with dates nobody can misread, money with its spacing, ages (0 included), dates of
birth that say when they are estimated, countries with their French prepositions.

Also the pieces every loader shares: the letterhead, the reference line, the identity block and
finding a record by uuid or human reference.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from transit_centre.ages import age_on
from transit_centre.common import as_uuid
from transit_centre.db.models import Centre, Resident, User
from transit_centre.enums import CentreKind, LabelledEnum
from transit_centre.errors import NotFound
from transit_centre.i18n import N_, _, country_name, country_phrase, format_date, format_xof
from transit_centre.printing import data as pd
from transit_centre.printing.base import Tr
from transit_centre.security.permissions import Actor

# Dates on paper read the same way in Bamako, Dakar and London: day, month, year in both
# languages ("5 déc. 2026" / "5 Dec 2026", or 05/12/2026 in tables), never 12/5/26.
PAPER_DATES = {"medium": "d MMM y", "long": "d MMMM y", "numeric": "dd/MM/y", "full": "EEEE d MMMM y"}
NUMERIC = "numeric"


class Fmt:
    """Formats values in one language (never the application's active language)."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.tr = Tr(language)
        self.secret = b""  # the receipt checksum secret, read before the print transaction

    def label(self, member: LabelledEnum | None) -> str:
        return self.tr(member._label) if member is not None else ""  # type: ignore[attr-defined]

    def label_both(self, member: LabelledEnum | None) -> str:
        return self.tr.both(member._label) if member is not None else ""  # type: ignore[attr-defined]

    def date(self, value: dt.date | None, style: str = "medium") -> str:
        return format_date(value, PAPER_DATES.get(style, style), language=self.language) if value else ""

    def country(self, code: str | None) -> str:
        return country_name(code, self.language) if code else ""

    def country_both(self, code: str | None) -> str:
        if not code:
            return ""
        first, second = country_name(code, self.language), country_name(code, self.tr.other)
        return first if first == second else f"{first} / {second}"

    def xof(self, amount: int) -> str:
        return format_xof(amount, self.language)

    def date_of_birth(self, dob: dt.date | None, estimated: bool, style: str = "medium") -> str:
        """The date, or for an estimated one the year only ("2009 (estimated)")."""
        if dob is None:
            return ""
        if estimated:
            return self.tr(N_("{year} (estimated)")).format(year=dob.year)
        return self.date(dob, style)

    def age(self, dob: dt.date | None, estimated: bool, day: dt.date) -> str:
        """Completed years on ``day`` ("0" for a baby), "≈ 17" when estimated, "" when unknown."""
        age = age_on(dob, day)
        if age is None:
            return ""
        return f"≈ {age}" if estimated else str(age)

    def destination(self, country: str | None, region: str | None = None, commune: str | None = None, *,
                    sentence: bool = False, both: bool = False) -> str:
        """"Mali (Mopti)", or in a sentence "au Mali (Mopti)" / "Mali (Mopti)" after "to". The
        region and the commune are given once when they are the same place."""
        if sentence:
            name = country_phrase(country, self.language)
        else:
            name = self.country_both(country) if both else self.country(country)
        places: list[str] = []
        for place in (region, commune):
            text = (place or "").strip()
            if text and text.casefold() not in {p.casefold() for p in places}:
                places.append(text)
        return f"{name} ({', '.join(places)})" if places and name else name or ", ".join(places)


def name(first: str | None, last: str | None) -> str:
    return f"{first or ''} {last or ''}".strip()


def photo(resident: Resident) -> str:
    from transit_centre.registry.residents import photo_file

    path = photo_file(resident.photo_path)
    return str(path) if path else ""


def user_name(session: Session, user_id: uuid.UUID | None) -> str:
    user = session.get(User, user_id) if user_id is not None else None
    return (user.full_name or user.username) if user is not None else ""


def is_protection_shelter(centre: Centre | None) -> bool:
    """A shelter for victims of trafficking: never named on a paper shown to officials."""
    return centre is not None and centre.kind == CentreKind.TRAFFICKING


@dataclass(frozen=True)
class Office:
    """The organisation's settings printed in headers and on letters to officials."""

    name: str
    name_other: str
    address: str
    phone: str
    email: str
    logo_path: str

    @property
    def contact(self) -> str:
        return " · ".join(x for x in (self.address, self.phone, self.email) if x)


def office(settings: dict[str, Any], f: Fmt) -> Office:
    """The office from the settings (read before the print's transaction: ``get_settings``)."""
    fr_name, en_name = settings.get("organisation.name", ""), settings.get("organisation.name_en", "")
    primary, other = (en_name or fr_name, fr_name) if f.language == "en" else (fr_name, en_name)
    return Office(primary, other if other != primary else "", settings.get("organisation.address", "") or "",
                  settings.get("organisation.phone", "") or "", settings.get("organisation.email", "") or "",
                  settings.get("organisation.logo_path", "") or "")


def letterhead(settings: dict[str, Any], actor: Actor, centre: Centre | None, f: Fmt, *,
               official: bool = False) -> pd.Letterhead:
    """The page header. ``official``: a paper shown to border, police or transport officials,
    which names the organisation's office of the town instead of a protection shelter."""
    o = office(settings, f)
    if centre is None:
        where = ""
    elif official and is_protection_shelter(centre):
        where = f.tr(N_("IOM office, {town}")).format(town=centre.town)
    else:
        where = f"{centre.name} ({centre.code})"
    phone = f.tr(N_("Tel. {phone}")).format(phone=o.phone) if o.phone else ""
    return pd.Letterhead(
        organisation=o.name, organisation_other=o.name_other, address=o.address, centre=where,
        printed_on=f.date(dt.date.today(), "long"), logo_path=o.logo_path,
        printed_by=actor.full_name or actor.username, phone=" · ".join(x for x in (phone, o.email) if x))


def reference(f: Fmt, title: str, ref: str, actor: Actor) -> str:
    printed = f.tr(N_("Printed on {date} by {user}")).format(date=f.date(dt.date.today(), NUMERIC),
                                                            user=actor.full_name or actor.username)
    return f"{title} · {ref} · {printed}"


def person(f: Fmt, r: Resident, *, bilingual: bool = False) -> pd.Person:
    return pd.Person(
        full_name=name(r.first_name, r.last_name), case_number=r.case_number,
        sex=f.label_both(r.sex) if bilingual else f.label(r.sex),
        date_of_birth=f.date_of_birth(r.date_of_birth, r.dob_estimated, NUMERIC if bilingual else "medium"),
        nationality=f.country_both(r.nationality) if bilingual else f.country(r.nationality),
        place_of_birth=r.place_of_birth or "", photo_path=photo(r))


def place_date(f: Fmt, centre: Centre, day: dt.date, style: str = "long") -> str:
    return f.tr(N_("Done at {place}, on {date}")).format(place=centre.town, date=f.date(day, style))


# --- finding the record -------------------------------------------------------------------------

def find(session: Session, model: Any, ref: str | uuid.UUID, column: Any, what: str) -> Any:
    key = as_uuid(ref.strip() if isinstance(ref, str) else ref)
    obj = session.get(model, key) if key is not None else None
    if obj is None and column is not None and not isinstance(ref, uuid.UUID):
        obj = session.scalar(select(model).where(column == str(ref).strip().upper()))
    if obj is None:
        raise NotFound(_("The {what} was not found.").format(what=what))
    return obj


def resident(session: Session, ref: str | uuid.UUID) -> Resident:
    return find(session, Resident, ref, Resident.case_number, _("resident"))


def centre(session: Session, ref: str | uuid.UUID) -> Centre:
    return find(session, Centre, ref, Centre.code, _("centre"))

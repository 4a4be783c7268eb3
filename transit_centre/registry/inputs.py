"""What a registration or edit form hands to the services, and its validation.

Validation collects every field message at once (``common.Errors``) so a form can show them
all next to their fields; nothing is written before the whole input is valid.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

import phonenumbers

from transit_centre.common import Errors
from transit_centre.enums import DocumentKind, HouseholdKind, HouseholdRole, Sex, VulnerabilityKind
from transit_centre.i18n import _, is_country_code

DEFAULT_PHONE_REGION = "ML"
MAX_AGE = 110


@dataclass(frozen=True)
class DocumentInput:
    kind: DocumentKind | str | None
    number: str | None = None
    issuing_country: str | None = None
    issue_date: dt.date | None = None
    expiry_date: dt.date | None = None


@dataclass(frozen=True)
class VulnerabilityInput:
    kind: VulnerabilityKind | str | None
    identified_on: dt.date | None = None
    note: str | None = None


@dataclass(frozen=True)
class ResidentInput:
    """A resident as typed in the registration form (plain values, not yet checked)."""

    first_name: str | None
    last_name: str | None
    sex: Sex | str | None
    date_of_birth: dt.date | None = None
    estimated_age: int | None = None
    birth_year: int | None = None  # known year, unknown day (stored as 1 January, shown as estimated)
    nationality: str | None = None
    other_names: str | None = None
    place_of_birth: str | None = None
    languages: str | None = None
    phone: str | None = None
    notes: str | None = None
    documents: tuple[DocumentInput, ...] | list[DocumentInput] = ()
    vulnerabilities: tuple[VulnerabilityInput, ...] | list[VulnerabilityInput] = ()
    household_id: uuid.UUID | None = None
    household_role: HouseholdRole | str | None = None
    new_household_name: str | None = None
    new_household_kind: HouseholdKind | str = HouseholdKind.FAMILY
    consent_given: bool = False
    consent_date: dt.date | None = None
    registered_on: dt.date | None = None
    centre_id: uuid.UUID | None = None


@dataclass
class CleanResident:
    """The validated biodata, ready to store."""

    first_name: str
    last_name: str
    other_names: str | None
    sex: Sex
    date_of_birth: dt.date
    dob_estimated: bool
    nationality: str
    place_of_birth: str | None
    languages: str | None
    phone: str | None
    notes: str | None
    registered_on: dt.date
    household_role: HouseholdRole | None
    new_household_name: str | None
    new_household_kind: HouseholdKind
    consent_given: bool
    consent_date: dt.date | None
    documents: list[DocumentInput] = field(default_factory=list)
    vulnerabilities: list[VulnerabilityInput] = field(default_factory=list)


def _enum(errors: Errors, name: str, enum_class: Any, value: Any, *, required: bool = True) -> Any:
    if value is None or value == "":
        if required:
            errors.add(name, _("This field is required."))
        return None
    try:
        return enum_class(value)
    except ValueError:
        errors.add(name, _("This value is not one of the choices."))
        return None


def _date(errors: Errors, name: str, value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        errors.add(name, _("This is not a valid date."))
        return None
    return value


def parse_phone(value: str | None) -> str | None:
    """A phone number in E.164 (``+22375123456``), Malian numbers without the country code.

    Raises ValueError when the text is not a valid phone number."""
    text = (value or "").strip()
    if not text:
        return None
    if len(text) > 32:
        raise ValueError(text)
    try:
        number = phonenumbers.parse(text, DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(text) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check_country(errors: Errors, name: str, code: str | None, *, required: bool) -> str | None:
    code = (code or "").strip().upper() or None
    if code is None:
        if required:
            errors.add(name, _("This field is required."))
        return None
    if not is_country_code(code):
        errors.add(name, _("Choose a country from the list."))
        return None
    return code


def birth_date(errors: Errors, date_of_birth: Any, estimated_age: Any, today: dt.date,
               birth_year: Any = None) -> tuple[dt.date | None, bool]:
    """The stored date of birth: the date given, else 1 January of the year of birth given or of
    an estimated age (then marked estimated: papers show the year only)."""
    if date_of_birth is not None:
        dob = _date(errors, "date_of_birth", date_of_birth)
        if dob is None:
            return None, False
        if dob > today:
            errors.add("date_of_birth", _("The date of birth cannot be in the future."))
        elif today.year - dob.year > MAX_AGE:
            errors.add("date_of_birth", _("The date of birth is more than {n} years ago.").format(n=MAX_AGE))
        return dob, False
    if birth_year is not None and birth_year != "":
        if isinstance(birth_year, bool) or not isinstance(birth_year, int):
            errors.add("birth_year", _("The year of birth must be a year such as 2009."))
            return None, False
        if not today.year - MAX_AGE <= birth_year <= today.year:
            errors.add("birth_year", _("The year of birth must be between {first} and {last}.").format(
                first=today.year - MAX_AGE, last=today.year))
            return None, False
        return dt.date(birth_year, 1, 1), True
    if estimated_age is None or estimated_age == "":
        errors.add("date_of_birth", _("Give the date of birth, the year of birth or an estimated age."))
        return None, False
    try:
        age = int(estimated_age)
        if isinstance(estimated_age, float) and age != estimated_age:
            raise ValueError(estimated_age)
    except (TypeError, ValueError):
        errors.add("estimated_age", _("The estimated age must be a whole number of years."))
        return None, False
    if not 0 <= age <= MAX_AGE:
        errors.add("estimated_age", _("The estimated age must be between 0 and {n} years.").format(n=MAX_AGE))
        return None, False
    return dt.date(today.year - age, 1, 1), True


def check_documents(errors: Errors, documents: Any, today: dt.date, name: str = "documents") -> list[DocumentInput]:
    """Each document: a kind, a number of at most 64 characters, a known issuing country,
    an issue date not in the future and an expiry date after the issue date."""
    result: list[DocumentInput] = []
    for i, doc in enumerate(documents or (), start=1):
        sub = Errors()
        kind = _enum(sub, "kind", DocumentKind, doc.kind)
        number = sub.text("number", doc.number, max_length=64)
        country = check_country(sub, "issuing_country", doc.issuing_country, required=False)
        issue = _date(sub, "issue_date", doc.issue_date)
        expiry = _date(sub, "expiry_date", doc.expiry_date)
        if issue is not None and issue > today:
            sub.add("issue_date", _("The issue date cannot be in the future."))
        if issue is not None and expiry is not None and expiry <= issue:
            sub.add("expiry_date", _("The expiry date must be after the issue date."))
        if sub:
            message = next(iter(sub.errors.values()))
            errors.add(name, _("Document {n}: {message}").format(n=i, message=message))
            continue
        result.append(DocumentInput(kind, number, country, issue, expiry))
    return result


def check_vulnerabilities(errors: Errors, items: Any, today: dt.date, *, earliest: dt.date | None = None,
                          name: str = "vulnerabilities") -> list[VulnerabilityInput]:
    result: list[VulnerabilityInput] = []
    seen: set[VulnerabilityKind] = set()
    for item in items or ():
        sub = Errors()
        kind = _enum(sub, "kind", VulnerabilityKind, item.kind)
        day = _date(sub, "identified_on", item.identified_on) or today
        note = sub.text("note", item.note, max_length=2000)
        if day > today:
            sub.add("identified_on", _("The date cannot be in the future."))
        if kind in seen:
            sub.add("kind", _("This vulnerability is listed twice."))
        if sub:
            label = kind.label if kind else "?"
            errors.add(name, _("{kind}: {message}").format(kind=label, message=next(iter(sub.errors.values()))))
            continue
        seen.add(kind)
        result.append(VulnerabilityInput(kind, day, note))
    return result


def validate_resident(data: ResidentInput, today: dt.date | None = None) -> CleanResident:
    """Check every field of ``data``; raise one ValidationError listing all the problems."""
    today = today or dt.date.today()
    errors = Errors()
    first = errors.text("first_name", data.first_name, required=True, max_length=150)
    last = errors.text("last_name", data.last_name, required=True, max_length=150)
    other = errors.text("other_names", data.other_names, max_length=200)
    sex = _enum(errors, "sex", Sex, data.sex)
    dob, estimated = birth_date(errors, data.date_of_birth, data.estimated_age, today, data.birth_year)
    nationality = check_country(errors, "nationality", data.nationality, required=True)
    place = errors.text("place_of_birth", data.place_of_birth, max_length=150)
    languages = errors.text("languages", data.languages, max_length=200)
    notes = errors.text("notes", data.notes, max_length=4000)
    phone = None
    try:
        phone = parse_phone(data.phone)
    except ValueError:
        errors.add("phone", _("This is not a valid phone number (for example +223 76 12 34 56)."))
    registered_on = _date(errors, "registered_on", data.registered_on) or today
    if registered_on > today:
        errors.add("registered_on", _("The registration date cannot be in the future."))
    role = _enum(errors, "household_role", HouseholdRole, data.household_role, required=False)
    new_household = errors.text("household", data.new_household_name, max_length=200)
    kind = _enum(errors, "household", HouseholdKind, data.new_household_kind or HouseholdKind.FAMILY)
    if new_household and data.household_id is not None:
        errors.add("household", _("Choose an existing household or name a new one, not both."))
    consent_date = None
    if data.consent_given:
        consent_date = _date(errors, "consent_date", data.consent_date) or today
        if consent_date > today:
            errors.add("consent_date", _("The consent date cannot be in the future."))
    documents = check_documents(errors, data.documents, today)
    vulnerabilities = check_vulnerabilities(errors, data.vulnerabilities, today)
    errors.raise_if_any()
    return CleanResident(
        first_name=first, last_name=last, other_names=other, sex=sex, date_of_birth=dob,  # type: ignore[arg-type]
        dob_estimated=estimated, nationality=nationality, place_of_birth=place,  # type: ignore[arg-type]
        languages=languages, phone=phone, notes=notes, registered_on=registered_on,
        household_role=role, new_household_name=new_household, new_household_kind=kind or HouseholdKind.FAMILY,
        consent_given=bool(data.consent_given), consent_date=consent_date,
        documents=documents, vulnerabilities=vulnerabilities,
    )

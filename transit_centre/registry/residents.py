"""Registering residents, editing their biodata, consent and photo, and reading their file.

Every other capability points to a resident registered here; ``register_resident`` and
``get_resident`` are a contract others rely on. Case numbers are ``CODE-YYYY-NNNNN`` per
centre and year, gap-free (``common.next_number``).
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from transit_centre.ages import age_on
from transit_centre.common import Errors, check_version, fold, get, next_number
from transit_centre.db.engine import Database
from transit_centre.db.models import Bed, Centre, Household, IdentityDocument, Resident, Room, Stay, Vulnerability
from transit_centre.enums import DocumentKind, HouseholdKind, HouseholdRole, ReturneeGroup, Sex, VulnerabilityKind
from transit_centre.errors import RuleViolation, ValidationError
from transit_centre.i18n import _
from transit_centre.paths import data_dir
from transit_centre.registry.groups import refresh_group
from transit_centre.registry.inputs import (
    CleanResident,
    DocumentInput,  # noqa: F401 - re-exported for callers
    ResidentInput,
    VulnerabilityInput,  # noqa: F401 - re-exported for callers
    validate_resident,
)
from transit_centre.registry.text import search_text
from transit_centre.security.permissions import Actor, Permission

PHOTO_EXTENSIONS = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp"}
MAX_PHOTO_BYTES = 10 * 1024 * 1024
_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"BM", b"GIF87a", b"GIF89a", b"RIFF")

__all__ = [
    "DocumentInput", "ResidentInput", "VulnerabilityInput", "ResidentView", "ResidentDetail",
    "register_resident", "update_resident", "get_resident", "record_consent", "set_photo", "set_returnee_group",
]


@dataclass(frozen=True)
class ResidentView:
    id: uuid.UUID
    centre_id: uuid.UUID
    case_number: str
    first_name: str
    last_name: str
    other_names: str | None
    sex: Sex
    date_of_birth: dt.date | None
    dob_estimated: bool
    nationality: str | None
    place_of_birth: str | None
    languages: str | None
    phone: str | None
    notes: str | None
    registered_on: dt.date
    household_id: uuid.UUID | None
    household_role: HouseholdRole | None
    consent_given: bool
    consent_date: dt.date | None
    photo_path: str | None
    version: int
    # Malian returning home, international migrant, IDP (None: not known); ``manual``: set by a caseworker.
    returnee_group: ReturneeGroup | None = None
    returnee_group_manual: bool = False
    other_case_numbers: str | None = None  # at other centres, before a transfer

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def age_on(self, day: dt.date | None = None) -> int | None:
        return age_on(self.date_of_birth, day or dt.date.today())


@dataclass(frozen=True)
class DocumentView:
    id: uuid.UUID
    kind: DocumentKind
    number: str | None
    issuing_country: str | None
    issue_date: dt.date | None
    expiry_date: dt.date | None
    voided: bool
    void_reason: str | None
    version: int


@dataclass(frozen=True)
class VulnerabilityView:
    id: uuid.UUID
    kind: VulnerabilityKind
    identified_on: dt.date
    resolved_on: dt.date | None
    has_note: bool
    voided: bool
    version: int


@dataclass(frozen=True)
class MemberView:
    resident_id: uuid.UUID
    case_number: str
    full_name: str
    sex: Sex
    date_of_birth: dt.date | None
    role: HouseholdRole | None


@dataclass(frozen=True)
class StaySummary:
    stay_id: uuid.UUID
    centre_code: str
    centre_name: str
    arrival_date: dt.date
    room_name: str | None
    bed_label: str | None


@dataclass(frozen=True)
class ResidentDetail:
    resident: ResidentView
    centre_code: str
    centre_name: str
    documents: list[DocumentView]
    vulnerabilities: list[VulnerabilityView]
    household_name: str | None
    household_kind: HouseholdKind | None
    household_version: int | None
    members: list[MemberView]
    current_stay: StaySummary | None
    photo_file: Path | None

    @property
    def active_vulnerabilities(self) -> list[VulnerabilityView]:
        return [v for v in self.vulnerabilities if not v.voided and v.resolved_on is None]


def view(r: Resident) -> ResidentView:
    return ResidentView(
        r.id, r.centre_id, r.case_number, r.first_name, r.last_name, r.other_names, r.sex,
        r.date_of_birth, r.dob_estimated, r.nationality, r.place_of_birth, r.languages, r.phone,
        r.notes, r.registered_on, r.household_id, r.household_role, r.consent_given, r.consent_date,
        r.photo_path, r.version, r.returnee_group, bool(r.returnee_group_manual), r.other_case_numbers,
    )


def refresh_search_text(session: Session, resident: Resident) -> None:
    """Recompute the folded names and search text (after names, phone or documents change).

    Reads the document numbers without flushing, so the resident is written once (one version)."""
    with session.no_autoflush:
        numbers = list(session.scalars(select(IdentityDocument.number).where(
            IdentityDocument.resident_id == resident.id, IdentityDocument.voided_at.is_(None))))
    numbers += [d.number for d in session.new if isinstance(d, IdentityDocument)
                and d.resident_id == resident.id and d.voided_at is None]
    numbers += (resident.other_case_numbers or "").split("; ")  # found by the number of another centre
    resident.first_name_folded = fold(resident.first_name)[:150]  # NFKD can lengthen (ﷺ: 1 -> 18)
    resident.last_name_folded = fold(resident.last_name)[:150]
    resident.search_text = search_text(resident.case_number, resident.first_name, resident.last_name,
                                       resident.other_names, resident.phone, numbers)


def load_resident(session: Session, actor: Actor, resident_id: uuid.UUID, permission: Permission) -> Resident:
    """The resident, after checking the actor may do ``permission`` in the resident's centre."""
    actor.require(permission)
    resident = get(session, Resident, resident_id, _("resident"))
    actor.require(permission, resident.centre_id)
    return resident


def _household_for(session: Session, actor: Actor, household_id: uuid.UUID, centre_id: uuid.UUID) -> Household:
    household = get(session, Household, household_id, _("household"))
    if household.centre_id != centre_id:
        raise ValidationError({"household": _("This household belongs to another centre.")})
    return household


def _apply(resident: Resident, clean: CleanResident) -> None:
    resident.first_name, resident.last_name = clean.first_name, clean.last_name
    resident.other_names, resident.sex = clean.other_names, clean.sex
    resident.date_of_birth, resident.dob_estimated = clean.date_of_birth, clean.dob_estimated
    resident.nationality, resident.place_of_birth = clean.nationality, clean.place_of_birth
    resident.languages, resident.phone, resident.notes = clean.languages, clean.phone, clean.notes


def register_resident(db: Database, actor: Actor, data: ResidentInput) -> ResidentView:
    """Register a new resident in the actor's centre (or ``data.centre_id``) with their
    documents, vulnerabilities, household and consent, all in one transaction."""
    centre_id = data.centre_id or actor.current_centre_id
    actor.require(Permission.RESIDENT_WRITE)
    if centre_id is None:
        raise RuleViolation(_("Choose the centre the resident is registered in."))
    actor.require(Permission.RESIDENT_WRITE, centre_id)
    clean = validate_resident(data)
    with db.transaction(actor) as s:
        centre = get(s, Centre, centre_id, _("centre"))
        if not centre.active:
            raise RuleViolation(_("This centre is closed; residents cannot be registered in it."))
        household = None
        if data.household_id is not None:
            household = _household_for(s, actor, data.household_id, centre_id)
        elif clean.new_household_name:
            household = Household(centre_id=centre_id, name=clean.new_household_name,
                                  kind=clean.new_household_kind, created_by=actor.user_id)
            s.add(household)
            s.flush()
        year = clean.registered_on.year
        number = next_number(s, centre_id, "case", year)
        resident = Resident(
            id=uuid.uuid4(), centre_id=centre_id, case_number=f"{centre.code}-{year}-{number:05d}",
            registered_on=clean.registered_on, created_by=actor.user_id, archived=False,
            consent_given=clean.consent_given, consent_date=clean.consent_date,
            consent_recorded_by=actor.user_id if clean.consent_given else None,
        )
        _apply(resident, clean)
        resident.first_name_folded = fold(clean.first_name)[:150]  # NFKD can lengthen a name
        resident.last_name_folded = fold(clean.last_name)[:150]
        resident.search_text = search_text(resident.case_number, clean.first_name, clean.last_name,
                                           clean.other_names, clean.phone, [d.number for d in clean.documents])
        if household is not None:
            resident.household_id = household.id
            resident.household_role = clean.household_role or (
                HouseholdRole.MEMBER if household.kind == HouseholdKind.GROUP else HouseholdRole.RELATIVE)
        resident.returnee_group_manual = False
        refresh_group(s, resident)
        s.add(resident)
        s.flush()
        for doc in clean.documents:
            s.add(IdentityDocument(resident_id=resident.id, kind=doc.kind, number=doc.number,
                                   issuing_country=doc.issuing_country, issue_date=doc.issue_date,
                                   expiry_date=doc.expiry_date, created_by=actor.user_id))
        for vul in clean.vulnerabilities:
            s.add(Vulnerability(resident_id=resident.id, kind=vul.kind, identified_on=vul.identified_on,
                                note=vul.note, created_by=actor.user_id))
        s.flush()
        return view(resident)


def update_resident(db: Database, actor: Actor, resident_id: uuid.UUID, data: ResidentInput,
                    expected_version: int | None) -> ResidentView:
    """Correct a resident's biodata (documents, vulnerabilities, household and consent have
    their own services). Refused when someone saved the record since it was read."""
    actor.require(Permission.RESIDENT_WRITE)
    clean = validate_resident(data)
    with db.transaction(actor) as s:
        resident = load_resident(s, actor, resident_id, Permission.RESIDENT_WRITE)
        check_version(resident, expected_version)
        _apply(resident, clean)
        refresh_search_text(s, resident)
        refresh_group(s, resident)
        s.flush()
        return view(resident)


def record_consent(db: Database, actor: Actor, resident_id: uuid.UUID, given: bool,
                   day: dt.date | None = None, expected_version: int | None = None) -> ResidentView:
    """Record (or withdraw) the resident's consent to the processing of their data."""
    day = day or dt.date.today()
    if given and day > dt.date.today():
        raise ValidationError({"consent_date": _("The consent date cannot be in the future.")})
    with db.transaction(actor) as s:
        resident = load_resident(s, actor, resident_id, Permission.RESIDENT_WRITE)
        check_version(resident, expected_version)
        resident.consent_given = bool(given)
        resident.consent_date = day
        resident.consent_recorded_by = actor.user_id
        s.flush()
        return view(resident)


def photos_dir() -> Path:
    path = data_dir() / "photos"
    path.mkdir(parents=True, exist_ok=True)
    return path


def photo_file(photo_path: str | None) -> Path | None:
    """The absolute file of a stored photo (stored relative to the data folder)."""
    if not photo_path:
        return None
    path = Path(photo_path)
    path = path if path.is_absolute() else data_dir() / path
    return path if path.is_file() else None


def check_photo(source: str | os.PathLike[str]) -> Path:
    """The chosen picture, after checking it is an image file of less than 10 MB."""
    errors = Errors()
    path = Path(source)
    if path.suffix.lower() not in PHOTO_EXTENSIONS:
        errors.add("photo", _("Choose a picture (JPEG, PNG, BMP, GIF or WebP)."))
    elif not path.is_file():
        errors.add("photo", _("The file was not found."))
    elif path.stat().st_size >= MAX_PHOTO_BYTES:
        errors.add("photo", _("The picture is too large (10 MB at most)."))
    else:
        with path.open("rb") as fh:
            head = fh.read(12)
        if not head.startswith(_MAGIC):
            errors.add("photo", _("This file is not a picture."))
    errors.raise_if_any()
    return path


def set_photo(db: Database, actor: Actor, resident_id: uuid.UUID, source: str | os.PathLike[str],
              expected_version: int | None = None) -> ResidentView:
    """Copy the chosen picture into the data folder (``photos/<resident id>.<ext>``)."""
    path = check_photo(source)
    actor.require(Permission.RESIDENT_WRITE)
    ext = ".jpg" if path.suffix.lower() == ".jpeg" else path.suffix.lower()
    with db.transaction(actor) as s:
        resident = load_resident(s, actor, resident_id, Permission.RESIDENT_WRITE)
        check_version(resident, expected_version)
        target = photos_dir() / f"{resident.id}{ext}"
        temporary = target.with_suffix(target.suffix + ".part")
        shutil.copyfile(path, temporary)
        resident.photo_path = f"photos/{target.name}"
        s.flush()
        result = view(resident)
    os.replace(temporary, target)
    return result


def get_resident(db: Database, actor: Actor, resident_id: uuid.UUID) -> ResidentDetail:
    """The resident's file: biodata, documents, vulnerabilities, household and current stay."""
    actor.require(Permission.RESIDENT_READ)
    with db.transaction(actor, readonly=True) as s:
        r = load_resident(s, actor, resident_id, Permission.RESIDENT_READ)
        centre = s.get(Centre, r.centre_id)
        documents = [
            DocumentView(d.id, d.kind, d.number, d.issuing_country, d.issue_date, d.expiry_date,
                         d.voided_at is not None, d.void_reason, d.version)
            for d in s.scalars(select(IdentityDocument).where(IdentityDocument.resident_id == r.id)
                               .order_by(IdentityDocument.created_at))
        ]
        vulnerabilities = [  # protection status: only for the roles that act on it
            VulnerabilityView(v.id, v.kind, v.identified_on, v.resolved_on, bool(v.note),
                              v.voided_at is not None, v.version)
            for v in s.scalars(select(Vulnerability).where(Vulnerability.resident_id == r.id)
                               .order_by(Vulnerability.identified_on, Vulnerability.created_at))
        ] if actor.can(Permission.PROTECTION_READ, r.centre_id) else []
        household = s.get(Household, r.household_id) if r.household_id else None
        members: list[MemberView] = []
        if household is not None:
            members = [
                MemberView(m.id, m.case_number, f"{m.first_name} {m.last_name}", m.sex, m.date_of_birth,
                           m.household_role)
                for m in s.scalars(select(Resident).where(Resident.household_id == household.id)
                                   .order_by(Resident.date_of_birth, Resident.case_number))
            ]
        stay_row = s.execute(
            select(Stay, Centre, Room, Bed).join(Centre, Centre.id == Stay.centre_id)
            .outerjoin(Bed, Bed.id == Stay.bed_id).outerjoin(Room, Room.id == Bed.room_id)
            .where(Stay.resident_id == r.id, Stay.departure_date.is_(None))
            .order_by(Stay.arrival_date.desc())
        ).first()
        stay = None
        if stay_row is not None:
            st, c, room, bed = stay_row
            stay = StaySummary(st.id, c.code, c.name, st.arrival_date, room.name if room else None,
                               bed.label if bed else None)
        return ResidentDetail(
            resident=view(r), centre_code=centre.code if centre else "", centre_name=centre.name if centre else "",
            documents=documents, vulnerabilities=vulnerabilities,
            household_name=household.name if household else None,
            household_kind=household.kind if household else None,
            household_version=household.version if household else None,
            members=members, current_stay=stay, photo_file=photo_file(r.photo_path),
        )


def set_returnee_group(db: Database, actor: Actor, resident_id: uuid.UUID, group: ReturneeGroup | str | None,
                       expected_version: int | None = None):  # noqa: ANN201 - ResidentView
    """A caseworker sets the resident's group (``None``: derive it again from the nationality and
    the return destination). Audited like every change of the resident."""
    try:
        wanted = ReturneeGroup(group) if group else None
    except ValueError:
        raise ValidationError({"returnee_group": _("This value is not one of the choices.")}) from None
    with db.transaction(actor) as s:
        resident = load_resident(s, actor, resident_id, Permission.RESIDENT_WRITE)
        check_version(resident, expected_version)
        if wanted is None:
            resident.returnee_group_manual = False
            refresh_group(s, resident)
        else:
            resident.returnee_group_manual = True
            resident.returnee_group = wanted
        s.flush()
        return view(resident)

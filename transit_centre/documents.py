"""Printing documents: load the records, check the right to print, format the values in the
chosen language, audit the print (printing personal data is audited) and render the PDF.

``render_document(db, actor, kind, record_id, language)`` gives a ``PrintedDocument`` (PDF
bytes, file name, title); ``document_data(...)`` gives the bytes only. ``record_id`` is a uuid
or a human reference: case number, return case reference, receipt number, movement reference,
or a centre code for the occupancy sheet and the badges of everyone present.

Who sees what (victims of trafficking): the manifest shows a discreet "PR" code (protection,
hand over to the protection focal point) and never the words "victim of trafficking"; the
travel letter, badge, receipt and occupancy sheet carry no protection information at all.
"""
from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transit_centre.admin.settings import get_settings
from transit_centre.db.audit import audit_entry
from transit_centre.db.engine import Database
from transit_centre.db.models import (
    Centre,
    Household,
    IdentityDocument,
    Movement,
    Receipt,
    Resident,
    ReturnCase,
    Stay,
    Vulnerability,
)
from transit_centre.enums import AuditAction, LabelledEnum, ReturnStep
from transit_centre.errors import DomainError, NotFound, ValidationError
from transit_centre.i18n import LANGUAGES, N_, _, country_name, format_date, format_xof
from transit_centre.printing import data as pd
from transit_centre.printing.base import Tr
from transit_centre.printing.qr import badge_payload, receipt_payload
from transit_centre.printing.words import amount_in_words
from transit_centre.receipt_codes import SECRET_KEY, ReceiptCheck, receipt_secret, verify_receipt
from transit_centre.security.permissions import Actor, Permission

KINDS = ("registration", "consent", "return-declaration", "fit-to-travel", "receipt", "manifest",
         "travel-letter", "badge", "occupancy")
NUMERIC_DATE = "dd/MM/yyyy"  # language-neutral dates on documents shown to officials
P = Permission


@dataclass(frozen=True)
class PrintedDocument:
    kind: str
    pdf: bytes
    filename: str
    title: str


# --- formatting helpers -------------------------------------------------------------------------

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

    def date(self, value: dt.date | None, fmt: str = "medium") -> str:
        return format_date(value, fmt, language=self.language) if value else ""

    def country(self, code: str | None) -> str:
        return country_name(code, self.language) if code else ""

    def country_both(self, code: str | None) -> str:
        if not code:
            return ""
        first, second = country_name(code, self.language), country_name(code, self.tr.other)
        return first if first == second else f"{first} / {second}"

    def xof(self, amount: int) -> str:
        return format_xof(amount, self.language)


def _name(first: str | None, last: str | None) -> str:
    return f"{first or ''} {last or ''}".strip()


def _age(dob: dt.date | None, day: dt.date) -> int | None:
    if dob is None:
        return None
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def _dob(f: Fmt, resident: Any, fmt: str = "medium") -> str:
    if resident.date_of_birth is None:
        return ""
    text = f.date(resident.date_of_birth, fmt)
    if getattr(resident, "dob_estimated", False):
        text += " (" + f.tr(N_("estimated")) + ")"
    return text


def _photo(resident: Resident) -> str:
    from transit_centre.registry.residents import photo_file

    path = photo_file(resident.photo_path)
    return str(path) if path else ""


def _letterhead(session: Session, db: Database, actor: Actor, centre: Centre | None, f: Fmt) -> pd.Letterhead:
    settings = get_settings(db, "organisation.")
    fr_name, en_name = settings.get("organisation.name", ""), settings.get("organisation.name_en", "")
    primary, other = (en_name or fr_name, fr_name) if f.language == "en" else (fr_name, en_name)
    return pd.Letterhead(
        organisation=primary, organisation_other=other if other != primary else "",
        address=settings.get("organisation.address", ""),
        centre=f"{centre.name} ({centre.code})" if centre else "",
        printed_on=f.date(dt.date.today(), "long"), logo_path=settings.get("organisation.logo_path", "") or "",
        printed_by=actor.full_name or actor.username)


def _reference(f: Fmt, title: str, ref: str, actor: Actor) -> str:
    printed = f.tr(N_("Printed on {date} by {user}")).format(
        date=format_date(dt.date.today(), "short", language=f.language), user=actor.username)
    return f"{title} · {ref} · {printed}"


def _person(f: Fmt, r: Resident, *, bilingual: bool = False) -> pd.Person:
    fmt = NUMERIC_DATE if bilingual else "medium"
    return pd.Person(
        full_name=_name(r.first_name, r.last_name), case_number=r.case_number,
        sex=f.label_both(r.sex) if bilingual else f.label(r.sex), date_of_birth=_dob(f, r, fmt),
        nationality=f.country_both(r.nationality) if bilingual else f.country(r.nationality),
        place_of_birth=r.place_of_birth or "", photo_path=_photo(r))


# --- finding the record -------------------------------------------------------------------------

def _as_uuid(value: str | uuid.UUID) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value).strip())
    except ValueError:
        return None


def _find(session: Session, model: Any, ref: str | uuid.UUID, column: Any, what: str) -> Any:
    key = _as_uuid(ref)
    obj = session.get(model, key) if key is not None else None
    if obj is None and column is not None and not isinstance(ref, uuid.UUID):
        obj = session.scalar(select(model).where(column == str(ref).strip().upper()))
    if obj is None:
        raise NotFound(_("The {what} was not found.").format(what=what))
    return obj


def _resident(session: Session, ref: str | uuid.UUID) -> Resident:
    return _find(session, Resident, ref, Resident.case_number, _("resident"))


def _centre(session: Session, ref: str | uuid.UUID) -> Centre:
    return _find(session, Centre, ref, Centre.code, _("centre"))


def _return_case(session: Session, ref: str | uuid.UUID) -> ReturnCase:
    """A return case by id or reference, or the latest return case of a resident (case number)."""
    key = _as_uuid(ref)
    case = session.get(ReturnCase, key) if key is not None else None
    resident = session.get(Resident, key) if key is not None and case is None else None
    if case is None and resident is None and not isinstance(ref, uuid.UUID):
        text = str(ref).strip().upper()
        case = session.scalar(select(ReturnCase).where(ReturnCase.case_reference == text))
        if case is None:
            resident = session.scalar(select(Resident).where(Resident.case_number == text))
    if case is None and resident is not None:  # the resident's latest return case
        case = session.scalars(select(ReturnCase).where(ReturnCase.resident_id == resident.id)
                               .order_by(ReturnCase.opened_on.desc(), ReturnCase.created_at.desc())).first()
    if case is None:
        raise NotFound(_("The {what} was not found.").format(what=_("return case")))
    return case


def _require(actor: Actor, permission: Permission, centre_id: uuid.UUID | None) -> None:
    actor.require(P.PRINT, centre_id)
    actor.require(permission, centre_id)


# --- one loader per document --------------------------------------------------------------------
# Each returns (data, centre_id, entity, entity_id, file stem) inside the print transaction.

def _registration(s: Session, db: Database, actor: Actor, ref: Any, f: Fmt, day: dt.date):
    r = _resident(s, ref)
    _require(actor, P.RESIDENT_READ, r.centre_id)
    centre = s.get(Centre, r.centre_id)
    stay = s.scalars(select(Stay).where(Stay.resident_id == r.id).order_by(Stay.arrival_date.desc())).first()
    household = s.get(Household, r.household_id) if r.household_id else None
    documents = s.scalars(select(IdentityDocument).where(
        IdentityDocument.resident_id == r.id, IdentityDocument.voided_at.is_(None))).all()
    vulnerabilities = s.scalars(select(Vulnerability).where(
        Vulnerability.resident_id == r.id, Vulnerability.voided_at.is_(None),
        Vulnerability.resolved_on.is_(None))).all()
    bed = ""
    if stay is not None and stay.bed is not None:
        bed = f"{stay.bed.room.name} · {stay.bed.label}"
    hh = ""
    if household is not None:
        hh = household.name + (f" ({f.label(r.household_role)})" if r.household_role else "")
    consent = (f.tr(N_("Consent to data processing given on {date}.")).format(date=f.date(r.consent_date))
               if r.consent_given else f.tr(N_("Consent to data processing not yet recorded.")))
    title = f.tr(N_("Registration form"))
    data = pd.RegistrationData(
        head=_letterhead(s, db, actor, centre, f), reference=_reference(f, title, r.case_number, actor),
        person=_person(f, r), first_name=r.first_name, last_name=r.last_name, other_names=r.other_names or "",
        languages=r.languages or "", phone=r.phone or "", registered_on=f.date(r.registered_on),
        arrival=f.date(stay.arrival_date) if stay else "", arrived_from=(stay.arrived_from or "") if stay else "",
        bed=bed, household=hh,
        documents=tuple(pd.IdentityLine(f.label(d.kind), d.number or "", f.country(d.issuing_country),
                                        f.date(d.issue_date), f.date(d.expiry_date)) for d in documents),
        vulnerabilities=tuple(f.label(v.kind) for v in vulnerabilities), consent=consent,
        is_minor=(_age(r.date_of_birth, day) or 99) < 18)
    return data, r.centre_id, "resident", r.id, f"registration-{r.case_number}"


def _consent(s: Session, db: Database, actor: Actor, ref: Any, f: Fmt, day: dt.date):
    r = _resident(s, ref)
    _require(actor, P.RESIDENT_READ, r.centre_id)
    centre = s.get(Centre, r.centre_id)
    title = f.tr(N_("Consent to the processing of personal data"))
    status = (f.tr(N_("Consent recorded on {date}.")).format(date=f.date(r.consent_date))
              if r.consent_given and r.consent_date else "")
    data = pd.ConsentData(
        head=_letterhead(s, db, actor, centre, f), reference=_reference(f, title, r.case_number, actor),
        person=_person(f, r), place_and_date=_place_date(f, centre, day), consent_status=status,
        is_minor=(_age(r.date_of_birth, day) or 99) < 18)
    return data, r.centre_id, "resident", r.id, f"consent-{r.case_number}"


def _place_date(f: Fmt, centre: Centre, day: dt.date) -> str:
    return f.tr(N_("Done at {place}, on {date}")).format(place=centre.town, date=f.date(day, "long"))


def _return_declaration(s: Session, db: Database, actor: Actor, ref: Any, f: Fmt, day: dt.date):
    from transit_centre.avrr import rules

    case = _return_case(s, ref)
    _require(actor, P.RETURN_READ, case.centre_id)
    r = s.get(Resident, case.resident_id)
    centre = s.get(Centre, case.centre_id)
    steps = rules.live_steps(s, case.id)
    doc = rules.travel_document(steps) or {}
    document = " ".join(x for x in (_doc_kind(f, doc.get("kind")), doc.get("number") or "") if x)
    destination = ", ".join(x for x in (f.country(case.destination_country), case.destination_region,
                                        case.destination_commune) if x)
    counselled = steps.get(ReturnStep.COUNSELLED)  # the caseworker who explained the options
    caseworker = counselled.done_by_name if counselled is not None else ""
    title = f.tr(N_("Return application and voluntary return declaration"))
    data = pd.ReturnDeclarationData(
        head=_letterhead(s, db, actor, centre, f), reference=_reference(f, title, case.case_reference, actor),
        person=_person(f, r), case_reference=case.case_reference, return_type=f.label(case.return_type),
        destination=destination, travel_document=document, opened_on=f.date(case.opened_on),
        caseworker=caseworker or actor.full_name, place_and_date=_place_date(f, centre, day),
        is_minor=(_age(r.date_of_birth, day) or 99) < 18)
    return data, case.centre_id, "return_case", case.id, f"return-declaration-{case.case_reference}"


def _doc_kind(f: Fmt, kind: str | None) -> str:
    from transit_centre.enums import DocumentKind

    try:
        return f.label(DocumentKind(kind)) if kind else ""
    except ValueError:
        return str(kind)


def _fit_to_travel(s: Session, db: Database, actor: Actor, ref: Any, f: Fmt, day: dt.date):
    from transit_centre.care.medical import latest_fit_to_travel

    r = _resident(s, ref)
    _require(actor, P.SERVICE_READ, r.centre_id)
    fit = latest_fit_to_travel(s, r.id)
    if fit is None:
        raise DomainError(_("No fit-to-travel assessment is recorded for this resident."))
    centre = s.get(Centre, r.centre_id)
    case = s.scalars(select(ReturnCase).where(ReturnCase.resident_id == r.id)
                     .order_by(ReturnCase.opened_on.desc())).first()
    valid_until = f.date(fit.valid_until, NUMERIC_DATE)
    if fit.valid_until is not None and fit.valid_until < day:  # an old assessment must not pass for a valid one
        valid_until += " – " + f.tr.both(N_("expired")).upper()
    title = f.tr(N_("Fit-to-travel certificate"))
    data = pd.FitToTravelData(
        head=_letterhead(s, db, actor, centre, f), reference=_reference(f, title, r.case_number, actor),
        person=_person(f, r, bilingual=True), status_code=fit.status.value, status=f.label_both(fit.status),
        assessed_on=f.date(fit.assessed_on, NUMERIC_DATE), valid_until=valid_until,
        provider=fit.provider or "", destination=f.country_both(case.destination_country) if case else "",
        place_and_date=f"{centre.town}, {f.date(day, NUMERIC_DATE)}")
    return data, r.centre_id, "service_record", fit.service_id, f"fit-to-travel-{r.case_number}"


def _receipt(s: Session, db: Database, actor: Actor, ref: Any, f: Fmt, day: dt.date):
    from transit_centre.avrr.cash import receipt_view_in

    receipt = _find(s, Receipt, ref, Receipt.number, _("receipt"))
    _require(actor, P.CASH_READ, receipt.centre_id)
    view = receipt_view_in(s, receipt)
    r = s.scalar(select(Resident).where(Resident.case_number == view.resident_case_number))
    centre = s.get(Centre, receipt.centre_id)
    kind = f.label(view.grant_kind)
    if view.tranche_number and view.tranche_count and view.tranche_count > 1:
        kind += " – " + f.tr(N_("tranche {n} of {total}")).format(n=view.tranche_number, total=view.tranche_count)
    payload = receipt_payload(view.number, view.amount, f.secret)
    title = f.tr(N_("Cash receipt"))
    data = pd.ReceiptData(
        head=_letterhead(s, db, actor, centre, f), reference=_reference(f, title, view.number, actor),
        number=view.number, person=_person(f, r), amount_figures=f.xof(view.amount),
        amount_words=amount_in_words(view.amount, f.language), grant_kind=kind,
        issued_on=f.date(view.disbursed_on), cash_officer=view.cash_officer, qr_payload=payload,
        qr_code_text=payload.rsplit(":", 1)[1], method=f.label(view.method),
        mobile_money_reference=view.mobile_money_reference or "", case_reference=view.case_reference or "",
        voided=view.voided, void_reason=view.void_reason or "", replaced_by=view.replaced_by_number or "")
    return data, receipt.centre_id, "receipt", receipt.id, f"receipt-{view.number}"



def _movement(s: Session, ref: Any) -> Movement:
    return _find(s, Movement, ref, Movement.reference, _("movement"))


def _manifest(s: Session, db: Database, actor: Actor, ref: Any, f: Fmt, day: dt.date):
    from transit_centre.avrr.documents import manifest_view
    from transit_centre.printing.manifest import FLAG_ESCORT, FLAG_MINOR, FLAG_PROTECTION, FLAG_UNACCOMPANIED

    movement = _movement(s, ref)
    _require(actor, P.RETURN_READ, movement.centre_id)
    view = manifest_view(db, actor, movement.id)
    centre = s.get(Centre, movement.centre_id)
    travellers = []
    men = women = minors = escorts = protection = 0
    for i, t in enumerate(view.travellers, 1):
        codes = []
        if t.is_minor:
            codes.append(FLAG_MINOR)
            minors += 1
        if t.is_uam:
            codes.append(FLAG_UNACCOMPANIED)
        if t.escort_required:
            codes.append(FLAG_ESCORT)
            escorts += 1
        if t.is_vot:
            codes.append(FLAG_PROTECTION)
            protection += 1
        men += t.sex.value == "M"
        women += t.sex.value == "F"
        document = " ".join(x for x in (_doc_kind(f, t.document_kind), t.document_number or "") if x)
        travellers.append(pd.ManifestTraveller(
            str(i), _name(t.first_name, t.last_name), t.resident_case_number, t.sex.value,
            f.date(t.date_of_birth, NUMERIC_DATE), f.country_both(t.nationality), document, " ".join(codes)))
    both = f.tr.both
    totals = ((both(N_("Travellers")) + ":", str(len(travellers))), (both(N_("Men")) + ":", str(men)),
              (both(N_("Women")) + ":", str(women)), (both(N_("Minors")) + ":", str(minors)),
              (both(N_("Escort required")) + ":", str(escorts)))
    if protection:
        totals += ((FLAG_PROTECTION + ":", str(protection)),)
    carrier = " ".join(x for x in (view.carrier or "", view.flight_number or "") if x)
    route = view.route or " → ".join(view.legs)
    title = f.tr(N_("Movement manifest"))
    data = pd.ManifestData(
        head=_letterhead(s, db, actor, centre, f), reference=_reference(f, title, view.reference, actor),
        movement_reference=view.reference, departure_date=f.date(view.departure_date, NUMERIC_DATE),
        mode=f.label_both(view.mode), travellers=tuple(travellers), route=route, carrier=carrier,
        destination=f.country_both(view.destination_country), status=f.label(view.status),
        escorts=view.escorts, totals=totals, centre_manager=_manager(s, movement.centre_id))
    return data, movement.centre_id, "movement", movement.id, f"manifest-{view.reference}"


def _manager(s: Session, centre_id: uuid.UUID) -> str:
    from transit_centre.db.models import RoleRecord, User, user_centre, user_role

    name = s.scalar(select(User.full_name).join(user_role, user_role.c.user_id == User.id)
                    .join(RoleRecord, RoleRecord.id == user_role.c.role_id)
                    .join(user_centre, user_centre.c.user_id == User.id)
                    .where(RoleRecord.code == "manager", user_centre.c.centre_id == centre_id,
                           User.active.is_(True)).order_by(User.full_name))
    return name or ""


def _travel_letter(s: Session, db: Database, actor: Actor, ref: Any, f: Fmt, day: dt.date):
    from transit_centre.avrr.documents import travel_letter_view

    case = _return_case(s, ref)
    _require(actor, P.RETURN_READ, case.centre_id)
    view = travel_letter_view(db, actor, case.id)
    r = s.get(Resident, case.resident_id)
    centre = s.get(Centre, case.centre_id)
    movement = None
    if view.movement_reference:
        movement = s.scalar(select(Movement).where(Movement.reference == view.movement_reference))
    destination = ", ".join(x for x in (f.country_both(view.destination_country), view.destination_region,
                                        view.destination_commune) if x)
    document = " ".join(x for x in (_doc_kind(f, view.document_kind), view.document_number or "") if x)
    escort = ", ".join(movement.escorts or ()) if movement else ""
    title = f.tr(N_("Travel letter"))
    data = pd.TravelLetterData(
        head=_letterhead(s, db, actor, centre, f), reference=_reference(f, title, view.case_reference, actor),
        person=_person(f, r, bilingual=True), document=document, destination=destination,
        departure_date=f.date(view.departure_date, NUMERIC_DATE),
        mode=f.label_both(movement.mode) if movement else "", route=view.route or "",
        carrier=" ".join(x for x in (view.carrier or "", view.flight_number or "") if x),
        movement_reference=view.movement_reference or "", escort=escort,
        signatory=_manager(s, case.centre_id) or actor.full_name,
        place_and_date=f"{centre.town}, {f.date(day, NUMERIC_DATE)}")
    return data, case.centre_id, "return_case", case.id, f"travel-letter-{view.case_reference}"


def _badge_entry(f: Fmt, r: Resident, arrival: dt.date | None) -> pd.BadgeEntry:
    return pd.BadgeEntry(
        full_name=_name(r.first_name, r.last_name), case_number=r.case_number,
        qr_payload=badge_payload(r.case_number), nationality=f.country(r.nationality), sex=r.sex.value,
        date_of_birth=f.date(r.date_of_birth, NUMERIC_DATE), photo_path=_photo(r),
        valid_text=f.tr(N_("Arrived on {date}")).format(date=f.date(arrival)) if arrival else "")


def _badge(s: Session, db: Database, actor: Actor, ref: Any, f: Fmt, day: dt.date):
    from transit_centre.shelter.stays import present_in_session

    key = _as_uuid(ref)
    centre = None
    if key is not None:
        centre = s.get(Centre, key)
    elif not isinstance(ref, uuid.UUID) and re.fullmatch(r"[A-Za-z0-9]{2,8}", str(ref).strip()):
        centre = s.scalar(select(Centre).where(Centre.code == str(ref).strip().upper()))
    title = f.tr(N_("Resident cards"))
    if centre is not None:  # everyone present tonight
        _require(actor, P.RESIDENT_READ, centre.id)
        present = present_in_session(s, centre.id, day)
        residents = {r.id: r for r in s.scalars(select(Resident).where(
            Resident.id.in_([p.resident_id for p in present])))} if present else {}
        entries = tuple(_badge_entry(f, residents[p.resident_id], p.arrival_date) for p in present)
        data = pd.BadgeData(_letterhead(s, db, actor, centre, f), _reference(f, title, centre.code, actor), entries)
        return data, centre.id, "centre", centre.id, f"badges-{centre.code}-{day.isoformat()}"
    r = _resident(s, ref)
    _require(actor, P.RESIDENT_READ, r.centre_id)
    centre = s.get(Centre, r.centre_id)
    stay = s.scalars(select(Stay).where(Stay.resident_id == r.id).order_by(Stay.arrival_date.desc())).first()
    data = pd.BadgeData(_letterhead(s, db, actor, centre, f), _reference(f, title, r.case_number, actor),
                        (_badge_entry(f, r, stay.arrival_date if stay else None),))
    return data, r.centre_id, "resident", r.id, f"badge-{r.case_number}"


def _occupancy(s: Session, db: Database, actor: Actor, ref: Any, f: Fmt, day: dt.date):
    from transit_centre.db.models import Bed, Room
    from transit_centre.shelter.stays import present_in_session

    centre = _centre(s, ref)
    _require(actor, P.SHELTER_READ, centre.id)
    present = present_in_session(s, centre.id, day)
    beds = s.scalar(select(func.count(Bed.id)).join(Room, Room.id == Bed.room_id).where(
        Room.centre_id == centre.id, Bed.active.is_(True), Room.active.is_(True))) or 0
    with_bed = sum(1 for p in present if p.bed_label)
    rows = tuple(pd.OccupancyRow(
        room=p.room_name or "", bed=p.bed_label or f.tr(N_("no bed")), full_name=_name(p.first_name, p.last_name),
        case_number=p.case_number, sex=p.sex.value, age=str(_age(p.date_of_birth, day) or ""),
        nationality=f.country(p.nationality), arrival=f.date(p.arrival_date, "short"))
        for p in present)
    summary = ((f.tr(N_("Present:")), str(len(present))), (f.tr(N_("Beds:")), str(beds)),
               (f.tr(N_("Free beds:")), str(max(beds - with_bed, 0))))
    title = f.tr(N_("Occupancy sheet"))
    data = pd.OccupancyData(_letterhead(s, db, actor, centre, f), _reference(f, title, centre.code, actor),
                            f.date(day, "full"), rows, summary)
    return data, centre.id, "centre", centre.id, f"occupancy-{centre.code}-{day.isoformat()}"


_LOADERS: dict[str, tuple[Callable[..., Any], str]] = {
    "registration": (_registration, "transit_centre.printing.registration"),
    "consent": (_consent, "transit_centre.printing.consent"),
    "return-declaration": (_return_declaration, "transit_centre.printing.return_declaration"),
    "fit-to-travel": (_fit_to_travel, "transit_centre.printing.fit_to_travel"),
    "receipt": (_receipt, "transit_centre.printing.receipt"),
    "manifest": (_manifest, "transit_centre.printing.manifest"),
    "travel-letter": (_travel_letter, "transit_centre.printing.travel_letter"),
    "badge": (_badge, "transit_centre.printing.badge"),
    "occupancy": (_occupancy, "transit_centre.printing.occupancy"),
}


def _check(kind: str, record_id: Any, language: str) -> None:
    errors: dict[str, str] = {}
    if kind not in _LOADERS:
        errors["kind"] = _("Unknown document: {kind}. Choose one of: {kinds}.").format(
            kind=kind, kinds=", ".join(KINDS))
    if record_id is None or not str(record_id).strip() or len(str(record_id)) > 64:
        errors["record_id"] = _("Give the identifier or number of the record to print.")
    if language not in LANGUAGES:
        errors["language"] = _("The language must be fr or en.")
    if errors:
        raise ValidationError(errors)


def load_document(db: Database, actor: Actor, kind: str, record_id: Any, language: str = "fr",
                  day: dt.date | None = None) -> tuple[Any, str]:
    """The formatted data of a document and its file stem, with the print audited."""
    _check(kind, record_id, language)
    actor.require(P.PRINT)
    day = day or dt.date.today()
    f = Fmt(language)
    loader, _module = _LOADERS[kind]
    if kind == "receipt":
        f.secret = receipt_secret(db)  # created outside the print transaction on the first receipt
    with db.transaction(actor) as s:
        data, centre_id, entity, entity_id, stem = loader(s, db, actor, record_id, f, day)
        audit_entry(s, AuditAction.PRINT, entity, entity_id, centre_id=centre_id,
                    detail=f"{kind} ({language})")
    return data, stem


def render_document(db: Database, actor: Actor, kind: str, record_id: Any, language: str = "fr",
                    day: dt.date | None = None) -> PrintedDocument:
    """Load, check, audit and render one document."""
    import importlib

    data, stem = load_document(db, actor, kind, record_id, language, day)
    module = importlib.import_module(_LOADERS[kind][1])
    pdf = module.render(data, language)
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-") or kind
    return PrintedDocument(kind, pdf, f"{safe}-{language}.pdf", Tr(language)(_TITLES[kind]))


def document_data(db: Database, actor: Actor, kind: str, record_id: Any, language: str = "fr") -> bytes:
    """The PDF bytes of one document (see ``render_document``)."""
    return render_document(db, actor, kind, record_id, language).pdf


def receipts_of_day(db: Database, actor: Actor, centre_id: uuid.UUID, day: dt.date) -> list[uuid.UUID]:
    """Ids of the receipts a centre issued on ``day`` (for printing them all at once)."""
    actor.require(P.PRINT, centre_id)
    actor.require(P.CASH_READ, centre_id)
    with db.transaction(actor, readonly=True) as s:
        return list(s.scalars(select(Receipt.id).where(Receipt.centre_id == centre_id, Receipt.issued_on == day)
                              .order_by(Receipt.sequence)))


def can_print(actor: Actor, kind: str) -> bool:
    """Whether the screens should offer this document to this user (the service checks again)."""
    needed = {"registration": P.RESIDENT_READ, "consent": P.RESIDENT_READ, "badge": P.RESIDENT_READ,
              "return-declaration": P.RETURN_READ, "travel-letter": P.RETURN_READ, "manifest": P.RETURN_READ,
              "fit-to-travel": P.SERVICE_READ, "receipt": P.CASH_READ, "occupancy": P.SHELTER_READ}
    return actor.can(P.PRINT) and kind in needed and actor.can(needed[kind])


_TITLES = {
    "registration": N_("Registration form"),
    "consent": N_("Consent to the processing of personal data"),
    "return-declaration": N_("Return application and voluntary return declaration"),
    "fit-to-travel": N_("Fit-to-travel certificate"),
    "receipt": N_("Cash receipt"),
    "manifest": N_("Movement manifest"),
    "travel-letter": N_("Travel letter"),
    "badge": N_("Resident cards"),
    "occupancy": N_("Occupancy sheet"),
}

__all__ = ["KINDS", "SECRET_KEY", "PrintedDocument", "ReceiptCheck", "can_print", "document_data", "load_document",
           "receipt_secret", "receipts_of_day", "render_document", "verify_receipt"]


def render_receipts_of_day(db: Database, actor: Actor, centre_id: uuid.UUID, day: dt.date, language: str = "fr",
                           progress: Callable[[int, int], bool] | None = None) -> PrintedDocument:
    """All the receipts a centre issued on ``day`` in one PDF (each print audited).

    ``progress(done, total)`` returning False stops the work (the user cancelled).
    """
    from transit_centre.printing.receipt import render_many

    ids = receipts_of_day(db, actor, centre_id, day)
    if not ids:
        raise DomainError(_("No receipt was issued on {date}.").format(date=format_date(day)))
    datas = []
    for n, receipt_id in enumerate(ids):
        if progress is not None and progress(n, len(ids)) is False:
            raise DomainError(_("Printing was cancelled."))
        datas.append(load_document(db, actor, "receipt", receipt_id, language, day)[0])
    f = Fmt(language)
    title = f.tr(N_("Cash receipts"))
    pdf = render_many(datas, _reference(f, title, format_date(day, "short", language=language), actor), language)
    return PrintedDocument("receipt", pdf, f"receipts-{day.isoformat()}-{language}.pdf", title)

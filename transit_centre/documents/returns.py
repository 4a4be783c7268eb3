"""Loaders of the return documents: return application and declaration, fit-to-travel
certificate, movement manifest and travel letter.

The fit-to-travel certificate, the manifest and the travel letter are shown to border, police
and transport officials: they name the organisation's office instead of a protection shelter,
and say plainly when a fit-to-travel does not cover the journey.
"""
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from transit_centre.ages import is_minor
from transit_centre.common import as_uuid
from transit_centre.db.models import Centre, Movement, Resident, ReturnCase, RoleRecord, User, user_centre, user_role
from transit_centre.documents.formatting import (
    NUMERIC,
    Fmt,
    find,
    letterhead,
    name,
    office,
    person,
    place_date,
    reference,
    resident as find_resident,
)
from transit_centre.documents.job import Job, Loaded
from transit_centre.enums import DocumentKind, ReturnStep
from transit_centre.errors import DomainError, NeedsConfirmation, NotFound
from transit_centre.i18n import N_, _, format_date
from transit_centre.printing import data as pd
from transit_centre.printing.manifest import (
    FLAG_ESCORT,
    FLAG_MINOR,
    FLAG_NOT_FIT,
    FLAG_PROTECTION,
    FLAG_SEPARATED,
    FLAG_UNACCOMPANIED,
)
from transit_centre.security.permissions import Permission as P


def _return_case(session: Session, ref: str | uuid.UUID) -> ReturnCase:
    """A return case by id or reference, or the latest return case of a resident (case number)."""
    key = as_uuid(ref.strip() if isinstance(ref, str) else ref)
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


def _doc_kind(f: Fmt, kind: str | None) -> str:
    try:
        return f.label(DocumentKind(kind)) if kind else ""
    except ValueError:
        return str(kind)


def _travel_document(s: Session, f: Fmt, case: ReturnCase, r: Resident) -> str:
    """The same document on the declaration and the letter (``avrr.documents.travel_document_of``)."""
    from transit_centre.avrr.documents import travel_document_of

    kind, number, _expiry = travel_document_of(s, case, r)
    return " ".join(x for x in (_doc_kind(f, kind), number or "") if x)


def _manager(s: Session, centre_id: uuid.UUID) -> str:
    name_ = s.scalar(select(User.full_name).join(user_role, user_role.c.user_id == User.id)
                     .join(RoleRecord, RoleRecord.id == user_role.c.role_id)
                     .join(user_centre, user_centre.c.user_id == User.id)
                     .where(RoleRecord.code == "manager", user_centre.c.centre_id == centre_id,
                            User.active.is_(True)).order_by(User.full_name))
    return name_ or ""


def return_declaration(job: Job) -> Loaded:
    from transit_centre.avrr import rules

    s, f, day = job.session, job.f, job.day
    case = _return_case(s, job.ref)
    job.require(P.RETURN_READ, case.centre_id)
    r = s.get(Resident, case.resident_id)
    centre = s.get(Centre, case.centre_id)
    counselled = rules.live_steps(s, case.id).get(ReturnStep.COUNSELLED)  # who explained the options
    caseworker = counselled.done_by_name if counselled is not None else ""
    title = f.tr(N_("Return application and voluntary return declaration"))
    places = (case.destination_country, case.destination_region, case.destination_commune)
    data = pd.ReturnDeclarationData(
        head=letterhead(job.settings, job.actor, centre, f),
        reference=reference(f, title, case.case_reference, job.actor),
        person=person(f, r), case_reference=case.case_reference, return_type=f.label(case.return_type),
        destination=f.destination(*places), destination_sentence=f.destination(*places, sentence=True),
        travel_document=_travel_document(s, f, case, r), opened_on=f.date(case.opened_on),
        caseworker=caseworker or job.actor.full_name, place_and_date=place_date(f, centre, day),
        is_minor=is_minor(r.date_of_birth, day))
    return Loaded(data, case.centre_id, "return_case", case.id, f"return-declaration-{case.case_reference}")


def fit_to_travel(job: Job) -> Loaded:
    """The certificate says in its large box whether the person may travel: an expired or
    negative decision reads so there, never as "fit"."""
    from transit_centre.avrr import rules
    from transit_centre.care.medical import latest_fit_to_travel

    s, f, day = job.session, job.f, job.day
    r = find_resident(s, job.ref)
    job.require(P.SERVICE_READ, r.centre_id)
    fit = latest_fit_to_travel(s, r.id)
    if fit is None:
        raise DomainError(_("No fit-to-travel assessment is recorded for this resident."))
    centre = s.get(Centre, r.centre_id)
    case = s.scalars(select(ReturnCase).where(ReturnCase.resident_id == r.id)
                     .order_by(ReturnCase.opened_on.desc())).first()
    movement = rules.booked_movement(s, case.id) if case is not None else None
    both = f.tr.both
    expired = fit.status.value != "not_fit" and (fit.valid_until is None or fit.valid_until < day)
    if fit.status.value == "not_fit":
        code, headline = "not_fit", f.label_both(fit.status).upper()
    elif expired:
        code, headline = "expired", both(N_("Expired: not valid for travel")).upper()
    else:
        code, headline = fit.status.value, f.label_both(fit.status)
    note = ""
    if expired:
        note = both(N_("Decision of {date}: {status}, valid until {until}. It no longer covers a journey; "
                       "a new assessment is needed.")).format(
            date=f.date(fit.assessed_on, NUMERIC), status=f.label_both(fit.status),
            until=f.date(fit.valid_until, NUMERIC) or "–")
    elif movement is not None and code != "not_fit" and fit.valid_until is not None \
            and fit.valid_until < movement.departure_date:
        note = both(N_("Not valid on the departure date ({date}): a new assessment is needed before the "
                       "journey.")).format(date=f.date(movement.departure_date, NUMERIC))
    title = f.tr(N_("Fit-to-travel certificate"))
    data = pd.FitToTravelData(
        head=letterhead(job.settings, job.actor, centre, f, official=True),
        reference=reference(f, title, r.case_number, job.actor),
        person=person(f, r, bilingual=True), status_code=code, status=headline,
        assessed_on=f.date(fit.assessed_on, NUMERIC), valid_until=f.date(fit.valid_until, NUMERIC),
        provider=fit.provider or "", destination=f.country_both(case.destination_country) if case else "",
        place_and_date=f"{centre.town}, {f.date(day, NUMERIC)}", note=note)
    return Loaded(data, r.centre_id, "service_record", fit.service_id, f"fit-to-travel-{r.case_number}")


_FIT_WORDS = {"expired": N_("fit-to-travel expired on the departure date"),
              "not_fit": N_("not fit to travel"), "missing": N_("no fit-to-travel for the departure date")}


def _codes(t: Any) -> list[str]:
    codes = [FLAG_MINOR] if t.is_minor else []
    if t.is_uam:
        codes.append(FLAG_UNACCOMPANIED)
    elif t.is_separated:
        codes.append(FLAG_SEPARATED)
    if t.escort_required:
        codes.append(FLAG_ESCORT)
    if t.is_vot:
        codes.append(FLAG_PROTECTION)
    if t.fit_state != "valid":
        codes.append(FLAG_NOT_FIT)
    return codes


def manifest(job: Job) -> Loaded:
    from transit_centre.avrr.documents import manifest_in

    s, f = job.session, job.f
    movement = find(s, Movement, job.ref, Movement.reference, _("movement"))
    job.require(P.RETURN_READ, movement.centre_id)
    view = manifest_in(s, movement)
    centre = s.get(Centre, movement.centre_id)
    travellers, warnings = [], []
    counts = dict.fromkeys(("men", "women", "minors", "escort", "protection", "unfit"), 0)
    for i, t in enumerate(view.travellers, 1):
        codes = _codes(t)
        counts["men"] += t.sex.value == "M"
        counts["women"] += t.sex.value == "F"
        counts["minors"] += t.is_minor
        counts["escort"] += t.escort_required
        counts["protection"] += t.is_vot
        if t.fit_state != "valid":
            counts["unfit"] += 1
            warnings.append(f"{name(t.first_name, t.last_name)} ({t.resident_case_number}): "
                            f"{f.tr.both(_FIT_WORDS[t.fit_state])}")
        document = " ".join(x for x in (_doc_kind(f, t.document_kind), t.document_number or "") if x)
        travellers.append(pd.ManifestTraveller(
            str(i), name(t.first_name, t.last_name), t.resident_case_number, t.sex.value,
            f.date_of_birth(t.date_of_birth, False, NUMERIC), f.country_both(t.nationality), document,
            " ".join(codes)))
    both = f.tr.both
    totals = [(both(N_("Travellers")) + ":", str(len(travellers))), (both(N_("Men")) + ":", str(counts["men"])),
              (both(N_("Women")) + ":", str(counts["women"])), (both(N_("Minors")) + ":", str(counts["minors"])),
              (both(N_("Escort required")) + ":", str(counts["escort"]))]
    if counts["protection"]:
        totals.append((FLAG_PROTECTION + ":", str(counts["protection"])))
    if counts["unfit"]:
        totals.append((FLAG_NOT_FIT + ":", str(counts["unfit"])))
    carrier = " ".join(x for x in (view.carrier or "", view.flight_number or "") if x)
    title = f.tr(N_("Movement manifest"))
    data = pd.ManifestData(
        head=letterhead(job.settings, job.actor, centre, f, official=True),
        reference=reference(f, title, view.reference, job.actor),
        movement_reference=view.reference, departure_date=f.date(view.departure_date, NUMERIC),
        mode=f.label_both(view.mode), travellers=tuple(travellers), route=view.route or " → ".join(view.legs),
        carrier=carrier, destination=f.country_both(view.destination_country), status=f.label(view.status),
        escorts=view.escorts, totals=tuple(totals), centre_manager=_manager(s, movement.centre_id),
        warnings=tuple(warnings))
    return Loaded(data, movement.centre_id, "movement", movement.id, f"manifest-{view.reference}")


def travel_letter(job: Job) -> Loaded:
    """The letter the traveller carries. Printed after the journey's date, it is asked about
    first; it gives the office's address and phone for officials to call."""
    from transit_centre.avrr.documents import travel_letter_in

    s, f, day = job.session, job.f, job.day
    case = _return_case(s, job.ref)
    job.require(P.RETURN_READ, case.centre_id)
    view = travel_letter_in(s, case)
    r = s.get(Resident, case.resident_id)
    centre = s.get(Centre, case.centre_id)
    movement = None
    if view.movement_reference:
        movement = s.scalar(select(Movement).where(Movement.reference == view.movement_reference))
    if not job.confirmed and view.departure_date is not None and view.departure_date < day:
        raise NeedsConfirmation(_("The journey of this letter was on {date}: the letter is out of date. "
                                  "Print it anyway?").format(date=format_date(view.departure_date)))
    places = (view.destination_country, view.destination_region, view.destination_commune)
    escort = ", ".join(movement.escorts or ()) if movement else ""
    title = f.tr(N_("Travel letter"))
    data = pd.TravelLetterData(
        head=letterhead(job.settings, job.actor, centre, f, official=True),
        reference=reference(f, title, view.case_reference, job.actor),
        person=person(f, r, bilingual=True), document=_travel_document(s, f, case, r),
        destination=f.destination(*places, both=True),
        destination_sentence=f.destination(*places, sentence=True),
        destination_sentence_other=Fmt(f.tr.other).destination(*places, sentence=True),
        departure_date=f.date(view.departure_date, NUMERIC),
        mode=f.label_both(movement.mode) if movement else "", route=view.route or "",
        carrier=" ".join(x for x in (view.carrier or "", view.flight_number or "") if x),
        movement_reference=view.movement_reference or "", escort=escort,
        signatory=_manager(s, case.centre_id) or job.actor.full_name,
        place_and_date=f"{centre.town}, {f.date(day, NUMERIC)}", contact=office(job.settings, f).contact)
    return Loaded(data, case.centre_id, "return_case", case.id, f"travel-letter-{view.case_reference}")

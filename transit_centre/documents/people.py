"""Loaders of the documents about the people in a centre: registration form, consent, resident
cards and the night guard's occupancy sheet.

Each loader runs inside the print transaction and returns ``Loaded``; a minor (on the print
day, ``transit_centre.ages``) gets the parent or guardian signature on every paper they sign.
"""
from __future__ import annotations

import datetime as dt
import re
import uuid

from sqlalchemy import func, select

from transit_centre.ages import is_minor
from transit_centre.common import as_uuid
from transit_centre.db.models import Bed, Centre, Household, IdentityDocument, Resident, Room, Stay, Vulnerability
from transit_centre.documents.formatting import (
    NUMERIC,
    centre as find_centre,
    letterhead,
    name,
    person,
    photo,
    place_date,
    reference,
    resident as find_resident,
    user_name,
)
from transit_centre.documents.job import Job, Loaded
from transit_centre.errors import NeedsConfirmation
from transit_centre.i18n import N_, _, format_date
from transit_centre.printing import data as pd
from transit_centre.printing.qr import badge_payload
from transit_centre.security.permissions import Permission as P


def registration(job: Job) -> Loaded:
    s, f, day = job.session, job.f, job.day
    r = find_resident(s, job.ref)
    job.require(P.PROTECTION_READ, r.centre_id)  # the form lists the vulnerabilities
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
        head=letterhead(job.settings, job.actor, centre, f), reference=reference(f, title, r.case_number, job.actor),
        person=person(f, r), first_name=r.first_name, last_name=r.last_name, other_names=r.other_names or "",
        languages=r.languages or "", phone=r.phone or "", registered_on=f.date(r.registered_on),
        arrival=f.date(stay.arrival_date) if stay else "", arrived_from=(stay.arrived_from or "") if stay else "",
        bed=bed, household=hh,
        documents=tuple(pd.IdentityLine(f.label(d.kind), d.number or "", f.country(d.issuing_country),
                                        f.date(d.issue_date), f.date(d.expiry_date)) for d in documents),
        vulnerabilities=tuple(f.label(v.kind) for v in vulnerabilities), consent=consent,
        is_minor=is_minor(r.date_of_birth, day), age=f.age(r.date_of_birth, r.dob_estimated, day),
        registered_by=user_name(s, r.created_by))
    return Loaded(data, r.centre_id, "resident", r.id, f"registration-{r.case_number}")


def consent(job: Job) -> Loaded:
    s, f, day = job.session, job.f, job.day
    r = find_resident(s, job.ref)
    job.require(P.RESIDENT_READ, r.centre_id)
    centre = s.get(Centre, r.centre_id)
    title = f.tr(N_("Consent to the processing of personal data"))
    status = (f.tr(N_("Consent recorded on {date}.")).format(date=f.date(r.consent_date))
              if r.consent_given and r.consent_date else "")
    data = pd.ConsentData(
        head=letterhead(job.settings, job.actor, centre, f), reference=reference(f, title, r.case_number, job.actor),
        person=person(f, r), place_and_date=place_date(f, centre, day), consent_status=status,
        is_minor=is_minor(r.date_of_birth, day))
    return Loaded(data, r.centre_id, "resident", r.id, f"consent-{r.case_number}")


def _badge_entry(job: Job, r, arrival: dt.date | None, valid_until: dt.date) -> pd.BadgeEntry:  # noqa: ANN001
    f = job.f
    return pd.BadgeEntry(
        full_name=name(r.first_name, r.last_name), case_number=r.case_number,
        qr_payload=badge_payload(r.case_number), nationality=f.country(r.nationality), sex=r.sex.value,
        date_of_birth=f.date_of_birth(r.date_of_birth, r.dob_estimated, NUMERIC), photo_path=photo(r),
        valid_text=f.tr(N_("Arrived on {date}")).format(date=f.date(arrival)) if arrival else "",
        valid_until=f.tr(N_("Valid until {date}")).format(date=f.date(valid_until)))


def badge(job: Job) -> Loaded:
    """One resident's card, or (with a centre code) the cards of everyone present that night.

    A card printed for someone who has left the centre is asked about first."""
    from transit_centre.shelter.stays import present_in_session

    s, f, day, ref = job.session, job.f, job.day, job.ref
    key = as_uuid(ref)
    centre = None
    if key is not None:
        centre = s.get(Centre, key)
    elif not isinstance(ref, uuid.UUID) and re.fullmatch(r"[A-Za-z0-9]{2,8}", str(ref).strip()):
        centre = s.scalar(select(Centre).where(Centre.code == str(ref).strip().upper()))
    title = f.tr(N_("Resident cards"))
    valid_until = day + dt.timedelta(days=int(job.settings.get("badge.validity_days") or 30))
    if centre is not None:  # everyone present tonight
        job.require(P.RESIDENT_READ, centre.id)
        present = present_in_session(s, centre.id, day)
        residents = {r.id: r for r in s.scalars(select(Resident).where(
            Resident.id.in_([p.resident_id for p in present])))} if present else {}
        entries = tuple(_badge_entry(job, residents[p.resident_id], p.arrival_date, valid_until) for p in present)
        data = pd.BadgeData(letterhead(job.settings, job.actor, centre, f), reference(f, title, centre.code, job.actor),
                            entries)
        return Loaded(data, centre.id, "centre", centre.id, f"badges-{centre.code}-{day.isoformat()}")
    r = find_resident(s, ref)
    job.require(P.RESIDENT_READ, r.centre_id)
    centre = s.get(Centre, r.centre_id)
    stay = s.scalars(select(Stay).where(Stay.resident_id == r.id).order_by(Stay.arrival_date.desc())).first()
    if not job.confirmed and (stay is None or stay.departure_date is not None):
        if stay is None:
            question = _("{name} has no stay in a centre. Print a resident card anyway?")
        else:
            question = _("{name} left the centre on {date}. Print a resident card anyway?")
        raise NeedsConfirmation(question.format(name=name(r.first_name, r.last_name),  # the user's language
                                                date=format_date(stay.departure_date) if stay else ""))
    data = pd.BadgeData(letterhead(job.settings, job.actor, centre, f), reference(f, title, r.case_number, job.actor),
                        (_badge_entry(job, r, stay.arrival_date if stay else None, valid_until),))
    return Loaded(data, r.centre_id, "resident", r.id, f"badge-{r.case_number}")


def occupancy(job: Job) -> Loaded:
    from transit_centre.shelter.stays import present_in_session

    s, f, day = job.session, job.f, job.day
    centre = find_centre(s, job.ref)
    job.require(P.SHELTER_READ, centre.id)
    present = present_in_session(s, centre.id, day)
    beds = s.scalar(select(func.count(Bed.id)).join(Room, Room.id == Bed.room_id).where(
        Room.centre_id == centre.id, Bed.active.is_(True), Room.active.is_(True))) or 0
    with_bed = sum(1 for p in present if p.bed_label)
    estimated = _estimated(s, [p.resident_id for p in present])
    rows = tuple(pd.OccupancyRow(
        room=p.room_name or "", bed=p.bed_label or f.tr(N_("no bed")), full_name=name(p.first_name, p.last_name),
        case_number=p.case_number, sex=p.sex.value,
        age=f.age(p.date_of_birth, p.resident_id in estimated, day),
        nationality=f.country(p.nationality), arrival=f.date(p.arrival_date, NUMERIC))
        for p in present)
    summary = ((f.tr(N_("Present:")), str(len(present))), (f.tr(N_("Beds:")), str(beds)),
               (f.tr(N_("Free beds:")), str(max(beds - with_bed, 0))))
    title = f.tr(N_("Occupancy sheet"))
    data = pd.OccupancyData(letterhead(job.settings, job.actor, centre, f), reference(f, title, centre.code, job.actor),
                            f.date(day, "full"), rows, summary)
    return Loaded(data, centre.id, "centre", centre.id, f"occupancy-{centre.code}-{day.isoformat()}")


def _estimated(session, resident_ids: list[uuid.UUID]) -> set[uuid.UUID]:  # noqa: ANN001
    if not resident_ids:
        return set()
    return set(session.scalars(select(Resident.id).where(Resident.id.in_(resident_ids),
                                                         Resident.dob_estimated.is_(True))))

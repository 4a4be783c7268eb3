"""Medical care: consultations (curative, vaccination, screening, referral) and fit-to-travel.

Fit-to-travel is a contract with AVRR: ``ServiceRecord(kind=MEDICAL, subtype="fit_to_travel",
details={"fit_status": ..., "valid_until": "YYYY-MM-DD"})`` read by ``latest_fit_to_travel``.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from transit_centre.ages import is_under_five
from transit_centre.care.enums import ConsultationType, FitStatus, VaccineKind, vaccine_kind_of
from transit_centre.care.records import (
    ServiceView,
    as_uuid,
    centre_for,
    check_day,
    check_note,
    new_record,
    resident_for_service,
    views,
)
from transit_centre.common import Errors, get
from transit_centre.db.engine import Database
from transit_centre.db.models import Resident, ServiceRecord
from transit_centre.enums import ServiceKind
from transit_centre.errors import PermissionDenied
from transit_centre.i18n import _
from transit_centre.security.permissions import Actor, Permission


@dataclass(frozen=True)
class FitToTravel:
    service_id: uuid.UUID
    assessed_on: dt.date
    status: FitStatus
    valid_until: dt.date | None
    provider: str | None

    def valid_on(self, day: dt.date) -> bool:
        """True when the assessment allows travel on ``day`` (fit, with or without escort)."""
        if self.status == FitStatus.NOT_FIT:
            return False
        return self.valid_until is None or day <= self.valid_until


def _parse_day(value: object) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def latest_fit_to_travel(session: Session, resident_id: uuid.UUID) -> FitToTravel | None:
    """The resident's most recent fit-to-travel assessment that is not voided (no permission check:
    the calling service has done it; no confidential note is read)."""
    rows = session.scalars(
        select(ServiceRecord)
        .where(ServiceRecord.resident_id == resident_id,
               ServiceRecord.kind == ServiceKind.MEDICAL,
               ServiceRecord.subtype == ConsultationType.FIT_TO_TRAVEL.value,
               ServiceRecord.voided_at.is_(None))
        .order_by(ServiceRecord.service_date.desc(), ServiceRecord.created_at.desc())
    )
    for record in rows:
        details = record.details or {}
        try:
            status = FitStatus(details.get("fit_status"))
        except ValueError:
            continue
        return FitToTravel(record.id, record.service_date, status,
                           _parse_day(details.get("valid_until")), record.provider)
    return None


# --- recording ----------------------------------------------------------------------------

CONSULTATION_TYPES = (ConsultationType.CURATIVE, ConsultationType.VACCINATION, ConsultationType.SCREENING,
                      ConsultationType.REFERRAL_HEALTH)


def record_consultation(db: Database, actor: Actor, resident_id: uuid.UUID, *,
                        consultation_type: ConsultationType | str, day: dt.date | None = None,
                        provider: str | None = None, vaccine: str | None = None, dose: str | None = None,
                        facility: str | None = None, note: str | None = None,
                        centre_id: uuid.UUID | None = None, confirmed: bool = False,
                        vaccine_kind: VaccineKind | str | None = None) -> ServiceView:
    """A medical consultation: curative care, vaccination (what it protects against, the vaccine's
    name and dose), screening or a referral to a health facility; the clinical note is
    confidential. A vaccination given by name only gets the kind its name tells
    (``vaccine_kind_of``: "COVID-19 Sinopharm" is COVID-19, an unknown name "other")."""
    centre = centre_for(actor, centre_id)
    actor.require(Permission.MEDICAL_RECORD, centre)
    errors = Errors()
    try:
        ctype = ConsultationType(consultation_type)
        if ctype not in CONSULTATION_TYPES:
            raise ValueError
    except ValueError:
        errors.add("consultation_type", _("Choose the type of consultation."))
        ctype = None
    day_ = check_day(errors, "day", day or dt.date.today())
    provider_ = errors.text("provider", provider, required=True)
    kind_ = None
    if vaccine_kind:
        try:
            kind_ = VaccineKind(vaccine_kind)
        except ValueError:
            errors.add("vaccine_kind", _("This value is not one of the choices."))
    vaccine_ = errors.text("vaccine", vaccine, max_length=100)
    if ctype == ConsultationType.VACCINATION and not vaccine_ and not vaccine_kind:
        errors.add("vaccine", _("Give the vaccine."))
    dose_ = errors.text("dose", dose, max_length=40)
    facility_ = errors.text("facility", facility, required=ctype == ConsultationType.REFERRAL_HEALTH)
    note_ = check_note(errors, note)
    errors.raise_if_any()
    details: dict[str, object] = {}
    if ctype == ConsultationType.VACCINATION:
        kind_ = kind_ or vaccine_kind_of(vaccine_)
        details.update(vaccine_kind=kind_.value, vaccine=vaccine_ or "", dose=dose_ or "")
    if ctype == ConsultationType.REFERRAL_HEALTH:
        details["facility"] = facility_
    with db.transaction(actor) as s:
        resident = resident_for_service(s, resident_id, centre, day_, ServiceKind.MEDICAL, ctype.value, confirmed)  # type: ignore[arg-type,union-attr]
        details["under_five"] = is_under_five(resident.date_of_birth, day_)  # type: ignore[arg-type]
        record = new_record(s, actor, centre_id=centre, resident_id=resident.id, kind=ServiceKind.MEDICAL,
                            subtype=ctype.value, day=day_, provider=provider_, details=details,  # type: ignore[union-attr]
                            note=note_)
        s.flush()
        return views(s, actor, [record])[0]


def record_fit_to_travel(db: Database, actor: Actor, resident_id: uuid.UUID, *, status: FitStatus | str,
                         valid_until: dt.date | None = None, day: dt.date | None = None,
                         provider: str | None = None, note: str | None = None,
                         centre_id: uuid.UUID | None = None, confirmed: bool = False) -> ServiceView:
    """A fit-to-travel assessment (fit, not fit, fit with escort); "fit" needs a validity date."""
    centre = centre_for(actor, centre_id)
    actor.require(Permission.MEDICAL_RECORD, centre)
    errors = Errors()
    try:
        status_ = FitStatus(status)
    except ValueError:
        errors.add("status", _("Choose the result of the assessment."))
        status_ = None
    day_ = check_day(errors, "day", day or dt.date.today())
    provider_ = errors.text("provider", provider, required=True)
    note_ = check_note(errors, note)
    if valid_until is not None and (isinstance(valid_until, dt.datetime) or not isinstance(valid_until, dt.date)):
        errors.add("valid_until", _("Enter a valid date."))
        valid_until = None
    if status_ in (FitStatus.FIT, FitStatus.FIT_WITH_ESCORT) and valid_until is None:
        errors.add("valid_until", _("Enter the date until which the assessment is valid."))
    if valid_until is not None and day_ is not None and valid_until < day_:
        errors.add("valid_until", _("The assessment cannot expire before it was made."))
    if valid_until is not None and day_ is not None and (valid_until - day_).days > 366:
        errors.add("valid_until", _("An assessment is valid for one year at most."))
    errors.raise_if_any()
    details = {"fit_status": status_.value,  # type: ignore[union-attr]
               "valid_until": valid_until.isoformat() if valid_until and status_ != FitStatus.NOT_FIT else None}
    if details["valid_until"] is None:
        del details["valid_until"]
    with db.transaction(actor) as s:
        resident = resident_for_service(s, resident_id, centre, day_, ServiceKind.MEDICAL,  # type: ignore[arg-type]
                                        ConsultationType.FIT_TO_TRAVEL.value, confirmed)
        record = new_record(s, actor, centre_id=centre, resident_id=resident.id, kind=ServiceKind.MEDICAL,
                            subtype=ConsultationType.FIT_TO_TRAVEL.value, day=day_,  # type: ignore[arg-type]
                            provider=provider_, details=details, note=note_)
        s.flush()
        return views(s, actor, [record])[0]


def fit_to_travel(db: Database, actor: Actor, resident_id: uuid.UUID) -> FitToTravel | None:
    """The resident's latest fit-to-travel result, for any role that may see services."""
    actor.require(Permission.SERVICE_READ)
    with db.transaction(actor, readonly=True) as s:
        resident = get(s, Resident, as_uuid(resident_id), _("resident"))
        fit = latest_fit_to_travel(s, resident.id)
        if fit is not None:  # the assessment's centre, or the resident's, must be this user's
            centre = s.scalar(select(ServiceRecord.centre_id).where(ServiceRecord.id == fit.service_id))
            if not (actor.can_see_centre(centre) or actor.can_see_centre(resident.centre_id)):
                raise PermissionDenied(_("You do not work in this centre."))
        return fit

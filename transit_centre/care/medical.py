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

from transit_centre.care.enums import ConsultationType, FitStatus
from transit_centre.db.models import ServiceRecord
from transit_centre.enums import ServiceKind


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

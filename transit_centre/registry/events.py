"""The registry's contribution to a resident's timeline: registration, consent, documents and
vulnerabilities (identified, resolved, voided). Vulnerability notes never appear here."""
from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from transit_centre.db.models import Centre, IdentityDocument, Resident, Vulnerability
from transit_centre.i18n import _, format_date
from transit_centre.registry.timeline import TimelineEvent
from transit_centre.security.permissions import Actor, Permission


def resident_events(session: Session, actor: Actor, resident_id: uuid.UUID) -> list[TimelineEvent]:
    resident = session.get(Resident, resident_id)
    if resident is None or not actor.can(Permission.RESIDENT_READ, resident.centre_id):
        return []
    centre = session.get(Centre, resident.centre_id)
    events = [TimelineEvent(resident.registered_on, "registration",
                            _("Registered – {centre}").format(centre=centre.name if centre else ""),
                            _("Case number {number}").format(number=resident.case_number),
                            record_id=resident.id)]
    if resident.consent_date is not None:
        title = (_("Consent to data processing given") if resident.consent_given
                 else _("Consent to data processing withdrawn"))
        events.append(TimelineEvent(resident.consent_date, "consent", title, record_id=resident.id))
    for doc in session.scalars(select(IdentityDocument).where(IdentityDocument.resident_id == resident_id)):
        if doc.issue_date is None:
            continue
        detail = doc.number or ""
        if doc.expiry_date:
            detail = _("{number}, valid until {date}").format(number=detail, date=format_date(doc.expiry_date))
        events.append(TimelineEvent(doc.issue_date, "document", _("{kind} issued").format(kind=doc.kind.label),
                                    detail, voided=doc.voided_at is not None, record_id=doc.id))
    for vul in session.scalars(select(Vulnerability).where(Vulnerability.resident_id == resident_id)):
        voided = vul.voided_at is not None
        events.append(TimelineEvent(vul.identified_on, "vulnerability",
                                    _("Vulnerability identified: {kind}").format(kind=vul.kind.label),
                                    vul.void_reason or "", voided=voided, record_id=vul.id))
        if vul.resolved_on is not None:
            events.append(TimelineEvent(vul.resolved_on, "vulnerability",
                                        _("Vulnerability resolved: {kind}").format(kind=vul.kind.label),
                                        voided=voided, record_id=vul.id))
    return events

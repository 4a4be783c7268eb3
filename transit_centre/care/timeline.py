"""The services on a resident's timeline: kind, subtype, provider; never the confidential note."""
from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from transit_centre.care.records import resident_records, views
from transit_centre.registry.timeline import TimelineEvent
from transit_centre.security.permissions import Actor, Permission


def service_events(session: Session, actor: Actor, resident_id: uuid.UUID) -> list[TimelineEvent]:
    """Timeline source (``registry.timeline.TIMELINE_SOURCES``)."""
    if not actor.can(Permission.SERVICE_READ):
        return []
    visible = actor.visible_centres()
    records = [r for r in resident_records(session, resident_id, limit=2000)
               if visible is None or r.centre_id in visible]
    events = []
    for v in views(session, actor, records):
        detail = v.summary if v.summary != v.subtype_label else ""
        if v.provider:
            detail = f"{detail} – {v.provider}" if detail else v.provider
        events.append(TimelineEvent(day=v.service_date, kind="service",
                                    title=f"{v.kind.label} – {v.subtype_label}" if v.subtype_label else v.kind.label,
                                    detail=detail, voided=v.voided, record_id=v.id))
    return events

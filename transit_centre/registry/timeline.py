"""A resident's timeline: registration, stays, services, return case and grants, newest first.

Each capability contributes events through ``TIMELINE_SOURCES``: "module:function" entries,
each ``function(session, actor, resident_id) -> list[TimelineEvent]``. A source applies its
own confidentiality rules (a caseworker sees that a consultation happened, not its note).
"""
from __future__ import annotations

import datetime as dt
import importlib
import uuid
from dataclasses import dataclass

from transit_centre.db.engine import Database
from transit_centre.security.permissions import Actor, Permission


@dataclass(frozen=True)
class TimelineEvent:
    day: dt.date
    kind: str          # "stay", "service", "return", "grant"... (for icons and filters)
    title: str         # translated, e.g. "Check-in – Centre de transit de Gao 1"
    detail: str = ""   # translated, one line
    voided: bool = False
    record_id: uuid.UUID | None = None


TIMELINE_SOURCES: list[str] = [
    "transit_centre.registry.events:resident_events",
    "transit_centre.shelter.timeline:stay_events",
    "transit_centre.avrr.timeline:events",
    "transit_centre.care.timeline:service_events",
]


def resident_timeline(db: Database, actor: Actor, resident_id: uuid.UUID) -> list[TimelineEvent]:
    actor.require(Permission.RESIDENT_READ)
    events: list[TimelineEvent] = []
    with db.transaction(actor, readonly=True) as s:
        for source in TIMELINE_SOURCES:
            module, name = source.split(":")
            events.extend(getattr(importlib.import_module(module), name)(s, actor, resident_id))
    return sorted(events, key=lambda e: (e.day, e.kind), reverse=True)

"""The shelter's events on a resident's timeline: check-in, bed moves, transfers, check-out.

Bed moves are read from the audit log (the stay's ``bed_id`` changes), so no extra table is
needed to keep the history of who slept where.
"""
from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from transit_centre.db.models import AuditEntry, Bed, Centre, Room, Stay
from transit_centre.enums import AuditAction, DepartureReason
from transit_centre.i18n import _
from transit_centre.registry.timeline import TimelineEvent
from transit_centre.security.permissions import Actor


def _bed_text(session: Session, bed_id: str | uuid.UUID | None) -> str:
    if not bed_id:
        return _("no bed")
    try:
        bed = session.get(Bed, uuid.UUID(str(bed_id)))
    except ValueError:
        bed = None
    if bed is None:
        return "?"
    room = session.get(Room, bed.room_id)
    return _("bed {bed} ({room})").format(bed=bed.label, room=room.name if room else "?")


def stay_events(session: Session, actor: Actor, resident_id: uuid.UUID) -> list[TimelineEvent]:
    """TIMELINE_SOURCES entry: one event per arrival, bed move and departure."""
    centres = {c.id: c.name for c in session.scalars(select(Centre))}
    events: list[TimelineEvent] = []
    stays = session.scalars(select(Stay).where(Stay.resident_id == resident_id)).all()
    for stay in stays:
        centre = centres.get(stay.centre_id, "")
        if stay.previous_stay_id is not None:
            title = _("Arrival by transfer – {centre}").format(centre=centre)
        else:
            title = _("Check-in – {centre}").format(centre=centre)
        moves = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "stay", AuditEntry.entity_id == stay.id,
                                     AuditEntry.field == "bed_id", AuditEntry.action == AuditAction.UPDATE)
            .order_by(AuditEntry.at)).all()
        first_bed = moves[0].old_value if moves else stay.bed_id
        detail = _bed_text(session, first_bed) if first_bed else ""
        if stay.arrived_from:
            detail = (detail + " · " if detail else "") + _("from {place}").format(place=stay.arrived_from)
        events.append(TimelineEvent(stay.arrival_date, "stay", title, detail, record_id=stay.id))
        for move in moves:
            events.append(TimelineEvent(
                move.at.date(), "stay", _("Bed change – {centre}").format(centre=centre),
                _("{old} → {new}").format(old=_bed_text(session, move.old_value),
                                          new=_bed_text(session, move.new_value)),
                record_id=stay.id))
        if stay.departure_date is not None:
            reason = stay.departure_reason
            if reason == DepartureReason.TRANSFER:
                title = _("Transfer – {centre} to {other}").format(
                    centre=centre, other=centres.get(stay.transferred_to_centre_id, "?"))
            else:
                title = _("Check-out – {centre}").format(centre=centre)
            detail = reason.label if reason else ""
            if stay.departure_note:
                detail = f"{detail}: {stay.departure_note}" if detail else stay.departure_note
            events.append(TimelineEvent(stay.departure_date, "stay", title, detail, record_id=stay.id))
    return events

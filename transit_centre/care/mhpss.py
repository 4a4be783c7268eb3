"""Mental health and psychosocial support (MHPSS): individual sessions, group and recreational
activities with an attendance list, referrals for specialised care. Notes are for MHPSS staff only.
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from transit_centre.care.enums import MHPSS_GROUP, MHPSS_INDIVIDUAL, MhpssType
from transit_centre.care.records import (
    ServiceView,
    add_attendees,
    attendees_present,
    check_attendees,
    centre_for,
    check_day,
    check_note,
    new_record,
    resident_for_service,
    views,
)
from transit_centre.common import Errors
from transit_centre.db.engine import Database
from transit_centre.enums import ServiceKind
from transit_centre.i18n import _
from transit_centre.security.permissions import Actor, Permission


def _type(errors: Errors, value: object, allowed: tuple[MhpssType, ...]) -> MhpssType | None:
    try:
        result = MhpssType(value)
    except ValueError:
        result = None
    if result not in allowed:
        errors.add("session_type", _("Choose the type of session."))
        return None
    return result


def record_mhpss_session(db: Database, actor: Actor, resident_id: uuid.UUID, *,
                         session_type: MhpssType | str, day: dt.date | None = None,
                         provider: str | None = None, note: str | None = None,
                         centre_id: uuid.UUID | None = None, confirmed: bool = False) -> ServiceView:
    """An individual session: counselling, psychological first aid or psychosocial assessment."""
    centre = centre_for(actor, centre_id)
    actor.require(Permission.MHPSS_RECORD, centre)
    errors = Errors()
    stype = _type(errors, session_type, MHPSS_INDIVIDUAL)
    day_ = check_day(errors, "day", day or dt.date.today())
    provider_ = errors.text("provider", provider, required=True)
    note_ = check_note(errors, note)
    errors.raise_if_any()
    with db.transaction(actor) as s:
        resident = resident_for_service(s, resident_id, centre, day_, ServiceKind.MHPSS, stype.value, confirmed)  # type: ignore[arg-type,union-attr]
        record = new_record(s, actor, centre_id=centre, resident_id=resident.id, kind=ServiceKind.MHPSS,
                            subtype=stype.value, day=day_, provider=provider_, note=note_)  # type: ignore[union-attr,arg-type]
        s.flush()
        return views(s, actor, [record])[0]


def record_group_activity(db: Database, actor: Actor, *, activity_type: MhpssType | str, title: str,
                          attendee_ids: Iterable[uuid.UUID], day: dt.date | None = None,
                          provider: str | None = None, note: str | None = None,
                          centre_id: uuid.UUID | None = None) -> ServiceView:
    """A group or recreational activity: one record, one participant row per resident present."""
    centre = centre_for(actor, centre_id)
    actor.require(Permission.MHPSS_RECORD, centre)
    errors = Errors()
    stype = _type(errors, activity_type, MHPSS_GROUP)
    title_ = errors.text("title", title, required=True, max_length=150)
    wanted = check_attendees(errors, attendee_ids)
    day_ = check_day(errors, "day", day or dt.date.today())
    provider_ = errors.text("provider", provider, required=True)
    note_ = check_note(errors, note)
    errors.raise_if_any()
    with db.transaction(actor) as s:
        ids = attendees_present(s, centre, day_, wanted)  # type: ignore[arg-type]
        record = new_record(s, actor, centre_id=centre, resident_id=None, kind=ServiceKind.MHPSS,
                            subtype=stype.value, day=day_, quantity=len(ids),  # type: ignore[union-attr,arg-type]
                            provider=provider_, details={"title": title_}, note=note_)
        add_attendees(s, record, ids)
        s.flush()
        return views(s, actor, [record])[0]


def record_mhpss_referral(db: Database, actor: Actor, resident_id: uuid.UUID, *, referred_to: str,
                          day: dt.date | None = None, provider: str | None = None,
                          note: str | None = None, centre_id: uuid.UUID | None = None,
                          confirmed: bool = False) -> ServiceView:
    """A referral for specialised mental health care (psychiatrist, hospital...). The clinical reason
    goes in the confidential note: only where the resident was referred to is visible to others."""
    centre = centre_for(actor, centre_id)
    actor.require(Permission.MHPSS_RECORD, centre)
    errors = Errors()
    referred_to_ = errors.text("referred_to", referred_to, required=True)
    day_ = check_day(errors, "day", day or dt.date.today())
    provider_ = errors.text("provider", provider, required=True)
    note_ = check_note(errors, note)
    errors.raise_if_any()
    with db.transaction(actor) as s:
        resident = resident_for_service(s, resident_id, centre, day_, ServiceKind.MHPSS,  # type: ignore[arg-type]
                                        MhpssType.REFERRAL.value, confirmed)
        record = new_record(s, actor, centre_id=centre, resident_id=resident.id, kind=ServiceKind.MHPSS,
                            subtype=MhpssType.REFERRAL.value, day=day_, provider=provider_,  # type: ignore[arg-type]
                            details={"referred_to": referred_to_}, note=note_)
        s.flush()
        return views(s, actor, [record])[0]

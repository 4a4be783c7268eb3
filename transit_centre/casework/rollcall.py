"""Presence roll-call: the residents who should be in the centre, ticked present or absent.

Ticking present (by hand, or by scanning the badge's QR with a USB scanner that types its
text into the search field) updates the resident's ``last_seen_at``. Residents not seen for
more than ``rollcall.absent_days`` days are listed for the manager, who may check them out as
"left on own" through the shelter service: never automatically.
"""
from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from transit_centre.admin.settings import get_setting
from transit_centre.common import get
from transit_centre.db.base import utcnow
from transit_centre.db.engine import Database
from transit_centre.db.models import Bed, Resident, RollCall, RollCallEntry, Stay
from transit_centre.errors import NotFound, RuleViolation
from transit_centre.i18n import _
from transit_centre.security.permissions import Actor, Permission


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_CASE = re.compile(r"[A-Z0-9]{2,8}-\d{4}-\d{3,6}")


@dataclass(frozen=True)
class RollCallLine:
    entry_id: uuid.UUID
    resident_id: uuid.UUID
    case_number: str
    name: str
    bed_label: str
    present: bool | None
    last_seen_at: dt.datetime | None


@dataclass(frozen=True)
class RollCallView:
    id: uuid.UUID
    centre_id: uuid.UUID
    started_at: dt.datetime
    closed_at: dt.datetime | None
    lines: tuple[RollCallLine, ...]

    @property
    def present_count(self) -> int:
        return sum(1 for line in self.lines if line.present)

    @property
    def absent_count(self) -> int:
        return sum(1 for line in self.lines if line.present is False)

    @property
    def unmarked_count(self) -> int:
        return sum(1 for line in self.lines if line.present is None)


@dataclass(frozen=True)
class AbsentResident:
    resident_id: uuid.UUID
    stay_id: uuid.UUID
    stay_version: int
    case_number: str
    name: str
    arrival_date: dt.date
    last_seen_at: dt.datetime | None
    days_absent: int


def _view(session: Session, call: RollCall) -> RollCallView:
    rows = session.execute(
        select(RollCallEntry, Resident, Bed.label)
        .join(Resident, Resident.id == RollCallEntry.resident_id)
        .outerjoin(Stay, (Stay.resident_id == Resident.id) & (Stay.departure_date.is_(None))
                   & (Stay.centre_id == call.centre_id))
        .outerjoin(Bed, Bed.id == Stay.bed_id)
        .where(RollCallEntry.roll_call_id == call.id)
        .order_by(Resident.last_name_folded, Resident.first_name_folded)
    ).all()
    lines = tuple(RollCallLine(e.id, r.id, r.case_number, f"{r.first_name} {r.last_name}", bed or "",
                               e.present, r.last_seen_at) for e, r, bed in rows)
    return RollCallView(call.id, call.centre_id, call.started_at, call.closed_at, lines)


def start_roll_call(db: Database, actor: Actor, centre_id: uuid.UUID) -> RollCallView:
    """Open a roll-call listing everyone with an open stay in the centre (or resume the open one)."""
    actor.require(Permission.SHELTER_WRITE, centre_id)
    with db.transaction(actor) as s:
        call = s.scalar(select(RollCall).where(RollCall.centre_id == centre_id, RollCall.closed_at.is_(None)))
        if call is None:
            call = RollCall(centre_id=centre_id, started_at=utcnow(),
                            taken_by_name=actor.full_name or actor.username)
            s.add(call)
            s.flush()
        listed = set(s.scalars(select(RollCallEntry.resident_id).where(RollCallEntry.roll_call_id == call.id)))
        present = s.scalars(select(Stay.resident_id).where(Stay.centre_id == centre_id,
                                                           Stay.departure_date.is_(None)))
        for resident_id in present:
            if resident_id not in listed:
                s.add(RollCallEntry(roll_call_id=call.id, resident_id=resident_id))
        s.flush()
        return _view(s, call)


def _open_call(session: Session, actor: Actor, roll_call_id: uuid.UUID) -> RollCall:
    call = get(session, RollCall, roll_call_id, _("roll-call"))
    actor.require(Permission.SHELTER_WRITE, call.centre_id)
    if call.closed_at is not None:
        raise RuleViolation(_("This roll-call is closed."))
    return call


def _mark(session: Session, call: RollCall, resident_id: uuid.UUID, present: bool) -> RollCallEntry:
    entry = session.scalar(select(RollCallEntry).where(RollCallEntry.roll_call_id == call.id,
                                                       RollCallEntry.resident_id == resident_id))
    if entry is None:
        raise NotFound(_("This resident is not on tonight's list."))
    now = utcnow()
    entry.present, entry.marked_at = present, now
    if present:
        get(session, Resident, resident_id, _("resident")).last_seen_at = now
    return entry


def mark(db: Database, actor: Actor, roll_call_id: uuid.UUID, resident_id: uuid.UUID,
         present: bool) -> RollCallView:
    with db.transaction(actor) as s:
        call = _open_call(s, actor, roll_call_id)
        _mark(s, call, resident_id, present)
        s.flush()
        return _view(s, call)


def mark_scanned(db: Database, actor: Actor, roll_call_id: uuid.UUID, scanned: str) -> RollCallLine:
    """Mark present the resident whose badge was scanned (text holding a case number or id)."""
    text = (scanned or "").strip()
    with db.transaction(actor) as s:
        call = _open_call(s, actor, roll_call_id)
        match_id = _UUID.search(text)
        match_case = _CASE.search(text.upper())
        conditions = []
        if match_id:
            conditions.append(Resident.id == uuid.UUID(match_id.group(0)))
        if match_case:
            conditions.append(Resident.case_number == match_case.group(0))
        resident = s.scalar(select(Resident).where(or_(*conditions))) if conditions else None
        if resident is None:
            raise NotFound(_("No resident matches the scanned code."))
        entry = _mark(s, call, resident.id, True)
        s.flush()
        return RollCallLine(entry.id, resident.id, resident.case_number,
                            f"{resident.first_name} {resident.last_name}", "", True, resident.last_seen_at)


def close_roll_call(db: Database, actor: Actor, roll_call_id: uuid.UUID) -> RollCallView:
    with db.transaction(actor) as s:
        call = _open_call(s, actor, roll_call_id)
        call.closed_at = utcnow()
        s.flush()
        return _view(s, call)


def absent_residents(db: Database, actor: Actor, centre_id: uuid.UUID, *, days: int | None = None,
                     now: dt.datetime | None = None) -> list[AbsentResident]:
    """Residents with an open stay not seen for more than ``days`` days (for the manager to check)."""
    actor.require(Permission.SHELTER_READ, centre_id)
    days = int(get_setting(db, "rollcall.absent_days")) if days is None else days
    now = now or utcnow()
    limit = now - dt.timedelta(days=days)
    with db.transaction(actor, readonly=True) as s:
        rows = s.execute(
            select(Resident, Stay)
            .join(Stay, (Stay.resident_id == Resident.id) & Stay.departure_date.is_(None))
            .where(Stay.centre_id == centre_id)
            .order_by(Resident.last_seen_at)
        ).all()
        out = []
        for resident, stay in rows:
            arrival = stay.arrival_date
            seen = resident.last_seen_at
            reference = seen or dt.datetime.combine(arrival, dt.time(), tzinfo=dt.timezone.utc)
            if reference < limit:
                out.append(AbsentResident(resident.id, stay.id, stay.version, resident.case_number,
                                          f"{resident.first_name} {resident.last_name}", arrival, seen,
                                          (now - reference).days))
        return out

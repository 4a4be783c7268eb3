"""What waits for the signed-in user, counted for the navigation bar's badges.

Counts only, read in one transaction without running the follow-up rules (so reading them writes
nothing to the audit log), for the centre the user signed in to (else every centre they see),
and only what the user's roles let them act on:
- ``followups``: open follow-ups past their due date;
- ``grants``: grants waiting for this user: planned ones to approve (managers), approved ones to pay
  (cash officers);
- ``arrivals``: residents who arrived today.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from transit_centre.db.engine import Database
from transit_centre.db.models import CashGrant, FollowUp, Stay
from transit_centre.enums import FollowUpStatus, GrantStatus
from transit_centre.security.permissions import Actor, Permission


@dataclass(frozen=True)
class Attention:
    followups: int = 0
    grants: int = 0
    arrivals: int = 0


def _centres(actor: Actor) -> list[uuid.UUID] | None:
    if actor.current_centre_id is not None:
        return [actor.current_centre_id]
    visible = actor.visible_centres()
    return None if visible is None else sorted(visible)


def attention(db: Database, actor: Actor, today: dt.date | None = None) -> Attention:
    today = today or dt.date.today()
    centres = _centres(actor)

    def within(column):  # noqa: ANN001, ANN202 - a column
        return column.in_(centres) if centres is not None else column.isnot(None)

    followups = grants = arrivals = 0
    with db.transaction(actor, readonly=True) as s:
        if actor.can(Permission.RESIDENT_READ):
            followups = s.scalar(select(func.count(FollowUp.id)).where(
                FollowUp.status == FollowUpStatus.OPEN, FollowUp.due_date < today, within(FollowUp.centre_id))) or 0
            arrivals = s.scalar(select(func.count(Stay.id)).where(
                Stay.arrival_date == today, within(Stay.centre_id))) or 0
        waiting = []
        if actor.can(Permission.GRANT_APPROVE):
            waiting.append(GrantStatus.PLANNED)
        if actor.can(Permission.GRANT_DISBURSE):
            waiting.append(GrantStatus.APPROVED)
        if waiting:
            grants = s.scalar(select(func.count(CashGrant.id)).where(
                CashGrant.status.in_(waiting), within(CashGrant.centre_id))) or 0
    return Attention(followups, grants, arrivals)

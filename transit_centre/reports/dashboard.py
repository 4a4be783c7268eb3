"""The manager's first screen: tonight against capacity, weekly arrivals and departures, this
month's services and cash, returns in the pipeline.

The month's figures come from ``live_stats``, the very function behind the monthly export, so the
dashboard and the export always agree for the same period and day.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from transit_centre.db.engine import Database
from transit_centre.db.models import Centre, ReturnCase, Stay
from transit_centre.enums import ReturnStatus, ReturnStep
from transit_centre.errors import PermissionDenied
from transit_centre.i18n import _
from transit_centre.reports.sources import Period
from transit_centre.reports.stats import Stats, live_stats
from transit_centre.security.permissions import Actor, Permission


@dataclass(frozen=True)
class CentreTonight:
    code: str
    name: str
    present: int
    capacity: int


@dataclass(frozen=True)
class WeekCount:
    week_start: dt.date  # a Monday
    arrivals: int
    departures: int


@dataclass(frozen=True)
class DashboardView:
    day: dt.date
    tonight: tuple[CentreTonight, ...]
    weeks: tuple[WeekCount, ...]
    month: Stats
    # (step, active or on-hold cases whose last step is this one)
    pipeline: tuple[tuple[str, int], ...]


def _scope(actor: Actor, centre_id: uuid.UUID | None) -> list[uuid.UUID] | None:
    if not (actor.can(Permission.REPORT_READ) or actor.can(Permission.RESIDENT_READ)):
        raise PermissionDenied(_("Your role does not allow this action."))
    if centre_id is not None:
        if not actor.can_see_centre(centre_id):
            raise PermissionDenied(_("You do not work in this centre."))
        return [centre_id]
    visible = actor.visible_centres()
    return None if visible is None else sorted(visible)


def dashboard(db: Database, actor: Actor, centre_id: uuid.UUID | None = None, *,
              day: dt.date | None = None, weeks: int = 12) -> DashboardView:
    """Dashboard figures for one centre, or every centre the user sees when ``centre_id`` is None."""
    centre_ids = _scope(actor, centre_id)
    day = day or dt.date.today()
    first_week = day - dt.timedelta(days=day.weekday() + 7 * (weeks - 1))
    with db.transaction(actor, readonly=True) as s:
        centres = select(Centre.id, Centre.code, Centre.name, Centre.capacity).where(Centre.active.is_(True))
        if centre_ids is not None:
            centres = centres.where(Centre.id.in_(centre_ids))
        rows = s.execute(centres.order_by(Centre.code)).all()
        ids = [r.id for r in rows]
        present = dict(s.execute(
            select(Stay.centre_id, func.count()).where(
                Stay.centre_id.in_(ids), Stay.arrival_date <= day,
                or_(Stay.departure_date.is_(None), Stay.departure_date > day))
            .group_by(Stay.centre_id)).all())
        tonight = tuple(CentreTonight(r.code, r.name, int(present.get(r.id, 0)), r.capacity) for r in rows)

        arrivals = s.execute(select(Stay.arrival_date, func.count()).where(
            Stay.centre_id.in_(ids), Stay.arrival_date.between(first_week, day)).group_by(Stay.arrival_date)).all()
        departures = s.execute(select(Stay.departure_date, func.count()).where(
            Stay.centre_id.in_(ids), Stay.departure_date.between(first_week, day))
            .group_by(Stay.departure_date)).all()
        buckets = {first_week + dt.timedelta(days=7 * i): [0, 0] for i in range(weeks)}
        for index, counts in ((0, arrivals), (1, departures)):
            for when, n in counts:
                monday = when - dt.timedelta(days=when.weekday())
                if monday in buckets:
                    buckets[monday][index] += int(n)
        week_counts = tuple(WeekCount(k, a, d) for k, (a, d) in sorted(buckets.items()))

        month = live_stats(s, ids, Period.month(day.year, day.month), as_of=day)

        steps = dict(s.execute(select(ReturnCase.current_step, func.count()).where(
            ReturnCase.centre_id.in_(ids),
            ReturnCase.status.in_([ReturnStatus.ACTIVE, ReturnStatus.ON_HOLD]))
            .group_by(ReturnCase.current_step)).all())
        pipeline = tuple((step.value, int(steps.get(step, 0))) for step in ReturnStep.ordered()
                         if step not in (ReturnStep.ARRIVED, ReturnStep.REINTEGRATION_STARTED))
    return DashboardView(day, tonight, week_counts, month, pipeline)

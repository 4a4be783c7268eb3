"""Which centre-months a consolidated report covers, and which exports headquarters has not received.

The centres expected are the active centres of headquarters' database (the 14 reference centres)
and any centre that sent an export; the months expected are those of the period that have ended
(October is due from 1 November). A centre-month is received when an export of that centre and
month is imported (the newest one counts).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from transit_centre.db.engine import Database
from transit_centre.db.models import Centre, ImportedPackage
from transit_centre.errors import ValidationError
from transit_centre.i18n import _
from transit_centre.reports.sources import Period
from transit_centre.security.permissions import Actor, Permission

RECEIVED, MISSING, NOT_DUE = "received", "missing", "not_due"


@dataclass(frozen=True)
class Coverage:
    start: dt.date
    end: dt.date
    months: tuple[str, ...]                  # every month of the period, "2026-10"
    due: tuple[str, ...]                     # the months that have ended
    centres: tuple[tuple[str, str], ...]     # (code, name) expected, by code
    received: frozenset[tuple[str, str]]     # (code, month) imported

    def state(self, code: str, month: str) -> str:
        if (code, month) in self.received:
            return RECEIVED
        return MISSING if month in self.due else NOT_DUE

    @property
    def missing(self) -> tuple[tuple[str, str], ...]:
        """(code, month) due and not received, by month then code."""
        return tuple((code, month) for month in self.due for code, _n in self.centres
                     if (code, month) not in self.received)

    @property
    def expected(self) -> int:
        return len(self.centres) * len(self.due)

    @property
    def reporting_centres(self) -> tuple[str, ...]:
        """Centres with at least one export received in the period."""
        return tuple(code for code, _n in self.centres if any((code, m) in self.received for m in self.months))


def month_keys(period: Period) -> tuple[str, ...]:
    keys, year, month = [], period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = year + (month == 12), month % 12 + 1
    return tuple(keys)


def coverage_in(session: Session, codes: list[str] | None, period: Period, today: dt.date | None = None) -> Coverage:
    today = today or dt.date.today()
    months = month_keys(period)
    due = tuple(m for m in months if Period.month(int(m[:4]), int(m[5:])).end < today)
    query = select(ImportedPackage.centre_code, ImportedPackage.month, ImportedPackage.centre_name).where(
        ImportedPackage.superseded_at.is_(None), ImportedPackage.month >= months[0],
        ImportedPackage.month <= months[-1])
    centre_query: Any = select(Centre.code, Centre.name).where(Centre.active.is_(True))
    if codes is not None:
        query = query.where(ImportedPackage.centre_code.in_(codes))
        centre_query = select(Centre.code, Centre.name).where(Centre.code.in_(codes))
    received = session.execute(query).all()
    names = dict(session.execute(centre_query).all())
    for code, _month, name in received:
        names.setdefault(code, name)
    if codes is not None:
        for code in codes:
            names.setdefault(code, code)
    return Coverage(period.start, period.end, months, due, tuple(sorted(names.items())),
                    frozenset((code, month) for code, month, _n in received))


def export_coverage(db: Database, actor: Actor, year: int, today: dt.date | None = None) -> Coverage:
    """Headquarters: the centres' exports of a year received so far, and the missing ones."""
    actor.require(Permission.CONSOLIDATE)
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("Choose a valid year and month.")})
    with db.transaction(actor, readonly=True) as s:
        return coverage_in(s, None, Period.year(int(year)), today)


__all__ = ["MISSING", "NOT_DUE", "RECEIVED", "Coverage", "coverage_in", "export_coverage", "month_keys"]

"""Data entry after the fact: a service, a return, a grant or reintegration assistance dated in the
past is accepted up to ``records.backdate_days`` days back (Administration > Settings) and its
date is written to the audit log as back-dated (who entered it, when, and for which day).

Entering yesterday's meals this morning is back-dated too: the audit log says so plainly, and
the limit only stops dates further back than the administrator allows (a typing mistake such as
2002 for 2022, or a year of paper forms entered without the administrator knowing).
"""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from transit_centre.admin.settings import DEFAULTS
from transit_centre.db.audit import audit_entry
from transit_centre.db.models import Setting
from transit_centre.enums import AuditAction
from transit_centre.errors import ValidationError
from transit_centre.i18n import format_date, ngettext

KEY = "records.backdate_days"
DEFAULT_DAYS = DEFAULTS[KEY]  # a year back: last year's paper forms are entered before the annual report


def backdate_days(session: Session) -> int:
    """The administrator's limit, read once per transaction."""
    cached = session.info.get(KEY)
    if cached is None:
        value = session.scalar(select(Setting.value).where(Setting.key == KEY))
        cached = DEFAULT_DAYS if not isinstance(value, int) or isinstance(value, bool) or value < 0 else value
        session.info[KEY] = cached
    return cached


def earliest_day(session: Session, today: dt.date | None = None) -> dt.date:
    return (today or dt.date.today()) - dt.timedelta(days=backdate_days(session))


def check_backdate(session: Session, day: dt.date, field: str = "day") -> None:
    """Refuse a date further back than the limit (``ValidationError`` on ``field``)."""
    days = backdate_days(session)
    if day < dt.date.today() - dt.timedelta(days=days):
        raise ValidationError({field: ngettext(
            "The date is more than {n} day in the past (the limit set in Administration > Settings).",
            "The date is more than {n} days in the past (the limit set in Administration > Settings).",
            days).format(n=days)})


def note_backdated(session: Session, entity: str, entity_id: uuid.UUID | None, day: dt.date,
                   centre_id: uuid.UUID | None = None, field: str = "day") -> bool:
    """Write the audit entry of a record dated before today; True when it was back-dated."""
    today = dt.date.today()
    if day >= today:
        return False
    late = (today - day).days
    audit_entry(session, AuditAction.BACKDATED, entity, entity_id, field=field, new=day, centre_id=centre_id,
                detail=ngettext("Dated {date}, entered {n} day later.", "Dated {date}, entered {n} days later.",
                                late).format(date=format_date(day, "short"), n=late))
    return True


def backdated(session: Session, entity: str, entity_id: uuid.UUID | None, day: dt.date,
              centre_id: uuid.UUID | None = None, field: str = "day") -> bool:
    """Check the limit, then audit the back-dating (the usual pair)."""
    check_backdate(session, day, field)
    return note_backdated(session, entity, entity_id, day, centre_id, field)


__all__ = ["DEFAULT_DAYS", "KEY", "backdate_days", "backdated", "check_backdate", "earliest_day",
           "note_backdated"]

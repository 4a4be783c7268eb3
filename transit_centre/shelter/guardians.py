"""The guardian rule: a child does not leave, move or travel away from their family's adults
without a recorded reason, and the adults do not leave children behind without one.

"Family" is a household of kind *family*; its adults and minors are judged by age on the day
(``transit_centre.ages``). Only people present in the centre count: an adult who already left
cannot be left behind. When a check-out, a transfer, a booking or a departure would separate
them, the service refuses with ``SeparationNeeded`` unless the user gives the reason; the reason
is then recorded on each child concerned as a "separated minor" vulnerability (audited, and
counted in reports), so the child's case counts as separated from then on.
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from transit_centre.ages import age_on, is_adult, is_minor
from transit_centre.common import clean
from transit_centre.db.models import Household, Resident, Stay, Vulnerability
from transit_centre.enums import HouseholdKind, VulnerabilityKind
from transit_centre.errors import RuleViolation
from transit_centre.i18n import _

REASON_FIELD = "separation_reason"
SEPARATED_KINDS = (VulnerabilityKind.UNACCOMPANIED_MINOR, VulnerabilityKind.SEPARATED_MINOR)
MAX_REASON = 500


class SeparationNeeded(RuleViolation):
    """The action would separate a child from their family's adults: give the reason."""

    def __init__(self, message: str) -> None:
        super().__init__(message, REASON_FIELD)


@dataclass(frozen=True)
class Member:
    resident_id: uuid.UUID
    name: str
    age: int | None
    minor: bool
    adult: bool


@dataclass(frozen=True)
class Separation:
    """Children who would end up without any adult of their family, and those adults."""

    children: tuple[Member, ...]
    adults: tuple[Member, ...]

    def message(self) -> str:
        children = ", ".join(_("{name} ({age} years)").format(name=c.name, age=c.age) for c in self.children)
        adults = ", ".join(a.name for a in self.adults)
        return _("This separates {children} from their family's adults ({adults}). A child leaves or travels "
                 "without them only for a recorded reason: give it, or let the family go together.").format(
            children=children, adults=adults)


def _member(resident: Resident, day: dt.date) -> Member:
    return Member(resident.id, f"{resident.first_name} {resident.last_name}".strip(),
                  age_on(resident.date_of_birth, day), is_minor(resident.date_of_birth, day),
                  is_adult(resident.date_of_birth, day))


def present_family(session: Session, resident_ids: Iterable[uuid.UUID], centre_id: uuid.UUID,
                   day: dt.date) -> dict[uuid.UUID, list[Member]]:
    """Members of the residents' family households who have an open stay in the centre,
    by household (residents without a family household are left out)."""
    ids = list(set(resident_ids))
    if not ids:
        return {}
    households = select(Resident.household_id).join(Household, Household.id == Resident.household_id).where(
        Resident.id.in_(ids), Household.kind == HouseholdKind.FAMILY)
    rows = session.execute(
        select(Resident).join(Stay, Stay.resident_id == Resident.id)
        .where(Resident.household_id.in_(households), Stay.centre_id == centre_id,
               Stay.departure_date.is_(None), Stay.arrival_date <= day)
        .order_by(Resident.last_name_folded, Resident.first_name_folded)).scalars().all()
    result: dict[uuid.UUID, list[Member]] = {}
    for resident in rows:
        result.setdefault(resident.household_id, []).append(_member(resident, day))
    return result


def separation(session: Session, leaving: Iterable[uuid.UUID], centre_id: uuid.UUID, day: dt.date, *,
               children_only: bool = False) -> Separation | None:
    """What leaving the centre together (``leaving``) on ``day`` does to the families present.

    A child leaving with no adult of their family while one stays is separated; so are the
    children who stay when every adult of their family leaves (not checked with
    ``children_only``: a movement books its adults first). None when nobody is separated.
    """
    leaving = set(leaving)
    children: list[Member] = []
    adults: list[Member] = []
    for members in present_family(session, leaving, centre_id, day).values():
        going = [m for m in members if m.resident_id in leaving]
        staying = [m for m in members if m.resident_id not in leaving]
        if any(m.minor for m in going) and not any(m.adult for m in going) and any(m.adult for m in staying):
            children += [m for m in going if m.minor]
            adults += [m for m in staying if m.adult]
        elif (not children_only and any(m.minor for m in staying) and not any(m.adult for m in staying)
              and any(m.adult for m in going)):
            children += [m for m in staying if m.minor]
            adults += [m for m in going if m.adult]
    if not children:
        return None
    return Separation(tuple(children), tuple(adults))


def already_separated(session: Session, resident_id: uuid.UUID, day: dt.date) -> bool:
    """The child already has an active "unaccompanied" or "separated" record (with its reason)."""
    return session.scalar(select(Vulnerability.id).where(
        Vulnerability.resident_id == resident_id, Vulnerability.voided_at.is_(None),
        Vulnerability.kind.in_(SEPARATED_KINDS), Vulnerability.identified_on <= day,
        or_(Vulnerability.resolved_on.is_(None), Vulnerability.resolved_on > day)).limit(1)) is not None


def check_reason(reason: str | None) -> str | None:
    """The reason as typed, cleaned (None when empty); too long is refused."""
    try:
        return clean(reason, MAX_REASON)
    except ValueError:
        raise RuleViolation(_("At most {n} characters.").format(n=MAX_REASON), REASON_FIELD) from None


def enforce(session: Session, found: Separation | None, reason: str | None, day: dt.date, *,
            skip_recorded: bool = False) -> None:
    """Refuse a separation without a reason; with one, record each child as separated.

    ``skip_recorded``: children whose separation is already recorded need no new reason (a
    departure after a booking made with a reason).
    """
    if found is None:
        return
    children = [c for c in found.children if not (skip_recorded and already_separated(session, c.resident_id, day))]
    if not children:
        return
    reason = check_reason(reason)
    if not reason:
        raise SeparationNeeded(Separation(tuple(children), found.adults).message())
    for child in children:
        if not already_separated(session, child.resident_id, day):
            session.add(Vulnerability(resident_id=child.resident_id, kind=VulnerabilityKind.SEPARATED_MINOR,
                                      identified_on=day, note=reason))
    session.flush()


__all__ = ["REASON_FIELD", "Member", "Separation", "SeparationNeeded", "already_separated", "enforce",
           "present_family", "separation"]

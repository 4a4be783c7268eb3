"""Distribution rules: per service kind (and kit type), a minimum interval between two
distributions to the same person, a maximum per day and per period, kit types that exclude
each other, and rules that count per household. Bulk distribution asks ``check_distribution``
who must be skipped and why, before recording anything.
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from transit_centre.care.enums import subtype_label
from transit_centre.common import Errors, check_version, get
from transit_centre.db.engine import Database
from transit_centre.db.models import DistributionRule, Resident, ServiceRecord
from transit_centre.enums import ServiceKind
from transit_centre.errors import DomainError
from transit_centre.i18n import _, ngettext
from transit_centre.security.permissions import Actor, Permission


@dataclass(frozen=True)
class RuleView:
    id: uuid.UUID
    kind: ServiceKind
    subtype: str
    min_interval_days: int
    max_per_day: int | None
    max_per_period: int | None
    period_days: int | None
    excludes: tuple[str, ...]
    per_household: bool
    active: bool
    version: int


def _view(r: DistributionRule) -> RuleView:
    return RuleView(r.id, r.kind, r.subtype, r.min_interval_days, r.max_per_day, r.max_per_period,
                    r.period_days, tuple(r.excludes or ()), r.per_household, r.active, r.version)


def list_rules(db: Database, actor: Actor) -> list[RuleView]:
    actor.require(Permission.SERVICE_READ)
    with db.transaction(actor, readonly=True) as s:
        return [_view(r) for r in s.scalars(select(DistributionRule).order_by(DistributionRule.kind,
                                                                              DistributionRule.subtype))]


def save_rule(db: Database, actor: Actor, *, kind: ServiceKind, subtype: str = "", min_interval_days: int = 0,
              max_per_day: int | None = None, max_per_period: int | None = None, period_days: int | None = None,
              excludes: Iterable[str] = (), per_household: bool = False, active: bool = True,
              rule_id: uuid.UUID | None = None, expected_version: int | None = None) -> RuleView:
    actor.require(Permission.SETTINGS_ADMIN)
    errors = Errors()
    subtype_ = errors.text("subtype", subtype, max_length=64) or ""

    def bounded(field: str, value: int | None, low: int, high: int) -> None:
        if value is not None and (not isinstance(value, int) or not low <= value <= high):
            errors.add(field, _("Enter a whole number between {low} and {high}.").format(low=low, high=high))

    bounded("min_interval_days", min_interval_days, 0, 365)
    bounded("max_per_day", max_per_day, 1, 100)
    bounded("max_per_period", max_per_period, 1, 1000)
    bounded("period_days", period_days, 1, 366)
    if (max_per_period is None) != (period_days is None):
        errors.add("period_days", _("A maximum per period needs the length of the period, and the reverse."))
    errors.raise_if_any()
    with db.transaction(actor) as s:
        clash = s.scalar(select(DistributionRule).where(DistributionRule.kind == ServiceKind(kind),
                                                        DistributionRule.subtype == subtype_))
        if rule_id is None:
            if clash is not None:
                raise DomainError(_("A rule for this kind already exists; edit it instead."), "subtype")
            rule = DistributionRule(kind=ServiceKind(kind), subtype=subtype_)
            s.add(rule)
        else:
            rule = get(s, DistributionRule, rule_id, _("rule"))
            check_version(rule, expected_version)
            if clash is not None and clash.id != rule.id:
                raise DomainError(_("A rule for this kind already exists; edit it instead."), "subtype")
            rule.kind, rule.subtype = ServiceKind(kind), subtype_
        rule.min_interval_days, rule.max_per_day = min_interval_days or 0, max_per_day
        rule.max_per_period, rule.period_days = max_per_period, period_days
        rule.excludes = sorted({e for e in excludes if e})
        rule.per_household, rule.active = per_household, active
        s.flush()
        return _view(rule)


def _rules_for(session: Session, kind: ServiceKind, subtype: str) -> list[DistributionRule]:
    return list(session.scalars(select(DistributionRule).where(
        DistributionRule.active.is_(True), DistributionRule.kind == kind,
        or_(DistributionRule.subtype == "", DistributionRule.subtype == (subtype or "")))))


def check_distribution(session: Session, kind: ServiceKind, subtype: str | None,
                       resident_ids: Iterable[uuid.UUID], day: dt.date,
                       quantity: int = 1) -> dict[uuid.UUID, str]:
    """Residents who must be skipped, with the reason, under the active rules (none: {})."""
    subtype = subtype or ""
    ids = list(dict.fromkeys(resident_ids))
    rules = _rules_for(session, ServiceKind(kind), subtype)
    if not rules or not ids:
        return {}
    households = dict(session.execute(select(Resident.id, Resident.household_id).where(Resident.id.in_(ids))).all())
    skipped: dict[uuid.UUID, str] = {}
    for rule in rules:
        horizon = max(rule.min_interval_days or 0, rule.period_days or 0, 1)
        start = day - dt.timedelta(days=horizon)
        subtypes = {subtype} | set(rule.excludes or [])
        query = select(ServiceRecord.resident_id, ServiceRecord.subtype, ServiceRecord.service_date,
                       ServiceRecord.quantity).where(
            ServiceRecord.kind == rule.kind, ServiceRecord.voided_at.is_(None),
            ServiceRecord.service_date > start, ServiceRecord.service_date <= day)
        members = set(ids)
        if rule.per_household:
            hh_ids = {h for h in households.values() if h}
            if hh_ids:
                members |= set(session.scalars(select(Resident.id).where(Resident.household_id.in_(hh_ids))))
        query = query.where(ServiceRecord.resident_id.in_(members))
        if rule.subtype:
            query = query.where(ServiceRecord.subtype.in_(subtypes))
        history: dict[object, list[tuple[str, dt.date, int]]] = defaultdict(list)
        owner = {}
        if rule.per_household:
            owner = dict(session.execute(select(Resident.id, Resident.household_id)
                                         .where(Resident.id.in_(members))).all())
        for resident_id, sub, when, qty in session.execute(query):
            key = owner.get(resident_id) or resident_id if rule.per_household else resident_id
            history[key].append((sub or "", when, qty or 1))
        given_now: dict[object, int] = defaultdict(int)
        for rid in ids:
            if rid in skipped:
                continue
            key = (households.get(rid) or rid) if rule.per_household else rid
            past = history.get(key, [])
            reason = None
            if rule.min_interval_days:
                window = day - dt.timedelta(days=rule.min_interval_days)
                recent = [w for s_, w, _q in past if w > window and (s_ == subtype or not rule.subtype)]
                excluded = [s_ for s_, w, _q in past if w > window and s_ in (rule.excludes or [])]
                if recent:
                    reason = ngettext("already received within the last {n} day",
                                      "already received within the last {n} days",
                                      rule.min_interval_days).format(n=rule.min_interval_days)
                elif excluded:
                    reason = _("received {other}, which excludes this kit").format(
                        other=subtype_label(rule.kind, excluded[0]))
            if reason is None and rule.max_per_day:
                today_count = sum(q for s_, w, q in past if w == day) + given_now[key]
                if today_count + quantity > rule.max_per_day:
                    reason = _("daily maximum of {n} reached").format(n=rule.max_per_day)
            if reason is None and rule.max_per_period and rule.period_days:
                window = day - dt.timedelta(days=rule.period_days)
                period_count = sum(q for s_, w, q in past if w > window) + given_now[key]
                if period_count + quantity > rule.max_per_period:
                    reason = _("maximum of {n} per {days} days reached").format(
                        n=rule.max_per_period, days=rule.period_days)
            if reason is None and rule.per_household and households.get(rid) and given_now[key]:
                if rule.min_interval_days:
                    reason = _("already served with the household")
            if reason is not None:
                skipped[rid] = reason
            else:
                given_now[key] += quantity
    return skipped


__all__ = ["RuleView", "list_rules", "save_rule", "check_distribution"]

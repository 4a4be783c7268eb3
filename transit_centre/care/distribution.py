"""Bulk distribution of meals and NFI kits to the residents present on a day, in one step.

``preview_distribution`` says who would receive, who already received the same thing that day
(the screen asks to confirm) and who the distribution rules skip; ``record_distribution``
writes one ``ServiceRecord`` per resident so the record of who received what is exact.
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from transit_centre.care.enums import MealType, NfiKit
from transit_centre.care.distribution_rules import check_distribution
from transit_centre.care.records import as_uuid, check_day, check_quantity, new_record
from transit_centre.common import Errors
from transit_centre.db.engine import Database
from transit_centre.db.models import ServiceRecord
from transit_centre.enums import ServiceKind
from transit_centre.errors import RuleViolation
from transit_centre.i18n import _, format_date, ngettext
from transit_centre.security.permissions import Actor, Permission
from transit_centre.shelter.stays import PresentResident, present_in_session

DISTRIBUTION_KINDS = (ServiceKind.MEAL, ServiceKind.NFI_KIT)


@dataclass(frozen=True)
class Recipient:
    resident_id: uuid.UUID
    case_number: str
    name: str
    bed: str
    reason: str = ""  # why they are listed as a repeat or skipped


@dataclass(frozen=True)
class DistributionPreview:
    day: dt.date
    kind: ServiceKind
    subtype: str
    recipients: tuple[Recipient, ...]      # everyone asked for, present that night
    repeats: tuple[Recipient, ...]         # already received the same kind/subtype that day
    rule_skips: tuple[Recipient, ...]      # refused by the distribution rules (never recorded)

    @property
    def has_repeats(self) -> bool:
        return bool(self.repeats)


@dataclass(frozen=True)
class DistributionResult:
    day: dt.date
    kind: ServiceKind
    subtype: str
    quantity: int
    recorded: int
    service_ids: tuple[uuid.UUID, ...]
    skipped_repeats: tuple[Recipient, ...]
    rule_skips: tuple[Recipient, ...]


def _recipient(p: PresentResident, reason: str = "") -> Recipient:
    bed = " ".join(x for x in (p.room_name, p.bed_label) if x)
    return Recipient(p.resident_id, p.case_number, p.full_name, bed, reason)


def _validate(kind: ServiceKind | str, subtype: str | None, day: dt.date | None,
              quantity: int = 1) -> tuple[ServiceKind, str, dt.date, int]:
    errors = Errors()
    try:
        kind_ = ServiceKind(kind)
    except ValueError:
        kind_ = None
    if kind_ not in DISTRIBUTION_KINDS:
        errors.add("kind", _("Choose meals or an NFI kit."))
    vocabulary = MealType if kind_ == ServiceKind.MEAL else NfiKit
    subtype_ = subtype or (MealType.MEALS.value if kind_ == ServiceKind.MEAL else None)
    try:
        subtype_ = vocabulary(subtype_).value
    except ValueError:
        errors.add("subtype", _("Choose the kit type.") if kind_ == ServiceKind.NFI_KIT
                   else _("Choose the type of meal."))
    day_ = check_day(errors, "day", day)
    quantity_ = check_quantity(errors, quantity)
    errors.raise_if_any()
    return kind_, subtype_, day_, quantity_  # type: ignore[return-value]


def _plan(session: Session, actor: Actor, centre_id: uuid.UUID, kind: ServiceKind, subtype: str, day: dt.date,
          resident_ids: Iterable[uuid.UUID] | None, quantity: int) -> DistributionPreview:
    present = present_in_session(session, centre_id, day)
    by_id = {p.resident_id: p for p in present}
    if resident_ids is None:
        chosen = present
    else:
        wanted = list(dict.fromkeys(as_uuid(r) for r in resident_ids))
        missing = [r for r in wanted if r not in by_id]
        if missing:
            raise RuleViolation(ngettext(
                "{n} of the chosen residents is not present in the centre on {date}.",
                "{n} of the chosen residents are not present in the centre on {date}.", len(missing)).format(
                n=len(missing), date=format_date(day)), "residents")
        chosen = [by_id[r] for r in wanted]  # type: ignore[index]
    if not chosen:
        raise RuleViolation(_("Nobody is chosen: no resident is present in the centre on {date}.").format(
            date=format_date(day)) if resident_ids is None else _("Tick at least one resident."), "residents")
    ids = [p.resident_id for p in chosen]
    already: dict[uuid.UUID, int] = {}
    for i in range(0, len(ids), 500):
        rows = session.execute(
            select(ServiceRecord.resident_id, ServiceRecord.quantity)
            .where(ServiceRecord.resident_id.in_(ids[i:i + 500]), ServiceRecord.kind == kind,
                   ServiceRecord.subtype == subtype, ServiceRecord.service_date == day,
                   ServiceRecord.voided_at.is_(None)))
        for rid, qty in rows:
            already[rid] = already.get(rid, 0) + (qty or 1)
    skips = check_distribution(session, kind, subtype, ids, day, quantity)  # the casework rules
    repeats = [_recipient(p, _("already received {n} today").format(n=already[p.resident_id]))
               for p in chosen if p.resident_id in already and p.resident_id not in skips]
    return DistributionPreview(
        day, kind, subtype, tuple(_recipient(p) for p in chosen), tuple(repeats),
        tuple(_recipient(by_id[r], reason) for r, reason in skips.items() if r in by_id))


def preview_distribution(db: Database, actor: Actor, centre_id: uuid.UUID, *, kind: ServiceKind | str,
                         subtype: str | None = None, day: dt.date | None = None,
                         resident_ids: Iterable[uuid.UUID] | None = None, quantity: int = 1) -> DistributionPreview:
    """Who would receive (everyone present on ``day`` or the ticked ``resident_ids``), who would be a
    repeat of the same kind and subtype that day, and who the distribution rules skip."""
    actor.require(Permission.SERVICE_RECORD, centre_id)
    kind_, subtype_, day_, quantity_ = _validate(kind, subtype, day or dt.date.today(), quantity)
    with db.transaction(actor, readonly=True) as s:
        return _plan(s, actor, centre_id, kind_, subtype_, day_, resident_ids, quantity_)


def record_distribution(db: Database, actor: Actor, centre_id: uuid.UUID, *, kind: ServiceKind | str,
                        subtype: str | None = None, day: dt.date | None = None, quantity: int = 1,
                        resident_ids: Iterable[uuid.UUID] | None = None, skip_repeats: bool = True,
                        provider: str | None = None) -> DistributionResult:
    """Record the distribution: one service per resident. Repeats are skipped when ``skip_repeats``
    (else recorded anyway, the user having confirmed); rule refusals are never recorded."""
    actor.require(Permission.SERVICE_RECORD, centre_id)
    kind_, subtype_, day_, quantity_ = _validate(kind, subtype, day or dt.date.today(), quantity)
    errors = Errors()
    provider_ = errors.text("provider", provider)
    errors.raise_if_any()
    ids = list(resident_ids) if resident_ids is not None else None
    with db.transaction(actor) as s:
        plan = _plan(s, actor, centre_id, kind_, subtype_, day_, ids, quantity_)
        excluded = {r.resident_id for r in plan.rule_skips}
        if skip_repeats:
            excluded |= {r.resident_id for r in plan.repeats}
        records = [new_record(s, actor, centre_id=centre_id, resident_id=r.resident_id, kind=kind_,
                              subtype=subtype_, day=day_, quantity=quantity_, provider=provider_)
                   for r in plan.recipients if r.resident_id not in excluded]
        s.flush()
        return DistributionResult(day_, kind_, subtype_, quantity_, len(records), tuple(r.id for r in records),
                                  plan.repeats if skip_repeats else (), plan.rule_skips)

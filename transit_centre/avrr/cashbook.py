"""The cash book of a centre: every receipt of a period (voided ones stay listed), totals by
day, month and grant kind, and the reconciliation approved / disbursed / outstanding.
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from transit_centre.avrr import rules
from transit_centre.common import get
from transit_centre.db.engine import Database
from transit_centre.db.models import CashGrant, Centre, Disbursement, Receipt, Resident
from transit_centre.enums import GrantKind, GrantStatus, PaymentMethod
from transit_centre.errors import ValidationError
from transit_centre.i18n import _
from transit_centre.security.permissions import Actor, Permission


@dataclass(frozen=True)
class CashBookLine:
    receipt_id: uuid.UUID
    number: str
    day: dt.date
    resident_name: str
    resident_case_number: str
    kind: GrantKind
    amount: int
    method: PaymentMethod
    mobile_money_reference: str | None
    cash_officer: str
    voided: bool
    void_reason: str | None
    replaced_by_number: str | None


@dataclass(frozen=True)
class PeriodTotal:
    period: str  # "2026-03-14" or "2026-03"
    count: int
    total: int


@dataclass(frozen=True)
class KindTotal:
    kind: GrantKind
    count: int
    total: int


@dataclass(frozen=True)
class ReconciliationRow:
    kind: GrantKind
    approved: int      # approved amounts of grants approved or paid (not cancelled)
    disbursed: int     # paid, voided receipts excluded
    outstanding: int   # approved but not yet paid
    grants_waiting: int


@dataclass(frozen=True)
class CashBook:
    centre_id: uuid.UUID
    centre_name: str
    date_from: dt.date
    date_to: dt.date
    lines: tuple[CashBookLine, ...]
    by_day: tuple[PeriodTotal, ...]
    by_month: tuple[PeriodTotal, ...]
    by_kind: tuple[KindTotal, ...]
    voided: tuple[CashBookLine, ...]
    total_disbursed: int
    receipt_count: int
    reconciliation: tuple[ReconciliationRow, ...]


def cash_book(db: Database, actor: Actor, centre_id: uuid.UUID, date_from: dt.date, date_to: dt.date) -> CashBook:
    """Receipts issued between the two dates (inclusive) and where the grants stand."""
    actor.require(Permission.CASH_READ, centre_id)
    if date_from is None or date_to is None or date_to < date_from:
        raise ValidationError({"date_to": _("The end date must be on or after the start date.")})
    if (date_to - date_from).days > 3660:
        raise ValidationError({"date_from": _("Choose a period of at most ten years.")})
    with db.transaction(actor, readonly=True) as s:
        centre = get(s, Centre, centre_id, _("centre"))
        rows = s.execute(
            select(Receipt, Disbursement, CashGrant, Resident)
            .join(Disbursement, Disbursement.id == Receipt.disbursement_id)
            .join(CashGrant, CashGrant.id == Disbursement.grant_id)
            .join(Resident, Resident.id == CashGrant.resident_id)
            .where(Receipt.centre_id == centre_id, Receipt.issued_on >= date_from, Receipt.issued_on <= date_to)
            .order_by(Receipt.year, Receipt.sequence)).all()
        numbers = {r.id: r.number for r, *_rest in rows}
        missing = {r.replaced_by_id for r, *_rest in rows if r.replaced_by_id and r.replaced_by_id not in numbers}
        if missing:
            numbers.update(dict(s.execute(select(Receipt.id, Receipt.number).where(Receipt.id.in_(missing))).all()))
        lines = [
            CashBookLine(r.id, r.number, r.issued_on, rules.resident_name(res), res.case_number, g.kind, r.amount,
                         d.method, d.mobile_money_reference, d.cash_officer_name, r.voided_at is not None,
                         r.void_reason, numbers.get(r.replaced_by_id) if r.replaced_by_id else None)
            for r, d, g, res in rows
        ]
        live = [line for line in lines if not line.voided]
        day_totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        month_totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        kind_totals: dict[GrantKind, list[int]] = defaultdict(lambda: [0, 0])
        for line in live:
            for bucket, key in ((day_totals, line.day.isoformat()), (month_totals, line.day.strftime("%Y-%m")),
                                (kind_totals, line.kind)):
                bucket[key][0] += 1
                bucket[key][1] += line.amount
        grants = s.execute(
            select(CashGrant.kind, CashGrant.status, CashGrant.approved_amount)
            .where(CashGrant.centre_id == centre_id,
                   CashGrant.status.in_([GrantStatus.APPROVED, GrantStatus.DISBURSED]),
                   CashGrant.planned_on <= date_to)).all()
        paid_rows = s.execute(
            select(CashGrant.kind, Disbursement.amount)
            .join(CashGrant, CashGrant.id == Disbursement.grant_id)
            .where(Disbursement.centre_id == centre_id, Disbursement.voided_at.is_(None),
                   Disbursement.disbursed_on <= date_to)).all()
        recon: dict[GrantKind, list[int]] = {k: [0, 0, 0, 0] for k in GrantKind}
        for kind, status, approved in grants:
            recon[kind][0] += approved or 0
            if status == GrantStatus.APPROVED:
                recon[kind][2] += approved or 0
                recon[kind][3] += 1
        for kind, amount in paid_rows:
            recon[kind][1] += amount
        return CashBook(
            centre_id=centre.id, centre_name=centre.name, date_from=date_from, date_to=date_to,
            lines=tuple(lines),
            by_day=tuple(PeriodTotal(k, v[0], v[1]) for k, v in sorted(day_totals.items())),
            by_month=tuple(PeriodTotal(k, v[0], v[1]) for k, v in sorted(month_totals.items())),
            by_kind=tuple(KindTotal(k, kind_totals[k][0], kind_totals[k][1]) for k in GrantKind if k in kind_totals),
            voided=tuple(line for line in lines if line.voided),
            total_disbursed=sum(line.amount for line in live), receipt_count=len(lines),
            reconciliation=tuple(ReconciliationRow(k, *v) for k, v in recon.items() if any(v)))

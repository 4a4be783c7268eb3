"""Reintegration assistance after a return: cash for immediate needs, micro-enterprise support,
vocational and technical training, business skills training (or other), on a date, with an
amount when there is one, given by IOM or a partner.

Recorded by the centre that followed the return, usually after the departure: a returnee's file
stays open (no stay is needed). Each record belongs to a return case that is not cancelled (the
resident's latest, unless one is named). Records are voided with a reason, never deleted; a
record dated before today is audited as back-dated (``admin.backdating``).
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from transit_centre.admin.backdating import backdated
from transit_centre.avrr import rules
from transit_centre.common import Errors, as_uuid, check_version, get
from transit_centre.db.base import utcnow
from transit_centre.db.engine import Database
from transit_centre.db.models import Partner, ReintegrationAssistance, Resident, ReturnCase
from transit_centre.enums import ReintegrationKind, ReturnStatus
from transit_centre.errors import RuleViolation
from transit_centre.i18n import _, format_xof
from transit_centre.security.permissions import Actor, Permission

P = Permission


@dataclass(frozen=True)
class ReintegrationInput:
    resident_id: uuid.UUID
    kind: ReintegrationKind | str | None
    assisted_on: dt.date | None = None
    amount: int | None = None  # XOF; required for cash
    partner: str | None = None  # the organisation that gave it (IOM or a partner)
    partner_id: uuid.UUID | None = None  # a partner of the referral list, instead of the name
    note: str | None = None
    return_case_id: uuid.UUID | None = None  # None: the resident's latest return case


@dataclass(frozen=True)
class ReintegrationView:
    id: uuid.UUID
    resident_id: uuid.UUID
    centre_id: uuid.UUID
    return_case_id: uuid.UUID | None
    case_reference: str | None
    kind: ReintegrationKind
    assisted_on: dt.date
    amount: int | None
    partner: str
    note: str | None
    voided: bool
    void_reason: str | None
    version: int

    @property
    def amount_text(self) -> str:
        return format_xof(self.amount) if self.amount is not None else ""


def _view(session: Session, record: ReintegrationAssistance) -> ReintegrationView:
    case = session.get(ReturnCase, record.return_case_id) if record.return_case_id else None
    return ReintegrationView(
        record.id, record.resident_id, record.centre_id, record.return_case_id,
        case.case_reference if case else None, ReintegrationKind(record.kind), record.assisted_on, record.amount,
        record.partner_name, record.note, record.voided_at is not None, record.void_reason, record.version)


def _validate(data: ReintegrationInput) -> tuple[ReintegrationKind | None, dt.date, int | None, str | None, str | None]:
    errors = Errors()
    try:
        kind = ReintegrationKind(data.kind) if data.kind else None
    except ValueError:
        kind = None
    if kind is None:
        errors.add("kind", _("Choose the kind of assistance."))
    day = data.assisted_on or dt.date.today()
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        errors.add("assisted_on", _("Enter a valid date."))
        day = dt.date.today()
    elif day > dt.date.today():
        errors.add("assisted_on", _("The date cannot be in the future."))
    amount = data.amount
    if amount is not None:
        if isinstance(amount, bool) or not isinstance(amount, int):
            errors.add("amount", _("Give a whole amount in CFA francs."))
        elif amount <= 0:
            errors.add("amount", _("The amount must be more than zero."))
        elif amount > rules.MAX_AMOUNT:
            errors.add("amount", _("The amount cannot be more than {max}.").format(max=format_xof(rules.MAX_AMOUNT)))
    elif kind == ReintegrationKind.CASH_IMMEDIATE:
        errors.add("amount", _("Give the amount of cash."))
    partner = errors.text("partner", data.partner, required=data.partner_id is None, max_length=200)
    note = errors.text("note", data.note, max_length=1000)
    errors.raise_if_any()
    return kind, day, amount, partner, note


def _return_case(session: Session, resident: Resident, case_id: uuid.UUID | None) -> ReturnCase:
    if case_id is not None:
        case = get(session, ReturnCase, as_uuid(case_id), _("return case"))
        if case.resident_id != resident.id:
            raise RuleViolation(_("The return case is another resident's."))
    else:
        case = session.scalars(
            select(ReturnCase).where(ReturnCase.resident_id == resident.id,
                                     ReturnCase.status != ReturnStatus.CANCELLED)
            .order_by(ReturnCase.opened_on.desc(), ReturnCase.created_at.desc())).first()
        if case is None:
            raise RuleViolation(_("Reintegration assistance follows a return: open a return case for {name} "
                                  "first.").format(name=rules.resident_name(resident)))
    if case.status == ReturnStatus.CANCELLED:
        raise RuleViolation(_("The return case is cancelled."))
    return case


def record_reintegration(db: Database, actor: Actor, data: ReintegrationInput) -> ReintegrationView:
    """Record reintegration assistance for a returnee, in the centre of their return case."""
    actor.require(P.RETURN_WRITE)
    kind, day, amount, partner, note = _validate(data)
    with db.transaction(actor) as s:
        resident = get(s, Resident, as_uuid(data.resident_id), _("resident"))
        case = _return_case(s, resident, data.return_case_id)
        actor.require(P.RETURN_WRITE, case.centre_id)
        if day < case.opened_on:
            raise RuleViolation(_("The assistance cannot be dated before the return case was opened."),
                                "assisted_on")
        if data.partner_id is not None:
            found = get(s, Partner, as_uuid(data.partner_id), _("partner"))
            partner = found.name
        record = ReintegrationAssistance(
            id=uuid.uuid4(), resident_id=resident.id, centre_id=case.centre_id, return_case_id=case.id,
            kind=kind, assisted_on=day, amount=amount, partner_id=as_uuid(data.partner_id) if data.partner_id else None,
            partner_name=partner or "", note=note, created_by=actor.user_id)
        backdated(s, ReintegrationAssistance.__tablename__, record.id, day, case.centre_id, field="assisted_on")
        s.add(record)
        s.flush()
        return _view(s, record)


def void_reintegration(db: Database, actor: Actor, record_id: uuid.UUID, reason: str | None,
                       expected_version: int | None = None) -> ReintegrationView:
    """Void a wrong record with a reason (kept, never deleted; out of the reports)."""
    actor.require(P.RETURN_WRITE)
    errors = Errors()
    reason_ = errors.text("reason", reason, required=True, max_length=500)
    errors.raise_if_any()
    with db.transaction(actor) as s:
        record = get(s, ReintegrationAssistance, as_uuid(record_id), _("reintegration assistance"))
        actor.require(P.RETURN_WRITE, record.centre_id)
        check_version(record, expected_version)
        if record.voided_at is not None:
            raise RuleViolation(_("This record is already voided."))
        record.voided_at, record.voided_by, record.void_reason = utcnow(), actor.user_id, reason_
        s.flush()
        return _view(s, record)


def resident_reintegration(db: Database, actor: Actor, resident_id: uuid.UUID, *,
                           include_voided: bool = True) -> list[ReintegrationView]:
    """A resident's reintegration assistance, newest first (centres the user sees)."""
    actor.require(P.RETURN_READ)
    with db.transaction(actor, readonly=True) as s:
        query = select(ReintegrationAssistance).where(ReintegrationAssistance.resident_id == as_uuid(resident_id))
        if not include_voided:
            query = query.where(ReintegrationAssistance.voided_at.is_(None))
        visible = actor.visible_centres()
        if visible is not None:
            query = query.where(ReintegrationAssistance.centre_id.in_(visible))
        rows = s.scalars(query.order_by(ReintegrationAssistance.assisted_on.desc(),
                                        ReintegrationAssistance.created_at.desc()))
        return [_view(s, r) for r in rows]


__all__ = ["ReintegrationInput", "ReintegrationView", "record_reintegration", "resident_reintegration",
           "void_reintegration"]

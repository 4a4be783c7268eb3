"""Timeline events of a resident's return cases (steps, hold, cancel) and cash grants."""
from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from transit_centre.db.models import (
    CashGrant,
    Disbursement,
    Receipt,
    ReintegrationAssistance,
    ReturnCase,
    ReturnStepRecord,
)
from transit_centre.i18n import _, format_xof
from transit_centre.registry.timeline import TimelineEvent
from transit_centre.security.permissions import Actor, Permission


def events(session: Session, actor: Actor, resident_id: uuid.UUID) -> list[TimelineEvent]:
    out: list[TimelineEvent] = []
    if actor.can(Permission.RETURN_READ):
        cases = {c.id: c for c in session.scalars(select(ReturnCase).where(ReturnCase.resident_id == resident_id))
                 if actor.can_see_centre(c.centre_id)}
        if cases:
            for step in session.scalars(select(ReturnStepRecord).where(ReturnStepRecord.return_case_id.in_(cases))):
                case = cases[step.return_case_id]
                if step.skipped:
                    title = _("Return step skipped – {step}").format(step=step.step.label)
                    detail = _("{ref}: {reason}").format(ref=case.case_reference, reason=step.skip_reason or "")
                else:
                    title = _("Return – {step}").format(step=step.step.label)
                    detail = case.case_reference
                out.append(TimelineEvent(step.done_on, "return", title, detail, step.voided_at is not None, step.id))
            for case in cases.values():
                if case.cancelled_at is not None:
                    out.append(TimelineEvent(case.cancelled_at.date(), "return", _("Return case cancelled"),
                                             _("{ref}: {reason}").format(
                                                 ref=case.case_reference,
                                                 reason=case.cancel_reason.label if case.cancel_reason else ""),
                                             False, case.id))
        for record in session.scalars(select(ReintegrationAssistance).where(
                ReintegrationAssistance.resident_id == resident_id)):
            if not actor.can_see_centre(record.centre_id):
                continue
            detail = " – ".join(x for x in (record.partner_name, format_xof(record.amount) if record.amount else "")
                                if x)
            out.append(TimelineEvent(record.assisted_on, "reintegration",
                                     _("Reintegration assistance – {kind}").format(kind=record.kind.label),
                                     detail, record.voided_at is not None, record.id))
    if actor.can(Permission.CASH_READ):
        grants = [g for g in session.scalars(select(CashGrant).where(CashGrant.resident_id == resident_id))
                  if actor.can_see_centre(g.centre_id)]
        for grant in grants:
            out.append(TimelineEvent(grant.planned_on, "grant",
                                     _("Grant planned – {kind}").format(kind=grant.kind.label),
                                     format_xof(grant.planned_amount), grant.status.value == "cancelled", grant.id))
        if grants:
            rows = session.execute(
                select(Receipt, Disbursement).join(Disbursement, Disbursement.id == Receipt.disbursement_id)
                .where(Disbursement.grant_id.in_([g.id for g in grants]))).all()
            kinds = {g.id: g.kind for g in grants}
            for receipt, disbursement in rows:
                out.append(TimelineEvent(
                    disbursement.disbursed_on, "grant",
                    _("Grant paid – {kind}").format(kind=kinds[disbursement.grant_id].label),
                    _("Receipt {number}: {amount}").format(number=receipt.number, amount=format_xof(receipt.amount)),
                    receipt.voided_at is not None, receipt.id))
    return out

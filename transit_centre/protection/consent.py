"""Consent to share data with a partner, and the referral lifecycle it gates.

A referral to a partner outside the centre needs the resident's recorded consent to share
data with that partner; without it the referral is refused unless a manager overrides with a
reason (the override is audited). Lifecycle: sent → accepted / declined → done, or revoked.
Referrals are ``ServiceRecord`` rows of kind REFERRAL; their status and history live in
``details`` ("status", "history").
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from transit_centre.enums import ReferralStatus
from transit_centre.common import Errors, check_version, fold, get
from transit_centre.db.audit import audit_entry
from transit_centre.db.base import utcnow
from transit_centre.db.engine import Database
from transit_centre.db.models import Resident, ServiceRecord, SharingConsent
from transit_centre.enums import AuditAction, ServiceKind
from transit_centre.errors import PermissionDenied, RuleViolation
from transit_centre.i18n import _
from transit_centre.security.permissions import Actor, Permission

TRANSITIONS: dict[ReferralStatus, set[ReferralStatus]] = {
    ReferralStatus.SENT: {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.REVOKED},
    ReferralStatus.ACCEPTED: {ReferralStatus.DONE, ReferralStatus.REVOKED},
    ReferralStatus.DECLINED: set(),
    ReferralStatus.DONE: set(),
    ReferralStatus.REVOKED: set(),
}


@dataclass(frozen=True)
class ConsentView:
    id: uuid.UUID
    resident_id: uuid.UUID
    partner: str
    given_on: dt.date
    recorded_by_name: str
    withdrawn: bool
    version: int


def _view(c: SharingConsent) -> ConsentView:
    return ConsentView(c.id, c.resident_id, c.partner, c.given_on, c.recorded_by_name, c.voided_at is not None,
                       c.version)


def record_consent(db: Database, actor: Actor, resident_id: uuid.UUID, partner: str,
                   given_on: dt.date | None = None) -> ConsentView:
    actor.require(Permission.RESIDENT_WRITE)
    errors = Errors()
    partner_ = errors.text("partner", partner, required=True, max_length=200)
    errors.raise_if_any()
    with db.transaction(actor) as s:
        resident = get(s, Resident, resident_id, _("resident"))
        actor.require(Permission.RESIDENT_WRITE, resident.centre_id)
        consent = SharingConsent(resident_id=resident.id, partner=partner_, partner_folded=fold(partner_),
                                 given_on=given_on or dt.date.today(),
                                 recorded_by_name=actor.full_name or actor.username)
        s.add(consent)
        s.flush()
        return _view(consent)


def withdraw_consent(db: Database, actor: Actor, consent_id: uuid.UUID, reason: str) -> ConsentView:
    actor.require(Permission.RESIDENT_WRITE)
    errors = Errors()
    reason_ = errors.text("reason", reason, required=True, max_length=500)
    errors.raise_if_any()
    with db.transaction(actor) as s:
        consent = get(s, SharingConsent, consent_id, _("consent"))
        actor.require(Permission.RESIDENT_WRITE, get(s, Resident, consent.resident_id, _("resident")).centre_id)
        if consent.voided_at is not None:
            raise RuleViolation(_("This consent was already withdrawn."))
        consent.voided_at, consent.voided_by, consent.void_reason = utcnow(), actor.user_id, reason_
        s.flush()
        return _view(consent)


def consents(db: Database, actor: Actor, resident_id: uuid.UUID) -> list[ConsentView]:
    actor.require(Permission.RESIDENT_READ)
    with db.transaction(actor, readonly=True) as s:
        return [_view(c) for c in s.scalars(select(SharingConsent).where(
            SharingConsent.resident_id == resident_id).order_by(SharingConsent.given_on))]


def has_consent(session: Session, resident_id: uuid.UUID, partner: str) -> bool:
    return session.scalar(select(SharingConsent.id).where(
        SharingConsent.resident_id == resident_id, SharingConsent.partner_folded == fold(partner),
        SharingConsent.voided_at.is_(None))) is not None


def require_sharing_consent(session: Session, actor: Actor, resident_id: uuid.UUID, partner: str,
                            override_reason: str | None = None) -> None:
    """The gate referral services call: consent recorded, or a manager's audited override."""
    if has_consent(session, resident_id, partner):
        return
    reason = (override_reason or "").strip()
    if not reason:
        raise RuleViolation(_(
            "The resident has not consented to share their data with {partner}. Record the consent "
            "first, or a manager may override with a reason.").format(partner=partner), "partner")
    if not actor.can(Permission.OVERRIDE):
        raise PermissionDenied(_("Only a centre manager can override a missing consent."))
    audit_entry(session, AuditAction.UPDATE, "resident", resident_id, field="consent_override",
                new=reason[:500], detail=_("Referral to {partner} without consent").format(partner=partner))


def referral_status(record: ServiceRecord) -> ReferralStatus:
    return ReferralStatus((record.details or {}).get("status", ReferralStatus.SENT.value))


def set_referral_status(db: Database, actor: Actor, service_id: uuid.UUID, status: ReferralStatus,
                        note: str | None = None, expected_version: int | None = None) -> ReferralStatus:
    """Move a referral along its lifecycle; revoking needs a note."""
    actor.require(Permission.SERVICE_RECORD)
    status = ReferralStatus(status)
    errors = Errors()
    note_ = errors.text("note", note, required=status == ReferralStatus.REVOKED, max_length=500)
    errors.raise_if_any()
    with db.transaction(actor) as s:
        record = get(s, ServiceRecord, service_id, _("referral"))
        actor.require(Permission.SERVICE_RECORD, record.centre_id)
        if record.kind != ServiceKind.REFERRAL or record.voided_at is not None:
            raise RuleViolation(_("This record is not an active referral."))
        check_version(record, expected_version)
        current = referral_status(record)
        if status not in TRANSITIONS[current]:
            raise RuleViolation(_("A referral that is {current} cannot become {new}.").format(
                current=current.label.lower(), new=status.label.lower()))
        details = dict(record.details or {})
        history = list(details.get("history", []))
        history.append({"status": status.value, "at": utcnow().isoformat(), "by": actor.username,
                        "note": note_ or ""})
        details["status"], details["history"] = status.value, history
        record.details = details
        s.flush()
        return status

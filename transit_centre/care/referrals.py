"""Counselling and information on return options, partners of the national referral mechanism
(MRN) and referrals to them (partner, reason, date, outcome updated later).

A referral outside the centre passes the casework consent gate when that module is installed
(consent to share data with the partner, or a manager's audited override).
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select

from transit_centre.protection.consent import require_sharing_consent
from transit_centre.care.enums import CounsellingType, PartnerSector, ReferralArea, ReferralOutcome
from transit_centre.care.records import (
    ServiceView,
    add_attendees,
    as_uuid,
    attendees_present,
    check_attendees,
    centre_for,
    check_day,
    new_record,
    resident_for_service,
    views,
)
from transit_centre.common import Errors, check_version, fold, get
from transit_centre.db.engine import Database
from transit_centre.db.models import Partner, ServiceRecord
from transit_centre.enums import ServiceKind
from transit_centre.errors import DomainError, RuleViolation
from transit_centre.i18n import _
from transit_centre.security.permissions import Actor, Permission


# --- counselling --------------------------------------------------------------------------

def record_counselling(db: Database, actor: Actor, *, counselling_type: CounsellingType | str,
                       resident_id: uuid.UUID | None = None, attendee_ids: Iterable[uuid.UUID] = (),
                       day: dt.date | None = None, provider: str | None = None, topics: str | None = None,
                       centre_id: uuid.UUID | None = None, confirmed: bool = False) -> ServiceView:
    """Counselling on return options: one resident (individual) or an attendance list (group)."""
    centre = centre_for(actor, centre_id)
    actor.require(Permission.SERVICE_RECORD, centre)
    errors = Errors()
    try:
        ctype = CounsellingType(counselling_type)
    except ValueError:
        errors.add("counselling_type", _("Choose individual or group counselling."))
        ctype = None
    if ctype == CounsellingType.INDIVIDUAL and resident_id is None:
        errors.add("resident", _("Choose the resident."))
    day_ = check_day(errors, "day", day or dt.date.today())
    provider_ = errors.text("provider", provider, required=True)
    topics_ = errors.text("topics", topics, max_length=500)
    wanted = check_attendees(errors, attendee_ids) if ctype == CounsellingType.GROUP else []
    errors.raise_if_any()
    details = {"topics": topics_} if topics_ else {}
    with db.transaction(actor) as s:
        if ctype == CounsellingType.INDIVIDUAL:
            resident = resident_for_service(s, resident_id, centre, day_, ServiceKind.COUNSELLING,  # type: ignore[arg-type]
                                            ctype.value, confirmed)
            record = new_record(s, actor, centre_id=centre, resident_id=resident.id, kind=ServiceKind.COUNSELLING,
                                subtype=ctype.value, day=day_, provider=provider_, details=details)  # type: ignore[arg-type]
        else:
            ids = attendees_present(s, centre, day_, wanted)  # type: ignore[arg-type]
            record = new_record(s, actor, centre_id=centre, resident_id=None, kind=ServiceKind.COUNSELLING,
                                subtype=CounsellingType.GROUP.value, day=day_, quantity=len(ids),  # type: ignore[arg-type]
                                provider=provider_, details=details)
            add_attendees(s, record, ids)
        s.flush()
        return views(s, actor, [record])[0]


# --- partners -----------------------------------------------------------------------------

@dataclass(frozen=True)
class PartnerView:
    id: uuid.UUID
    name: str
    sector: PartnerSector
    centre_id: uuid.UUID | None
    contact: str | None
    phone: str | None
    active: bool
    version: int


def _partner_view(p: Partner) -> PartnerView:
    try:
        sector = PartnerSector(p.sector)
    except ValueError:
        sector = PartnerSector.OTHER
    return PartnerView(p.id, p.name, sector, p.centre_id, p.contact, p.phone, p.active, p.version)


def list_partners(db: Database, actor: Actor, centre_id: uuid.UUID | None = None, *,
                  include_inactive: bool = False) -> list[PartnerView]:
    """National partners and those of the centre, by name."""
    actor.require(Permission.SERVICE_READ)
    with db.transaction(actor, readonly=True) as s:
        query = select(Partner).order_by(Partner.name_folded)
        centre = centre_id or actor.current_centre_id
        query = query.where(or_(Partner.centre_id.is_(None), Partner.centre_id == centre))
        if not include_inactive:
            query = query.where(Partner.active.is_(True))
        return [_partner_view(p) for p in s.scalars(query)]


def save_partner(db: Database, actor: Actor, *, name: str, sector: PartnerSector | str = PartnerSector.OTHER,
                 contact: str | None = None, phone: str | None = None, active: bool = True,
                 national: bool = False, partner_id: uuid.UUID | None = None,
                 expected_version: int | None = None) -> PartnerView:
    """Add or edit a partner (for the current centre, or for every centre when ``national``)."""
    actor.require(Permission.SERVICE_RECORD, actor.current_centre_id)
    errors = Errors()
    name_ = errors.text("name", name, required=True)
    try:
        sector_ = PartnerSector(sector)
    except ValueError:
        errors.add("sector", _("Choose the kind of partner."))
        sector_ = PartnerSector.OTHER
    contact_ = errors.text("contact", contact)
    phone_ = errors.text("phone", phone, max_length=32)
    errors.raise_if_any()
    centre = None if national else centre_for(actor, None)
    with db.transaction(actor) as s:
        clash = s.scalar(select(Partner).where(Partner.name_folded == fold(name_),
                                               or_(Partner.centre_id.is_(None), Partner.centre_id == centre)))
        if partner_id is None:
            if clash is not None:
                raise DomainError(_("A partner with this name already exists."), "name")
            partner = Partner(centre_id=centre)
            s.add(partner)
        else:
            partner = get(s, Partner, as_uuid(partner_id), _("partner"))
            check_version(partner, expected_version)
            if clash is not None and clash.id != partner.id:
                raise DomainError(_("A partner with this name already exists."), "name")
        partner.name, partner.name_folded, partner.sector = name_, fold(name_), sector_.value  # type: ignore[assignment]
        partner.contact, partner.phone, partner.active = contact_, phone_, active
        s.flush()
        return _partner_view(partner)


# --- referrals ----------------------------------------------------------------------------

def record_referral(db: Database, actor: Actor, resident_id: uuid.UUID, *, partner_id: uuid.UUID,
                    area: ReferralArea | str, reason: str, day: dt.date | None = None,
                    override_reason: str | None = None, centre_id: uuid.UUID | None = None,
                    confirmed: bool = False) -> ServiceView:
    """Refer a resident to a partner (national referral mechanism); outcome starts as pending."""
    centre = centre_for(actor, centre_id)
    actor.require(Permission.SERVICE_RECORD, centre)
    errors = Errors()
    try:
        area_ = ReferralArea(area)
    except ValueError:
        errors.add("area", _("Choose the area of the referral."))
        area_ = None
    if as_uuid(partner_id) is None:
        errors.add("partner", _("Choose the partner."))
    reason_ = errors.text("reason", reason, required=True, max_length=500)
    day_ = check_day(errors, "day", day or dt.date.today())
    errors.raise_if_any()
    with db.transaction(actor) as s:
        resident = resident_for_service(s, resident_id, centre, day_, ServiceKind.REFERRAL, area_.value, confirmed)  # type: ignore[arg-type,union-attr]
        partner = get(s, Partner, as_uuid(partner_id), _("partner"))
        if not partner.active or partner.centre_id not in (None, centre):
            raise RuleViolation(_("This partner is not available in this centre."), "partner")
        # recorded consent, or a manager's audited override
        require_sharing_consent(s, actor, resident.id, partner.name, override_reason)
        details = {"partner_id": str(partner.id), "partner": partner.name, "reason": reason_,
                   "outcome": ReferralOutcome.PENDING.value, "status": "sent"}
        record = new_record(s, actor, centre_id=centre, resident_id=resident.id, kind=ServiceKind.REFERRAL,
                            subtype=area_.value, day=day_, details=details)  # type: ignore[union-attr,arg-type]
        s.flush()
        return views(s, actor, [record])[0]


def update_referral_outcome(db: Database, actor: Actor, service_id: uuid.UUID, *,
                            outcome: ReferralOutcome | str, outcome_date: dt.date | None = None,
                            remark: str | None = None, expected_version: int | None = None) -> ServiceView:
    """Record what came of a referral (accepted, service received, declined...), later on."""
    errors = Errors()
    try:
        outcome_ = ReferralOutcome(outcome)
    except ValueError:
        errors.add("outcome", _("Choose the outcome."))
        outcome_ = None
    date_ = check_day(errors, "outcome_date", outcome_date or dt.date.today())
    remark_ = errors.text("remark", remark, max_length=500)
    errors.raise_if_any()
    with db.transaction(actor) as s:
        record = get(s, ServiceRecord, as_uuid(service_id), _("referral"))
        actor.require(Permission.SERVICE_RECORD, record.centre_id)
        if record.kind != ServiceKind.REFERRAL or record.voided_at is not None:
            raise RuleViolation(_("This record is not an active referral."))
        check_version(record, expected_version)
        if date_ is not None and date_ < record.service_date:
            raise DomainError(_("The outcome cannot be dated before the referral."), "outcome_date")
        details = dict(record.details or {})
        details.update(outcome=outcome_.value, outcome_date=date_.isoformat())  # type: ignore[union-attr]
        if remark_:
            details["outcome_remark"] = remark_
        else:
            details.pop("outcome_remark", None)
        record.details = details
        s.flush()
        return views(s, actor, [record])[0]

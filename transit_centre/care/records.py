"""What every kind of service shares: the view, permissions per kind, the confidentiality
rule, lookups, listing with paging, voiding and the audited read of a confidential note.

Views never carry a note: ``has_note`` says there is one, ``can_read_note`` whether this user
may open it with ``read_confidential_note`` (which writes an audit entry for each read).
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from transit_centre.admin.backdating import backdated
from transit_centre.care.enums import (
    ConsultationType,
    FitStatus,
    MhpssType,
    ReferralOutcome,
    VaccineKind,
    subtype_label,
)
from transit_centre.common import Errors, as_uuid, check_version, get
from transit_centre.db.audit import audit_entry
from transit_centre.db.base import utcnow
from transit_centre.db.engine import Database
from transit_centre.db.models import Resident, ServiceParticipant, ServiceRecord, Stay
from transit_centre.enums import AuditAction, ServiceKind
from transit_centre.errors import NeedsConfirmation, PermissionDenied, RuleViolation, ValidationError
from transit_centre.i18n import _, format_date, ngettext
from transit_centre.security.permissions import Actor, Permission

MAX_NOTE = 10_000
MAX_PAGE = 500
# Oldest service date accepted (typing mistakes such as 1926 are refused).
EARLIEST = dt.date(2000, 1, 1)

RECORD_PERMISSION: dict[ServiceKind, Permission] = {
    ServiceKind.MEDICAL: Permission.MEDICAL_RECORD,
    ServiceKind.MHPSS: Permission.MHPSS_RECORD,
}
NOTE_PERMISSION: dict[ServiceKind, Permission] = {
    ServiceKind.MEDICAL: Permission.MEDICAL_NOTE_READ,
    ServiceKind.MHPSS: Permission.MHPSS_NOTE_READ,
}


def record_permission(kind: ServiceKind) -> Permission:
    """Medical needs MEDICAL_RECORD, MHPSS needs MHPSS_RECORD, the rest SERVICE_RECORD."""
    return RECORD_PERMISSION.get(ServiceKind(kind), Permission.SERVICE_RECORD)


def can_read_note(actor: Actor, kind: ServiceKind, centre_id: uuid.UUID | None = None,
                  resident_centre_id: uuid.UUID | None = None) -> bool:
    """The profession's staff of the centre that gave the service, or of the centre the person is
    at now (their file followed them there by a transfer, with the person's consent)."""
    permission = NOTE_PERMISSION.get(ServiceKind(kind))
    return permission is not None and (actor.can(permission, centre_id) or (
        resident_centre_id is not None and actor.can(permission, resident_centre_id)))


@dataclass(frozen=True)
class Attendee:
    resident_id: uuid.UUID
    case_number: str
    name: str


@dataclass(frozen=True)
class ServiceView:
    id: uuid.UUID
    centre_id: uuid.UUID
    resident_id: uuid.UUID | None
    case_number: str
    resident_name: str
    kind: ServiceKind
    subtype: str | None
    subtype_label: str
    service_date: dt.date
    quantity: int
    provider: str | None
    details: dict[str, Any]
    summary: str
    has_note: bool
    can_read_note: bool
    voided: bool
    void_reason: str | None
    participants: tuple[Attendee, ...]
    version: int
    created_at: dt.datetime
    # Always None in views: the note comes only from ``read_confidential_note`` (audited).
    note: str | None = None

    @property
    def kind_label(self) -> str:
        return self.kind.label

    @property
    def participant_count(self) -> int:
        return len(self.participants)


@dataclass(frozen=True)
class ServiceQuery:
    """Filter of the centre's service list."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    kinds: tuple[ServiceKind, ...] = ()
    resident_id: uuid.UUID | None = None
    include_voided: bool = True


@dataclass(frozen=True)
class ServicePage:
    rows: list[ServiceView]
    total: int
    offset: int
    limit: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _name(r: Resident | None) -> str:
    return f"{r.first_name} {r.last_name}".strip() if r is not None else ""


def summary(kind: ServiceKind, subtype: str | None, quantity: int, details: dict[str, Any],
            participants: int = 0) -> str:
    """One translated line describing a service, never the note."""
    label = subtype_label(kind, subtype) or ServiceKind(kind).label
    details = details or {}
    if kind in (ServiceKind.MEAL, ServiceKind.NFI_KIT):
        return _("{label} × {quantity}").format(label=label, quantity=quantity)
    if kind == ServiceKind.MEDICAL and subtype == ConsultationType.VACCINATION.value:
        try:
            what = VaccineKind(details.get("vaccine_kind")).label
        except ValueError:
            what = ""
        name = details.get("vaccine") or ""
        if not what and not name:  # withheld from this role (medical details)
            return label
        vaccine = f"{what} ({name})" if what and name and name != what else (what or name)
        text = _("{label}: {vaccine}").format(label=label, vaccine=vaccine)
        if details.get("dose"):
            text += " – " + _("dose {dose}").format(dose=details["dose"])
        return text
    if kind == ServiceKind.MEDICAL and subtype == ConsultationType.FIT_TO_TRAVEL.value:
        try:
            status = FitStatus(details.get("fit_status")).label
        except ValueError:
            status = "?"
        until = details.get("valid_until")
        if until:
            try:
                return _("{status}, valid until {date}").format(
                    status=status, date=format_date(dt.date.fromisoformat(until)))
            except ValueError:
                pass
        return status
    if kind == ServiceKind.MEDICAL and subtype == ConsultationType.REFERRAL_HEALTH.value and details.get("facility"):
        return _("{label}: {facility}").format(label=label, facility=details["facility"])
    if kind == ServiceKind.MHPSS and subtype == MhpssType.REFERRAL.value and details.get("referred_to"):
        return _("{label}: {partner}").format(label=label, partner=details["referred_to"])
    if participants:
        text = ngettext("{label} – {n} participant", "{label} – {n} participants", participants).format(
            label=label, n=participants)
        if details.get("title"):
            text = details["title"] + " – " + text
        return text
    if kind == ServiceKind.REFERRAL:
        try:
            outcome = ReferralOutcome(details.get("outcome") or ReferralOutcome.PENDING.value).label
        except ValueError:
            outcome = ""
        return _("{partner} – {area} ({outcome})").format(
            partner=details.get("partner") or "?", area=label, outcome=outcome)
    return label


# What every reader of services may see of a medical or MHPSS record's details; the rest (the
# screening done, the vaccine, the hospital, the psychiatrist) is for that profession only.
SHARED_DETAILS: dict[ServiceKind, frozenset[str]] = {
    ServiceKind.MEDICAL: frozenset({"fit_status", "valid_until", "under_five"}),
    ServiceKind.MHPSS: frozenset({"title"}),
}


def visible_details(record: ServiceRecord, actor: Actor, resident: Resident | None = None) -> dict[str, Any]:
    details = dict(record.details or {})
    kind = ServiceKind(record.kind)
    if kind in NOTE_PERMISSION and not can_read_note(actor, kind, record.centre_id,
                                                     resident.centre_id if resident is not None else None):
        details = {k: v for k, v in details.items() if k in SHARED_DETAILS[kind]}
    return details


def view_of(record: ServiceRecord, actor: Actor, resident: Resident | None,
            attendees: tuple[Attendee, ...] = ()) -> ServiceView:
    details = visible_details(record, actor, resident)
    return ServiceView(
        id=record.id, centre_id=record.centre_id, resident_id=record.resident_id,
        case_number=resident.case_number if resident else "", resident_name=_name(resident),
        kind=ServiceKind(record.kind), subtype=record.subtype,
        subtype_label=subtype_label(record.kind, record.subtype), service_date=record.service_date,
        quantity=record.quantity, provider=record.provider, details=details,
        summary=summary(record.kind, record.subtype, record.quantity, details, len(attendees)),
        has_note=bool(record.confidential_note),
        can_read_note=bool(record.confidential_note) and can_read_note(
            actor, record.kind, record.centre_id, resident.centre_id if resident is not None else None),
        voided=record.voided_at is not None, void_reason=record.void_reason,
        participants=attendees, version=record.version, created_at=record.created_at,
    )


def views(session: Session, actor: Actor, records: list[ServiceRecord]) -> list[ServiceView]:
    """Views of many records with two queries (residents, attendees), not one per row."""
    ids = [r.id for r in records]
    resident_ids = {r.resident_id for r in records if r.resident_id}
    attendees: dict[uuid.UUID, list[Attendee]] = {}
    if ids:
        rows = session.execute(
            select(ServiceParticipant.service_id, Resident)
            .join(Resident, Resident.id == ServiceParticipant.resident_id)
            .where(ServiceParticipant.service_id.in_(ids))
            .order_by(Resident.last_name_folded, Resident.first_name_folded)
        ).all()
        for service_id, r in rows:
            attendees.setdefault(service_id, []).append(Attendee(r.id, r.case_number, _name(r)))
    residents = {}
    if resident_ids:
        residents = {r.id: r for r in session.scalars(select(Resident).where(Resident.id.in_(resident_ids)))}
    return [view_of(r, actor, residents.get(r.resident_id), tuple(attendees.get(r.id, ())))
            for r in records]


# --- validation and lookups shared by the recording services ------------------------------

def check_day(errors: Errors, field_name: str, day: Any, *, required: bool = True) -> dt.date | None:
    """A service date: a real date, not in the future, not before 2000."""
    if day is None:
        if required:
            errors.add(field_name, _("This field is required."))
        return None
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        errors.add(field_name, _("Enter a valid date."))
        return None
    if day > dt.date.today():
        errors.add(field_name, _("The date cannot be in the future."))
    elif day < EARLIEST:
        errors.add(field_name, _("The date is too far in the past."))
    return day


def check_note(errors: Errors, note: Any) -> str | None:
    return errors.text("note", note, max_length=MAX_NOTE)


def check_quantity(errors: Errors, quantity: Any, high: int = 100) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= high:
        errors.add("quantity", _("Enter a whole number between {low} and {high}.").format(low=1, high=high))
        return 1
    return quantity



def resident_for_service(session: Session, resident_id: Any, centre_id: uuid.UUID, day: dt.date,
                         kind: ServiceKind, subtype: str | None, confirmed: bool = False) -> Resident:
    """The resident a one-to-one service is recorded for: present in the centre on ``day`` (a
    service recorded afterwards is dated on a day they were there). The same service for the
    same person on the same day is asked about first (``NeedsConfirmation``): a second click or
    a held key must not record it twice."""
    resident = get(session, Resident, as_uuid(resident_id), _("resident"))
    present = session.scalar(select(Stay.id).where(
        Stay.resident_id == resident.id, Stay.centre_id == centre_id, Stay.arrival_date <= day,
        or_(Stay.departure_date.is_(None), Stay.departure_date >= day)).limit(1))
    if present is None:
        raise RuleViolation(_("{name} ({case}) is not in this centre on {date}. Record a service on a day the "
                              "person was present.").format(name=_name(resident), case=resident.case_number,
                                                             date=format_date(day)), "resident")
    if not confirmed and session.scalar(select(ServiceRecord.id).where(
            ServiceRecord.resident_id == resident.id, ServiceRecord.kind == ServiceKind(kind),
            ServiceRecord.subtype == subtype, ServiceRecord.service_date == day,
            ServiceRecord.voided_at.is_(None)).limit(1)) is not None:
        raise NeedsConfirmation(_("{service} is already recorded for {name} on {date}. Record a second one?").format(
            service=subtype_label(kind, subtype) or ServiceKind(kind).label, name=_name(resident),
            date=format_date(day)))
    return resident


def new_record(session: Session, actor: Actor, *, centre_id: uuid.UUID, resident_id: uuid.UUID | None,
               kind: ServiceKind, subtype: str | None, day: dt.date, quantity: int = 1,
               provider: str | None = None, details: dict[str, Any] | None = None,
               note: str | None = None) -> ServiceRecord:
    """A new service record; one dated before today is checked against the back-dating limit and
    written to the audit log as back-dated."""
    record = ServiceRecord(
        id=uuid.uuid4(), centre_id=centre_id, resident_id=resident_id, kind=ServiceKind(kind), subtype=subtype,
        service_date=day, quantity=quantity, provider=provider or actor.full_name or actor.username,
        details=dict(details or {}),
        confidential_note=note if ServiceKind(kind) in NOTE_PERMISSION else None,
    )
    backdated(session, ServiceRecord.__tablename__, record.id, day, centre_id)
    session.add(record)
    return record


def check_attendees(errors: Errors, resident_ids: Any) -> list[uuid.UUID]:
    """The distinct ids of an attendance list; at least one, each a real id."""
    try:
        wanted = list(dict.fromkeys(as_uuid(r) for r in resident_ids or ()))
    except TypeError:
        wanted = []
    if not wanted or None in wanted:
        errors.add("attendees", _("Tick at least one participant."))
        return []
    return wanted  # type: ignore[return-value]


def attendees_present(session: Session, centre_id: uuid.UUID, day: dt.date, resident_ids: Any) -> list[uuid.UUID]:
    """Validated attendance list of a group activity: residents present in the centre on ``day``."""
    from transit_centre.shelter.stays import present_in_session

    try:
        wanted = list(dict.fromkeys(as_uuid(r) for r in resident_ids or ()))
    except TypeError:
        wanted = []
    if not wanted or None in wanted:
        raise ValidationError({"attendees": _("Tick at least one participant.")})
    present = {p.resident_id for p in present_in_session(session, centre_id, day)}
    missing = [r for r in wanted if r not in present]
    if missing:
        raise RuleViolation(ngettext(
            "{n} participant is not present in the centre on {date}.",
            "{n} participants are not present in the centre on {date}.", len(missing)).format(
            n=len(missing), date=format_date(day)), "attendees")
    return wanted  # type: ignore[return-value]


def add_attendees(session: Session, record: ServiceRecord, resident_ids: list[uuid.UUID]) -> None:
    for rid in resident_ids:
        session.add(ServiceParticipant(service=record, resident_id=rid))


def centre_for(actor: Actor, centre_id: uuid.UUID | None) -> uuid.UUID:
    centre = centre_id or actor.current_centre_id
    if centre is None:
        raise RuleViolation(_("Choose a centre first."))
    return centre


# --- reading -----------------------------------------------------------------------------

def get_service(db: Database, actor: Actor, service_id: uuid.UUID) -> ServiceView:
    actor.require(Permission.SERVICE_READ)
    with db.transaction(actor, readonly=True) as s:
        record = get(s, ServiceRecord, as_uuid(service_id), _("service"))
        actor.require(Permission.SERVICE_READ, record.centre_id)
        return views(s, actor, [record])[0]


def resident_services(db: Database, actor: Actor, resident_id: uuid.UUID, *,
                      include_voided: bool = True, limit: int = 1000) -> list[ServiceView]:
    """A resident's services, newest first, including group activities they attended."""
    actor.require(Permission.SERVICE_READ)
    with db.transaction(actor, readonly=True) as s:
        resident = get(s, Resident, as_uuid(resident_id), _("resident"))
        records = resident_records(s, resident.id, include_voided=include_voided, limit=limit)
        visible = actor.visible_centres()
        if visible is not None:
            records = [r for r in records if r.centre_id in visible]
        return views(s, actor, records)


def resident_records(session: Session, resident_id: uuid.UUID, *, include_voided: bool = True,
                     limit: int | None = None) -> list[ServiceRecord]:
    attended = exists().where(ServiceParticipant.service_id == ServiceRecord.id,
                              ServiceParticipant.resident_id == resident_id)
    query = (select(ServiceRecord).where(or_(ServiceRecord.resident_id == resident_id, attended))
             .order_by(ServiceRecord.service_date.desc(), ServiceRecord.created_at.desc()))
    if not include_voided:
        query = query.where(ServiceRecord.voided_at.is_(None))
    if limit:
        query = query.limit(limit)
    return list(session.scalars(query))


def page_services(db: Database, actor: Actor, centre_id: uuid.UUID, query: ServiceQuery | None = None,
                  offset: int = 0, limit: int = 100) -> ServicePage:
    """One page of the centre's services (newest first) and the total for the filter."""
    actor.require(Permission.SERVICE_READ, centre_id)
    query = query or ServiceQuery()
    offset = max(0, int(offset))
    limit = max(1, min(int(limit), MAX_PAGE))
    conditions = [ServiceRecord.centre_id == centre_id]
    if query.date_from:
        conditions.append(ServiceRecord.service_date >= query.date_from)
    if query.date_to:
        conditions.append(ServiceRecord.service_date <= query.date_to)
    if query.kinds:
        conditions.append(ServiceRecord.kind.in_([ServiceKind(k) for k in query.kinds]))
    if not query.include_voided:
        conditions.append(ServiceRecord.voided_at.is_(None))
    if query.resident_id:
        attended = exists().where(ServiceParticipant.service_id == ServiceRecord.id,
                                  ServiceParticipant.resident_id == query.resident_id)
        conditions.append(or_(ServiceRecord.resident_id == query.resident_id, attended))
    where = and_(*conditions)
    with db.transaction(actor, readonly=True) as s:
        total = s.scalar(select(func.count(ServiceRecord.id)).where(where)) or 0
        records = list(s.scalars(
            select(ServiceRecord).where(where)
            .order_by(ServiceRecord.service_date.desc(), ServiceRecord.created_at.desc(), ServiceRecord.id)
            .offset(offset).limit(limit)))
        return ServicePage(views(s, actor, records), total, offset, limit)


def services_on(db: Database, actor: Actor, centre_id: uuid.UUID, day: dt.date,
                offset: int = 0, limit: int = 100) -> ServicePage:
    """The centre's services of one day."""
    return page_services(db, actor, centre_id, ServiceQuery(date_from=day, date_to=day), offset, limit)


# --- voiding and confidential notes ---------------------------------------------------------

def void_service(db: Database, actor: Actor, service_id: uuid.UUID, reason: str,
                 expected_version: int | None = None) -> ServiceView:
    """Void a service with a reason (records are never deleted); needs the kind's record permission."""
    errors = Errors()
    reason_ = errors.text("reason", reason, required=True, max_length=500)
    errors.raise_if_any()
    with db.transaction(actor) as s:
        record = get(s, ServiceRecord, as_uuid(service_id), _("service"))
        actor.require(record_permission(record.kind), record.centre_id)
        if record.voided_at is not None:
            raise RuleViolation(_("This service is already voided."))
        check_version(record, expected_version)
        record.voided_at, record.voided_by, record.void_reason = utcnow(), actor.user_id, reason_
        s.flush()
        return views(s, actor, [record])[0]


def read_confidential_note(db: Database, actor: Actor, service_id: uuid.UUID) -> str | None:
    """The note of a medical or MHPSS service, for that profession only; every read is audited."""
    with db.transaction(actor) as s:
        record = get(s, ServiceRecord, as_uuid(service_id), _("service"))
        permission = NOTE_PERMISSION.get(ServiceKind(record.kind))
        if permission is None:
            raise RuleViolation(_("This kind of service has no confidential note."))
        resident = s.get(Resident, record.resident_id) if record.resident_id is not None else None
        if not can_read_note(actor, record.kind, record.centre_id, resident.centre_id if resident else None):
            raise PermissionDenied(_("Only {profession} staff may read this note.").format(
                profession=ServiceKind(record.kind).label))
        audit_entry(s, AuditAction.READ, ServiceRecord.__tablename__, record.id,
                    field="confidential_note", centre_id=record.centre_id,
                    detail=_("Confidential note read ({kind})").format(kind=ServiceKind(record.kind).label))
        return record.confidential_note


__all__ = [
    "Attendee", "ServicePage", "ServiceQuery", "ServiceView", "can_read_note", "get_service",
    "page_services", "read_confidential_note", "record_permission", "resident_services", "services_on",
    "void_service",
]

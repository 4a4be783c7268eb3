"""Reading the audit log: filtered pages for the audit viewer, never the whole table.

Administrators and headquarters read every entry; centre managers read the entries of their
own centres (entries without a centre, such as accounts and settings, are not theirs).
The log itself is written only by the audit hook (``db/audit.py``) and cannot be changed.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import Select, func, select

from transit_centre.common import as_uuid
from transit_centre.db.base import Base
from transit_centre.db.engine import Database
from transit_centre.db.models import AuditEntry, Centre, Receipt, Resident, ReturnCase, User
from transit_centre.enums import AuditAction
from transit_centre.errors import ValidationError
from transit_centre.i18n import _
from transit_centre.security.permissions import Actor, Permission

MAX_PAGE = 500


@dataclass(frozen=True)
class AuditFilter:
    """What the viewer asks for; every field is optional.

    ``user`` is a user id or a user name; ``record`` a record id (UUID) or a resident's case
    number; ``date_from``/``date_to`` are local calendar days, both included.
    """

    user: uuid.UUID | str | None = None
    entity: str | None = None
    record: uuid.UUID | str | None = None
    action: AuditAction | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    centre_id: uuid.UUID | None = None
    # With a record: also the records that point to it (a resident's documents, stays,
    # services, return case...), so that the viewer shows a resident's whole history.
    include_related: bool = True


@dataclass(frozen=True)
class AuditRow:
    id: uuid.UUID
    at: dt.datetime
    user_id: uuid.UUID | None
    username: str
    action: AuditAction
    entity: str
    entity_id: uuid.UUID | None
    field: str | None
    old_value: str | None
    new_value: str | None
    centre_id: uuid.UUID | None
    detail: str | None
    record: str = ""  # the record in words: "Traoré Aïssata (GAO-2026-00042)", "Gao 1 (GAO)"…


def _local_midnight(day: dt.date) -> dt.datetime:
    """Start of a calendar day in this computer's time zone, as an aware datetime."""
    return dt.datetime(day.year, day.month, day.day).astimezone()



def _filtered(s, actor: Actor, flt: AuditFilter, query: Select) -> Select:  # noqa: ANN001 - Session
    visible = actor.visible_centres()
    if visible is not None:
        query = query.where(AuditEntry.centre_id.in_(visible))
    if flt.centre_id is not None:
        query = query.where(AuditEntry.centre_id == flt.centre_id)
    if flt.user:
        user_id = as_uuid(flt.user)
        if user_id is not None:
            query = query.where(AuditEntry.user_id == user_id)
        else:
            query = query.where(AuditEntry.username == str(flt.user).strip().lower()[:64])
    if flt.entity:
        query = query.where(AuditEntry.entity == flt.entity[:64])
    if flt.record:
        record_id = as_uuid(flt.record)
        if record_id is None:
            record_id = s.scalar(select(Resident.id).where(
                Resident.case_number == str(flt.record).strip().upper()[:32]))
        # An unknown case number matches nothing (rather than everything).
        ids = {record_id or uuid.UUID(int=0)}
        if record_id is not None and flt.include_related:
            ids |= _related_ids(s, record_id)
        query = query.where(AuditEntry.entity_id.in_(ids))
    if flt.action is not None:
        query = query.where(AuditEntry.action == AuditAction(flt.action))
    if flt.date_from is not None:
        query = query.where(AuditEntry.at >= _local_midnight(flt.date_from))
    if flt.date_to is not None:
        query = query.where(AuditEntry.at < _local_midnight(flt.date_to + dt.timedelta(days=1)))
    return query


MAX_RELATED = 2000
_NOT_EXPANDED = {"centre", "app_user", "role"}  # "everything in Gao" is the centre filter's job


def _related_ids(s, record_id: uuid.UUID) -> set[uuid.UUID]:  # noqa: ANN001 - Session
    """Ids of the records whose foreign key points to ``record_id`` (one level)."""
    entity = s.scalar(select(AuditEntry.entity).where(AuditEntry.entity_id == record_id).limit(1))
    if entity is None or entity in _NOT_EXPANDED:
        return set()
    found: set[uuid.UUID] = set()
    for table in Base.metadata.sorted_tables:
        if "id" not in table.c or table.name == "audit_entry":
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name != entity or fk.parent.table is not table:
                continue
            found.update(s.scalars(select(table.c.id).where(fk.parent == record_id).limit(MAX_RELATED)))
            if len(found) >= MAX_RELATED:
                return found
    return found


def _validate(flt: AuditFilter) -> None:
    if flt.date_from and flt.date_to and flt.date_from > flt.date_to:
        raise ValidationError({"date_to": _("The end date is before the start date.")})


def audit_page(db: Database, actor: Actor, flt: AuditFilter | None = None, offset: int = 0,
               limit: int = 200) -> list[AuditRow]:
    """Entries matching ``flt``, newest first, ``limit`` at a time."""
    actor.require(Permission.AUDIT_READ)
    flt = flt or AuditFilter()
    _validate(flt)
    offset, limit = max(0, int(offset)), max(1, min(int(limit), MAX_PAGE))
    with db.transaction(actor, readonly=True) as s:
        query = _filtered(s, actor, flt, select(AuditEntry))
        query = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).offset(offset).limit(limit)
        entries = list(s.scalars(query))
        names = _record_names(s, actor, entries)
        return [AuditRow(e.id, e.at, e.user_id, e.username, e.action, e.entity, e.entity_id, e.field,
                         e.old_value, e.new_value, e.centre_id, e.detail, names.get((e.entity, e.entity_id), ""))
                for e in entries]


def _record_names(session, actor: Actor, entries: list[AuditEntry]) -> dict[tuple[str, uuid.UUID], str]:  # noqa: ANN001
    """The records of a page in words, one query per kind: a resident's name and case number
    (for those who may read residents), a centre, an account, a return case, a receipt."""
    wanted: dict[str, set[uuid.UUID]] = {}
    for e in entries:
        if e.entity_id is not None:
            wanted.setdefault(e.entity, set()).add(e.entity_id)
    kinds = {
        "centre": (Centre, lambda r: f"{r.name} ({r.code})"),
        "app_user": (User, lambda r: f"{r.full_name} ({r.username})"),
        "return_case": (ReturnCase, lambda r: r.case_reference),
        "receipt": (Receipt, lambda r: r.number),
    }
    if actor.can(Permission.RESIDENT_READ):
        kinds["resident"] = (Resident, lambda r: f"{r.last_name} {r.first_name} ({r.case_number})")
    names: dict[tuple[str, uuid.UUID], str] = {}
    for entity, (model, name) in kinds.items():
        ids = sorted(wanted.get(entity, ()))
        if ids:
            for record in session.scalars(select(model).where(model.id.in_(ids))):
                names[(entity, record.id)] = name(record)
    return names


def audit_count(db: Database, actor: Actor, flt: AuditFilter | None = None) -> int:
    actor.require(Permission.AUDIT_READ)
    flt = flt or AuditFilter()
    _validate(flt)
    with db.transaction(actor, readonly=True) as s:
        return int(s.scalar(_filtered(s, actor, flt, select(func.count(AuditEntry.id)))) or 0)


def audit_entities(db: Database, actor: Actor) -> list[str]:
    """Kinds of record that appear in the log (table names), for the viewer's filter."""
    actor.require(Permission.AUDIT_READ)
    with db.transaction(actor, readonly=True) as s:
        return sorted(s.scalars(select(AuditEntry.entity).distinct()))


def audit_usernames(db: Database, actor: Actor) -> list[str]:
    """User names of the accounts (for the viewer's user filter); sign-in attempts aside."""
    actor.require(Permission.AUDIT_READ)
    with db.transaction(actor, readonly=True) as s:
        return list(s.scalars(select(User.username).order_by(User.username)))


# --- the hash chain ------------------------------------------------------------------------

@dataclass(frozen=True)
class ChainStatus:
    """The audit log's hash chain, checked link by link, in words for the screen and the log."""

    ok: bool
    checked: int
    message: str
    broken_at: int | None = None


def check_audit_chain(db: Database, actor: Actor) -> ChainStatus:
    """Walk the whole chain (``db/audit_chain.py``) and say where it first breaks, if it does."""
    from transit_centre.db import audit_chain
    from transit_centre.i18n import format_datetime, format_number

    actor.require(Permission.AUDIT_READ)
    with db.transaction(actor, readonly=True) as s:
        report = audit_chain.verify(s.connection())
    if report.ok:
        return ChainStatus(True, report.checked, _("The audit log is intact: {n} entries checked, none changed, "
                                                   "deleted or added outside the application.").format(
            n=format_number(report.checked)))
    if report.problem == "changed":
        message = _("The audit log was altered: entry {seq} (of {when}) was changed after it was written. "
                    "Entries after it cannot be trusted.").format(seq=report.broken_at,
                                                                 when=format_datetime(report.broken_when))
    elif report.problem == "missing":
        message = _("The audit log was altered: entry {seq} was deleted.").format(seq=report.broken_at)
    elif report.problem == "truncated":
        message = _("The audit log was altered: its last entries, from number {seq}, were removed.").format(
            seq=report.broken_at)
    else:
        message = _("The audit log was altered: {n} entries were added outside the application.").format(
            n=format_number(report.unsealed))
    return ChainStatus(False, report.checked, message, report.broken_at)

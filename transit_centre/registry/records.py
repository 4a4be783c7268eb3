"""A resident's identity documents and vulnerabilities: added, resolved or voided with a reason
(never deleted). A vulnerability's note is confidential: reading it is audited."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select

from transit_centre.common import Errors, check_version, get
from transit_centre.db.audit import audit_entry
from transit_centre.db.base import utcnow
from transit_centre.db.engine import Database
from transit_centre.db.models import IdentityDocument, Vulnerability
from transit_centre.enums import AuditAction
from transit_centre.errors import RuleViolation, ValidationError
from transit_centre.i18n import _
from transit_centre.registry.inputs import DocumentInput, VulnerabilityInput, check_documents, check_vulnerabilities
from transit_centre.registry.residents import (
    DocumentView,
    VulnerabilityView,
    load_resident,
    refresh_search_text,
)
from transit_centre.security.permissions import Actor, Permission


def _reason(reason: str | None) -> str:
    errors = Errors()
    text = errors.text("reason", reason, required=True, max_length=500)
    errors.raise_if_any()
    return text  # type: ignore[return-value]


def _doc_view(d: IdentityDocument) -> DocumentView:
    return DocumentView(d.id, d.kind, d.number, d.issuing_country, d.issue_date, d.expiry_date,
                        d.voided_at is not None, d.void_reason, d.version)


def _vul_view(v: Vulnerability) -> VulnerabilityView:
    return VulnerabilityView(v.id, v.kind, v.identified_on, v.resolved_on, bool(v.note),
                             v.voided_at is not None, v.version)


def add_document(db: Database, actor: Actor, resident_id: uuid.UUID, data: DocumentInput) -> DocumentView:
    actor.require(Permission.RESIDENT_WRITE)
    errors = Errors()
    docs = check_documents(errors, [data], dt.date.today())
    if errors:
        # One document: give the field message without the "Document 1:" prefix.
        raise ValidationError({"document": errors.errors["documents"].split(": ", 1)[-1]})
    doc = docs[0]
    with db.transaction(actor) as s:
        resident = load_resident(s, actor, resident_id, Permission.RESIDENT_WRITE)
        record = IdentityDocument(resident_id=resident.id, kind=doc.kind, number=doc.number,
                                  issuing_country=doc.issuing_country, issue_date=doc.issue_date,
                                  expiry_date=doc.expiry_date, created_by=actor.user_id)
        s.add(record)
        s.flush()
        refresh_search_text(s, resident)
        s.flush()
        return _doc_view(record)


def void_document(db: Database, actor: Actor, document_id: uuid.UUID, reason: str,
                  expected_version: int | None = None) -> DocumentView:
    actor.require(Permission.RESIDENT_WRITE)
    text = _reason(reason)
    with db.transaction(actor) as s:
        record = get(s, IdentityDocument, document_id, _("document"))
        resident = load_resident(s, actor, record.resident_id, Permission.RESIDENT_WRITE)
        check_version(record, expected_version)
        if record.voided_at is not None:
            raise RuleViolation(_("This document is already voided."))
        record.voided_at, record.voided_by, record.void_reason = utcnow(), actor.user_id, text
        s.flush()
        refresh_search_text(s, resident)
        s.flush()
        return _doc_view(record)


def add_vulnerability(db: Database, actor: Actor, resident_id: uuid.UUID,
                      data: VulnerabilityInput) -> VulnerabilityView:
    actor.require(Permission.RESIDENT_WRITE)
    errors = Errors()
    items = check_vulnerabilities(errors, [data], dt.date.today())
    if errors:
        raise ValidationError({"vulnerability": errors.errors["vulnerabilities"].split(": ", 1)[-1]})
    item = items[0]
    with db.transaction(actor) as s:
        resident = load_resident(s, actor, resident_id, Permission.RESIDENT_WRITE)
        open_same = s.scalar(select(Vulnerability.id).where(
            Vulnerability.resident_id == resident.id, Vulnerability.kind == item.kind,
            Vulnerability.voided_at.is_(None), Vulnerability.resolved_on.is_(None)))
        if open_same is not None:
            raise RuleViolation(_("This vulnerability is already recorded and not resolved."))
        record = Vulnerability(resident_id=resident.id, kind=item.kind, identified_on=item.identified_on,
                               note=item.note, created_by=actor.user_id)
        s.add(record)
        s.flush()
        return _vul_view(record)


def resolve_vulnerability(db: Database, actor: Actor, vulnerability_id: uuid.UUID,
                          day: dt.date | None = None, expected_version: int | None = None) -> VulnerabilityView:
    """Mark a vulnerability as no longer current (the minor came of age, the care ended...)."""
    actor.require(Permission.RESIDENT_WRITE)
    day = day or dt.date.today()
    with db.transaction(actor) as s:
        record = get(s, Vulnerability, vulnerability_id, _("vulnerability"))
        load_resident(s, actor, record.resident_id, Permission.RESIDENT_WRITE)
        check_version(record, expected_version)
        if record.voided_at is not None or record.resolved_on is not None:
            raise RuleViolation(_("This vulnerability is already closed."))
        if day > dt.date.today():
            raise ValidationError({"resolved_on": _("The date cannot be in the future.")})
        if day < record.identified_on:
            raise ValidationError({"resolved_on": _("The date cannot be before the day it was identified.")})
        record.resolved_on = day
        s.flush()
        return _vul_view(record)


def void_vulnerability(db: Database, actor: Actor, vulnerability_id: uuid.UUID, reason: str,
                       expected_version: int | None = None) -> VulnerabilityView:
    """Withdraw a vulnerability recorded by mistake."""
    actor.require(Permission.RESIDENT_WRITE)
    text = _reason(reason)
    with db.transaction(actor) as s:
        record = get(s, Vulnerability, vulnerability_id, _("vulnerability"))
        load_resident(s, actor, record.resident_id, Permission.RESIDENT_WRITE)
        check_version(record, expected_version)
        if record.voided_at is not None:
            raise RuleViolation(_("This vulnerability is already voided."))
        record.voided_at, record.voided_by, record.void_reason = utcnow(), actor.user_id, text
        s.flush()
        return _vul_view(record)


def vulnerability_note(db: Database, actor: Actor, vulnerability_id: uuid.UUID) -> str:
    """The confidential note of a vulnerability, for the staff who register residents; audited."""
    actor.require(Permission.PROTECTION_NOTE_READ)
    with db.transaction(actor) as s:
        record = get(s, Vulnerability, vulnerability_id, _("vulnerability"))
        resident = load_resident(s, actor, record.resident_id, Permission.PROTECTION_NOTE_READ)
        audit_entry(s, AuditAction.READ, "vulnerability", record.id, field="note", centre_id=resident.centre_id)
        return record.note or ""

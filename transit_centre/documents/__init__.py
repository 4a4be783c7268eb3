"""Printing documents: load the records, check the right to print, format the values in the
chosen language, audit the print (printing personal data is audited) and render the PDF.

``render_document(db, actor, kind, record_id, language)`` gives a ``PrintedDocument`` (PDF
bytes, file name, title); ``document_data(...)`` gives the bytes only. ``record_id`` is a uuid
or a human reference: case number, return case reference, receipt number, movement reference,
or a centre code for the occupancy sheet and the badges of everyone present.

Some prints are asked about first (a card for someone who left, a travel letter whose journey is
past): the loader raises ``NeedsConfirmation`` with the question, and the caller prints again
with ``confirmed=True`` once the user agrees.

Who sees what (victims of trafficking): the manifest shows a discreet "PR" code (protection,
hand over to the protection focal point) and never the words "victim of trafficking"; the
travel letter, badge, receipt and occupancy sheet carry no protection information at all, and
the papers shown to officials name the organisation's office, never a protection shelter.
"""
from __future__ import annotations

import datetime as dt
import importlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from transit_centre.admin.settings import get_settings
from transit_centre.db.audit import audit_entry
from transit_centre.db.engine import Database
from transit_centre.db.models import Centre, Receipt
from transit_centre.documents import cash, people, returns
from transit_centre.documents.formatting import NUMERIC, Fmt, letterhead, reference
from transit_centre.documents.job import Job, Loaded
from transit_centre.enums import AuditAction
from transit_centre.errors import DomainError, NeedsConfirmation, ValidationError
from transit_centre.i18n import LANGUAGES, N_, _, format_date
from transit_centre.printing.base import Tr
from transit_centre.receipt_codes import SECRET_KEY, ReceiptCheck, receipt_secret, verify_receipt
from transit_centre.security.permissions import Actor, Permission

KINDS = ("registration", "consent", "return-declaration", "fit-to-travel", "receipt", "manifest",
         "travel-letter", "badge", "occupancy")
P = Permission


@dataclass(frozen=True)
class PrintedDocument:
    kind: str
    pdf: bytes
    filename: str
    title: str
    reprint: bool = False  # a receipt printed before: it carries DUPLICATA / COPY


_LOADERS: dict[str, tuple[Callable[[Job], Loaded], str]] = {
    "registration": (people.registration, "transit_centre.printing.registration"),
    "consent": (people.consent, "transit_centre.printing.consent"),
    "return-declaration": (returns.return_declaration, "transit_centre.printing.return_declaration"),
    "fit-to-travel": (returns.fit_to_travel, "transit_centre.printing.fit_to_travel"),
    "receipt": (cash.receipt, "transit_centre.printing.receipt"),
    "manifest": (returns.manifest, "transit_centre.printing.manifest"),
    "travel-letter": (returns.travel_letter, "transit_centre.printing.travel_letter"),
    "badge": (people.badge, "transit_centre.printing.badge"),
    "occupancy": (people.occupancy, "transit_centre.printing.occupancy"),
}

_TITLES = {
    "registration": N_("Registration form"),
    "consent": N_("Consent to the processing of personal data"),
    "return-declaration": N_("Return application and voluntary return declaration"),
    "fit-to-travel": N_("Fit-to-travel certificate"),
    "receipt": N_("Cash receipt"),
    "manifest": N_("Movement manifest"),
    "travel-letter": N_("Travel letter"),
    "badge": N_("Resident cards"),
    "occupancy": N_("Occupancy sheet"),
}


def _check(kind: str, record_id: Any, language: str) -> None:
    errors: dict[str, str] = {}
    if kind not in _LOADERS:
        errors["kind"] = _("Unknown document: {kind}. Choose one of: {kinds}.").format(
            kind=kind, kinds=", ".join(KINDS))
    if record_id is None or not str(record_id).strip() or len(str(record_id)) > 64:
        errors["record_id"] = _("Give the identifier or number of the record to print.")
    if language not in LANGUAGES:
        errors["language"] = _("The language must be fr or en.")
    if errors:
        raise ValidationError(errors)


def load_document(db: Database, actor: Actor, kind: str, record_id: Any, language: str = "fr",
                  day: dt.date | None = None, *, confirmed: bool = False,
                  reprint: bool | None = None) -> tuple[Any, str]:
    """The formatted data of a document and its file stem, with the print audited.

    Raises ``NeedsConfirmation`` (nothing audited) for a print the user should confirm.
    ``reprint``: whether a receipt is a copy (None: printed before, from the audit log)."""
    return _load(db, actor, kind, record_id, language, day, confirmed, reprint)[0:2]


def _load(db: Database, actor: Actor, kind: str, record_id: Any, language: str, day: dt.date | None,
          confirmed: bool, reprint: bool | None) -> tuple[Any, str, bool]:
    _check(kind, record_id, language)
    actor.require(P.PRINT)
    f = Fmt(language)
    loader, _module = _LOADERS[kind]
    if kind == "receipt":
        f.secret = receipt_secret(db)  # created outside the print transaction on the first receipt
    settings = get_settings(db)  # read before: one transaction per print, none inside it
    with db.transaction(actor) as s:
        loaded = loader(Job(s, settings, actor, record_id, f, day or dt.date.today(), confirmed, reprint))
        audit_entry(s, AuditAction.PRINT, loaded.entity, loaded.entity_id, centre_id=loaded.centre_id,
                    detail=f"{kind} ({language})")
    return loaded.data, loaded.stem, loaded.reprint


def render_document(db: Database, actor: Actor, kind: str, record_id: Any, language: str = "fr",
                    day: dt.date | None = None, *, confirmed: bool = False,
                    reprint: bool | None = None) -> PrintedDocument:
    """Load, check, audit and render one document (see ``load_document``)."""
    data, stem, reprint = _load(db, actor, kind, record_id, language, day, confirmed, reprint)
    module = importlib.import_module(_LOADERS[kind][1])
    pdf = module.render(data, language)
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-") or kind
    return PrintedDocument(kind, pdf, f"{safe}-{language}.pdf", Tr(language)(_TITLES[kind]), reprint)


def document_data(db: Database, actor: Actor, kind: str, record_id: Any, language: str = "fr") -> bytes:
    """The PDF bytes of one document (see ``render_document``)."""
    return render_document(db, actor, kind, record_id, language).pdf


def receipts_of_day(db: Database, actor: Actor, centre_id: uuid.UUID, day: dt.date) -> list[uuid.UUID]:
    """Ids of the receipts a centre issued on ``day`` (for printing them all at once)."""
    actor.require(P.PRINT, centre_id)
    actor.require(P.CASH_READ, centre_id)
    with db.transaction(actor, readonly=True) as s:
        return list(s.scalars(select(Receipt.id).where(Receipt.centre_id == centre_id, Receipt.issued_on == day)
                              .order_by(Receipt.sequence)))


def can_print(actor: Actor, kind: str) -> bool:
    """Whether the screens should offer this document to this user (the service checks again)."""
    needed = {"registration": P.PROTECTION_READ, "consent": P.RESIDENT_READ, "badge": P.RESIDENT_READ,
              "return-declaration": P.RETURN_READ, "travel-letter": P.RETURN_READ, "manifest": P.RETURN_READ,
              "fit-to-travel": P.SERVICE_READ, "receipt": P.CASH_READ, "occupancy": P.SHELTER_READ}
    return actor.can(P.PRINT) and kind in needed and actor.can(needed[kind])


def render_receipts_of_day(db: Database, actor: Actor, centre_id: uuid.UUID, day: dt.date, language: str = "fr",
                           progress: Callable[[int, int], bool] | None = None) -> PrintedDocument:
    """All the receipts a centre issued on ``day`` in one PDF (each print audited).

    ``progress(done, total)`` returning False stops the work (the user cancelled).
    """
    from transit_centre.printing.receipt import render_many

    ids = receipts_of_day(db, actor, centre_id, day)
    if not ids:
        raise DomainError(_("No receipt was issued on {date}.").format(date=format_date(day)))
    datas = []
    for n, receipt_id in enumerate(ids):
        if progress is not None and progress(n, len(ids)) is False:
            raise DomainError(_("Printing was cancelled."))
        datas.append(load_document(db, actor, "receipt", receipt_id, language, day)[0])
    f = Fmt(language)
    title = f.tr(N_("Cash receipts"))
    pdf = render_many(datas, reference(f, title, f.date(day, NUMERIC), actor), language)
    return PrintedDocument("receipt", pdf, f"receipts-{day.isoformat()}-{language}.pdf", title)


def render_recovery_sheet(db: Database, actor: Actor, code: str, language: str = "fr") -> PrintedDocument:
    """The recovery sheet of an encrypted database, printed when its recovery key is made (the
    code is not stored: it can be printed only then). Audited without the code."""
    from transit_centre.admin.centres import centre_by_code
    from transit_centre.admin.first_run import site_centre_code
    from transit_centre.printing.recovery_sheet import RecoverySheetData, render

    if language not in LANGUAGES:
        raise ValidationError({"language": _("Unknown language.")})
    f = Fmt(language)
    centre = centre_by_code(db, site_centre_code(db)) if site_centre_code(db) else None
    settings = get_settings(db)
    with db.transaction(actor) as s:
        head = letterhead(settings, actor, s.get(Centre, centre.id) if centre else None, f)
        audit_entry(s, AuditAction.PRINT, "database", None, detail=f"recovery sheet ({language})")
    title = f.tr(N_("Database recovery key"))
    data = RecoverySheetData(head=head, reference=reference(f, title, db.describe(), actor), code=code,
                             database=db.describe(), made_on=f.date(dt.date.today(), "long"),
                             made_by=actor.full_name or actor.username)
    return PrintedDocument("recovery-sheet", render(data, language), f"recovery-key-{language}.pdf", title)


__all__ = ["KINDS", "SECRET_KEY", "NeedsConfirmation", "PrintedDocument", "ReceiptCheck", "can_print",
           "document_data", "load_document", "receipt_secret", "receipts_of_day", "render_document",
           "render_receipts_of_day", "render_recovery_sheet", "verify_receipt"]

"""Loader of the cash receipt.

Money paid for a minor names the parent, guardian or escort who received it and signs. A
receipt printed again carries DUPLICATA / COPY and the day of the reprint (every print is in the
audit log, so the first one is the original). A void is explained in the receipt's language,
with the details as the user typed them.
"""
from __future__ import annotations

from sqlalchemy import func, select

from transit_centre.db.models import AuditEntry, Centre, Receipt, Resident
from transit_centre.documents.formatting import find, letterhead, person, reference
from transit_centre.documents.job import Job, Loaded
from transit_centre.enums import AuditAction
from transit_centre.i18n import N_, _
from transit_centre.printing import data as pd
from transit_centre.printing.qr import receipt_payload
from transit_centre.printing.words import amount_in_words
from transit_centre.security.permissions import Permission as P


def times_printed(session, receipt_id) -> int:  # noqa: ANN001
    """How often the receipt was printed before (the audit log holds every print)."""
    return int(session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.entity == "receipt", AuditEntry.entity_id == receipt_id,
        AuditEntry.action == AuditAction.PRINT)) or 0)


def receipt(job: Job) -> Loaded:
    from transit_centre.avrr.cash import receipt_view_in

    s, f = job.session, job.f
    found = find(s, Receipt, job.ref, Receipt.number, _("receipt"))
    job.require(P.CASH_READ, found.centre_id)
    view = receipt_view_in(s, found)
    r = s.scalar(select(Resident).where(Resident.case_number == view.resident_case_number))
    centre = s.get(Centre, found.centre_id)
    kind = f.label(view.grant_kind)
    if view.tranche_number and view.tranche_count and view.tranche_count > 1:
        kind += " – " + f.tr(N_("tranche {n} of {total}")).format(n=view.tranche_number, total=view.tranche_count)
    payload = receipt_payload(view.number, view.amount, f.secret)
    void_note = ""
    if view.voided:  # the reason chosen, in the receipt's language; the details as typed
        reason = f.label(view.void_code) if view.void_code else ""
        if view.void_reason:
            reason = f.tr(N_("{reason} ({details})")).format(reason=reason, details=view.void_reason) \
                if reason else view.void_reason
        void_note = f.tr(N_("Voided: {reason}.")).format(reason=reason or "–")
    reprint = job.reprint if job.reprint is not None else times_printed(s, found.id) > 0
    duplicate = ""
    if reprint:
        duplicate = f.tr.both(N_("COPY")) + " – " + f.tr(N_("reprinted on {date}")).format(
            date=f.date(job.day))
    recipient = ""
    if view.beneficiary_minor:
        recipient = view.received_by_name or ""
        if recipient and view.received_by_role is not None:
            recipient += f" ({f.label(view.received_by_role).lower()})"
    title = f.tr(N_("Cash receipt"))
    data = pd.ReceiptData(
        head=letterhead(job.settings, job.actor, centre, f), reference=reference(f, title, view.number, job.actor),
        number=view.number, person=person(f, r), amount_figures=f.xof(view.amount),
        amount_words=amount_in_words(view.amount, f.language), grant_kind=kind,
        issued_on=f.date(view.disbursed_on), cash_officer=view.cash_officer, qr_payload=payload,
        qr_code_text=payload.rsplit(":", 1)[1], method=f.label(view.method),
        mobile_money_reference=view.mobile_money_reference or "", case_reference=view.case_reference or "",
        voided=view.voided, void_note=void_note, replaced_by=view.replaced_by_number or "",
        beneficiary_minor=view.beneficiary_minor,
        beneficiary_age=str(view.beneficiary_age) if view.beneficiary_age is not None else "",
        received_by=recipient, duplicate=duplicate)
    return Loaded(data, found.centre_id, "receipt", found.id, f"receipt-{view.number}", reprint)

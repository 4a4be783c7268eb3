"""Receipt codes: the installation's checksum secret and the check of a scanned receipt QR code.

The secret is a random 32-byte key kept in the ``setting`` table under a key that is not in the
settings defaults (so it never appears on the settings screen); its creation is audited without
its value. See ``printing.qr`` for why the checksum is a keyed HMAC.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select

from transit_centre.db.audit import audit_entry
from transit_centre.db.engine import Database
from transit_centre.db.models import CashGrant, Disbursement, Receipt, Resident, Setting
from transit_centre.enums import AuditAction
from transit_centre.errors import DomainError
from transit_centre.i18n import _, format_date, format_xof
from transit_centre.printing.qr import verify_receipt_payload
from transit_centre.security.permissions import Actor, Permission

SECRET_KEY = "printing.receipt_secret"  # not in settings DEFAULTS: never shown on the settings screen
P = Permission


@dataclass(frozen=True)
class ReceiptCheck:
    """What a scanned receipt code says, compared with the ledger."""

    payload_valid: bool
    number: str = ""
    amount: int = 0
    in_ledger: bool = False
    amount_matches: bool = False
    voided: bool = False
    message: str = ""


def receipt_secret(db: Database) -> bytes:
    """The installation's secret for receipt checksums, created (audited, value not logged) on first use."""
    with db.transaction(None, readonly=True) as s:
        row = s.scalar(select(Setting).where(Setting.key == SECRET_KEY))
        if row is not None:
            return bytes.fromhex(str(row.value))
    try:
        with db.transaction(None, audit=False) as s:
            s.add(Setting(key=SECRET_KEY, value=secrets.token_hex(32)))
            s.flush()
            audit_entry(s, AuditAction.CREATE, "setting", None, field=SECRET_KEY,
                        detail="receipt checksum secret created (value not logged)")
    except DomainError:
        pass  # another session created it at the same moment: read theirs
    with db.transaction(None, readonly=True) as s:
        return bytes.fromhex(str(s.scalar(select(Setting.value).where(Setting.key == SECRET_KEY))))


def verify_receipt(db: Database, actor: Actor, payload: str) -> ReceiptCheck:
    """Check a scanned receipt code: checksum, then number and amount against the ledger."""
    actor.require(P.CASH_READ)
    checked = verify_receipt_payload(payload, receipt_secret(db))
    if checked is None:
        return ReceiptCheck(False, message=_("This code is not a genuine receipt code of this installation."))
    with db.transaction(actor, readonly=True) as s:
        receipt = s.scalar(select(Receipt).where(Receipt.number == checked.number))
        if receipt is None:
            return ReceiptCheck(True, checked.number, checked.amount,
                                message=_("The receipt {number} is not in the ledger.").format(number=checked.number))
        actor.require(P.CASH_READ, receipt.centre_id)
        matches = receipt.amount == checked.amount
        voided = receipt.voided_at is not None
        if not matches:
            message = _("The amount differs from the ledger: the code says {code}, the ledger {ledger}.").format(
                code=format_xof(checked.amount), ledger=format_xof(receipt.amount))
        elif voided:
            message = _("This receipt was voided.")
        else:  # everything the person checking compares with the paper
            disbursement = s.get(Disbursement, receipt.disbursement_id)
            resident = s.get(Resident, s.get(CashGrant, disbursement.grant_id).resident_id)
            payee = f"{resident.first_name} {resident.last_name} ({resident.case_number})"
            if disbursement.received_by_name:
                payee = _("{name}, received by {recipient}").format(name=payee, recipient=disbursement.received_by_name)
            message = _("The receipt matches the ledger: No. {number}, {amount}, paid on {date} to {payee}.").format(
                number=receipt.number, amount=format_xof(receipt.amount), date=format_date(disbursement.disbursed_on),
                payee=payee)
        return ReceiptCheck(True, checked.number, checked.amount, True, matches, voided, message)

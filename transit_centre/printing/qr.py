"""QR codes: the receipt payload with its checksum, and the QR drawing (reportlab's widget).

Receipt payload: ``TCR1:<receipt number>:<amount>:<checksum>``, e.g.
``TCR1:GAO-2026-R-000123:25000:9F2C41D07A6BE318`` (only characters of the QR alphanumeric mode,
so the code stays at version 3, 29×29 modules). The checksum is an HMAC-SHA256 of
``TCR1|number|amount``, keyed with a random secret of the installation (a setting created on the
first print) and truncated to 16 hex digits (64 bits).

Why a keyed HMAC rather than a plain SHA-256 over number|amount|centre: the algorithm is in
this open code, so anyone could compute a plain hash for a made-up receipt (say the same
number with a larger amount) and the scan would "confirm" the forgery. With the secret, only
the installation that holds the ledger can make a checksum that verifies; a scanned paper is
then checked against the ledger too (``documents.verify_receipt``). 64 bits keep the QR small
(version 3-4) and readable from a poor printer while leaving no practical chance to guess.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.platypus import Flowable

RECEIPT_PREFIX = "TCR1"
BADGE_PREFIX = "TCB1"
CHECKSUM_LENGTH = 16
SEP = ":"
_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,31}$")


@dataclass(frozen=True)
class ReceiptPayload:
    number: str
    amount: int
    checksum: str


def _checksum(number: str, amount: int, secret: bytes) -> str:
    message = f"{RECEIPT_PREFIX}|{number}|{amount}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:CHECKSUM_LENGTH].upper()


def receipt_payload(number: str, amount: int, secret: bytes) -> str:
    """The text the receipt's QR code holds."""
    if not _NUMBER.match(number or ""):
        raise ValueError("bad receipt number")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise ValueError("bad amount")
    if len(secret) < 16:
        raise ValueError("secret too short")
    return SEP.join((RECEIPT_PREFIX, number, str(amount), _checksum(number, amount, secret)))


def parse_receipt_payload(payload: str) -> ReceiptPayload | None:
    """Split a scanned payload; None when it is not a receipt code at all."""
    parts = (payload or "").strip().split(SEP)
    if len(parts) != 4 or parts[0] != RECEIPT_PREFIX:
        return None
    _prefix, number, amount, checksum = parts
    if not _NUMBER.match(number) or not amount.isdigit() or len(amount) > 12:
        return None
    if not re.fullmatch(r"[0-9A-F]{%d}" % CHECKSUM_LENGTH, checksum):
        return None
    return ReceiptPayload(number, int(amount), checksum)


def verify_receipt_payload(payload: str, secret: bytes) -> ReceiptPayload | None:
    """The receipt number and amount when the checksum matches; None when tampered or malformed."""
    parsed = parse_receipt_payload(payload)
    if parsed is None:
        return None
    expected = _checksum(parsed.number, parsed.amount, secret)
    return parsed if hmac.compare_digest(expected, parsed.checksum) else None


def badge_payload(case_number: str) -> str:
    """A resident badge holds only the case number (no name, no protection data)."""
    return f"{BADGE_PREFIX}{SEP}{case_number}"


_CACHE: dict[str, tuple[tuple[bool, ...], ...]] = {}


def _encoded(widget: QrCodeWidget) -> tuple[tuple[bool, ...], ...]:
    """The module matrix of the widget's payload, encoded once (both receipt copies share it)."""
    key = widget.value
    if key not in _CACHE:
        widget.qr.make()
        if len(_CACHE) > 256:
            _CACHE.clear()
        _CACHE[key] = tuple(tuple(bool(m) for m in row) for row in widget.qr.modules)
    return _CACHE[key]


class QrFlowable(Flowable):
    """A QR code encoded by reportlab's ``QrCodeWidget`` and drawn as one filled path.

    The widget's own ``draw`` re-encodes the data on every call and builds one shape per run of
    dark modules, which made a receipt take half a second; here the code is encoded once and
    painted in a single path (a receipt then renders in a few tens of milliseconds).
    """

    def __init__(self, payload: str, size: float, border: int = 2) -> None:
        super().__init__()
        self.widget = QrCodeWidget(payload, barLevel="M", barBorder=border, barWidth=size, barHeight=size)
        self.payload = self.widget.value
        self.width = self.height = size
        self.border = border

    def modules(self) -> tuple[tuple[bool, ...], ...]:
        return _encoded(self.widget)

    def draw(self) -> None:
        modules = self.modules()
        count = len(modules)
        box = self.width / (count + 2 * self.border)
        c = self.canv
        c.saveState()
        c.setFillColorRGB(0, 0, 0)
        path = c.beginPath()
        for r, row in enumerate(modules):
            y = self.height - (r + self.border + 1) * box
            col = 0
            while col < count:
                if row[col]:
                    start = col
                    while col < count and row[col]:
                        col += 1
                    path.rect((start + self.border) * box, y, (col - start) * box, box)
                else:
                    col += 1
        c.drawPath(path, stroke=0, fill=1)
        c.restoreState()


def qr_drawing(payload: str, size: float) -> QrFlowable:
    """A square flowable of ``size`` points holding the QR code of exactly ``payload``."""
    return QrFlowable(payload, size)

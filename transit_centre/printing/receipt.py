"""Cash receipt: two copies on one A4 page (resident / office) with a cut line between.

Each copy carries its own letterhead (they are separated after signing), the number, the
amount in figures and in words, and a QR code whose payload (number, amount, checksum) lets a
scan confirm that the paper matches the ledger. A voided receipt reprints with a large
ANNULÉ / VOID mark across both copies.
"""
from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepInFrame, PageBreak, Spacer, TableStyle

from transit_centre.i18n import N_
from transit_centre.printing.base import (
    Table,
    BLUE,
    FONT_BOLD,
    LINE,
    MARGIN,
    DocumentTemplate,
    SignatureBox,
    Tr,
    field_table,
    para,
    signature_row,
)
from transit_centre.printing.data import ReceiptData
from transit_centre.printing.qr import qr_drawing

QR_SIZE = 30 * mm
GAP = 8 * mm


class Letterhead(Flowable):
    """The page letterhead drawn inside one receipt copy."""

    def __init__(self, doc: DocumentTemplate, width: float) -> None:
        super().__init__()
        head = doc.head  # the name, then one line each for the other name, the address and the phone
        lines = sum(1 for extra in (head.organisation_other, head.address, head.phone) if extra)
        self.doc, self.width, self.height = doc, width, max(15 * mm, (6 + 3.6 * lines) * mm)

    def draw(self) -> None:
        self.doc.draw_letterhead(self.canv, 0, self.height, self.width, self.height)
        self.canv.setStrokeColor(BLUE)
        self.canv.setLineWidth(0.6)
        self.canv.line(0, 0.5 * mm, self.width, 0.5 * mm)


class CutLine(Flowable):
    def __init__(self, width: float, label: str) -> None:
        super().__init__()
        self.width, self.height, self.label = width, GAP, label

    def draw(self) -> None:
        c = self.canv
        c.setStrokeColor(LINE)
        c.setDash(3, 2)
        c.line(0, self.height / 2, self.width, self.height / 2)
        c.setDash()
        c.setFont("DejaVuSans", 6.5)
        c.setFillColor(colors.white)
        w = c.stringWidth(self.label, "DejaVuSans", 6.5) + 4 * mm
        c.rect(self.width / 2 - w / 2, self.height / 2 - 2 * mm, w, 4 * mm, stroke=0, fill=1)
        c.setFillColor(LINE)
        c.drawCentredString(self.width / 2, self.height / 2 - 0.8 * mm, self.label)


def _copy(data: ReceiptData, doc: DocumentTemplate, _: Tr, copy_label: str, width: float) -> list[Flowable]:
    p = data.person
    heading = Table([[para(_("Cash receipt"), "title"), para(copy_label, "right")],
                     [para(_("No. {number}").format(number=data.number), "value"),
                      para(data.duplicate, "alert_right") if data.duplicate else Spacer(0, 0)]],
                    colWidths=[width * 0.55, width * 0.45])
    heading.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                 ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("ALIGN", (0, 0), (0, -1), "LEFT")]))
    heading.setStyle(TableStyle([("FONTSIZE", (0, 0), (-1, -1), 9)]))
    if data.beneficiary_minor:  # paid to a parent, guardian or escort, who signs for the child
        fields = [(_("Beneficiary"), _("{name} (minor, {age} years)").format(name=p.full_name, age=data.beneficiary_age)),
                  (_("Received by"), data.received_by)]
    else:
        fields = [(_("Received by"), p.full_name)]
    fields += [(_("Case number"), p.case_number), (_("Grant"), data.grant_kind), (_("Date"), data.issued_on),
               (_("Payment method"), data.method)]
    if data.mobile_money_reference:
        fields.append((_("Mobile money reference"), data.mobile_money_reference))
    fields.append((_("Cash officer"), data.cash_officer))
    left_w = width - QR_SIZE - 6 * mm
    qr = Table([[qr_drawing(data.qr_payload, QR_SIZE)], [para(data.qr_code_text, "tiny")]],
               colWidths=[QR_SIZE + 4 * mm])
    qr.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                            ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0)]))
    body = Table([[field_table(fields, left_w, columns=1, label_ratio=0.3), qr]],
                 colWidths=[left_w + 2 * mm, QR_SIZE + 4 * mm])
    body.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    amount = Table([[para(_("Amount received"), "label"), para(data.amount_figures, "title")],
                    [para(_("In words"), "label"), para(data.amount_words, "value")]],
                   colWidths=[width * 0.22, width * 0.78])
    amount.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1, BLUE), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f3f6fb")),
                                ("ALIGN", (1, 0), (1, 0), "LEFT")]))
    out: list[Flowable] = [Letterhead(doc, width), Spacer(1, 2 * mm), heading, Spacer(1, 1 * mm), body,
                           Spacer(1, 2 * mm), amount, Spacer(1, 1.5 * mm)]
    if data.voided:
        note = data.void_note
        if data.replaced_by:
            note += " " + _("Replaced by receipt {number}.").format(number=data.replaced_by)
        out.append(para(note, "cell_bold"))
    if data.beneficiary_minor:
        out.append(para(_("I confirm that I received the amount written above for the minor named above."), "small"))
        out.append(Spacer(1, 1.5 * mm))
        third = width / 3 - 6
        out.append(signature_row([
            SignatureBox(_("Parent, guardian or escort (signature or thumbprint)"), third,
                         height=15 * mm, thumb_caption=_("Thumbprint"), name=data.received_by),
            SignatureBox(_("The minor (signature, if able)"), third, height=15 * mm, name=p.full_name),
            SignatureBox(_("Cash officer (signature)"), third, height=15 * mm, name=data.cash_officer),
        ], width))
        return out
    out.append(para(_("I confirm that I received the amount written above."), "small"))
    out.append(Spacer(1, 1.5 * mm))
    out.append(signature_row([
        SignatureBox(_("Signature or thumbprint of the resident"), width / 2 - 6, height=15 * mm,
                     thumb_caption=_("Thumbprint"), name=p.full_name),
        SignatureBox(_("Cash officer (signature)"), width / 2 - 6, height=15 * mm, name=data.cash_officer),
    ], width))
    return out


def _void_mark(label: str, voided_pages: set[int] | None = None):
    def draw(c: Canvas, doc: DocumentTemplate) -> None:
        if voided_pages is not None and c.getPageNumber() not in voided_pages:
            return
        width, height = doc.pagesize
        c.setFillColor(colors.Color(0.75, 0, 0.1, alpha=0.28))
        c.setFont(FONT_BOLD, 58)
        for centre_y in (height * 0.72, height * 0.29):
            c.saveState()
            c.translate(width / 2, centre_y)
            c.rotate(28)
            c.drawCentredString(0, -20, label)
            c.restoreState()
    return draw


def _page(data: ReceiptData, doc: DocumentTemplate, _: Tr) -> list[Flowable]:
    width = doc.frame_width
    half = (doc.frame_height - GAP) / 2 - 1
    copies: list[Flowable] = []
    for i, label in enumerate((_("Resident's copy"), _("Office copy"))):
        if i:
            copies.append(CutLine(width, _("Cut here")))
        copies.append(KeepInFrame(width, half, _copy(data, doc, _, label, width), mode="shrink"))
    return copies


def render(data: ReceiptData, language: str = "fr") -> bytes:
    _ = Tr(language)
    title = _("Cash receipt") + " " + data.number
    doc = DocumentTemplate(data.head, data.reference, language, title, header=False,
                           on_page_end=_void_mark(_.both(N_("VOID"))) if data.voided else None)
    return doc.build(_page(data, doc, _))


def render_many(receipts: list[ReceiptData], reference: str, language: str = "fr") -> bytes:
    """Several receipts in one PDF, one page each (printing all the receipts of a day)."""
    _ = Tr(language)
    if not receipts:
        raise ValueError("no receipt to print")
    voided = {n for n, r in enumerate(receipts, 1) if r.voided}
    doc = DocumentTemplate(receipts[0].head, reference, language, _("Cash receipts"), header=False,
                           on_page_end=_void_mark(_.both(N_("VOID")), voided))
    story: list[Flowable] = []
    for n, data in enumerate(receipts):
        if n:
            story.append(PageBreak())
        story += _page(data, doc, _)
    return doc.build(story)


__all__ = ["render", "render_many", "MARGIN"]

"""Resident cards: credit-card size (85.6 × 54 mm), ten per A4 page with cut guides.

A card shows the name, case number, nationality, photo (or an empty frame) and a QR code that
holds only the case number. No vulnerability or protection information: the card is worn.
"""
from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, TableStyle

from transit_centre.printing.base import (
    Table,
    BLUE,
    FONT,
    FONT_BOLD,
    GREY,
    DocumentTemplate,
    Tr,
    draw_image_in,
    fit_text,
    load_image,
    para,
)
from transit_centre.printing.data import BadgeData, BadgeEntry
from transit_centre.printing.qr import qr_drawing

CARD_W, CARD_H = 85.6 * mm, 54 * mm
PER_ROW, ROWS = 2, 4


class Card(Flowable):
    def __init__(self, entry: BadgeEntry, organisation: str, centre: str, _: Tr) -> None:
        super().__init__()
        self.entry, self.organisation, self.centre, self.tr = entry, organisation, centre, _
        self.width, self.height = CARD_W, CARD_H

    def draw(self) -> None:
        c, e, _ = self.canv, self.entry, self.tr
        c.setStrokeColor(colors.HexColor("#999999"))
        c.setLineWidth(0.5)
        c.setDash(2, 2)
        c.rect(0, 0, CARD_W, CARD_H)
        c.setDash()
        c.setFillColor(BLUE)
        c.rect(0, CARD_H - 9 * mm, CARD_W, 9 * mm, stroke=0, fill=1)
        c.setFillColor(colors.white)
        fit_text(c, self.organisation, 3 * mm, CARD_H - 4.2 * mm, CARD_W - 6 * mm, FONT_BOLD, 7)
        fit_text(c, self.centre, 3 * mm, CARD_H - 7.6 * mm, CARD_W - 6 * mm, FONT, 6.5)
        photo_w, photo_h = 20 * mm, 25 * mm
        px, py = 3 * mm, CARD_H - 11 * mm - photo_h
        c.setStrokeColor(GREY)
        c.rect(px, py, photo_w, photo_h)
        image = load_image(e.photo_path)
        if image is not None:
            draw_image_in(c, image, px + 0.5, py + 0.5, photo_w - 1, photo_h - 1)
        else:
            c.setFillColor(GREY)
            c.setFont(FONT, 6)
            c.drawCentredString(px + photo_w / 2, py + photo_h / 2, _("Photo"))
        qr = 20 * mm
        qr_drawing(e.qr_payload, qr).drawOn(c, CARD_W - qr - 2 * mm, 2 * mm)
        x = px + photo_w + 3 * mm
        name_w = CARD_W - x - 3 * mm
        name = para(e.full_name, "cell_bold")
        _w, h = name.wrap(name_w, 12 * mm)
        if h > 12 * mm:  # very long names: smaller type so the card never overflows
            name = para(e.full_name, "tiny")
            _w, h = name.wrap(name_w, 12 * mm)
        name.drawOn(c, x, CARD_H - 11 * mm - h)
        y = CARD_H - 13 * mm - h
        c.setFillColor(colors.black)
        fit_text(c, e.case_number, x, y - 3 * mm, name_w, FONT_BOLD, 9)
        y -= 7 * mm
        info_w = CARD_W - x - qr - 4 * mm
        for value in (e.nationality, " · ".join(v for v in (e.sex, e.date_of_birth) if v), e.valid_text,
                      e.valid_until):
            if value:
                c.setFillColor(GREY)
                fit_text(c, value, x, y, info_w, FONT, 6.5)
                y -= 3.4 * mm


def render(data: BadgeData, language: str = "fr") -> bytes:
    _ = Tr(language)
    title = _("Resident cards")
    doc = DocumentTemplate(data.head, data.reference, language, title)
    cards = [Card(e, data.head.organisation, data.head.centre, _) for e in data.badges]
    if not cards:
        return doc.build([para(_("No resident to print."), "body")])
    rows = [cards[i:i + PER_ROW] + [Spacer(0, 0)] * (PER_ROW - len(cards[i:i + PER_ROW]))
            for i in range(0, len(cards), PER_ROW)]
    gap = (doc.frame_width - PER_ROW * CARD_W) / PER_ROW
    table = Table(rows, colWidths=[CARD_W + gap] * PER_ROW, rowHeights=[CARD_H + 3 * mm] * len(rows))
    table.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return doc.build([table])

"""Fit-to-travel certificate, from the medical record, bilingual (shown to carriers and border
posts). It states the decision and its validity, never the clinical notes."""
from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, TableStyle

from transit_centre.i18n import N_
from transit_centre.printing.base import (
    DocumentTemplate,
    SignatureBox,
    Table,
    Tr,
    field_table,
    para,
    signature_row,
    text,
    title_block,
)
from transit_centre.printing.data import FitToTravelData

_COLOURS = {"fit": "#1b7f3b", "fit_with_escort": "#a66300", "not_fit": "#b00020", "expired": "#b00020"}
_REFUSED = ("not_fit", "expired")


def render(data: FitToTravelData, language: str = "fr") -> bytes:
    _ = Tr(language)
    title = _.both(N_("Fit-to-travel certificate"))
    doc = DocumentTemplate(data.head, data.reference, language, title)
    width = doc.frame_width
    p = data.person
    story: list[Flowable] = title_block(title)
    story.append(field_table([
        (_.both(N_("Name")), p.full_name), (_.both(N_("Case number")), p.case_number),
        (_.both(N_("Sex")), p.sex), (_.both(N_("Date of birth")), p.date_of_birth),
        (_.both(N_("Nationality")), p.nationality), (_.both(N_("Destination")), data.destination),
    ], width, columns=1, label_ratio=0.32))
    story.append(Spacer(1, 5 * mm))
    hex_colour = _COLOURS.get(data.status_code, "#333333")
    colour = colors.HexColor(hex_colour)
    headline = para(f'<font color="{hex_colour}">{text(data.status)}</font>', "decision", markup=True)
    decision_rows = [[para(_.both(N_("Medical decision")), "label")], [headline]]
    if data.note:
        decision_rows.append([para(data.note, "alert")])
    decision = Table(decision_rows, colWidths=[width])
    style = [("BOX", (0, 0), (-1, -1), 2.4 if data.status_code in _REFUSED else 1.2, colour),
             ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]
    if data.status_code in _REFUSED:
        style.append(("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fdecee")))
    decision.setStyle(TableStyle(style))
    story += [decision, Spacer(1, 5 * mm)]
    story.append(field_table([
        (_.both(N_("Assessed on")), data.assessed_on), (_.both(N_("Valid until")), data.valid_until),
        (_.both(N_("Assessed by")), data.provider),
    ], width, columns=1, label_ratio=0.32))
    story.append(Spacer(1, 4 * mm))
    story.append(para(_(
        "This certificate states only whether the person may travel. It does not contain any "
        "medical information; medical details stay confidential with the medical team."), "small"))
    story.append(para(_.in_other(
        "This certificate states only whether the person may travel. It does not contain any "
        "medical information; medical details stay confidential with the medical team."), "tiny"))
    story += [Spacer(1, 4 * mm), para(data.place_and_date, "body"), Spacer(1, 3 * mm)]
    story.append(KeepTogether([signature_row([SignatureBox(
        _.both(N_("Medical staff (name, signature and stamp)")), width / 2 - 6, height=28 * mm,
        name=data.provider)], width / 2)]))
    return doc.build(story)

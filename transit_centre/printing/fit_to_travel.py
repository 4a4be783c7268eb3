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
    title_block,
)
from transit_centre.printing.data import FitToTravelData

_COLOURS = {"fit": "#1b7f3b", "fit_with_escort": "#a66300", "not_fit": "#b00020"}


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
    decision = Table([[para(_.both(N_("Medical decision")), "label")], [para(data.status, "title")]],
                     colWidths=[width])
    decision.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 1.2, colors.HexColor(_COLOURS.get(data.status_code, "#333333"))),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
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

"""Movement manifest: every traveller of one departure, bilingual (escorts, carriers, border
posts and the receiving mission read it), with totals and the signatures of escort and manager.

Flags are short codes explained in the legend: a minor, a traveller needing an escort, and a
discreet protection code (PR) for victims of trafficking. The code does not say why, so the
paper can be shown at a border without exposing the person; the escort knows to hand them over
only to the receiving protection focal point.
"""
from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from transit_centre.i18n import N_
from transit_centre.printing.base import (
    DocumentTemplate,
    SignatureBox,
    TableWithClosing,
    Tr,
    field_table,
    para,
    signature_row,
    text,
    title_block,
)
from transit_centre.printing.data import ManifestData

FLAG_MINOR = "MIN"
FLAG_UNACCOMPANIED = "UAM"
FLAG_SEPARATED = "SEP"
FLAG_ESCORT = "ESC"
FLAG_PROTECTION = "PR"
FLAG_NOT_FIT = "NFT"


def legend(_: Tr) -> str:
    return "   ".join([
        f"{FLAG_MINOR}: " + _.both(N_("minor (under 18)")),
        f"{FLAG_UNACCOMPANIED}: " + _.both(N_("unaccompanied minor")),
        f"{FLAG_SEPARATED}: " + _.both(N_("minor separated from their family")),
        f"{FLAG_ESCORT}: " + _.both(N_("escort required")),
        f"{FLAG_PROTECTION}: " + _.both(N_("protection case, hand over only to the protection focal point")),
        f"{FLAG_NOT_FIT}: " + _.both(N_("fit-to-travel not valid on the departure date: do not board")),
    ])


def render(data: ManifestData, language: str = "fr") -> bytes:
    _ = Tr(language)
    title = _.both(N_("Movement manifest"))
    doc = DocumentTemplate(data.head, data.reference, language, title, landscape_pages=True)
    width = doc.frame_width
    story: list[Flowable] = title_block(title, data.movement_reference)
    story.append(field_table([
        (_.both(N_("Departure date")), data.departure_date), (_.both(N_("Mode")), data.mode),
        (_.both(N_("Route")), data.route), (_.both(N_("Carrier / flight")), data.carrier),
        (_.both(N_("Destination")), data.destination), (_.both(N_("Escorts")), ", ".join(data.escorts)),
    ], width, columns=3, label_ratio=0.34))
    story.append(Spacer(1, 4 * mm))
    fractions = [0.04, 0.24, 0.12, 0.09, 0.1, 0.12, 0.17, 0.12]
    header = ["#", _.both(N_("Name")), _.both(N_("Case number")), _.both(N_("Sex")),
              _.both(N_("Date of birth")), _.both(N_("Nationality")), _.both(N_("Travel document")),
              _.both(N_("Flags"))]
    rows = [(t.number, t.full_name, t.case_number, t.sex, t.date_of_birth, t.nationality, t.document, t.flags)
            for t in data.travellers]
    closing: list[Flowable] = [Spacer(1, 2 * mm), para(legend(_), "tiny"), Spacer(1, 3 * mm)]
    if data.warnings:
        closing.append(para(_.both(N_("Fit-to-travel not valid on the departure date")) + ": "
                            + "; ".join(data.warnings), "alert"))
        closing.append(Spacer(1, 2 * mm))
    totals = "   ".join(f"<b>{text(label)}</b> {text(value)}" for label, value in data.totals)
    closing += [para(totals, "body", markup=True), Spacer(1, 5 * mm)]
    escort_name = ", ".join(data.escorts)
    closing.append(signature_row([
        SignatureBox(_.both(N_("Escort (name and signature)")), width / 3 - 8, name=escort_name,
                     date_label=_.both(N_("Date:"))),
        SignatureBox(_.both(N_("Centre manager (name and signature)")), width / 3 - 8,
                     name=data.centre_manager, date_label=_.both(N_("Date:"))),
        SignatureBox(_.both(N_("Received by (receiving mission)")), width / 3 - 8,
                     date_label=_.both(N_("Date:"))),
    ], width))
    story.append(TableWithClosing(header, rows, [width * f for f in fractions], closing))
    return doc.build(story)

"""Travel (return) letter for one traveller, for border and transport authorities; bilingual.

It names the person, their document and journey and asks the authorities to let them pass.
It deliberately says nothing of vulnerabilities or protection status: this paper is carried
by the traveller and shown to strangers, so a victim of trafficking must not be exposed by it.
"""
from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from transit_centre.i18n import N_
from transit_centre.printing.base import (
    DocumentTemplate,
    SignatureBox,
    Tr,
    field_table,
    para,
    signature_row,
    title_block,
)
from transit_centre.printing.data import TravelLetterData

BODY = N_(
    "The International Organization for Migration (IOM) certifies that the person named above is "
    "returning voluntarily to {destination} with its assistance, on the journey described below. "
    "IOM kindly asks the border, police and transport authorities to allow this person to travel "
    "and to give them any help they may need.")
CONTACT = N_("For any question about this letter, please contact the IOM office: {contact}.")


def render(data: TravelLetterData, language: str = "fr") -> bytes:
    _ = Tr(language)
    title = _.both(N_("Travel letter"))
    doc = DocumentTemplate(data.head, data.reference, language, title)
    width = doc.frame_width
    p = data.person
    story: list[Flowable] = title_block(title, _.both(N_("To the border, police and transport authorities")))
    story.append(field_table([
        (_.both(N_("Name")), p.full_name), (_.both(N_("Sex")), p.sex),
        (_.both(N_("Date of birth")), p.date_of_birth), (_.both(N_("Nationality")), p.nationality),
        (_.both(N_("Travel document")), data.document), (_.both(N_("IOM case number")), p.case_number),
    ], width, columns=1, label_ratio=0.33))
    story.append(Spacer(1, 4 * mm))
    for tr, style, destination in ((_, "body", data.destination_sentence),
                                   (Tr(_.other), "small", data.destination_sentence_other)):
        story.append(para(tr(BODY).format(destination=destination or "…"), style))
        story.append(Spacer(1, 2 * mm))
    story.append(para(_.both(N_("Journey")), "h2"))
    story.append(field_table([
        (_.both(N_("Departure date")), data.departure_date), (_.both(N_("Mode")), data.mode),
        (_.both(N_("Route")), data.route), (_.both(N_("Carrier / flight")), data.carrier),
        (_.both(N_("Destination")), data.destination), (_.both(N_("Movement")), data.movement_reference),
        (_.both(N_("Escort")), data.escort),
    ], width, columns=1, label_ratio=0.33))
    story.append(Spacer(1, 3 * mm))
    story.append(para(_(CONTACT).format(contact=data.contact or data.head.organisation), "small"))
    story.append(para(_.in_other(CONTACT).format(contact=data.contact or data.head.organisation), "tiny"))
    story += [Spacer(1, 4 * mm), para(data.place_and_date, "body"), Spacer(1, 3 * mm)]
    story.append(KeepTogether([signature_row([SignatureBox(
        _.both(N_("For IOM (name, signature and stamp)")), width / 2 - 6, height=28 * mm,
        name=data.signatory)], width / 2)]))
    return doc.build(story)

"""Consent to data processing: plain-language text read to the resident, signature or thumbprint."""
from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from transit_centre.printing.base import (
    DocumentTemplate,
    SignatureBox,
    Tr,
    field_table,
    para,
    signature_row,
    title_block,
)
from transit_centre.printing.data import ConsentData


def render(data: ConsentData, language: str = "fr") -> bytes:
    _ = Tr(language)
    title = _("Consent to the processing of personal data")
    doc = DocumentTemplate(data.head, data.reference, language, title)
    width = doc.frame_width
    p = data.person
    story: list[Flowable] = title_block(title, _("Case number {number}").format(number=p.case_number))
    story.append(field_table([
        (_("Name"), p.full_name), (_("Case number"), p.case_number),
        (_("Date of birth"), p.date_of_birth), (_("Nationality"), p.nationality),
    ], width))
    story.append(para(_("What this paper says"), "h2"))
    points = [
        _("{organisation} writes down your name, date of birth, nationality, documents and the help "
          "you receive, so that it can give you shelter, care and help to go home.").format(
            organisation=data.organisation or data.head.organisation),
        _("Only the staff who work on your file can see it. Medical and psychological notes are seen "
          "only by the doctor, nurse or counsellor."),
        _("Your information is shared with another organisation (for example a hospital, a "
          "protection service or the authorities of your country) only when it is needed to help "
          "you, and only what is needed."),
        _("You can ask to see your information and to correct it. You can change your mind about "
          "sharing at any time; this will not stop the help you receive in the centre."),
        _("Your file is kept safely and is not sold or given to anyone for other purposes."),
    ]
    for point in points:
        story.append(para("• " + point, "body"))
        story.append(Spacer(1, 1.5 * mm))
    story.append(para(_("Declaration"), "h2"))
    story.append(para(_("This text was read and explained to me in a language I understand. I agree "
                        "that my information is recorded and used as written above."), "body"))
    if data.consent_status:
        story += [Spacer(1, 1.5 * mm), para(data.consent_status, "small")]
    story.append(Spacer(1, 2 * mm))
    story.append(para(data.place_and_date, "body"))
    story.append(Spacer(1, 3 * mm))
    resident = SignatureBox(_("Signature or thumbprint of the resident"), width / 2 - 6,
                            thumb_caption=_("Thumbprint"), name=p.full_name)
    staff = SignatureBox(_("Staff member who explained the text (name and signature)"), width / 2 - 6,
                         name=data.head.printed_by)
    rows: list[Flowable] = [signature_row([resident, staff], width)]
    if data.is_minor:
        rows += [Spacer(1, 3 * mm), signature_row([SignatureBox(
            _("Parent or guardian (name, signature or thumbprint)"), width / 2 - 6,
            thumb_caption=_("Thumbprint"))], width / 2)]
    story.append(KeepTogether(rows))
    return doc.build(story)

"""Registration form: biodata, identity documents, vulnerabilities, consent, signature or thumbprint.

Kept in the resident's physical file (an internal protection-team document), so it lists the
vulnerabilities recorded at registration.
"""
from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, TableStyle

from transit_centre.printing.base import (
    Table,
    DocumentTemplate,
    SignatureBox,
    Tr,
    draw_image_in,
    field_table,
    grid_table,
    load_image,
    para,
    signature_row,
    title_block,
)
from transit_centre.printing.data import RegistrationData

PHOTO_W, PHOTO_H = 30 * mm, 38 * mm


class PhotoBox(Flowable):
    """The resident's photo, or an empty frame to glue one in."""

    def __init__(self, path: str, caption: str) -> None:
        super().__init__()
        self.image = load_image(path)
        self.caption = caption
        self.width, self.height = PHOTO_W, PHOTO_H

    def draw(self) -> None:
        c = self.canv
        c.setLineWidth(0.6)
        c.rect(0, 0, PHOTO_W, PHOTO_H)
        if self.image is not None:
            draw_image_in(c, self.image, 1, 1, PHOTO_W - 2, PHOTO_H - 2)
        else:
            c.setFont("DejaVuSans", 7)
            c.drawCentredString(PHOTO_W / 2, PHOTO_H / 2, self.caption)


def render(data: RegistrationData, language: str = "fr") -> bytes:
    _ = Tr(language)
    title = _("Registration form")
    doc = DocumentTemplate(data.head, data.reference, language, title)
    width = doc.frame_width
    p = data.person
    story: list[Flowable] = title_block(title, _("Case number {number}").format(number=p.case_number))

    identity = field_table([
        (_("Last name"), data.last_name), (_("First name"), data.first_name),
        (_("Other names"), data.other_names), (_("Sex"), p.sex),
        (_("Date of birth"), p.date_of_birth), (_("Age"), data.age), (_("Place of birth"), p.place_of_birth),
        (_("Nationality"), p.nationality), (_("Languages spoken"), data.languages),
        (_("Telephone"), data.phone), (_("Household"), data.household),
    ], width - PHOTO_W - 4 * mm, columns=1, label_ratio=0.3)
    top = Table([[identity, PhotoBox(p.photo_path, _("Photo"))]],
                colWidths=[width - PHOTO_W - 4 * mm, PHOTO_W + 4 * mm])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                             ("RIGHTPADDING", (0, 0), (0, 0), 4 * mm), ("ALIGN", (1, 0), (1, 0), "RIGHT")]))
    story += [para(_("Identity"), "h2"), top]

    story += [para(_("Stay in the centre"), "h2"), field_table([
        (_("Registered on"), data.registered_on), (_("Arrival"), data.arrival),
        (_("Arrived from"), data.arrived_from), (_("Bed"), data.bed),
    ], width)]

    story.append(para(_("Identity documents"), "h2"))
    if data.documents:
        story.append(grid_table(
            [_("Document"), _("Number"), _("Issuing country"), _("Issued on"), _("Expires on")],
            [(d.kind, d.number, d.country, d.issued, d.expires) for d in data.documents],
            [width * 0.26, width * 0.22, width * 0.2, width * 0.16, width * 0.16]))
    else:
        story.append(para(_("No identity document recorded."), "small"))

    story.append(para(_("Vulnerabilities"), "h2"))
    story.append(para(", ".join(data.vulnerabilities) if data.vulnerabilities
                      else _("None recorded."), "body"))

    consent_text = para(_(
        "I confirm that the information above is correct. I have been told why it is collected, "
        "who may see it and that I may ask to see or correct it. I agree that it is recorded to "
        "give me assistance."), "small")
    resident = SignatureBox(_("Signature or thumbprint of the resident"), width / 2 - 6,
                            thumb_caption=_("Thumbprint"), name=p.full_name, date_label=_("Date:"))
    staff = SignatureBox(_("Registered by (name and signature)"), width / 2 - 6,
                         name=data.registered_by, date_label=_("Date:"))
    rows = [signature_row([resident, staff], width)]
    if data.is_minor:
        third = width / 3 - 6
        resident = SignatureBox(_("Signature or thumbprint of the resident"), third,
                                thumb_caption=_("Thumbprint"), name=p.full_name, date_label=_("Date:"))
        guardian = SignatureBox(_("Parent or guardian (name, signature or thumbprint)"), third,
                                thumb_caption=_("Thumbprint"), date_label=_("Date:"))
        staff = SignatureBox(_("Registered by (name and signature)"), third,
                             name=data.registered_by, date_label=_("Date:"))
        rows = [signature_row([resident, guardian, staff], width)]
    story.append(KeepTogether([
        para(_("Consent and declaration"), "h2"),
        para(data.consent, "body"), Spacer(1, 1.5 * mm), consent_text, Spacer(1, 3 * mm),
        *rows,
    ]))
    return doc.build(story)

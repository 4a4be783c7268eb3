"""Return application and voluntary return declaration: signed by the resident, the caseworker
and, for a minor, the parent or guardian."""
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
from transit_centre.printing.data import ReturnDeclarationData


def render(data: ReturnDeclarationData, language: str = "fr") -> bytes:
    _ = Tr(language)
    title = _("Return application and voluntary return declaration")
    doc = DocumentTemplate(data.head, data.reference, language, title)
    width = doc.frame_width
    p = data.person
    story: list[Flowable] = title_block(title, _("Return case {reference}").format(reference=data.case_reference))
    story.append(para(_("Applicant"), "h2"))
    story.append(field_table([
        (_("Name"), p.full_name), (_("Case number"), p.case_number),
        (_("Sex"), p.sex), (_("Date of birth"), p.date_of_birth),
        (_("Nationality"), p.nationality), (_("Travel document"), data.travel_document),
    ], width))
    story.append(para(_("Return requested"), "h2"))
    story.append(field_table([
        (_("Type of return"), data.return_type), (_("Case opened on"), data.opened_on),
        (_("Destination"), data.destination), (_("Caseworker"), data.caseworker),
    ], width))
    story.append(para(_("Application"), "h2"))
    story.append(para(_(
        "I, the undersigned {name}, ask the International Organization for Migration to help me "
        "return to {destination}.").format(name=p.full_name, destination=data.destination_sentence or "…"),
        "body"))
    story.append(para(_("Voluntary return declaration"), "h2"))
    for line in (
        _("I declare that I return of my own free will. Nobody forced me or promised me anything to "
          "make this decision."),
        _("I was informed of my options, of the help I may receive on the journey and after my "
          "arrival, and of the conditions in my place of return."),
        _("I understand that I may change my mind until the day of departure, and that the help "
          "given for the return is then no longer due."),
        _("I agree that the information needed for my return is shared with the authorities and the "
          "partners organising my journey and my arrival."),
    ):
        story += [para("• " + line, "body"), Spacer(1, 1.2 * mm)]
    story += [Spacer(1, 2 * mm), para(data.place_and_date, "body"), Spacer(1, 3 * mm)]
    count = 3 if data.is_minor else 2
    box_w = width / count - 6
    boxes = [SignatureBox(_("Signature or thumbprint of the resident"), box_w, thumb_caption=_("Thumbprint"),
                          name=p.full_name)]
    if data.is_minor:
        boxes.append(SignatureBox(_("Parent or guardian (name, signature or thumbprint)"), box_w,
                                  thumb_caption=_("Thumbprint")))
    boxes.append(SignatureBox(_("Caseworker (name and signature)"), box_w, name=data.caseworker))
    story.append(KeepTogether([signature_row(boxes, width)]))
    return doc.build(story)

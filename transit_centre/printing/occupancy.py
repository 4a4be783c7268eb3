"""Occupancy sheet of one night for the night guard: who sleeps where, with a tick column for
the night round. Internal, but seen by guards: no vulnerability or protection information."""
from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from transit_centre.printing.base import (
    DocumentTemplate,
    SignatureBox,
    TableWithClosing,
    Tr,
    para,
    signature_row,
    text,
    title_block,
)
from transit_centre.printing.data import OccupancyData


def render(data: OccupancyData, language: str = "fr") -> bytes:
    _ = Tr(language)
    title = _("Occupancy sheet")
    doc = DocumentTemplate(data.head, data.reference, language, title)
    width = doc.frame_width
    story: list[Flowable] = title_block(title, _("Night of {date}").format(date=data.night_of))
    if data.summary:
        story.append(para("   ".join(f"<b>{text(k)}</b> {text(v)}" for k, v in data.summary), "body", markup=True))
        story.append(Spacer(1, 3 * mm))
    fractions = [0.1, 0.07, 0.25, 0.15, 0.06, 0.06, 0.11, 0.12, 0.08]
    header = [_("Room"), _("Bed"), _("Name"), _("Case number"), _("Sex"), _("Age"), _("Nationality"),
              _("Arrival"), _("Present")]
    rows = [(r.room, r.bed, r.full_name, r.case_number, r.sex, r.age, r.nationality, r.arrival, "☐")
            for r in data.rows]
    guard = [Spacer(1, 5 * mm), para(_("Notes of the night round"), "h2"), Spacer(1, 18 * mm),
             signature_row([SignatureBox(_("Night guard (name and signature)"), width / 2 - 6, height=16 * mm,
                                         date_label=_("Time of round:"))], width / 2)]
    if rows:
        story.append(TableWithClosing(header, rows, [width * f for f in fractions], guard))
    else:
        story += [para(_("Nobody is staying in the centre this night."), "body"), *guard]
    return doc.build(story)

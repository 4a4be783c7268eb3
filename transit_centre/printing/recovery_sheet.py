"""The recovery sheet: the database's recovery key, printed once when the encrypted database is
made, for the centre's safe. With it, an administrator opens the database (or restores a backup)
when every password is lost; without it and without a password, nobody can."""
from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, TableStyle

from transit_centre.printing.base import (
    BLUE,
    DocumentTemplate,
    Table,
    Tr,
    field_table,
    para,
    title_block,
)
from transit_centre.printing.data import Letterhead


@dataclass(frozen=True)
class RecoverySheetData:
    head: Letterhead
    reference: str
    code: str  # "ABCDE-FGHJK-..."
    database: str  # where the database file is
    made_on: str
    made_by: str


def render(data: RecoverySheetData, language: str = "fr") -> bytes:
    _ = Tr(language)
    title = _("Database recovery key")
    doc = DocumentTemplate(data.head, data.reference, language, title)
    width = doc.frame_width
    story: list[Flowable] = title_block(title, _("Keep this sheet in the centre's safe. Do not photograph it, "
                                                 "do not keep it with the computer."))
    box = Table([[para(_("Recovery key"), "label")], [para(data.code, "decision")]], colWidths=[width])
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.6, BLUE), ("TOPPADDING", (0, 0), (-1, -1), 6),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                             ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f3f6fb"))]))
    story += [box, Spacer(1, 5 * mm)]
    story.append(field_table([(_("Database"), data.database), (_("Made on"), data.made_on),
                              (_("Made by"), data.made_by)], width, columns=1, label_ratio=0.25))
    story.append(para(_("What it is for"), "h2"))
    for line in (
        _("The database of this centre is encrypted: a stolen laptop or a lost backup shows nothing readable. "
          "Each user's password opens it; this key opens it too, when no password is left."),
        _("To use it: in the sign-in window choose \u201cI have the recovery key\u201d and give an account a new "
          "password, or restore a backup (Administration > Backups, or the command transit-centre restore FILE "
          "--recovery-key) and answer with this key."),
        _("Anyone who holds this key and a copy of the database can read everything in it. If the sheet is "
          "lost or seen by someone else, an administrator makes a new recovery key (Administration > Backups)."),
    ):
        story += [para("• " + line, "body"), Spacer(1, 1.5 * mm)]
    return doc.build(story)

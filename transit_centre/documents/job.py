"""What a document loader receives and returns (one print, inside its audited transaction)."""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from transit_centre.documents.formatting import Fmt
from transit_centre.security.permissions import Actor, Permission


@dataclass
class Job:
    session: Session
    settings: dict[str, Any]  # the administrator's settings, read before the print's transaction
    actor: Actor
    ref: Any  # uuid or human reference of the record
    f: Fmt
    day: dt.date  # the print day (the night of an occupancy sheet)
    confirmed: bool = False  # the user already answered the question of a ``NeedsConfirmation``
    # A receipt printed before is a copy; the preview decides once and keeps it across languages.
    reprint: bool | None = None

    def require(self, permission: Permission, centre_id: uuid.UUID | None) -> None:
        self.actor.require(Permission.PRINT, centre_id)
        self.actor.require(permission, centre_id)


@dataclass(frozen=True)
class Loaded:
    data: Any  # the template's dataclass (``printing.data``)
    centre_id: uuid.UUID | None
    entity: str  # what the audit entry of the print names
    entity_id: uuid.UUID
    stem: str  # the file name, before the language and extension
    reprint: bool = False  # a receipt printed before (DUPLICATA / COPY)

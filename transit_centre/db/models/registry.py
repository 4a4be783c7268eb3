"""The word index behind search-as-you-type: one row per (resident, word of the search text).

Derived data, rebuilt from ``Resident.search_text`` whenever a resident is inserted or its
search text changes (mapper events below, so every writer keeps it right). A prefix range on
the indexed ``token`` finds "tra" -> "traore" among 100,000 residents in milliseconds, where a
LIKE '%tra%' would read the whole table. Not an ``Entity``: no audit, no version.
"""
from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy import ForeignKey, Index, String, delete, event, insert
from sqlalchemy.orm import Mapped, mapped_column

from transit_centre.db.base import Base
from transit_centre.db.models.core import Resident

TOKEN_LENGTH = 64
_DIGITS = re.compile(r"^\+?\d+$")


class ResidentToken(Base):
    __tablename__ = "resident_token"
    __table_args__ = (Index("ix_resident_token_token", "token", "resident_id"),)

    resident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resident.id"), primary_key=True)
    token: Mapped[str] = mapped_column(String(TOKEN_LENGTH), primary_key=True)


def tokens_for(search_text: str | None) -> set[str]:
    """The words of a search text, plus what people type for the middle of a word: the parts
    of a case number after each hyphen ("00042") and the tail of a phone or document number
    ("76123456" in "22376123456")."""
    result: set[str] = set()
    for word in (search_text or "").split():
        word = word[:TOKEN_LENGTH]
        result.add(word)
        if "-" in word:
            parts = word.split("-")
            for i in range(1, len(parts)):
                tail = "-".join(parts[i:])
                if tail:
                    result.add(tail)
        if _DIGITS.match(word) and len(word) > 4:
            for i in range(1, len(word) - 3):
                result.add(word[i:])
    return result


def write_tokens(connection: Any, resident_id: uuid.UUID, search_text: str | None) -> None:
    connection.execute(delete(ResidentToken).where(ResidentToken.resident_id == resident_id))
    rows = [{"resident_id": resident_id, "token": t} for t in sorted(tokens_for(search_text))]
    if rows:
        connection.execute(insert(ResidentToken), rows)


@event.listens_for(Resident, "after_insert")
def _after_insert(mapper: Any, connection: Any, target: Resident) -> None:
    write_tokens(connection, target.id, target.search_text)


@event.listens_for(Resident, "after_update")
def _after_update(mapper: Any, connection: Any, target: Resident) -> None:
    from sqlalchemy import inspect

    if inspect(target).attrs.search_text.history.has_changes():
        write_tokens(connection, target.id, target.search_text)

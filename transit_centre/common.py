"""Small pieces every service uses: text folding, record lookup, version checks, numbering."""
from __future__ import annotations

import re
import unicodedata
import uuid
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from transit_centre.db.models import Counter
from transit_centre.errors import ConflictError, NotFound, ValidationError
from transit_centre.i18n import _

T = TypeVar("T")
_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case, accents removed, spaces squeezed: "  Aïssata TRAORÉ " -> "aissata traore"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def clean(text: str | None, max_length: int | None = None) -> str | None:
    """Trim a free-text input; empty becomes None. Control characters are removed."""
    if text is None:
        return None
    text = "".join(ch for ch in str(text) if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    text = text.strip()
    if not text:
        return None
    if max_length is not None and len(text) > max_length:
        raise ValueError(max_length)
    return text


def get(session: Session, model: type[T], record_id: uuid.UUID | str | None, what: str | None = None) -> T:
    """Load a record by id or raise ``NotFound`` with a readable message."""
    if isinstance(record_id, str):
        try:
            record_id = uuid.UUID(record_id)
        except ValueError:
            record_id = None
    obj = session.get(model, record_id) if record_id is not None else None
    if obj is None:
        raise NotFound(_("The {what} was not found.").format(what=what or _("record")))
    return obj


def check_version(obj: Any, expected_version: int | None) -> None:
    """Refuse an edit made on a stale copy (someone saved the record since it was read)."""
    if expected_version is not None and obj.version != expected_version:
        raise ConflictError(_(
            "This record was changed by someone else since you opened it. "
            "Reload it and make your change again."
        ))


def upsert_insert(session: Session) -> Any:
    """The dialect's ``insert`` (with ``on_conflict_do_nothing``); imported when first needed:
    the PostgreSQL dialect costs a twentieth of a second to import, on every start."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def next_number(session: Session, centre_id: uuid.UUID, kind: str, year: int) -> int:
    """The next gap-free number for (centre, kind, year), safe under concurrent sessions.

    The counter row is created if missing (ON CONFLICT DO NOTHING), then locked (FOR UPDATE on
    PostgreSQL; SQLite transactions are already serialised by BEGIN IMMEDIATE).
    """
    insert = upsert_insert(session)
    session.execute(
        insert(Counter)
        .values(id=uuid.uuid4(), centre_id=centre_id, kind=kind, year=year, last_value=0)
        .on_conflict_do_nothing(index_elements=["centre_id", "kind", "year"])
    )
    counter = session.execute(
        select(Counter)
        .where(Counter.centre_id == centre_id, Counter.kind == kind, Counter.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    counter.last_value += 1
    session.flush()
    return counter.last_value


class Errors:
    """Collects field messages during validation, then raises them all at once."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def text(self, field: str, value: Any, *, required: bool = False, max_length: int = 200) -> str | None:
        try:
            result = clean(value, max_length)
        except ValueError:
            self.add(field, _("At most {n} characters.").format(n=max_length))
            return None
        if required and not result:
            self.add(field, _("This field is required."))
        return result

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def as_uuid(value: object) -> uuid.UUID | None:
    """An id given as UUID or text; None when it is not a valid id (then "not found")."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value).strip())
    except (TypeError, ValueError, AttributeError):
        return None

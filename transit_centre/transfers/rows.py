"""Records to and from a transfer file: each row as its columns' values in JSON, read back by the
columns' own types (dates, times, UUIDs, enums), so that the receiving centre stores exactly
what the sending centre had, with the same ids."""
from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

from sqlalchemy import Date, DateTime, Uuid, inspect

from transit_centre.db.base import StrEnum


def row_to_json(record: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for attr in inspect(type(record)).column_attrs:
        value = getattr(record, attr.key)
        if isinstance(value, enum.Enum):
            value = value.value
        elif isinstance(value, (uuid.UUID, dt.date, dt.datetime)):
            value = value.isoformat() if not isinstance(value, uuid.UUID) else str(value)
        values[attr.key] = value
    return values


def _read(column: Any, value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, StrEnum):
        return kind.enum_class(value)
    if isinstance(kind, Uuid) or getattr(kind, "impl", None).__class__ is Uuid:
        return uuid.UUID(str(value))
    if isinstance(kind, DateTime) or isinstance(getattr(kind, "impl", None), DateTime):
        moment = dt.datetime.fromisoformat(str(value))
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
    if isinstance(kind, Date):
        return dt.date.fromisoformat(str(value))
    return value


def json_to_values(model: type, row: dict[str, Any]) -> dict[str, Any]:
    """The attribute values of ``model`` read from ``row`` (unknown keys ignored: a newer sender)."""
    mapper = inspect(model)
    values = {}
    for attr in mapper.column_attrs:
        if attr.key in row:
            values[attr.key] = _read(attr.columns[0], row[attr.key])
    return values

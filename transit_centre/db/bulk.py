"""Writing many rows at once (demo data, imports): ``INSERT`` with executemany, no ORM.

``insert_rows`` stores exactly what a Core ``insert()`` would (each column's own bind
processor: UUIDs, UTC datetimes, enums, JSON), but on SQLite it converts the values itself
and hands plain tuples to the driver's ``executemany``: SQLAlchemy's per-row parameter
handling costs more than SQLite's insert. Values that repeat (the same creation time, enum
values, dates) are converted once. Other databases go through Core's executemany.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Table, Uuid, insert
from sqlalchemy.engine import Connection

BATCH = 5000


def complete(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same keys in every row (executemany needs them): a column some rows leave out gets
    its scalar default, or NULL, in those."""
    keys: set[str] = set()
    for row in rows:
        keys.update(row)
    if all(len(row) == len(keys) for row in rows):
        return rows
    defaults = {}
    for key in keys:
        default = table.c[key].default
        defaults[key] = default.arg if default is not None and default.is_scalar else None
    return [row if len(row) == len(keys) else {**defaults, **row} for row in rows]


class _SqliteInsert:
    """``INSERT INTO table (columns) VALUES (?, ...)`` for one set of keys, with the columns'
    converters."""

    def __init__(self, connection: Connection, table: Table, keys: Iterable[str]) -> None:
        dialect = connection.dialect
        given = list(keys)
        defaults: dict[str, Any] = {}
        for column in table.columns:
            if column.key in given or column.server_default is not None:
                continue
            default = column.default
            if default is not None and not default.is_scalar:
                raise _NeedsCore(column.key)  # a computed default: let Core compute it
            if default is not None and default.arg is not None:
                defaults[column.key] = default.arg
        self.keys = given
        self.defaults = defaults
        columns = given + list(defaults)
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(
            dialect.identifier_preparer.format_table(table),
            ", ".join(dialect.identifier_preparer.quote(table.c[k].name) for k in columns),
            ", ".join("?" for _ in columns))
        self.converters = [_converter(table.c[k].type, dialect) for k in given]
        self.constants = [_converter(table.c[k].type, dialect)(v) for k, v in defaults.items()]

    def tuples(self, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        """Column by column (C loops), then zipped into rows."""
        columns: list[Any] = []
        for key, convert in zip(self.keys, self.converters):
            values = map(itemgetter(key), rows)
            columns.append(list(values if convert is None else map(convert, values)))
        columns += [[value] * len(rows) for value in self.constants]
        return list(zip(*columns))


class _NeedsCore(Exception):
    pass


def _converter(type_: Any, dialect: Any) -> Callable[[Any], Any] | None:
    """The column's own bind processor (None: values go as they are); values that repeat
    (times, dates, enums, booleans) are converted once."""
    process = type_.dialect_impl(dialect).bind_processor(dialect)
    if process is None or isinstance(type_, Uuid):
        return process
    if isinstance(type_, JSON):
        empty = process({})
        return lambda value: empty if value == {} else process(value)
    seen: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            if len(seen) > 10_000:
                seen.clear()
            result = seen[value] = process(value)
            return result
        except TypeError:  # not hashable
            return process(value)

    return convert


def insert_rows(connection: Connection, table: Table, rows: list[dict[str, Any]],
                cache: dict[Any, Any] | None = None) -> None:
    """Insert ``rows`` (dicts keyed by column) in batches. ``cache`` keeps the prepared
    statements between calls for the same table (pass the same dict each time)."""
    cache = {} if cache is None else cache
    for start in range(0, len(rows), BATCH):
        batch = complete(table, rows[start:start + BATCH])
        if connection.dialect.name != "sqlite":
            connection.execute(insert(table), batch)
            continue
        key = (table.name, tuple(sorted(batch[0])))
        try:
            statement = cache.get(key) or cache.setdefault(key, _SqliteInsert(connection, table, key[1]))
        except _NeedsCore:
            connection.execute(insert(table), batch)
            continue
        connection.exec_driver_sql(statement.sql, statement.tuples(batch))

"""The text index behind resident search: SQLite FTS5 with the trigram tokenizer, or
PostgreSQL's pg_trgm. Not SQLAlchemy models: ``install`` creates it, from the Alembic
migration and after ``Base.metadata.create_all`` (the ``after_create`` hook below), so both
ways of making a schema get the same index.

SQLite: ``resident_search`` is an FTS5 trigram index of each resident's text, kept in
``resident_search_body`` (``body``: the resident's ``search_text`` between two spaces, so
" trao" is a word that begins with "trao"; the table is the index's external content). Their
row numbers are those of ``resident_search_row``, a narrow table of the resident, centre and
case number: a page of results sorted by case number is read from it without visiting the
residents, and the text of a candidate misspelt match from the narrow body table. (Plain
tables, no view over ``resident``: Alembic's batch mode must be able to rebuild that table.)
``resident_search_vocab`` gives how many residents contain a trigram (used to choose the
rarest trigrams of a misspelt word). Triggers on ``resident`` keep all of it right on every
insert, update and delete, whoever writes (the services, the demo's bulk inserts, an import);
a migration that rebuilds ``resident`` loses them with the old table: ``install`` (run after
every upgrade) makes them again and indexes everything anew.

PostgreSQL: the ``pg_trgm`` extension and a GIN trigram index on ``resident.search_text``
(``LIKE '%oul%'`` and ``word <% search_text`` both use it). If the database user may not
create the extension, search still works without the index and without misspelt names.
"""
from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, Uuid, event, text
from sqlalchemy.exc import DBAPIError

from transit_centre.db.base import Base

log = logging.getLogger(__name__)

ROW_TABLE = "resident_search_row"
BODY_TABLE = "resident_search_body"
FTS_TABLE = "resident_search"
VOCAB_TABLE = "resident_search_vocab"
PG_INDEX = "ix_resident_search_text_trgm"
TRIGGERS = ("resident_search_insert", "resident_search_update", "resident_search_delete")
# Tables FTS5 makes for itself (external content: no _content table).
_FTS_SHADOW = ("_data", "_idx", "_docsize", "_config", "_content")
SEARCH_OBJECTS = frozenset({ROW_TABLE, BODY_TABLE, FTS_TABLE, VOCAB_TABLE, PG_INDEX, *TRIGGERS,
                            *(FTS_TABLE + suffix for suffix in _FTS_SHADOW)})

# For building queries only (never created from this metadata).
_metadata = MetaData()
search_row = Table(
    ROW_TABLE, _metadata,
    Column("id", Integer, primary_key=True),
    Column("resident_id", Uuid(), nullable=False, unique=True),
    Column("centre_id", Uuid(), nullable=False),
    Column("case_number", String(32), nullable=False),
)
search_body = Table(BODY_TABLE, _metadata, Column("id", Integer, primary_key=True), Column("body", Text))
search_fts = Table(FTS_TABLE, _metadata, Column("rowid", Integer, primary_key=True), Column("body", Text))
search_vocab = Table(VOCAB_TABLE, _metadata, Column("term", Text, primary_key=True), Column("doc", Integer))

def body_of(search_text: str) -> str:
    """The text indexed for a resident, as SQL over the expression ``search_text``."""
    return f"' ' || {search_text} || ' '"


_ROW_OF = "(SELECT id FROM " + ROW_TABLE + " WHERE resident_id = {resident})"
_SQLITE_TABLES = [
    f"""CREATE TABLE IF NOT EXISTS {ROW_TABLE} (
        id INTEGER PRIMARY KEY,
        resident_id CHAR(32) NOT NULL UNIQUE,
        centre_id CHAR(32) NOT NULL,
        case_number VARCHAR(32) NOT NULL)""",
    f"CREATE TABLE IF NOT EXISTS {BODY_TABLE} (id INTEGER PRIMARY KEY, body TEXT NOT NULL)",
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        body, content='{BODY_TABLE}', content_rowid='id', tokenize='trigram')""",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCAB_TABLE} USING fts5vocab({FTS_TABLE}, 'row')",
]
_FORGET = f"""INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, body)
            SELECT 'delete', id, body FROM {BODY_TABLE} WHERE id = {_ROW_OF.format(resident="old.id")};"""
_SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS resident_search_insert AFTER INSERT ON resident BEGIN
        INSERT INTO {ROW_TABLE} (resident_id, centre_id, case_number)
            VALUES (new.id, new.centre_id, new.case_number);
        INSERT INTO {BODY_TABLE} (id, body)
            VALUES ({_ROW_OF.format(resident="new.id")}, {body_of("new.search_text")});
        INSERT INTO {FTS_TABLE} (rowid, body)
            SELECT id, body FROM {BODY_TABLE} WHERE id = {_ROW_OF.format(resident="new.id")};
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS resident_search_update
    AFTER UPDATE OF id, centre_id, case_number, search_text ON resident
    WHEN old.id IS NOT new.id OR old.centre_id IS NOT new.centre_id
        OR old.case_number IS NOT new.case_number OR old.search_text IS NOT new.search_text
    BEGIN
        {_FORGET}
        UPDATE {ROW_TABLE} SET resident_id = new.id, centre_id = new.centre_id, case_number = new.case_number
            WHERE resident_id = old.id;
        UPDATE {BODY_TABLE} SET body = {body_of("new.search_text")} WHERE id = {_ROW_OF.format(resident="new.id")};
        INSERT INTO {FTS_TABLE} (rowid, body)
            SELECT id, body FROM {BODY_TABLE} WHERE id = {_ROW_OF.format(resident="new.id")};
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS resident_search_delete AFTER DELETE ON resident BEGIN
        {_FORGET}
        DELETE FROM {BODY_TABLE} WHERE id = {_ROW_OF.format(resident="old.id")};
        DELETE FROM {ROW_TABLE} WHERE resident_id = old.id;
    END""",
]


def is_search_object(name: str | None) -> bool:
    """A table, index or trigger of the search index (not described by the models)."""
    return name in SEARCH_OBJECTS


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic's ``include_name`` hook: comparisons of models and database skip the index."""
    return not is_search_object(name)


def _has_table(connection: Any, name: str) -> bool:
    if connection.dialect.name == "sqlite":
        return connection.execute(text("SELECT 1 FROM sqlite_master WHERE name = :n"), {"n": name}).first() is not None
    return connection.execute(text("SELECT to_regclass(:n)"), {"n": name}).scalar() is not None


def install(connection: Any) -> None:
    """Create the search index if missing and index every resident (idempotent).

    Also heals it: a migration that rebuilds the ``resident`` table on SQLite (Alembic's batch
    mode copies it into a new table) loses the triggers with the old table; ``migrate.upgrade``
    calls this after every upgrade, and missing triggers are made again and the index rebuilt.
    """
    if not _has_table(connection, "resident"):
        return
    if connection.dialect.name == "sqlite":
        fresh = not _has_table(connection, FTS_TABLE)
        present = {name for (name,) in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'resident'")}
        for statement in _SQLITE_TABLES + _SQLITE_TRIGGERS:
            connection.exec_driver_sql(statement)
        if fresh or not set(TRIGGERS) <= present:
            reindex(connection)
    elif connection.dialect.name == "postgresql":
        if _create_pg_trgm(connection):
            connection.exec_driver_sql(
                f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON resident USING gin (search_text gin_trgm_ops)")


def reindex(connection: Any) -> None:
    """SQLite: index every resident again, from ``resident`` (a few seconds at 100,000)."""
    connection.exec_driver_sql(f"DELETE FROM {ROW_TABLE}")
    connection.exec_driver_sql(f"DELETE FROM {BODY_TABLE}")
    connection.exec_driver_sql(
        f"INSERT INTO {ROW_TABLE} (resident_id, centre_id, case_number) "
        f"SELECT id, centre_id, case_number FROM resident ORDER BY centre_id, case_number")
    connection.exec_driver_sql(
        f"INSERT INTO {BODY_TABLE} (id, body) SELECT s.id, {body_of('r.search_text')} "
        f"FROM {ROW_TABLE} s JOIN resident r ON r.id = s.resident_id")
    connection.exec_driver_sql(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('rebuild')")


def _create_pg_trgm(connection: Any) -> bool:
    if pg_trgm_installed(connection):
        return True
    savepoint = connection.begin_nested()
    try:
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError as exc:  # not allowed to: search works without the index, no misspelt names
        savepoint.rollback()
        log.warning("pg_trgm could not be created (%s); resident search runs without its index", exc.orig)
        return False
    savepoint.commit()
    return True


def pg_trgm_installed(connection: Any) -> bool:
    return connection.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first() is not None


def uninstall(connection: Any) -> None:
    """Drop the search index (the extension stays: other database objects may use it)."""
    if connection.dialect.name == "sqlite":
        for name in TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        for name in (VOCAB_TABLE, FTS_TABLE, BODY_TABLE, ROW_TABLE):
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
    elif connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS {PG_INDEX}")


@event.listens_for(Base.metadata, "after_create")
def _after_create(target: Any, connection: Any, **kw: Any) -> None:
    install(connection)


@event.listens_for(Base.metadata, "before_drop")
def _before_drop(target: Any, connection: Any, **kw: Any) -> None:
    uninstall(connection)

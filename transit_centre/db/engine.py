"""Engine and unit-of-work: one ``Database`` per application, one transaction per use case.

SQLite (the default) runs in WAL mode with foreign keys on and ``synchronous=FULL`` (a
committed record survives a crash). Write transactions start with ``BEGIN IMMEDIATE`` so two
writers queue behind each other instead of failing half-way; read-only transactions use a
plain ``BEGIN`` and never block writers.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from transit_centre.db import audit
from transit_centre.errors import ConflictError, DomainError
from transit_centre.i18n import _

ENV_URL = "TRANSIT_CENTRE_DATABASE_URL"


class ActorLike(Protocol):
    user_id: uuid.UUID | None
    username: str


def sqlite_url(path: Path) -> str:
    """URL of a SQLite file. Characters a URL gives a meaning to (``%``, ``?``, ``#``, ``@``) are
    escaped, so any Windows folder works (``C:\\Users\\Aïssata Traoré\\Données``)."""
    return URL.create("sqlite", database=str(Path(path).resolve()).replace("\\", "/")).render_as_string(
        hide_password=False)


def configured_url() -> str:
    """The database URL from the environment, else this laptop's SQLite file (the folder chosen
    in the welcome wizard, ``localconfig``, or the user's data folder)."""
    url = os.environ.get(ENV_URL)
    if url:
        return url
    from transit_centre.localconfig import database_path

    return sqlite_url(database_path())


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    # Let SQLAlchemy's "begin" hook below decide how transactions start.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "memory":
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    mode = "" if conn.get_execution_options().get("tc_readonly") else " IMMEDIATE"
    conn.exec_driver_sql("BEGIN" + mode)


class Database:
    """The application's database: engine, sessions and the transaction boundary."""

    def __init__(self, url: str | None = None, *, echo: bool = False) -> None:
        self.url = url or configured_url()
        parsed = make_url(self.url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if self.is_sqlite:
            database = parsed.database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs["pool_pre_ping"] = True
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._readonly_sessions = sessionmaker(
            self.engine.execution_options(tc_readonly=True), expire_on_commit=False
        )
        audit.install(self._sessions)
        audit.install(self._readonly_sessions)
        # Set when the database must not be used any more (its file failed the integrity check
        # run after it was opened): every transaction then raises this error, nothing is written.
        self.refused: DomainError | None = None

    # -- description ------------------------------------------------------------------
    @property
    def backend(self) -> str:
        return make_url(self.url).get_backend_name()

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        database = make_url(self.url).database
        return Path(database) if database and database != ":memory:" else None

    def describe(self) -> str:
        """File path or server, without the password: what the status bar shows."""
        if self.is_sqlite:
            path = self.sqlite_path
            return str(path) if path else _("in-memory database")
        return make_url(self.url).render_as_string(hide_password=True)

    # -- transactions -----------------------------------------------------------------
    @contextmanager
    def transaction(self, actor: ActorLike | None = None, *, readonly: bool = False,
                    audit: bool = True) -> Iterator[Session]:
        """One unit of work: commits at the end, rolls back everything on any error.

        Database-level failures are turned into ``DomainError`` with a user-facing message.
        """
        if self.refused is not None:
            raise self.refused
        factory = self._readonly_sessions if readonly else self._sessions
        session = factory()
        session.info["actor"] = actor
        session.info["audit"] = audit
        try:
            with session.begin():
                yield session
        except StaleDataError as exc:
            raise ConflictError(_(
                "This record was changed by someone else since you opened it. "
                "Reload it and make your change again."
            )) from exc
        except IntegrityError as exc:
            raise DomainError(_("The change conflicts with data already saved and was not made.")) from exc
        except OperationalError as exc:
            if "locked" in str(exc).lower():
                raise DomainError(_("The database is busy. Please try again in a moment.")) from exc
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()

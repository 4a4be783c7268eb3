"""Engine and unit-of-work: one ``Database`` per application, one transaction per use case.

SQLite (the default) runs in WAL mode with foreign keys on and ``synchronous=FULL`` (a
committed record survives a crash). Write transactions start with ``BEGIN IMMEDIATE`` so two
writers queue behind each other instead of failing half-way; read-only transactions use a
plain ``BEGIN`` and never block writers. On a network drive or in a synced folder, where WAL
is not safe, the rollback journal is used instead (``fs.sqlite_journal_mode``).
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from transit_centre.db import audit
from transit_centre.errors import ConflictError, DomainError
from transit_centre.i18n import _
from transit_centre.localconfig import database_path, sqlite_url  # noqa: F401 - sqlite_url: part of this module

ENV_URL = "TRANSIT_CENTRE_DATABASE_URL"
CACHE_KIB = 128 * 1024  # SQLite page cache of each connection, at most (see _sqlite_pragmas)


class ActorLike(Protocol):
    user_id: uuid.UUID | None
    username: str


def configured_url() -> str:
    """The database URL from the environment, else this laptop's SQLite file (the folder chosen
    in the welcome wizard, ``localconfig``, or the user's data folder)."""
    url = os.environ.get(ENV_URL)
    if url:
        return url
    return sqlite_url(database_path())


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any, journal: str = "WAL",
                   key: bytes | None = None) -> None:
    if key is not None:  # SQLCipher: the key before anything reads the file
        from transit_centre.db.cipher import apply_key

        apply_key(dbapi_connection, key)
    # Let SQLAlchemy's "begin" hook below decide how transactions start.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "memory":
        cursor.execute(f"PRAGMA journal_mode={journal}")  # WAL, or DELETE off a local disk (fs.py)
    cursor.execute("PRAGMA synchronous=FULL")
    # Up to 128 MiB of page cache per connection (allocated as pages are read): SQLCipher decrypts
    # every page it reads from the file (about 6 µs), and a page kept in the cache is not read
    # again. At 100,000 residents, encrypted: search as you type 31 ms with SQLite's 8 MB, 7 ms
    # with 32 MiB; a monthly export 1.75 s with 32 MiB, 0.9 s with 128 MiB (its queries read the
    # same residents and return cases several times), as fast as on a plain file.
    cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    mode = "" if conn.get_execution_options().get("tc_readonly") else " IMMEDIATE"
    conn.exec_driver_sql("BEGIN" + mode)


def check_account(session: Session, actor: Any, *, password_change: bool = False) -> None:
    """Refuse the transaction when the actor's account no longer allows it (three small reads)."""
    from sqlalchemy import select

    from transit_centre.db.models import RoleRecord, User, user_centre, user_role
    from transit_centre.errors import PermissionDenied

    row = session.execute(select(User.active, User.must_change_password).where(User.id == actor.user_id)).first()
    if row is None:
        return  # not an account of this database (a test's or another database's actor)
    active, must_change = row
    if not active:
        raise PermissionDenied(_("Your account was disabled. Ask an administrator."))
    roles = set(session.scalars(select(RoleRecord.code).join(user_role, user_role.c.role_id == RoleRecord.id)
                                .where(user_role.c.user_id == actor.user_id)))
    centres = set(session.scalars(select(user_centre.c.centre_id).where(user_centre.c.user_id == actor.user_id)))
    if {getattr(r, "value", r) for r in actor.roles} - roles or set(actor.centre_ids) - centres:
        raise PermissionDenied(_("Your roles or centres were changed. Sign out and sign in again."))
    if must_change and not password_change:
        raise PermissionDenied(_("Your password is temporary: choose your own password first."))


class Database:
    """The application's database: engine, sessions and the transaction boundary."""

    def __init__(self, url: str | None = None, *, echo: bool = False, key: bytes | None = None) -> None:
        """``key``: the 256-bit key of an encrypted (SQLCipher) SQLite file (``security.keyring``
        unwraps it at sign-in); None for a plain file or a server."""
        self.url = url or configured_url()
        parsed = make_url(self.url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self.key = key if self.is_sqlite else None
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if self.is_sqlite:
            database = parsed.database
            if database and database != ":memory:":
                from transit_centre.private_files import make_private_folder, private_file

                make_private_folder(Path(database).parent)  # a folder created here: its owner only
                private_file(database)  # readable by its owner only (its WAL and journal take its mode)
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
            if self.key is not None:
                from transit_centre.db.cipher import module

                kwargs["module"] = module()
        else:
            kwargs["pool_pre_ping"] = True
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            from transit_centre.fs import sqlite_journal_mode

            journal = sqlite_journal_mode(self.sqlite_path) if self.sqlite_path else "WAL"
            event.listen(self.engine, "connect",
                         lambda dbapi, record: _sqlite_pragmas(dbapi, record, journal, self.key), insert=True)
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

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    def describe(self) -> str:
        """File path or server, without the password: what the status bar shows."""
        if self.is_sqlite:
            path = self.sqlite_path
            return str(path) if path else _("in-memory database")
        return make_url(self.url).render_as_string(hide_password=True)

    # -- transactions -----------------------------------------------------------------
    @contextmanager
    def transaction(self, actor: ActorLike | None = None, *, readonly: bool = False,
                    audit: bool = True, password_change: bool = False) -> Iterator[Session]:
        """One unit of work: commits at the end, rolls back everything on any error.

        Database-level failures are turned into ``DomainError`` with a user-facing message.
        A signed-in user's account is checked first (``check_account``): a session opened before
        the account was disabled, or lost a role or a centre, stops at its next action, and a
        temporary password allows only its change (``password_change=True``).
        """
        if self.refused is not None:
            raise self.refused
        factory = self._readonly_sessions if readonly else self._sessions
        session = factory()
        session.info["actor"] = actor
        session.info["audit"] = audit
        try:
            with session.begin():
                if actor is not None and getattr(actor, "user_id", None) is not None:
                    check_account(session, actor, password_change=password_change)
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

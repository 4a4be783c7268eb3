"""What the database file is, and the key slots that follow the accounts (``security.keyring``).

The small part of encryption at rest (``storage.at_rest``) that the services below it need:
``bootstrap`` refuses an encrypted file opened without its key, ``security.users`` and
``security.accounts`` keep an account's slot in step with its password. It imports neither of
them, so they can import it.
"""
from __future__ import annotations

import enum
from pathlib import Path

from transit_centre.db.engine import Database
from transit_centre.errors import DomainError
from transit_centre.i18n import _
from transit_centre.security import keyring


class DatabaseState(enum.Enum):
    SERVER = "server"  # PostgreSQL (or an in-memory database): nothing to unlock
    NEW = "new"  # no file yet (or an empty one): created encrypted
    PLAIN = "plain"  # a SQLite file from before encryption: an administrator converts it
    ENCRYPTED = "encrypted"  # a SQLCipher file with its key file: sign in to open it
    NO_KEY_FILE = "no_key_file"  # not plain SQLite and no key file beside it: restore the key file


class DatabaseLocked(DomainError):
    """The database is encrypted: it opens when someone signs in (``unlock``)."""


def database_path(url: str | None = None) -> Path | None:
    """The SQLite file a URL (default: the configured one) points to, without opening it."""
    from sqlalchemy.engine import make_url

    from transit_centre.db.engine import configured_url

    parsed = make_url(url or configured_url())
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def state_of(url: str | None = None) -> DatabaseState:
    path = database_path(url)
    if path is None:
        return DatabaseState.SERVER
    try:
        if not path.exists() or path.stat().st_size == 0:
            return DatabaseState.NEW
    except OSError:
        return DatabaseState.NEW
    if keyring.is_plain_sqlite(path):
        return DatabaseState.PLAIN
    if keyring.key_file(path).is_file():
        return DatabaseState.ENCRYPTED
    return DatabaseState.NO_KEY_FILE


def no_key_file_message(path: Path) -> str:
    return _("The database {path} is encrypted but its key file ({keys}) is missing. Put the key file back "
             "beside it (from the backup folder: every backup has its own), or restore a backup.").format(
        path=path, keys=keyring.key_file(path).name)


def refuse_locked(url: str | None) -> None:
    """Raise ``DatabaseLocked`` when ``url`` is an encrypted file opened without its key."""
    state = state_of(url)
    if state is DatabaseState.ENCRYPTED:
        raise DatabaseLocked(_("The database is encrypted: sign in with your user name and password to open it."))
    if state is DatabaseState.NO_KEY_FILE:
        path = database_path(url)
        assert path is not None
        raise DatabaseLocked(no_key_file_message(path))


def add_slots(db: Database, accounts: dict[str, str]) -> None:
    """Slots for several accounts at once (the demo accounts, with their public password)."""
    path = db.sqlite_path
    if db.key is None or path is None or not keyring.key_file(path).is_file():
        return
    for username, password in accounts.items():
        keyring.set_slot(path, db.key, username, password)


def follow_password(db: Database, username: str, password: str) -> None:
    """An account got a password (new, reset, changed): its slot opens the key with it.

    Called inside the service's transaction: if writing the key file fails, the change is not
    saved either. Nothing to do on a plain file or a server, or before the key file exists."""
    path = db.sqlite_path
    if db.key is None or path is None or not keyring.key_file(path).is_file():
        return
    keyring.set_slot(path, db.key, username, password)


def drop_slot(db: Database, username: str) -> None:
    """A disabled account: its password no longer opens the file, even on a copy made later."""
    path = db.sqlite_path
    if db.key is None or path is None or not keyring.key_file(path).is_file():
        return
    keyring.remove_slot(path, username)


def has_slot(db: Database, username: str) -> bool:
    """False when this account cannot open the encrypted file (give it a new password)."""
    path = db.sqlite_path
    if db.key is None or path is None:
        return True
    try:
        return username in keyring.slot_users(path)
    except DomainError:
        return False


def start_key_file(db: Database, username: str, password: str) -> str | None:
    """The key file of a new encrypted database: the first administrator's slot and the
    recovery slot. Returns the recovery key (shown and printed once, stored nowhere); None for a
    database that is not an encrypted file."""
    path = db.sqlite_path
    if db.key is None or path is None:
        return None
    return keyring.create(path, db.key, username, password)

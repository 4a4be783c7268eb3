"""Encryption at rest: what a stolen laptop or a copied backup gives away (nothing readable).

A laptop's SQLite database is a SQLCipher file under a random 256-bit key (``db.cipher``). The
key is kept only wrapped in the key file beside the database (``security.keyring``): once per
account, under that account's password, and once under the recovery key printed at set-up. This
module is what the window and the command line call:

- ``state_of``: a new, plain, encrypted file (or one whose key file is missing), or a server;
- ``create_database`` and ``start_key_file``: a new installation (welcome wizard, ``init``,
  ``demo``), encrypted from its first byte, with the recovery key shown once;
- ``unlock``: signing in opens the file with the key the password unwraps; failed attempts
  counted in the key file meanwhile go to the audit log;
- ``follow_password`` and ``drop_slot`` (in ``security.slots``, with ``state_of``): the slots
  follow accounts (new, reset, changed password, disabled), called from ``security.users`` and
  ``security.accounts``;
- ``encrypt_database``: a database from before encryption is converted in place by an
  administrator, after a verified backup; the plain backups are converted too;
- ``new_recovery_key`` and ``recover_account``: the recovery key replaced, or used to give an
  account a new password when nobody remembers one.

PostgreSQL is not concerned: the server provides encryption of its disks and TLS (README).
"""
from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from transit_centre.db.audit import audit_entry
from transit_centre.db.engine import Database
from transit_centre.enums import AuditAction
from transit_centre.errors import DomainError, RuleViolation
from transit_centre.i18n import _
from transit_centre.security import keyring
from transit_centre.security.permissions import Actor, Permission
from transit_centre.security.slots import (  # noqa: F401 - part of this module's interface
    DatabaseLocked,
    DatabaseState,
    add_slots,
    database_path,
    drop_slot,
    follow_password,
    has_slot,
    no_key_file_message,
    refuse_locked,
    start_key_file,
    state_of,
)
from transit_centre.storage.opening import open_database

log = logging.getLogger(__name__)

Progress = Callable[[int, int], object]


# --- a new installation ---------------------------------------------------------------------

def create_database(url: str | None = None) -> Database:
    """A new SQLite database, encrypted from its first page under a new key (held in ``db.key``).

    The key file is written with the first account (``start_key_file``); until then only this
    process can open the file."""
    if state_of(url) is not DatabaseState.NEW:
        raise RuleViolation(_("A database already exists there."))
    return open_database(url, key=keyring.new_key())


def discard_new_database(db: Database) -> bool:
    """Delete a database ``create_database`` made when its first account could not be made (a
    file with no account and no key file opens for nobody). False, and nothing deleted, when it
    is not such a file."""
    from transit_centre.storage.integrity import note_closed
    from transit_centre.security.users import has_users

    path = db.sqlite_path
    if path is None or db.key is None or keyring.key_file(path).exists() or has_users(db):
        return False
    note_closed(db)
    for suffix in ("", "-wal", "-shm", "-journal", "-state.json"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return True


# --- signing in -------------------------------------------------------------------------------

def unlock(url: str | None, username: str, password: str, *, background_check: bool = False) -> Database:
    """Open an encrypted database with the key this account's password unwraps. The account
    itself (active, locked, roles) is checked next by ``security.users.authenticate``."""
    path = _encrypted_path(url)
    key = keyring.unlock(path, username, password)
    db = open_database(url, key=key, background_check=background_check)
    record_pending_failures(db)
    return db


def unlock_with_recovery(url: str | None, code: str) -> Database:
    key = keyring.unlock_with_recovery(_encrypted_path(url), code)
    db = open_database(url, key=key)
    record_pending_failures(db)
    return db


def _encrypted_path(url: str | None) -> Path:
    path = database_path(url)
    state = state_of(url)
    if path is None or state is not DatabaseState.ENCRYPTED:
        if state is DatabaseState.NO_KEY_FILE and path is not None:
            raise DomainError(no_key_file_message(path))
        raise DomainError(_("This database is not encrypted."))
    return path


def record_pending_failures(db: Database) -> int:
    """Failed unlocks counted in the key file while the database was closed: into the audit log,
    with the name that was typed."""
    path = db.sqlite_path
    if path is None or db.key is None:
        return 0
    failures = keyring.take_pending_failures(path)
    if failures:
        with db.transaction(None) as s:
            for failure in failures:
                entry = audit_entry(s, AuditAction.LOGIN_FAILED, "app_user", None,
                                    detail=f"{failure.detail} (key file, {failure.at})")
                entry.username = failure.username[:64]
    return len(failures)


# --- administration ---------------------------------------------------------------------------

def _require_admin(actor: Actor) -> None:
    actor.require(Permission.USER_ADMIN)
    actor.require(Permission.SETTINGS_ADMIN)


def _check_password(db: Database, actor: Actor, password: str) -> None:
    """The administrator proves it is them (a wrong password counts toward the lockout)."""
    from transit_centre.db.models import User
    from transit_centre.security.users import password_matches, record_failed_password

    with db.transaction(actor, readonly=True) as s:
        user = s.get(User, actor.user_id) if actor.user_id is not None else None
        ok = user is not None and password_matches(user.password_hash, password)
    if not ok:
        if actor.user_id is not None:
            record_failed_password(db, actor.user_id, actor.username, "database keys")
        raise DomainError(_("The password is wrong."), "password")


def new_recovery_key(db: Database, actor: Actor, password: str) -> str:
    """Replace the recovery key (the sheet was lost, or seen by someone who should not have it).
    The old key no longer opens the database; backups made before keep theirs."""
    _require_admin(actor)
    path = db.sqlite_path
    if db.key is None or path is None:
        raise RuleViolation(_("This database is not encrypted: it has no recovery key."))
    _check_password(db, actor, password)
    with db.transaction(actor) as s:
        audit_entry(s, AuditAction.KEYS, "database", None, detail="new recovery key")
        code = keyring.set_recovery(path, db.key)
    return code


def recover_account(url: str | None, code: str, username: str, new_password: str) -> None:
    """With the recovery key: give an account a new password (and its slot), lift its lockout.
    For when nobody who can sign in remembers a password; audited as done with the recovery key."""
    from sqlalchemy import select

    from transit_centre.db.models import User
    from transit_centre.security.users import hash_password, password_problem

    name = (username or "").strip().lower()
    problem = password_problem(new_password, name)
    if problem:
        raise DomainError(problem, "password")
    db = unlock_with_recovery(url, code)
    try:
        with db.transaction(Actor.system(_("recovery key"))) as s:
            user = s.scalar(select(User).where(User.username == name))
            if user is None or not user.active:
                raise DomainError(_("No active account has this user name."), "username")
            user.password_hash = hash_password(new_password)
            user.must_change_password = False
            user.failed_logins, user.locked_until = 0, None
            audit_entry(s, AuditAction.KEYS, "app_user", user.id, detail="password set with the recovery key")
            s.flush()
            follow_password(db, name, new_password)
    finally:
        db.dispose()


@dataclass
class Encrypted:
    db: Database  # the encrypted database, open (the plain one is closed)
    recovery_code: str
    backup: Path  # the verified backup made first (now encrypted too)
    without_access: list[str] = field(default_factory=list)  # accounts to give a new password
    backups_encrypted: int = 0


def _table_counts(conn: object) -> dict[str, int]:
    cursor = conn.cursor()  # type: ignore[attr-defined]
    names = [r[0] for r in cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {name: cursor.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def encrypt_file(plain: Path, target: Path, key: bytes) -> None:
    """``target``: an encrypted copy of ``plain``, proven sound and complete before it is used
    (``PRAGMA integrity_check`` and the same number of rows in every table)."""
    from transit_centre.db import cipher

    cipher.export_encrypted(plain, target, key)
    source, copy = cipher.connect(plain, None), cipher.connect(target, key)
    try:
        problem = [r[0] for r in copy.execute("PRAGMA integrity_check").fetchall()]
        if problem != ["ok"] or _table_counts(source) != _table_counts(copy):
            raise DomainError(_("The encrypted copy of {name} differs from the original; nothing was changed.")
                              .format(name=plain.name))
    finally:
        source.close()
        copy.close()


def _encrypt_in_place(plain: Path, key: bytes, key_file: Path) -> bool:
    """Replace a plain copy (a backup, a database kept after a restore) by its encrypted version,
    with a copy of the key file beside it. False when it could not be done (left as it was)."""
    from transit_centre.private_files import private_file

    if not keyring.is_plain_sqlite(plain):
        return False
    tmp = plain.with_name(plain.name + ".encrypting")
    try:
        encrypt_file(plain, tmp, key)
        private_file(tmp)
        shutil.copyfile(key_file, keyring.key_file(plain))
        private_file(keyring.key_file(plain))
        os.replace(tmp, plain)
        return True
    except (OSError, DomainError, Exception) as exc:  # noqa: BLE001 - one copy fails, the others go on
        log.warning("could not encrypt %s: %s", plain, exc)
        return False
    finally:
        tmp.unlink(missing_ok=True)


def plain_copies(db: Database) -> list[Path]:
    """Plain SQLite copies the application made of this database: backups and kept databases."""
    from transit_centre.storage.backup import backup_folder, list_backups

    path = db.sqlite_path
    found: list[Path] = []
    if path is not None:
        found.extend(p for p in path.parent.glob(path.name + ".replaced-*")
                     if not p.name.endswith(("-wal", "-shm", keyring.SUFFIX)))
    try:
        found.extend(b.path for b in list_backups(backup_folder(db)))
    except DomainError:
        pass
    return [p for p in found if keyring.is_plain_sqlite(p)]


def encrypt_database(db: Database, actor: Actor, password: str, report: Progress | None = None) -> Encrypted:
    """Convert this plain SQLite database in place into an encrypted one.

    In order: the administrator's password is checked; a backup is made and verified; the file
    is copied encrypted under a new key and the copy verified (every table's rows); the key file
    is written (this administrator's slot and the recovery slot); the encrypted copy replaces the
    file; the plain backups and kept databases are converted too. ``db`` is closed; the result
    holds the encrypted database, open. The other accounts need a new password (their slots
    cannot be made without it): ``without_access`` lists them.
    """
    from sqlalchemy import select

    from transit_centre.db.models import User
    from transit_centre.private_files import private_file
    from transit_centre.storage.backup import make_backup

    step = report or (lambda _done, _total: True)
    _require_admin(actor)
    path = db.sqlite_path
    if path is None or db.key is not None or not keyring.is_plain_sqlite(path):
        raise RuleViolation(_("Only a plain SQLite database can be encrypted (this one is not)."))
    _check_password(db, actor, password)
    step(1, 6)
    saved = make_backup(db, kind="manual")
    with db.transaction(actor, readonly=True) as s:
        others = sorted(name for name in s.scalars(select(User.username).where(User.active.is_(True)))
                        if name != actor.username)
    step(2, 6)
    db.dispose()  # the last connection closed folds the write-ahead log into the file
    key = keyring.new_key()
    tmp = path.with_name(path.name + ".encrypting")
    try:
        encrypt_file(path, tmp, key)
        step(3, 6)
        private_file(tmp)
        code = keyring.create(path, key, actor.username, password)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    step(4, 6)
    encrypted = open_database(db.url, key=key)
    with encrypted.transaction(actor) as s:
        audit_entry(s, AuditAction.KEYS, "database", None,
                    detail=f"database encrypted; verified backup first: {saved.path.name}")
    step(5, 6)
    converted = sum(_encrypt_in_place(copy, key, keyring.key_file(path)) for copy in plain_copies(encrypted))
    step(6, 6)
    log.warning("database %s encrypted (%d plain copies converted)", path, converted)
    return Encrypted(encrypted, code, saved.path, others, converted)

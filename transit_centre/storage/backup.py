"""Backups of the SQLite database, their rotation, restore, and the integrity check at start.

Backups use SQLite's online backup API: the copy is consistent even while the application
writes. A copy is written under a temporary name and renamed once complete and checked, so a
half-written file never looks like a backup. Automatic backups (one per day of use) are
rotated, keeping 7 daily and 4 weekly copies; manual backups are kept until deleted by hand.

A restore checks the backup first (opens, ``PRAGMA integrity_check``, a known schema version,
the expected tables), keeps the replaced database under a time-stamped name, then asks for a
restart. On PostgreSQL, backups are the server's job (``pg_dump``); the feature is turned off.

An encrypted database (``storage.at_rest``) gives encrypted backups: the copy is made page by
page under the same key, and the key file is copied beside it (``<backup>.keys``), so a backup
opens with a password its accounts had on the day it was made, or with the recovery key. A
restore asks for one of them (``unlock_backup``). Backup files are readable by their owner
only; a ``.partial`` left by an interrupted backup is deleted by the next backup.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from transit_centre.admin.settings import get_setting
from transit_centre.db.audit import audit_entry
from transit_centre.db.cipher import db_errors
from transit_centre.db.engine import Database, sqlite_url
from transit_centre.enums import AuditAction
from transit_centre.errors import DomainError
from transit_centre.fs import sqlite_uri
from transit_centre.i18n import _
from transit_centre.paths import backup_dir
from transit_centre.security import keyring
from transit_centre.security.permissions import Actor, Permission

log = logging.getLogger(__name__)

FOLDER_KEY = "backup.folder"

PREFIX = "transit-centre-"
SUFFIX = ".sqlite3"
_NAME = re.compile(r"^transit-centre-(\d{8})-(\d{6})-(auto|manual)\.sqlite3$")
STALE_PARTIAL = dt.timedelta(hours=1)  # an interrupted backup's leftover (one in progress is newer)
KEEP_DAILY = 7
KEEP_WEEKLY = 4
# Tables every Transit Centre database has had since the first release.
CORE_TABLES = frozenset({"alembic_version", "app_user", "role", "centre", "resident", "audit_entry",
                         "setting"})

Progress = Callable[[int, int], bool]


class BackupsUnsupported(DomainError):
    """The database is not a SQLite file (PostgreSQL is backed up on the server)."""


class DamagedDatabase(DomainError):
    """The database file failed its integrity check; it must not be used."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: dt.datetime  # local time, from the file name
    kind: str  # "auto" or "manual"
    size: int

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    replaced_kept_as: Path | None


def postgres_message() -> str:
    return _("Backups of a PostgreSQL database are made on the server (pg_dump) by its "
             "administrator. Backup and restore are turned off in the application.")


def _sqlite_file(db: Database) -> Path:
    path = db.sqlite_path
    if path is None:
        if db.is_sqlite:
            raise BackupsUnsupported(_("An in-memory database cannot be backed up."))
        raise BackupsUnsupported(postgres_message())
    return path


def database_file(url: str | None = None) -> Path | None:
    """The SQLite file a URL (default: the configured one) points to, without opening it."""
    from transit_centre.security.slots import database_path

    return database_path(url)


def backups_supported(db: Database) -> bool:
    return db.sqlite_path is not None


def backup_folder(db: Database) -> Path:
    """The folder chosen by the administrator, else the backups folder in the data folder."""
    chosen = str(get_setting(db, FOLDER_KEY) or "").strip()
    if chosen:
        return Path(chosen).expanduser()
    return backup_dir()


def _parse(path: Path) -> BackupInfo | None:
    match = _NAME.match(path.name)
    if not match:
        return None
    try:
        created = dt.datetime.strptime(match.group(1) + match.group(2), "%Y%m%d%H%M%S")
        size = path.stat().st_size
    except (ValueError, OSError):
        return None
    return BackupInfo(path, created, match.group(3), size)


def list_backups(folder: Path) -> list[BackupInfo]:
    """Backups in ``folder``, newest first (files this application wrote, by their name)."""
    if not folder.is_dir():
        return []
    found = [info for p in folder.iterdir() if (info := _parse(p)) is not None]
    return sorted(found, key=lambda b: (b.created, b.name), reverse=True)


def backups_to_delete(backups: list[BackupInfo], daily: int = KEEP_DAILY,
                      weekly: int = KEEP_WEEKLY) -> list[BackupInfo]:
    """Automatic backups outside the rotation: keep the newest of each of the last ``daily``
    days and the newest of each of the last ``weekly`` ISO weeks. Manual ones are never chosen."""
    autos = sorted((b for b in backups if b.kind == "auto"), key=lambda b: b.created, reverse=True)
    keep: set[Path] = set()
    days: list[dt.date] = []
    weeks: list[tuple[int, int]] = []
    for b in autos:
        day = b.created.date()
        if day not in days and len(days) < daily:
            days.append(day)
            keep.add(b.path)
        week = tuple(b.created.isocalendar())[:2]
        if week not in weeks and len(weeks) < weekly:
            weeks.append(week)  # type: ignore[arg-type]
            keep.add(b.path)
    return [b for b in autos if b.path not in keep]


def _connect(path: Path, *, readonly: bool, key: bytes | None = None) -> sqlite3.Connection:
    """Read-only for backups (never touched); read-write for the live WAL database, whose
    shared-memory file a read-only connection might not be allowed to create. ``key``: the
    SQLCipher key of an encrypted file."""
    from transit_centre.db.cipher import connect

    if readonly:
        return connect(sqlite_uri(path), key, uri=True)  # local, mapped drive or UNC
    return connect(path, key)


def _copy(source: Path, target: Path, report: Progress | None, *, readonly: bool = False,
          key: bytes | None = None) -> None:
    """Online backup of ``source`` into a new file ``target`` (single file, no WAL), encrypted
    under ``key`` when the source is, readable by its owner only."""
    from transit_centre.db.cipher import connect
    from transit_centre.private_files import private_file

    src = _connect(source, readonly=readonly, key=key)
    private_file(target)
    dst = connect(target, key)
    try:
        def progress(_status: int, remaining: int, total: int) -> None:
            if report is not None and not report(total - remaining, total):
                raise DomainError(_("The backup was cancelled."))

        src.backup(dst, pages=2048, progress=progress)
        dst.execute("PRAGMA journal_mode=DELETE")
        dst.commit()
    finally:
        dst.close()
        src.close()


def _timestamp(now: dt.datetime | None) -> str:
    return (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")


def _unique(path: Path) -> Path:
    candidate, n = path, 1
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    return candidate


def make_backup(db: Database, folder: Path | None = None, *, kind: str = "manual",
                now: dt.datetime | None = None, report: Progress | None = None) -> BackupInfo:
    """Write a consistent copy of the database into ``folder`` (no permission check: callers do)."""
    source = _sqlite_file(db)
    if not source.is_file():
        raise DomainError(_("The database {path} does not exist yet; there is nothing to back up.").format(
            path=source))
    folder = Path(folder) if folder else backup_folder(db)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DomainError(_("The backup folder {folder} cannot be used: {reason}").format(
            folder=folder, reason=exc.strerror or exc)) from exc
    remove_stale_partials(folder)
    target = _unique(folder / f"{PREFIX}{_timestamp(now)}-{kind}{SUFFIX}")
    partial = target.with_name(target.name + ".partial")
    try:
        _copy(source, partial, report, key=db.key)
        problem = _integrity(partial, quick=True, key=db.key)
        if problem:
            raise DomainError(_("The backup copy is damaged ({problem}); the database itself may be "
                                "damaged.").format(problem=problem))
        if db.key is not None:  # the slots of the day, so the backup opens without this laptop
            _copy_key_file(keyring.key_file(source), keyring.key_file(target))
        os.replace(partial, target)
    except db_errors() as exc:
        raise DomainError(_("The backup failed: {reason}").format(reason=exc)) from exc
    except OSError as exc:
        raise DomainError(_("The backup could not be written to {folder}: {reason}").format(
            folder=folder, reason=exc.strerror or exc)) from exc
    finally:
        partial.unlink(missing_ok=True)
    info = _parse(target)
    assert info is not None
    log.info("backup written: %s", target)
    return info


def _copy_key_file(source: Path, target: Path) -> None:
    from transit_centre.private_files import private_file

    private_file(target)
    with source.open("rb") as src, target.open("wb") as dst:
        dst.write(src.read())
        dst.flush()
        os.fsync(dst.fileno())


def stale_partials(folder: Path, now: dt.datetime | None = None) -> list[Path]:
    """Half-written backups (``.partial``) an interruption left behind, older than an hour."""
    if not folder.is_dir():
        return []
    limit = (now or dt.datetime.now()).timestamp() - STALE_PARTIAL.total_seconds()
    found = []
    for path in folder.glob(f"{PREFIX}*{SUFFIX}.partial"):
        try:
            if path.stat().st_mtime < limit:
                found.append(path)
        except OSError:
            continue
    return found


def remove_stale_partials(folder: Path, now: dt.datetime | None = None) -> list[Path]:
    removed = []
    for path in stale_partials(folder, now):
        try:
            path.unlink()
            removed.append(path)
            log.warning("removed an interrupted backup: %s", path)
        except OSError:
            log.warning("could not remove the interrupted backup %s", path)
    return removed


def backup_database(db: Database, actor: Actor, folder: Path | None = None,
                    report: Progress | None = None) -> BackupInfo:
    """A backup asked for by a user (Backups tab or ``transit-centre backup``); audited."""
    actor.require(Permission.BACKUP)
    info = make_backup(db, folder, kind="manual", report=report)
    with db.transaction(actor) as s:
        audit_entry(s, AuditAction.BACKUP, "database", None, detail=str(info.path))
    return info


def rotate(folder: Path) -> list[Path]:
    """Delete the automatic backups outside the rotation; returns the deleted files."""
    deleted = []
    for b in backups_to_delete(list_backups(folder)):
        try:
            b.path.unlink()
            keyring.key_file(b.path).unlink(missing_ok=True)
            deleted.append(b.path)
        except OSError:
            log.warning("could not delete old backup %s", b.path)
    return deleted


def auto_backup(db: Database, now: dt.datetime | None = None) -> BackupInfo | None:
    """The daily automatic backup: made at start-up and once per day of use, then rotated.

    Returns None when today's backup already exists or the database is not a SQLite file.
    """
    if not backups_supported(db):
        return None
    now = now or dt.datetime.now()
    folder = backup_folder(db)
    if any(b.kind == "auto" and b.created.date() == now.date() for b in list_backups(folder)):
        return None
    info = make_backup(db, folder, kind="auto", now=now)
    rotate(folder)
    with db.transaction(Actor.system()) as s:
        audit_entry(s, AuditAction.BACKUP, "database", None, detail=str(info.path))
    return info


# --- integrity -------------------------------------------------------------------------------

def _integrity(path: Path, *, quick: bool, readonly: bool = True, key: bytes | None = None) -> str | None:
    """None when the file is a sound SQLite database, else SQLite's first complaint."""
    try:
        conn = _connect(path, readonly=readonly, key=key)
    except db_errors() as exc:
        return str(exc)
    try:
        rows = conn.execute("PRAGMA quick_check" if quick else "PRAGMA integrity_check").fetchall()
    except db_errors() as exc:
        return str(exc)
    finally:
        conn.close()
    messages = [str(r[0]) for r in rows]
    return None if messages == ["ok"] else "; ".join(messages[:3])


def restore_instructions(db: Database) -> str:
    folder = backup_folder(db) if db.sqlite_path else backup_dir()
    return _("Restore the latest backup from {folder}: in the application (Administration, Backups) "
             "or with the command: transit-centre restore FILE").format(folder=folder)


def check_integrity(db: Database) -> None:
    """``PRAGMA quick_check`` at start: a damaged database is refused, never silently used."""
    path = db.sqlite_path
    if path is None or not path.exists():
        return
    problem = _integrity(path, quick=True, readonly=False, key=db.key)
    if problem:
        log.error("database %s failed its integrity check: %s", path, problem)
        try:
            folder = str(backup_dir())
        except OSError:
            folder = "?"
        raise DamagedDatabase(_(
            "The database {path} is damaged ({problem}). It will not be used, so that nothing is "
            "lost or made worse. Restore the latest backup from {folder}: in the application "
            "(this window) or with the command: transit-centre restore FILE"
        ).format(path=path, problem=problem, folder=folder))


def check_backup(path: Path, key: bytes | None = None) -> str:
    """Check a backup before it replaces anything; returns its schema revision.

    Raises ``DomainError`` saying what is wrong: not a database, damaged, from a newer
    version of the application, or not a Transit Centre database. ``key``: an encrypted
    backup's key (``unlock_backup``).
    """
    from alembic.script import ScriptDirectory

    from transit_centre.db.migrate import MIGRATIONS

    path = Path(path)
    if not path.is_file():
        raise DomainError(_("The file {path} does not exist.").format(path=path))
    if key is None and not keyring.is_plain_sqlite(path):
        raise DomainError(_("The backup {name} is encrypted: give a password of that day or the recovery key.")
                          .format(name=path.name))
    problem = _integrity(path, quick=False, key=key)
    if problem:
        raise DomainError(_("The file {name} is not a usable backup: {problem}").format(
            name=path.name, problem=problem))
    conn = _connect(path, readonly=True, key=key)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        missing = CORE_TABLES - tables
        if missing:
            raise DomainError(_("The file {name} is not a Transit Centre database (missing: {tables}).")
                              .format(name=path.name, tables=", ".join(sorted(missing))))
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except db_errors() as exc:
        raise DomainError(_("The file {name} is not a usable backup: {problem}").format(
            name=path.name, problem=exc)) from exc
    finally:
        conn.close()
    if row is None:
        raise DomainError(_("The file {name} has no schema version.").format(name=path.name))
    known = {rev.revision for rev in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}
    if row[0] not in known:
        raise DomainError(_(
            "The backup {name} was made by a newer version of Transit Centre (schema {revision}). "
            "Install that version to restore it."
        ).format(name=path.name, revision=row[0]))
    return str(row[0])


@dataclass(frozen=True)
class BackupKey:
    """What opens a backup: its key (None for a plain backup) and the key file that held it."""
    key: bytes | None
    key_file: Path | None


def unlock_backup(backup: Path, *, username: str = "", password: str = "", recovery_code: str = "",
                  fallback: Path | None = None) -> BackupKey:
    """The key of an encrypted backup, from its key file (``<backup>.keys``, else the key file
    ``fallback``: the database's own) with an account's password of that day or the recovery
    key. A plain backup (from before encryption) needs neither."""
    backup = Path(backup)
    if keyring.is_plain_sqlite(backup):
        return BackupKey(None, None)
    own = keyring.key_file(backup)
    holder = own if own.is_file() else fallback
    if holder is None or not holder.is_file():
        raise DomainError(_("The key file of the backup {name} is missing: copy {keys} beside it.").format(
            name=backup.name, keys=own.name))
    database = Path(str(holder)[:-len(keyring.SUFFIX)])  # the keyring names files by their database
    key = (keyring.unlock_with_recovery(database, recovery_code) if recovery_code
           else keyring.unlock(database, username, password))
    return BackupKey(key, holder)


def authorise_restore(backup: Path, opened: BackupKey, username: str, password: str) -> None:
    """Whoever restores a backup is an active administrator in that backup (their password of
    that day), unless they hold the recovery key. Same answer whatever is wrong."""
    from transit_centre.security.users import _DUMMY_HASH, password_matches

    refused = DomainError(_("Wrong user name or password, or this account is not an administrator in the backup "
                            "{name}.").format(name=Path(backup).name))
    conn = _connect(Path(backup), readonly=True, key=opened.key)
    try:
        row = conn.execute(
            "SELECT u.password_hash FROM app_user u JOIN user_role ur ON ur.user_id = u.id JOIN role r "
            "ON r.id = ur.role_id WHERE u.username = ? AND u.active AND r.code = 'admin'",
            ((username or "").strip().lower(),)).fetchone()
    except db_errors() as exc:
        raise DomainError(_("The file {name} is not a usable backup: {problem}").format(
            name=Path(backup).name, problem=exc)) from exc
    finally:
        conn.close()
    if not password_matches(row[0] if row else _DUMMY_HASH, password) or row is None:
        raise refused


def open_for_restore(backup: Path, target: Path, *, username: str = "", password: str = "",
                     recovery_code: str = "") -> BackupKey:
    """Who restores, checked, and the backup's key: an administrator of the backup with their
    password of that day, or the recovery key (of the backup; for a plain backup from before
    encryption, of the database it replaces)."""
    fallback = keyring.key_file(Path(target))
    opened = unlock_backup(backup, username=username, password=password, recovery_code=recovery_code,
                           fallback=fallback)
    if not recovery_code:
        authorise_restore(backup, opened, username, password)
    elif opened.key is None:  # a plain backup opens without a key: the code must be the database's
        if not fallback.is_file():
            raise DomainError(_("This backup is not encrypted: an administrator of the backup restores it with "
                                "their user name and password."))
        keyring.unlock_with_recovery(Path(target), recovery_code)
    return opened


def restore_file(target: Path, backup: Path, now: dt.datetime | None = None,
                 opened: BackupKey | None = None) -> RestoreResult:
    """Replace the database file ``target`` by ``backup`` once the backup has passed its checks.

    The replaced database (with its WAL file and key file) is renamed
    ``<name>.replaced-<timestamp>``, so nothing is lost. No connection to ``target`` may be open
    (dispose the engine first). ``opened``: an encrypted backup's key (``unlock_backup``); its
    key file becomes the database's (the passwords of the day the backup was made).
    """
    key = opened.key if opened is not None else None
    backup, target = Path(backup).resolve(), Path(target).resolve()
    if backup == target:
        raise DomainError(_("This file is the database in use; choose a backup."))
    check_backup(backup, key)
    target.parent.mkdir(parents=True, exist_ok=True)
    incoming = target.with_name(target.name + ".restoring")
    incoming.unlink(missing_ok=True)
    try:
        _copy(backup, incoming, None, readonly=True, key=key)
        problem = _integrity(incoming, quick=True, key=key)
        if problem:
            raise DomainError(_("The copy of the backup is damaged ({problem}); nothing was replaced.")
                              .format(problem=problem))
        kept: Path | None = None
        moved: list[tuple[Path, Path]] = []
        if target.exists():
            kept = _unique(target.with_name(f"{target.name}.replaced-{_timestamp(now)}"))
            try:
                for suffix in ("", "-wal", "-shm", keyring.SUFFIX):
                    src = Path(str(target) + suffix)
                    if src.exists():
                        dst = Path(str(kept) + suffix)
                        os.replace(src, dst)
                        moved.append((src, dst))
                os.replace(incoming, target)
            except OSError as exc:
                for src, dst in reversed(moved):  # put the original back
                    os.replace(dst, src)
                raise DomainError(_("The database could not be replaced ({reason}). Close every "
                                    "Transit Centre window and try again.").format(
                    reason=exc.strerror or exc)) from exc
        else:
            os.replace(incoming, target)
        if opened is not None and opened.key_file is not None:
            source_keys = opened.key_file
            if kept is not None and source_keys == keyring.key_file(target):
                source_keys = Path(str(kept) + keyring.SUFFIX)  # moved aside with the replaced database
            _copy_key_file(source_keys, keyring.key_file(target))
    except db_errors() as exc:
        raise DomainError(_("The restore failed: {reason}").format(reason=exc)) from exc
    finally:
        incoming.unlink(missing_ok=True)
    restored = Database(sqlite_url(target), key=key)
    try:
        with restored.transaction(Actor.system()) as s:
            audit_entry(s, AuditAction.RESTORE, "database", None,
                        detail=_("Restored from {backup}; previous database kept as {kept}").format(
                            backup=backup, kept=kept or "-"))
    finally:
        restored.dispose()
    log.warning("database %s restored from %s (previous kept as %s)", target, backup, kept)
    return RestoreResult(backup, kept)


def restore_backup(db: Database, actor: Actor, backup: Path, opened: BackupKey | None = None) -> RestoreResult:
    """An administrator restores a backup over the database in use; restart afterwards."""
    actor.require(Permission.BACKUP)
    actor.require(Permission.SETTINGS_ADMIN)
    target = _sqlite_file(db)
    check_backup(Path(backup), opened.key if opened else None)
    db.dispose()
    return restore_file(target, Path(backup), opened=opened)

"""When the SQLite file is checked (``PRAGMA quick_check``, ``storage.backup.check_integrity``).

The check reads the whole file: 3 s at 100,000 residents, and it grows with the file. It stays
before anything is written whenever the file may have been hurt since it was last known
sound: the last session did not close it cleanly (a crash, a power cut: its write-ahead log
or rollback journal is still there), something else changed it (its size or modification time
differ from what the application noted when it closed it: a copy, a restore, a sync tool), or
no sound close was ever noted. A file closed cleanly by the application and untouched since opens at once;
the window then checks it in the background right after it shows, and again every day it
stays open. If that check fails, the database refuses every further read and write
(``Database.refused``) and the window says how to restore a backup. The command line, which
has no background, checks before use when the last check is older than ``COMMAND_LINE_AGE``.

What was noted sits next to the database, in ``<database>-state.json``: the file's size and
modification time when the last session closed it cleanly, and when it last passed a check.
The note can only make the application skip the check at start, never trust a file the note
does not describe.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import weakref
from pathlib import Path
from typing import Any

from transit_centre.db.engine import Database
from transit_centre.storage.backup import DamagedDatabase, check_integrity

log = logging.getLogger(__name__)

BACKGROUND_AGE = dt.timedelta(days=1)  # the open window checks again after a day
COMMAND_LINE_AGE = dt.timedelta(days=7)  # a command checks before use when the last check is older
_checked: "weakref.WeakSet[Database]" = weakref.WeakSet()  # databases checked since they were opened
_created: set[Path] = set()  # files this process made from nothing
_damaged: set[Path] = set()  # files that failed their check in this process: never noted as clean


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def state_path(database: Path) -> Path:
    return database.with_name(database.name + "-state.json")


def _left_open(database: Path) -> bool:
    """A write-ahead log (WAL) or rollback journal beside the file: a connection is open, or
    the last one did not close (SQLite deletes them when the last connection closes)."""
    return any(database.with_name(database.name + suffix).exists() for suffix in ("-wal", "-journal"))


def read_state(database: Path) -> dict[str, Any]:
    try:
        state = json.loads(state_path(database).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _write_state(database: Path, state: dict[str, Any]) -> None:
    path = state_path(database)
    partial = path.with_name(path.name + ".partial")
    try:
        from transit_centre.private_files import private_file

        private_file(partial)
        partial.write_text(json.dumps(state, indent=1), encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:  # a read-only folder: the file is simply checked at every start
        log.warning("could not note the state of %s: %s", database, exc)


def _stamp(database: Path) -> dict[str, int]:
    info = database.stat()
    return {"size": info.st_size, "mtime_ns": info.st_mtime_ns}


def closed_cleanly(database: Path) -> bool:
    """The file is exactly as the application left it when it last closed it cleanly."""
    state = read_state(database)
    try:
        return not _left_open(database) and state.get("closed") == _stamp(database)
    except OSError:
        return False


def last_checked(database: Path) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(read_state(database)["checked_at"])
    except (KeyError, TypeError, ValueError):
        return None


def check_due(database: Path, age: dt.timedelta) -> bool:
    checked = last_checked(database)
    return checked is None or _now() - checked > age


def check_now(db: Database) -> None:
    """Check the file; note when it passed. A damaged file is never noted as closed cleanly
    again, and ``db`` refuses every further transaction. Raises ``DamagedDatabase``."""
    path = db.sqlite_path
    if path is None or not path.exists():
        return
    try:
        check_integrity(db)
    except DamagedDatabase as exc:
        db.refused = exc
        _damaged.add(path)
        state = read_state(path)
        state.pop("closed", None)
        _write_state(path, state)
        raise
    _checked.add(db)
    _write_state(path, {**read_state(path), "checked_at": _now().isoformat()})


def background_check_due(db: Database) -> bool:
    """For the open window: not checked since it was opened, or a day ago."""
    path = db.sqlite_path
    if path is None or not path.exists() or db.refused is not None:
        return False
    return db not in _checked or check_due(path, BACKGROUND_AGE)


def check_before_use(db: Database, *, background: bool) -> bool:
    """Called when a database is opened, before anything writes to it. Checks it now unless
    it was closed cleanly and is untouched since (and, without a background check to follow,
    was checked less than ``COMMAND_LINE_AGE`` ago). Returns True when it was checked now."""
    path = db.sqlite_path
    if path is None:
        return False
    weakref.finalize(db, _closed, db.engine, path)  # when it is dropped, or at the latest at exit
    if not path.exists() or path.stat().st_size == 0:  # a new database: nothing to check, sound when closed
        _created.add(path)
        return False
    checked = False
    if not (closed_cleanly(path) and (background or not check_due(path, COMMAND_LINE_AGE))):
        check_now(db)
        checked = True
    return checked


def note_closed(db: Database) -> None:
    """Close the engine's connections and, when this was the last connection (SQLite then
    folds its write-ahead log into the file and deletes it), note the file as closed cleanly.
    Also done when a database opened by ``check_before_use`` is dropped, or at exit."""
    if db.sqlite_path is not None and db.refused is not None:
        _damaged.add(db.sqlite_path)
    _closed(db.engine, db.sqlite_path)


def _closed(engine: Any, path: Path | None) -> None:
    engine.dispose()
    if path is None or path in _damaged:
        return
    try:
        if path.exists() and not _left_open(path):
            state = {**read_state(path), "closed": _stamp(path)}
            if path in _created and "checked_at" not in state:  # written from nothing by this process
                state["checked_at"] = _now().isoformat()
            _write_state(path, state)
    except OSError as exc:
        log.warning("could not note that %s was closed: %s", path, exc)

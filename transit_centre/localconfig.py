"""This laptop's own configuration: where its database lives (chosen in the welcome wizard).

A small JSON file in the user's configuration folder (Windows:
``%LOCALAPPDATA%\\IOM Mali\\TransitCentre\\config.json``; with ``TRANSIT_CENTRE_DATA_DIR`` set,
in that folder). It is read by ``db.engine.configured_url()``; the environment variable
``TRANSIT_CENTRE_DATABASE_URL`` and ``--database`` still win over it. Kept outside the database
on purpose: it says where the database is.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import platformdirs

from transit_centre.errors import DomainError
from transit_centre.i18n import _
from transit_centre.paths import APP_AUTHOR, APP_NAME, default_database_path
from transit_centre.private_files import make_private_folder

log = logging.getLogger(__name__)

CONFIG_NAME = "config.json"
DATABASE_FILE = "transit-centre.sqlite3"


def config_path() -> Path:
    override = os.environ.get("TRANSIT_CENTRE_DATA_DIR")
    folder = Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))
    return folder / CONFIG_NAME


def load_config() -> dict[str, Any]:
    """The saved values; an unreadable file counts as empty (and is logged), never a crash."""
    path = config_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        log.warning("ignoring unreadable configuration file %s", path, exc_info=True)
        return {}
    return data if isinstance(data, dict) else {}


def save_config(values: dict[str, Any]) -> None:
    """Write atomically (a temporary file then a rename) so a crash never leaves half a file."""
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="config-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(values, fh, ensure_ascii=False, indent=2)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def database_path() -> Path:
    """The SQLite file this laptop uses: the chosen folder's, else the default one."""
    folder = load_config().get("database_folder")
    if isinstance(folder, str) and folder.strip():
        return Path(folder) / DATABASE_FILE
    return default_database_path()


def sqlite_url(path: Path) -> str:
    """URL of a SQLite file. Characters a URL gives a meaning to (``%``, ``?``, ``#``, ``@``) are
    escaped, so any Windows folder works (``C:\\Users\\Aïssata Traoré\\Données``)."""
    from sqlalchemy.engine import URL

    return URL.create("sqlite", database=str(Path(path).resolve()).replace("\\", "/")).render_as_string(
        hide_password=False)


sqlite_url_for = sqlite_url  # the name the window's modules use


def check_folder(folder: Path) -> Path:
    """Create ``folder`` if needed and prove a file can be written there."""
    try:
        folder = Path(folder).expanduser()
        make_private_folder(folder)  # a folder created here is for this user only
        probe = folder / ".transit-centre-write-test"
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise DomainError(_("The folder {folder} cannot be used: {reason}").format(
            folder=folder, reason=exc.strerror or exc), "database_folder") from exc
    return folder.resolve()


def choose_database_folder(folder: Path | None) -> Path:
    """Remember the folder of this laptop's database (None: the default folder). Returns the file."""
    values = load_config()
    if folder is None:
        values.pop("database_folder", None)
    else:
        values["database_folder"] = str(check_folder(folder))
    save_config(values)
    return database_path()


def is_first_start(explicit_url: str | None = None) -> bool:
    """True when no database was named and the local SQLite file does not exist yet."""
    if explicit_url or os.environ.get("TRANSIT_CENTRE_DATABASE_URL"):
        return False
    return not database_path().exists()

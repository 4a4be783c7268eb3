"""Where things live: bundled resources, the user's data, log and backup folders."""
from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path

import platformdirs

APP_NAME = "TransitCentre"
APP_AUTHOR = "IOM Mali"


@lru_cache(maxsize=1)
def resources_dir() -> Path:
    """The ``resources/`` folder: installed package data, a PyInstaller bundle or the checkout."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "transit_centre" / "resources"
    try:
        from importlib import resources

        path = Path(str(resources.files("transit_centre.resources")))
        if (path / "reference").is_dir():
            return path
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parent.parent / "resources"


def data_dir() -> Path:
    override = os.environ.get("TRANSIT_CENTRE_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    if not path.is_dir():  # created here: for this user only (icacls on Windows, 700 elsewhere)
        from transit_centre.private_files import make_private_folder

        make_private_folder(path)
    return path


def log_dir() -> Path:
    override = os.environ.get("TRANSIT_CENTRE_DATA_DIR")
    path = Path(override) / "logs" if override else Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))
    if not path.is_dir():  # for this user only, like the data folder (a log may name a file or a user)
        from transit_centre.private_files import make_private_folder

        if override:
            data_dir()
        make_private_folder(path)
    return path


def default_database_path() -> Path:
    return data_dir() / "transit-centre.sqlite3"


def backup_dir() -> Path:
    from transit_centre.private_files import make_private_folder

    return make_private_folder(data_dir() / "backups")

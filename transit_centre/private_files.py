"""Files and folders only their owner may read: HQ's private key, the data folder.

On Windows, ``chmod`` changes nothing but the read-only flag; the access list is set with
``icacls``: inheritance removed, full control for the signed-in user and SYSTEM (which Windows
itself and backup software run as), nobody else. Elsewhere ``chmod`` 600 (files) / 700 (folders).

The usual data folder, ``%LOCALAPPDATA%\\IOM Mali\\TransitCentre``, is already in the user's
profile, which Windows opens to that user, SYSTEM and the administrators only; restricting
matters for a folder created elsewhere (``D:\\TransitCentre``, a folder chosen in the welcome
wizard), which would otherwise inherit "Users: read" from the drive.
"""
from __future__ import annotations

import logging
import os
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

SYSTEM_SID = "S-1-5-18"


def _creation_flags() -> int:
    return getattr(subprocess, "CREATE_NO_WINDOW", 0)  # no console flashing from the window


@lru_cache(maxsize=1)
def current_user_sid() -> str | None:  # pragma: no cover - Windows only
    """The signed-in user's SID (``S-1-5-21-…``), from ``whoami /user``."""
    try:
        out = subprocess.run(["whoami", "/user", "/fo", "csv", "/nh"], capture_output=True, text=True,
                             timeout=30, creationflags=_creation_flags()).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    sid = out.strip().rsplit(",", 1)[-1].strip().strip('"')
    return sid if sid.startswith("S-1-") else None


def icacls_arguments(path: Path, user_sid: str, folder: bool) -> list[str]:
    """``icacls`` arguments giving ``user_sid`` and SYSTEM full control of ``path``, and nobody else."""
    inherit = "(OI)(CI)" if folder else ""
    return ["icacls", str(path), "/inheritance:r",
            "/grant:r", f"*{user_sid}:{inherit}F", "/grant:r", f"*{SYSTEM_SID}:{inherit}F"]


def restrict_to_owner(path: Path | str) -> bool:
    """Make ``path`` readable by its owner only (see the module). False when it could not be
    done (a FAT-formatted USB drive has no access lists, a network share may refuse); logged."""
    path = Path(path)
    if sys.platform != "win32":
        try:
            os.chmod(path, 0o700 if path.is_dir() else 0o600)
            return True
        except OSError as exc:
            log.warning("could not restrict %s to its owner: %s", path, exc)
            return False
    sid = current_user_sid()  # pragma: no cover - Windows only, tested on the Windows runner
    if sid is None:
        log.warning("could not restrict %s: the user's SID is unknown", path)
        return False
    try:
        done = subprocess.run(icacls_arguments(path, sid, path.is_dir()), capture_output=True, text=True,
                              timeout=60, creationflags=_creation_flags())
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("icacls failed on %s: %s", path, exc)
        return False
    if done.returncode != 0:
        log.warning("icacls could not restrict %s: %s", path, (done.stdout + done.stderr).strip())
        return False
    return True


def make_private_folder(path: Path | str) -> Path:
    """Create ``path`` (and its parents) if needed; a folder created here is restricted to its owner.
    An existing folder is left as it is (it may be shared on purpose)."""
    path = Path(path)
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True)
        restrict_to_owner(path)
    return path


def private_file(path: Path | str) -> Path:
    """Make sure the file ``path`` is readable by its owner only before anything is written to
    it: created empty with mode 600 when missing; an existing file open to others is narrowed to
    600 (POSIX). On Windows the file inherits its folder's access list (``make_private_folder``)."""
    path = Path(path)
    if not path.exists():
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600))
        except FileExistsError:
            pass
    if sys.platform != "win32":
        try:
            if path.stat().st_mode & 0o077:
                os.chmod(path, 0o600)
        except OSError as exc:
            log.warning("could not restrict %s to its owner: %s", path, exc)
    return path

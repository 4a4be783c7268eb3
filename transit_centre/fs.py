"""Files and folders as Windows laptops have them: local disks, mapped network drives, UNC
shares (``\\\\nas\\sauvegardes``) and folders synchronised by OneDrive, Dropbox, Google Drive or
iCloud.

- ``sqlite_uri``: the ``file:`` URI SQLite accepts for any of those paths (``Path.as_uri`` turns
  a UNC path into ``file://nas/...``, which SQLite refuses: "invalid uri authority").
- ``storage_location``: whether a folder is on a network drive or in a synced folder.
- ``sqlite_journal_mode``: WAL needs a local disk (shared memory between processes, and a
  sync client must never copy the database apart from its ``-wal`` file); elsewhere the
  rollback journal (``DELETE``) is used.
- ``location_warning``: the message the welcome wizard and Settings show for such a folder.

Pure Python (no Qt); the Windows-only parts (``GetDriveTypeW``, the OneDrive environment
variables) are used only on Windows. Path rules are written with ``PureWindowsPath`` so that
they can be checked on any system.
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from urllib.parse import quote

from transit_centre.i18n import _

IS_WINDOWS = sys.platform == "win32"

LOCAL = "local"
NETWORK = "network"
SYNCED = "synced"

# Folder names that synchronisation clients create (compared in lower case). A path with one of
# these parts is in a synced folder: "OneDrive", "OneDrive - OIM", "Dropbox (IOM)", "Google
# Drive", Google Drive for desktop's "My Drive" / "Mon Drive", iCloud Drive.
_SYNC_EXACT = {
    "google drive": "Google Drive",
    "googledrive": "Google Drive",
    "my drive": "Google Drive",
    "mon drive": "Google Drive",
    "shared drives": "Google Drive",
    "drives partagés": "Google Drive",
    "icloud drive": "iCloud Drive",
    "iclouddrive": "iCloud Drive",
    "com~apple~clouddocs": "iCloud Drive",
}
_SYNC_PREFIXES = {"onedrive": "OneDrive", "dropbox": "Dropbox"}
# Windows sets these to the OneDrive folders of the signed-in account (personal, work).
_ONEDRIVE_ENV = ("OneDrive", "OneDriveCommercial", "OneDriveConsumer")
# Linux file systems that live on another computer (``/proc/self/mountinfo`` types).
NETWORK_FILESYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs", "9p", "ceph", "glusterfs", "lustre",
    "fuse.sshfs", "fuse.davfs2", "davfs", "fuse.rclone", "fuse.gvfsd-fuse", "fuse.s3fs",
})
_DRIVE_REMOTE = 4  # GetDriveTypeW


# --- SQLite URIs ---------------------------------------------------------------------------------

def _strip_extended(text: str) -> str:
    """``\\\\?\\C:\\x`` -> ``C:\\x`` and ``\\\\?\\UNC\\nas\\share`` -> ``\\\\nas\\share``."""
    for prefix in ("\\\\?\\", "//?/"):
        if text.startswith(prefix):
            rest = text[len(prefix):]
            if rest[:4].upper() in ("UNC\\", "UNC/"):
                return "\\\\" + rest[4:]
            return rest
    return text


def _uri_path(path: str | os.PathLike[str], windows: bool) -> str:
    text = os.fspath(path)
    if windows:
        if IS_WINDOWS:
            text = os.path.abspath(text)
        pure = PureWindowsPath(_strip_extended(text))
        if not pure.is_absolute():
            raise ValueError(f"not an absolute Windows path: {text!r}")
        posix = pure.as_posix()  # "C:/data/x.sqlite3" or "//nas/share/x.sqlite3"
        return posix if posix.startswith("/") else "/" + posix
    if not IS_WINDOWS:
        text = os.path.abspath(text)
    posix = str(PurePosixPath(text))
    if not posix.startswith("/"):
        raise ValueError(f"not an absolute path: {text!r}")
    return posix


def sqlite_uri(path: str | os.PathLike[str], *, readonly: bool = True, windows: bool | None = None) -> str:
    """The SQLite ``file:`` URI of a database file, read-only by default (``?mode=ro``).

    ``C:\\Données\\x.sqlite3`` -> ``file:///C:/Donn%C3%A9es/x.sqlite3``, a mapped drive the same
    way, and a UNC path ``\\\\nas\\sauvegardes\\x.sqlite3`` -> ``file:////nas/sauvegardes/x.sqlite3``
    (an empty authority, then the path with its two leading slashes). ``%``, ``?``, ``#``, spaces
    and accents are percent-escaped. ``windows`` chooses the path rules (default: this system's).
    """
    windows = IS_WINDOWS if windows is None else windows
    uri = "file://" + quote(_uri_path(path, windows), safe="/:")
    return uri + "?mode=ro" if readonly else uri


# --- where a folder lives ------------------------------------------------------------------------

@dataclass(frozen=True)
class StorageLocation:
    kind: str  # LOCAL, NETWORK or SYNCED
    where: str = ""  # the share or drive ("\\\\nas\\data", "Z:", "nfs") or the service ("OneDrive")

    @property
    def is_local(self) -> bool:
        return self.kind == LOCAL


def _synced_service(parts: tuple[str, ...]) -> str | None:
    for part in parts:
        low = part.strip().lower()
        if low in _SYNC_EXACT:
            return _SYNC_EXACT[low]
        for prefix, service in _SYNC_PREFIXES.items():
            if low == prefix or low.startswith((prefix + " ", prefix + "-", prefix + "(")):
                return service
    return None


def _under(path: PurePath, folder: str, windows: bool) -> bool:
    parent = PureWindowsPath(folder) if windows else PurePosixPath(folder)
    if windows:
        path, parent = PureWindowsPath(str(path).lower()), PureWindowsPath(str(parent).lower())
    return path == parent or parent in path.parents


def _windows_drive_is_remote(drive: str) -> bool:  # pragma: no cover - Windows only
    """``GetDriveTypeW`` says DRIVE_REMOTE for a mapped network drive (``net use Z: \\\\nas\\x``)."""
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(drive + "\\")) == _DRIVE_REMOTE  # type: ignore[attr-defined]


def _unescape_mount(field: str) -> str:
    """``/proc/self/mountinfo`` writes a space as ``\\040`` (octal escapes)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def network_mount(path: str, mountinfo: str) -> str | None:
    """The network file system type (``nfs``, ``cifs``…) of the mount holding ``path``, from the
    text of ``/proc/self/mountinfo``; None when that mount is local."""
    best, best_type = "", None
    for line in mountinfo.splitlines():
        left, sep, right = line.partition(" - ")
        fields = left.split()
        if not sep or len(fields) < 5 or not right.split():
            continue
        mount_point = _unescape_mount(fields[4])
        inside = path == mount_point or path.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, best_type = mount_point, right.split()[0]
    return best_type if best_type in NETWORK_FILESYSTEMS else None


def _linux_mountinfo() -> str:
    try:
        return Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def storage_location(folder: str | os.PathLike[str], *, windows: bool | None = None,
                     environ: dict[str, str] | None = None, mountinfo: str | None = None) -> StorageLocation:
    """Whether ``folder`` (or a file in it) is on this computer's disk, on a network drive or in a
    synced folder. ``windows``, ``environ`` and ``mountinfo`` default to this system's."""
    windows = IS_WINDOWS if windows is None else windows
    environ = dict(os.environ) if environ is None else environ
    text = os.fspath(folder)
    if windows:
        pure: PurePath = PureWindowsPath(_strip_extended(os.path.abspath(text) if IS_WINDOWS else text))
        drive = pure.drive
        if drive.startswith(("\\\\", "//")):
            return StorageLocation(NETWORK, drive.replace("/", "\\"))
        service = _synced_service(pure.parts)
        if service is None:
            for name in _ONEDRIVE_ENV:
                value = environ.get(name, "").strip()
                if value and _under(pure, value, windows=True):
                    service = "OneDrive"
                    break
        if service:
            return StorageLocation(SYNCED, service)
        if IS_WINDOWS and drive and _windows_drive_is_remote(drive):
            return StorageLocation(NETWORK, drive)
        return StorageLocation(LOCAL)
    pure = PurePosixPath(os.path.realpath(text) if not IS_WINDOWS else text)
    service = _synced_service(pure.parts)
    if service:
        return StorageLocation(SYNCED, service)
    if mountinfo is None:
        mountinfo = _linux_mountinfo() if sys.platform.startswith("linux") else ""
    fs_type = network_mount(str(pure), mountinfo)
    if fs_type:
        return StorageLocation(NETWORK, fs_type)
    return StorageLocation(LOCAL)


def sqlite_journal_mode(database: str | os.PathLike[str]) -> str:
    """``WAL`` for a database file on this computer's disk, ``DELETE`` (SQLite's rollback journal)
    on a network drive or in a synced folder, where WAL is not safe."""
    try:
        location = storage_location(Path(database).parent)
    except (OSError, ValueError):
        return "WAL"
    return "WAL" if location.is_local else "DELETE"


def location_warning(folder: str | os.PathLike[str]) -> str | None:
    """What to tell the user about keeping the database in ``folder``; None for a local disk."""
    try:
        location = storage_location(folder)
    except (OSError, ValueError):
        return None
    if location.kind == NETWORK:
        return _("The folder {folder} is on a network drive ({where}). The database should stay on "
                 "this computer's disk: a network drive can be cut off in the middle of a save, and "
                 "two computers must never open the same database. Transit Centre uses SQLite's "
                 "safe (slower) journal there instead of WAL. Keep the database in the usual folder "
                 "and choose the network folder for backups (Administration > Settings).").format(
            folder=folder, where=location.where)
    if location.kind == SYNCED:
        return _("The folder {folder} is synchronised by {service}. The synchronisation can copy the "
                 "database while it is being written and damage it, or bring back an old copy. "
                 "Transit Centre uses SQLite's safe (slower) journal there instead of WAL. Keep the "
                 "database in a folder that is not synchronised (the usual folder) and make backups "
                 "instead.").format(folder=folder, service=location.where)
    return None

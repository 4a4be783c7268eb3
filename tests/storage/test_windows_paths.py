"""Paths as Windows laptops have them: SQLite URIs for local, mapped-drive and UNC paths (backup,
check and restore), network drives and synced folders (a warning, and no WAL there).

The path rules are checked with Windows rules on every system (``windows=True``); what needs a
real Windows (``GetDriveTypeW``, a real UNC share) is in tests marked for Windows only.
"""
from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import pytest

from support.database import TEST_URL
from transit_centre import fs
from transit_centre.storage.opening import open_database
from transit_centre.db.engine import Database, sqlite_url
from transit_centre.i18n import set_language
from transit_centre.storage import backup

sqlite_only = pytest.mark.skipif(bool(TEST_URL), reason="SQLite files only")
windows_only = pytest.mark.skipif(sys.platform != "win32", reason="needs Windows")
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX path rules")


# --- URIs --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, uri", [
    (r"\\nas\sauvegardes\transit-centre.sqlite3", "file:////nas/sauvegardes/transit-centre.sqlite3?mode=ro"),
    ("//nas/sauvegardes/transit-centre.sqlite3", "file:////nas/sauvegardes/transit-centre.sqlite3?mode=ro"),
    (r"\\NAS-GAO\Sauvegardes TC\2026\x.sqlite3", "file:////NAS-GAO/Sauvegardes%20TC/2026/x.sqlite3?mode=ro"),
    (r"\\?\UNC\nas\sauvegardes\x.sqlite3", "file:////nas/sauvegardes/x.sqlite3?mode=ro"),
    (r"C:\Users\awa\AppData\Local\IOM Mali\TransitCentre\transit-centre.sqlite3",
     "file:///C:/Users/awa/AppData/Local/IOM%20Mali/TransitCentre/transit-centre.sqlite3?mode=ro"),
    (r"Z:\Sauvegardes\x.sqlite3", "file:///Z:/Sauvegardes/x.sqlite3?mode=ro"),  # a mapped drive
    ("Z:/Sauvegardes/x.sqlite3", "file:///Z:/Sauvegardes/x.sqlite3?mode=ro"),
    (r"\\?\C:\data\x.sqlite3", "file:///C:/data/x.sqlite3?mode=ro"),
    (r"C:\Users\Aïssata Traoré\Données #1\copie ?2 100%.sqlite3",
     "file:///C:/Users/A%C3%AFssata%20Traor%C3%A9/Donn%C3%A9es%20%231/copie%20%3F2%20100%25.sqlite3?mode=ro"),
    (r"\\nas\a#b\c?d\e%f.sqlite3", "file:////nas/a%23b/c%3Fd/e%25f.sqlite3?mode=ro"),
])
def test_windows_paths_give_uris_sqlite_accepts(path, uri):
    assert fs.sqlite_uri(path, windows=True) == uri


def test_uri_for_writing_has_no_mode_and_relative_windows_paths_are_refused():
    assert fs.sqlite_uri(r"\\nas\share\x.sqlite3", readonly=False, windows=True) == "file:////nas/share/x.sqlite3"
    if sys.platform != "win32":  # on Windows a relative path is made absolute first
        with pytest.raises(ValueError):
            fs.sqlite_uri(r"backups\x.sqlite3", windows=True)


@posix_only
def test_posix_paths_and_the_four_slash_form_open_in_sqlite(tmp_path):
    folder = tmp_path / "a #b ?c %41 é"
    folder.mkdir()
    path = folder / "x?y#z%20.sqlite3"
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    uri = fs.sqlite_uri(path)
    assert uri.startswith("file:///") and "%23" in uri and "%3F" in uri and "%25" in uri
    ro = sqlite3.connect(uri, uri=True)
    assert ro.execute("SELECT name FROM sqlite_master").fetchall() == [("t",)]
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        ro.execute("INSERT INTO t VALUES (1)")
    ro.close()
    # An empty authority followed by a path starting with "//": the form UNC paths get. On POSIX,
    # "//tmp/..." is "/tmp/...", so SQLite's own parser is exercised with four slashes.
    four = fs.sqlite_uri("/" + str(path), windows=False)
    assert four.startswith("file:////")
    conn = sqlite3.connect(four, uri=True)
    assert conn.execute("SELECT count(*) FROM t").fetchone() == (0,)
    conn.close()
    # What the old code built for a UNC path is refused by SQLite, as seen on the laptops.
    with pytest.raises(sqlite3.OperationalError, match="authority"):
        sqlite3.connect("file://nas/sauvegardes/x.sqlite3?mode=ro", uri=True)


@sqlite_only
def test_backup_check_and_restore_with_awkward_characters_in_every_folder(tmp_path):
    ask = "" if sys.platform == "win32" else "?"  # Windows allows no "?" in a name
    live = tmp_path / f"Données #1 {ask}vraiment 100% & co" / "transit-centre.sqlite3"
    db = open_database(sqlite_url(live))
    target_folder = tmp_path / f"Sauvegardes #2 {ask}clé 50%"
    try:
        info = backup.make_backup(db, target_folder)
        assert info.path.parent == target_folder and info.path.is_file()
        assert backup.check_backup(info.path)
    finally:
        db.dispose()
    result = backup.restore_file(live, info.path)
    assert result.restored_from == info.path.resolve()
    assert result.replaced_kept_as is not None and result.replaced_kept_as.is_file()
    assert backup.check_backup(live)


# --- where a folder is ------------------------------------------------------------------------------

@pytest.mark.parametrize("folder, kind, where", [
    (r"\\nas\sauvegardes\TransitCentre", fs.NETWORK, r"\\nas\sauvegardes"),
    ("//nas/sauvegardes/TransitCentre", fs.NETWORK, r"\\nas\sauvegardes"),
    (r"C:\Users\awa\OneDrive\Documents\TransitCentre", fs.SYNCED, "OneDrive"),
    (r"C:\Users\awa\OneDrive - OIM\TransitCentre", fs.SYNCED, "OneDrive"),
    (r"C:\Users\awa\Dropbox (IOM)\TransitCentre", fs.SYNCED, "Dropbox"),
    (r"C:\Users\awa\Dropbox\TransitCentre", fs.SYNCED, "Dropbox"),
    (r"G:\Mon Drive\TransitCentre", fs.SYNCED, "Google Drive"),
    (r"C:\Users\awa\Google Drive\TransitCentre", fs.SYNCED, "Google Drive"),
    (r"C:\Users\awa\iCloudDrive\TransitCentre", fs.SYNCED, "iCloud Drive"),
    (r"C:\Users\awa\AppData\Local\IOM Mali\TransitCentre", fs.LOCAL, ""),
    (r"C:\Users\awa\Documents\OneDriveNotes", fs.LOCAL, ""),  # only a name that starts alike
    (r"D:\TransitCentre", fs.LOCAL, ""),
])
def test_windows_folders_are_classified(folder, kind, where):
    if sys.platform == "win32" and kind == fs.LOCAL:
        pytest.skip("on Windows the drive's real type decides (test_real_drives_on_windows)")
    location = fs.storage_location(folder, windows=True, environ={})
    assert (location.kind, location.where) == (kind, where)


def test_a_onedrive_folder_with_another_name_is_found_by_the_environment():
    env = {"OneDriveCommercial": r"C:\Users\awa\Organisation Internationale"}
    inside = r"C:\Users\awa\organisation internationale\Documents\TC"
    assert fs.storage_location(inside, windows=True, environ=env).kind == fs.SYNCED
    if sys.platform != "win32":
        assert fs.storage_location(r"C:\Users\awa\Documents", windows=True, environ=env).kind == fs.LOCAL


MOUNTINFO = "\n".join([
    "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw",
    "40 27 0:50 / /mnt/nas rw,relatime - cifs //nas/sauvegardes rw,vers=3.0",
    r"41 27 0:51 / /mnt/centre\040gao rw,relatime - nfs4 srv:/export rw",
    "42 40 0:52 / /mnt/nas/local rw,relatime - ext4 /dev/vdb rw",
])


def test_network_mounts_are_found_in_mountinfo():
    assert fs.network_mount("/mnt/nas/TransitCentre", MOUNTINFO) == "cifs"
    assert fs.network_mount("/mnt/centre gao/x", MOUNTINFO) == "nfs4"
    assert fs.network_mount("/mnt/nas/local/x", MOUNTINFO) is None  # a local disk mounted inside
    assert fs.network_mount("/home/awa/TransitCentre", MOUNTINFO) is None
    assert fs.network_mount("/mnt/nasty", MOUNTINFO) is None


@posix_only
def test_linux_folders_are_classified(tmp_path):
    assert fs.storage_location("/mnt/nas/TC", windows=False, mountinfo=MOUNTINFO) == \
        fs.StorageLocation(fs.NETWORK, "cifs")
    assert fs.storage_location(tmp_path / "Dropbox" / "TC", windows=False).kind == fs.SYNCED
    assert fs.storage_location(tmp_path, windows=False, mountinfo=MOUNTINFO).is_local


@posix_only
def test_warnings_say_what_and_where_in_both_languages(tmp_path):
    try:
        set_language("en")
        assert fs.location_warning(tmp_path) is None
        synced = fs.location_warning("/home/awa/Dropbox/TC")
        assert synced is not None and "Dropbox" in synced and "WAL" in synced
        set_language("fr")
        french = fs.location_warning("/home/awa/OneDrive - OIM/TC")
        assert french is not None and "OneDrive" in french and "synchronisé" in french
    finally:
        set_language("fr")


@sqlite_only
@posix_only
def test_engine_uses_the_rollback_journal_in_a_synced_folder_and_wal_elsewhere(tmp_path):
    synced = Database(sqlite_url(tmp_path / "OneDrive - OIM" / "transit-centre.sqlite3"))
    local = Database(sqlite_url(tmp_path / "local" / "transit-centre.sqlite3"))
    try:
        for db, expected in ((synced, "delete"), (local, "wal")):
            with db.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == expected
    finally:
        synced.dispose()
        local.dispose()
    assert not (tmp_path / "OneDrive - OIM" / "transit-centre.sqlite3-wal").exists()


@sqlite_only
@posix_only
def test_a_wal_database_moved_into_a_synced_folder_is_switched_to_the_rollback_journal(tmp_path):
    first = tmp_path / "local" / "transit-centre.sqlite3"
    db = open_database(sqlite_url(first))
    db.dispose()
    moved = tmp_path / "Dropbox" / "transit-centre.sqlite3"
    moved.parent.mkdir()
    os.replace(first, moved)
    db = open_database(sqlite_url(moved))
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
    finally:
        db.dispose()


# --- Windows only -----------------------------------------------------------------------------------

def _admin_share(path: Path) -> Path:
    """``C:\\x\\y`` as ``\\\\localhost\\C$\\x\\y`` (the administrative share of the local disk)."""
    drive, rest = os.path.splitdrive(str(path))
    return Path("\\\\localhost\\" + drive.rstrip(":") + "$" + rest)


@windows_only
def test_real_drives_on_windows(tmp_path):
    assert fs.storage_location(tmp_path).kind == fs.LOCAL  # GetDriveTypeW: a fixed disk
    assert fs.sqlite_journal_mode(tmp_path / "x.sqlite3") == "WAL"
    assert fs.storage_location(_admin_share(tmp_path)).kind == fs.NETWORK
    assert fs.sqlite_journal_mode(_admin_share(tmp_path) / "x.sqlite3") == "DELETE"


@windows_only
@sqlite_only
def test_backup_check_and_restore_through_a_unc_path_on_windows(tmp_path):
    unc = _admin_share(tmp_path)
    try:
        (unc / "sauvegardes").mkdir()
    except OSError as exc:
        pytest.skip(f"the administrative share \\\\localhost\\C$ cannot be written by this account: {exc}")
    db = open_database(sqlite_url(tmp_path / "live" / "transit-centre.sqlite3"))
    try:
        info = backup.make_backup(db, unc / "sauvegardes")
        assert str(info.path).startswith("\\\\localhost\\")
        assert backup.check_backup(info.path)
    finally:
        db.dispose()
    result = backup.restore_file(tmp_path / "live" / "transit-centre.sqlite3", info.path)
    assert result.replaced_kept_as is not None
    assert backup.check_backup(tmp_path / "live" / "transit-centre.sqlite3")

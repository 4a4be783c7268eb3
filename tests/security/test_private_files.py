"""HQ's private key and a data folder created by the application are for their owner only:
icacls on Windows (checked on the Windows runner), chmod elsewhere."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from transit_centre.paths import data_dir
from transit_centre.private_files import SYSTEM_SID, icacls_arguments, make_private_folder, restrict_to_owner
from transit_centre.reports import crypto

windows_only = pytest.mark.skipif(sys.platform != "win32", reason="Windows access lists")
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_icacls_arguments_remove_inheritance_and_grant_only_the_user_and_system():
    args = icacls_arguments(Path(r"C:\TC\hq_private_key.pem"), "S-1-5-21-1-2-3-1001", folder=False)
    assert args == ["icacls", str(Path(r"C:\TC\hq_private_key.pem")), "/inheritance:r",
                    "/grant:r", "*S-1-5-21-1-2-3-1001:F", "/grant:r", f"*{SYSTEM_SID}:F"]
    folder = icacls_arguments(Path(r"D:\TransitCentre"), "S-1-5-21-1-2-3-1001", folder=True)
    assert "*S-1-5-21-1-2-3-1001:(OI)(CI)F" in folder and f"*{SYSTEM_SID}:(OI)(CI)F" in folder


@posix_only
def test_private_key_file_and_new_folders_are_for_the_owner_only(tmp_path, monkeypatch):
    private, public = crypto.generate_keys(tmp_path / "hq", "mot-de-passe-du-siege")
    assert _mode(private) == 0o600
    new = make_private_folder(tmp_path / "new" / "TransitCentre")
    assert _mode(new) == 0o700
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    make_private_folder(shared)  # an existing folder may be shared on purpose: left alone
    assert _mode(shared) == 0o755
    monkeypatch.setenv("TRANSIT_CENTRE_DATA_DIR", str(tmp_path / "data"))
    assert _mode(data_dir()) == 0o700
    assert restrict_to_owner(tmp_path / "missing") is False


def _acl(path: Path) -> str:
    return subprocess.run(["icacls", str(path)], capture_output=True, text=True, check=True).stdout


@windows_only
def test_icacls_leaves_only_the_user_and_system_on_windows(tmp_path, monkeypatch):
    private, _public = crypto.generate_keys(tmp_path / "hq", "mot-de-passe-du-siege")
    monkeypatch.setenv("TRANSIT_CENTRE_DATA_DIR", str(tmp_path / "data"))
    folder = data_dir()
    (folder / "transit-centre.sqlite3").write_bytes(b"x")  # inherits the folder's list
    user = os.environ["USERNAME"].lower()
    for path in (private, folder, folder / "transit-centre.sqlite3"):
        acl = _acl(path).lower()
        assert user in acl, acl
        for other in ("builtin\\users", "everyone", "authenticated users", "tout le monde",
                      "utilisateurs authentifiés"):
            assert other not in acl, (path, acl)
    assert "(i)" not in _acl(private).lower()  # nothing inherited from the folder
    assert private.read_bytes().startswith(b"-----BEGIN")  # still readable by its owner

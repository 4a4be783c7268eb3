"""A stolen laptop, a copied backup, an intercepted package: nothing readable without a password.

The attacks of the issue, repeated: ``sqlite3`` on the database, its WAL, a backup and a
package; files open to other users; a disabled account's password; a restore by someone who is
not an administrator; commands that ran as nobody. Each is refused.
"""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
import time
import uuid
from pathlib import Path

import pytest
from support.reports_data import AS_OF, load
from sqlalchemy import select

from transit_centre.admin.centres import list_centres
from transit_centre.db.engine import sqlite_url
from transit_centre.db.models import AuditEntry, ServiceRecord, Vulnerability
from transit_centre.enums import AuditAction, Role, ServiceKind, VulnerabilityKind
from transit_centre.errors import DomainError
from transit_centre.security import keyring
from transit_centre.storage import at_rest, backup
from transit_centre.security.accounts import change_own_password, reset_password, set_user_active
from transit_centre.security.permissions import Actor
from transit_centre.security.users import authenticate, create_user

PASSWORD = "un-mot-de-passe-solide"
OTHER = "encore-un-autre-secret"
NAMES = ("Okafor", "Blessing", "Traoré", "Traor", "Kadiatou")
NOTES = ("VIH (dépistage volontaire)", "réseau de Kano", "clinical secret")

pytestmark = pytest.mark.skipif(bool(os.environ.get("TRANSIT_CENTRE_TEST_DATABASE_URL")),
                                reason="encryption at rest is for the SQLite file (PostgreSQL: the server's disks)")


class Laptop:
    def __init__(self, tmp_path: Path) -> None:
        self.path = tmp_path / "TransitCentre" / "transit-centre.sqlite3"
        self.url = sqlite_url(self.path)
        self.db = at_rest.create_database(self.url)
        self.recovery = at_rest.start_key_file(self.db, "awa", PASSWORD)
        create_user(self.db, Actor.system(), username="awa", full_name="Awa Diallo", password=PASSWORD,
                    roles=[Role.ADMIN])
        self.centres = {c.code: c.id for c in list_centres(self.db, Actor.system(), only_visible=False)}
        create_user(self.db, Actor.system(), username="moussa", full_name="Moussa Keïta", password=OTHER,
                    roles=[Role.MANAGER], centre_ids=[self.centres["GAO"]])
        create_user(self.db, Actor.system(), username="seydou", full_name="Seydou Traoré", password=OTHER,
                    roles=[Role.CASH_OFFICER], centre_ids=[self.centres["GAO"]])
        residents = load(self.db, self.centres)
        with self.db.transaction(Actor.system()) as s:
            blessing = next(r for r in residents.values() if r.first_name == "Blessing")
            s.add(ServiceRecord(id=uuid.uuid4(), centre_id=self.centres["GAO"], resident_id=blessing.id,
                                kind=ServiceKind.MEDICAL, subtype="curative", service_date=dt.date(2026, 10, 12),
                                quantity=1, details={"diagnosis": NOTES[0]}, confidential_note="suivi"))
            s.add(Vulnerability(id=uuid.uuid4(), resident_id=blessing.id, kind=VulnerabilityKind.TRAFFICKING_VICTIM,
                                identified_on=dt.date(2026, 10, 10), note=NOTES[1]))
        self.admin = authenticate(self.db, "awa", PASSWORD)


@pytest.fixture
def laptop(tmp_path):
    made = Laptop(tmp_path)
    yield made
    made.db.dispose()


def assert_unreadable(data: bytes, where: str) -> None:
    assert not data.startswith(b"SQLite format 3"), where
    for text in NAMES + NOTES:
        for encoding in ("utf-8", "utf-16-le"):
            assert text.encode(encoding) not in data, f"{text!r} readable in {where}"


def test_raw_bytes_of_the_database_its_wal_a_backup_and_a_package_hold_no_name_and_no_note(laptop, tmp_path):
    from transit_centre.receipt_codes import receipt_secret
    from transit_centre.reports.crypto import generate_keys
    from transit_centre.reports.export import monthly_export, register_hq_key

    secret = receipt_secret(laptop.db).hex()  # the receipt signing key lives in the encrypted file only
    wal = Path(str(laptop.path) + "-wal")
    assert wal.exists()  # the session is open: its write-ahead log holds the latest pages
    _private, public = generate_keys(tmp_path / "hq", "mot-de-passe-du-siege")
    register_hq_key(laptop.db, laptop.admin, public)
    manager = authenticate(laptop.db, "moussa", OTHER)
    export = monthly_export(laptop.db, manager, "2026-10", laptop.centres["GAO"], tmp_path / "export", as_of=AS_OF)
    assert export.encrypted  # by default once headquarters' key is known
    saved = backup.make_backup(laptop.db, tmp_path / "usb")
    for path in (laptop.path, wal, saved.path, export.package_path):
        data = path.read_bytes()
        assert_unreadable(data, path.name)
        assert secret.encode() not in data and bytes.fromhex(secret) not in data
    for key_file in (keyring.key_file(laptop.path), keyring.key_file(saved.path)):
        assert_unreadable(key_file.read_bytes(), key_file.name)
    for path in (laptop.path, saved.path):  # the sqlite3 tool reads nothing
        with pytest.raises(sqlite3.DatabaseError):
            sqlite3.connect(path).execute("SELECT first_name FROM resident").fetchall()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes; Windows access lists in test_private_files")
def test_data_and_backup_files_are_readable_by_their_owner_only(laptop, tmp_path):
    saved = backup.make_backup(laptop.db, tmp_path / "usb")
    files = [laptop.path, Path(str(laptop.path) + "-wal"), keyring.key_file(laptop.path), saved.path,
             keyring.key_file(saved.path)]
    for path in files:
        assert path.stat().st_mode & 0o077 == 0, f"{path.name} is open to others: {oct(path.stat().st_mode)}"
    assert laptop.path.parent.stat().st_mode & 0o077 == 0


def test_wrong_or_unknown_passwords_open_nothing_and_are_audited_at_the_next_opening(laptop):
    url = laptop.url
    laptop.db.dispose()
    with pytest.raises(DomainError) as wrong:
        at_rest.unlock(url, "awa", "pas-le-bon-mot-de-passe")
    with pytest.raises(DomainError) as unknown:
        at_rest.unlock(url, "personne", "pas-le-bon-mot-de-passe")
    assert str(wrong.value) == str(unknown.value)  # nothing says whether the account exists
    with pytest.raises(DomainError):
        from transit_centre.storage.opening import open_database

        open_database(url)  # without a password the file does not open at all
    db = at_rest.unlock(url, "awa", PASSWORD)
    with db.transaction(None, readonly=True) as s:
        failed = {e.username for e in s.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.LOGIN_FAILED))}
    assert {"awa", "personne"} <= failed  # who tried, not "system"
    db.dispose()


def test_the_key_slots_follow_the_accounts(laptop):
    url, admin = laptop.url, laptop.admin
    moussa = authenticate(laptop.db, "moussa", OTHER)
    at_rest.unlock(url, "moussa", OTHER).dispose()
    # A reset gives a temporary password: it opens the file, the old one no longer does.
    user_id = moussa.user_id
    reset_password(laptop.db, admin, user_id, "provisoire-cinq-mots-ici")
    with pytest.raises(DomainError):
        at_rest.unlock(url, "moussa", OTHER)
    at_rest.unlock(url, "moussa", "provisoire-cinq-mots-ici").dispose()
    # Changing it: the new one opens, the temporary one no longer.
    change_own_password(laptop.db, moussa, "provisoire-cinq-mots-ici", "mon-propre-secret-tres-long")
    with pytest.raises(DomainError):
        at_rest.unlock(url, "moussa", "provisoire-cinq-mots-ici")
    at_rest.unlock(url, "moussa", "mon-propre-secret-tres-long").dispose()
    # Disabled: even the right password opens nothing.
    set_user_active(laptop.db, admin, user_id, False)
    with pytest.raises(DomainError):
        at_rest.unlock(url, "moussa", "mon-propre-secret-tres-long")
    assert "moussa" not in keyring.slot_users(laptop.path)
    assert not at_rest.has_slot(laptop.db, "moussa")


def test_the_recovery_key_opens_the_file_and_can_be_replaced(laptop):
    url = laptop.url
    assert laptop.recovery and len(laptop.recovery) == 31
    at_rest.unlock_with_recovery(url, laptop.recovery.lower().replace("-", " ")).dispose()  # typed loosely
    with pytest.raises(DomainError):
        at_rest.new_recovery_key(laptop.db, laptop.admin, "pas-le-bon-mot-de-passe")
    with pytest.raises(DomainError):  # only an administrator
        at_rest.new_recovery_key(laptop.db, authenticate(laptop.db, "moussa", OTHER), OTHER)
    fresh = at_rest.new_recovery_key(laptop.db, laptop.admin, PASSWORD)
    with pytest.raises(DomainError):
        at_rest.unlock_with_recovery(url, laptop.recovery)
    # Everyone forgot: the recovery key gives an account a new password (audited).
    at_rest.recover_account(url, fresh, "awa", "le-coffre-fort-du-centre")
    db = at_rest.unlock(url, "awa", "le-coffre-fort-du-centre")
    assert authenticate(db, "awa", "le-coffre-fort-du-centre").username == "awa"
    with db.transaction(None, readonly=True) as s:
        details = [e.detail for e in s.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.KEYS))]
    assert "new recovery key" in details and "password set with the recovery key" in details
    db.dispose()


def test_a_plain_database_is_encrypted_in_place_after_a_verified_backup(tmp_path):
    from transit_centre.storage.opening import open_database

    path = tmp_path / "ancien" / "transit-centre.sqlite3"
    plain = open_database(sqlite_url(path))  # a database from before encryption
    create_user(plain, Actor.system(), username="awa", full_name="Awa Diallo", password=PASSWORD, roles=[Role.ADMIN])
    create_user(plain, Actor.system(), username="moussa", full_name="Moussa", password=OTHER, roles=[Role.MANAGER])
    from transit_centre.admin.settings import set_setting

    admin = authenticate(plain, "awa", PASSWORD)
    set_setting(plain, admin, backup.FOLDER_KEY, str(tmp_path / "sauvegardes"))
    centres = {c.code: c.id for c in list_centres(plain, Actor.system(), only_visible=False)}
    load(plain, centres)
    old_backup = backup.make_backup(plain, kind="auto")
    assert keyring.is_plain_sqlite(old_backup.path)
    with pytest.raises(DomainError):  # the administrator proves it is them
        at_rest.encrypt_database(plain, admin, "pas-le-bon-mot-de-passe")
    assert keyring.is_plain_sqlite(path)  # nothing changed
    with pytest.raises(DomainError):  # a manager does not
        at_rest.encrypt_database(plain, authenticate(plain, "moussa", OTHER), OTHER)
    steps = []
    result = at_rest.encrypt_database(plain, admin, PASSWORD, report=lambda done, total: steps.append(done))
    assert steps == [1, 2, 3, 4, 5, 6]
    assert_unreadable(path.read_bytes(), "the converted database")
    assert result.without_access == ["moussa"]  # needs a new password from the administrator
    assert result.backups_encrypted == 2  # the plain backup from before, and the one made first
    for saved in (old_backup.path, result.backup):
        assert_unreadable(saved.read_bytes(), saved.name)
        assert keyring.key_file(saved).is_file()
    with result.db.transaction(None, readonly=True) as s:
        from transit_centre.db.models import Resident

        assert len(s.scalars(select(Resident)).all()) == 6
    result.db.dispose()
    at_rest.unlock(sqlite_url(path), "awa", PASSWORD).dispose()
    with pytest.raises(DomainError):
        at_rest.unlock(sqlite_url(path), "moussa", OTHER)
    at_rest.unlock_with_recovery(sqlite_url(path), result.recovery_code).dispose()


def test_an_encrypted_backup_is_restored_only_by_an_administrator_of_that_day_or_the_recovery_key(laptop, tmp_path):
    saved = backup.make_backup(laptop.db, tmp_path / "usb")
    change_own_password(laptop.db, laptop.admin, PASSWORD, "le-mot-de-passe-d-apres")
    laptop.db.dispose()
    refused = []
    for credentials in ({"username": "awa", "password": "le-mot-de-passe-d-apres"},  # not the password of that day
                        {"username": "moussa", "password": OTHER},  # not an administrator
                        {"username": "personne", "password": OTHER},
                        {"recovery_code": "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE-F"}):
        with pytest.raises(DomainError):
            backup.open_for_restore(saved.path, laptop.path, **credentials)
        refused.append(credentials)
    with pytest.raises(DomainError):  # an encrypted backup is not even checked without its key
        backup.check_backup(saved.path)
    assert backup.open_for_restore(saved.path, laptop.path, recovery_code=laptop.recovery).key is not None
    opened = backup.open_for_restore(saved.path, laptop.path, username="awa", password=PASSWORD)
    result = backup.restore_file(laptop.path, saved.path, opened=opened)
    assert keyring.key_file(Path(str(result.replaced_kept_as))).is_file()  # kept with its own key file
    db = at_rest.unlock(laptop.url, "awa", PASSWORD)  # the restored file and the passwords of its day
    assert authenticate(db, "awa", PASSWORD).username == "awa"
    db.dispose()


def test_interrupted_backups_are_removed_by_the_next_one(laptop, tmp_path):
    folder = tmp_path / "usb"
    folder.mkdir()
    stale = folder / "transit-centre-20261201-101010-auto.sqlite3.partial"
    stale.write_bytes(b"half a backup")
    old = time.time() - 3 * 3600
    os.utime(stale, (old, old))
    running = folder / "transit-centre-20261207-090000-manual.sqlite3.partial"  # another backup, in progress
    running.write_bytes(b"being written")
    assert backup.stale_partials(folder) == [stale]
    backup.make_backup(laptop.db, folder)
    assert not stale.exists() and running.exists()


def test_a_database_without_its_key_file_says_what_to_do(laptop):
    from transit_centre.storage.opening import open_database

    laptop.db.dispose()
    keyring.key_file(laptop.path).rename(laptop.path.with_name("ailleurs.keys"))
    assert at_rest.state_of(laptop.url) is at_rest.DatabaseState.NO_KEY_FILE
    with pytest.raises(at_rest.DatabaseLocked) as info:
        open_database(laptop.url)
    assert "transit-centre.sqlite3.keys" in str(info.value)


def test_commands_sign_in_and_act_with_the_users_rights(laptop, tmp_path, monkeypatch, capsys):
    from transit_centre.cli.main import main

    laptop.db.dispose()
    url = laptop.url
    out = tmp_path / "fiche.pdf"
    case = "GAO-2026-00002"
    monkeypatch.delenv("TRANSIT_CENTRE_USER", raising=False)
    monkeypatch.delenv("TRANSIT_CENTRE_PASSWORD", raising=False)
    assert main(["--database", url, "print", "registration", case, "--out", str(out)]) == 2  # nobody
    assert "--user" in capsys.readouterr().err
    monkeypatch.setenv("TRANSIT_CENTRE_PASSWORD", OTHER)
    assert main(["--database", url, "print", "registration", case, "--out", str(out), "--user", "seydou"]) == 2
    assert not out.exists()  # a cash officer does not print a form listing protection status
    secret = tmp_path / "mdp.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    assert main(["--database", url, "print", "registration", case, "--out", str(out), "--user", "awa",
                 "--password-file", str(secret)]) == 2  # admin runs the system, not the cases
    assert main(["--database", url, "occupancy", "--centre", "GAO", "--user", "moussa"]) == 0
    assert main(["--database", url, "restore", str(laptop.path), "--yes", "--user", "moussa"]) == 2
    db = at_rest.unlock(url, "awa", PASSWORD)
    with db.transaction(None, readonly=True) as s:
        who = set(s.scalars(select(AuditEntry.username).where(AuditEntry.action == AuditAction.LOGIN)))
    assert {"seydou", "moussa"} <= who and "system" not in who
    db.dispose()

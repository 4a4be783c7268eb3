"""The encrypted database in the window: sign-in opens it, an administrator converts a plain one
and keeps the recovery key, the recovery key gives a forgotten account a new password."""
from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QPushButton

from transit_centre.admin.centres import list_centres
from transit_centre.db.engine import sqlite_url
from transit_centre.enums import Role
from transit_centre.security import keyring
from transit_centre.storage import at_rest
from transit_centre.security.permissions import Actor
from transit_centre.security.users import authenticate, create_user

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
PASSWORD = "un-mot-de-passe-solide"
OTHER = "encore-un-autre-secret"

pytestmark = pytest.mark.skipif(bool(os.environ.get("TRANSIT_CENTRE_TEST_DATABASE_URL")),
                                reason="encryption at rest is for the SQLite file")


@pytest.fixture
def encrypted(tmp_path):
    url = sqlite_url(tmp_path / "transit-centre.sqlite3")
    db = at_rest.create_database(url)
    code = at_rest.start_key_file(db, "awa", PASSWORD)
    create_user(db, Actor.system(), username="awa", full_name="Awa Diallo", password=PASSWORD, roles=[Role.ADMIN])
    centres = {c.code: c.id for c in list_centres(db, Actor.system(), only_visible=False)}
    create_user(db, Actor.system(), username="moussa", full_name="Moussa Keïta", password=OTHER,
                roles=[Role.MANAGER], centre_ids=[centres["GAO"], centres["KAY"]])
    db.dispose()
    return url, code, centres


def test_signing_in_opens_the_encrypted_database(qtbot, qsettings_isolated, encrypted):
    from PySide6.QtCore import QSettings

    from transit_centre.ui.shell.login import LoginDialog

    url, _code, centres = encrypted
    login = LoginDialog(None, url=url)
    qtbot.addWidget(login)
    login.show()
    assert not login.centre.isVisible()  # the centres are in the encrypted file: listed once it is open
    login.username.setText("moussa")
    login.password.setText("pas-le-bon-mot-de-passe")
    login.try_login()
    assert login.db is None and login.actor is None and login.message.text()
    login.password.setText(OTHER)
    login.try_login()
    # Two centres and none remembered: the list appears, filled from the database now open.
    assert login.db is not None and login.actor is None and login.centre.isVisible()
    login.centre.setCurrentIndex(login.centre.findData(str(centres["KAY"])))
    login.password.setText(OTHER)
    login.try_login()
    assert login.actor is not None and login.actor.current_centre_id == centres["KAY"]
    assert QSettings().value("login/centre") == str(centres["KAY"])
    login.db.dispose()
    # Next time the remembered centre is taken at once.
    again = LoginDialog(None, url=url)
    qtbot.addWidget(again)
    again.username.setText("moussa")
    again.password.setText(OTHER)
    again.try_login()
    assert again.actor is not None and again.actor.current_centre_id == centres["KAY"]
    again.db.dispose()


def test_the_recovery_key_gives_a_forgotten_account_a_new_password(qtbot, qsettings_isolated, encrypted):
    from transit_centre.ui.admin.encryption import RecoverAccountDialog
    from transit_centre.ui.shell.login import LoginDialog

    url, code, _centres = encrypted
    login = LoginDialog(None, url=url)
    qtbot.addWidget(login)
    assert login.findChild(QPushButton, "loginRecover") is not None
    dialog = RecoverAccountDialog(url, "awa", login)
    qtbot.addWidget(dialog)
    dialog.code.setText("AAAAA-BBBBB-CCCCC-DDDDD-EEEEE-F")
    dialog.password.setText("le-coffre-fort-du-centre")
    dialog.again.setText("le-coffre-fort-du-centre")
    dialog.recover()
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.message.text()
    dialog.code.setText(code)
    dialog.recover()
    assert dialog.result() == QDialog.DialogCode.Accepted
    db = at_rest.unlock(url, "awa", "le-coffre-fort-du-centre")
    assert authenticate(db, "awa", "le-coffre-fort-du-centre").username == "awa"
    db.dispose()


def _keep_recovery_key(seen: list[str]) -> None:
    """Answer the recovery key dialog when it opens: note the key, tick "kept", press OK."""
    from transit_centre.ui.admin.encryption import RecoveryKeyDialog

    widget = QApplication.activeModalWidget()
    if isinstance(widget, RecoveryKeyDialog):
        assert not widget.ok.isEnabled()  # not before saying it was kept
        widget.reject()
        assert widget.isVisible()  # Escape does not lose the key either
        seen.append(widget.panel.code.text())
        widget.panel.kept.setChecked(True)
        widget.ok.click()
        return
    QTimer.singleShot(50, lambda: _keep_recovery_key(seen))


def test_an_administrator_encrypts_a_plain_database_at_sign_in(qtbot, qsettings_isolated, tmp_path):
    from transit_centre.storage.opening import open_database
    from transit_centre.ui.admin.encryption import EncryptDatabaseDialog

    url = sqlite_url(tmp_path / "ancien.sqlite3")
    plain = open_database(url)
    create_user(plain, Actor.system(), username="awa", full_name="Awa Diallo", password=PASSWORD, roles=[Role.ADMIN])
    admin = authenticate(plain, "awa", PASSWORD)
    dialog = EncryptDatabaseDialog(plain, admin)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.password.setText("pas-le-bon-mot-de-passe")
    dialog.encrypt()
    qtbot.waitUntil(lambda: bool(dialog.message.text()), timeout=20_000)
    assert keyring.is_plain_sqlite(tmp_path / "ancien.sqlite3")
    seen: list[str] = []
    QTimer.singleShot(50, lambda: _keep_recovery_key(seen))
    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(dialog.accepted, timeout=60_000):
        dialog.encrypt_button.click()
    assert dialog.result_ is not None and seen == [dialog.result_.recovery_code]
    assert not keyring.is_plain_sqlite(tmp_path / "ancien.sqlite3")
    dialog.result_.db.dispose()
    at_rest.unlock_with_recovery(url, seen[0]).dispose()


def test_a_manager_on_a_plain_database_is_told_to_ask_an_administrator(qtbot, qsettings_isolated, tmp_path,
                                                                       monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from transit_centre.storage.opening import open_database
    from transit_centre.ui.shell.app import offer_encryption

    said = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args, **_k: said.append(args[2]))
    plain = open_database(sqlite_url(tmp_path / "ancien.sqlite3"))
    create_user(plain, Actor.system(), username="awa", full_name="Awa Diallo", password=PASSWORD, roles=[Role.ADMIN])
    create_user(plain, Actor.system(), username="moussa", full_name="Moussa", password=OTHER, roles=[Role.MANAGER])
    manager = authenticate(plain, "moussa", OTHER)
    assert offer_encryption(plain, manager) is plain
    assert said and "administrat" in said[0]
    plain.dispose()


def test_the_recovery_sheet_prints_from_the_key_panel(qtbot, qsettings_isolated, encrypted, monkeypatch):
    from transit_centre.ui.common import print_preview
    from transit_centre.ui.admin.encryption import RecoveryKeyPanel

    url, code, _centres = encrypted
    db = at_rest.unlock(url, "awa", PASSWORD)
    admin = authenticate(db, "awa", PASSWORD)
    rendered = []
    monkeypatch.setattr(print_preview.PrintPreviewDialog, "exec", lambda self: rendered.append(self) or 0)
    panel = RecoveryKeyPanel()
    qtbot.addWidget(panel)
    panel.show_code(db, admin, code)
    panel.print_button.click()
    qtbot.waitUntil(lambda: bool(rendered) and rendered[0].document is not None, timeout=20000)
    document = rendered[0].document
    assert document.pdf.startswith(b"%PDF") and document.kind == "recovery-sheet"
    db.dispose()

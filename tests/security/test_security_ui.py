"""Screens of sign-in security: first administrator, forced password change, inactivity lock,
the damaged-database report."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QMessageBox, QVBoxLayout

from transit_centre.enums import Role
from transit_centre.errors import DomainError
from transit_centre.security.accounts import password_change_required, reset_password
from transit_centre.security.permissions import Actor
from transit_centre.security.users import authenticate, create_user

PASSWORD = "mot-de-passe-solide"


@pytest.fixture
def admin(db):
    create_user(db, Actor.system(), username="admin", full_name="Awa Diallo", password=PASSWORD,
                roles=[Role.ADMIN])
    return authenticate(db, "admin", PASSWORD)


def test_temporary_password_must_be_changed_at_sign_in(qtbot, qsettings_isolated, db, admin, monkeypatch):
    from transit_centre.ui.shell import change_password
    from transit_centre.ui.shell.login import LoginDialog

    user = create_user(db, admin, username="fatou", full_name="Fatoumata", password=PASSWORD,
                       roles=[Role.HQ])
    reset_password(db, admin, user.id, "temporaire-123", expected_version=user.version)
    answers = iter([("court", "court"), ("nouveau-mot-de-passe", "nouveau-mot-de-passe")])
    shown = []

    def fake_exec(self):
        shown.append(self)
        while True:  # the dialog stays open until the new password is accepted
            new, again = next(answers)
            self.new.setText(new)
            self.confirmation.setText(again)
            self.submit()
            if self.result() == QDialog.DialogCode.Accepted:
                return self.result()
            assert self.errors.message("new_password")

    monkeypatch.setattr(change_password.ChangePasswordDialog, "exec", fake_exec)
    login = LoginDialog(db)
    qtbot.addWidget(login)
    login.username.setText("fatou")
    login.password.setText("temporaire-123")
    login.try_login()
    assert len(shown) == 1 and login.actor is not None
    assert not password_change_required(db, login.actor)
    assert authenticate(db, "fatou", "nouveau-mot-de-passe").username == "fatou"


def test_refusing_the_password_change_does_not_sign_in(qtbot, qsettings_isolated, db, admin, monkeypatch):
    from transit_centre.ui.shell import change_password
    from transit_centre.ui.shell.login import LoginDialog

    user = create_user(db, admin, username="fatou", full_name="Fatoumata", password=PASSWORD, roles=[Role.HQ],
                       must_change_password=True)
    assert user.must_change_password
    monkeypatch.setattr(change_password.ChangePasswordDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    login = LoginDialog(db)
    qtbot.addWidget(login)
    login.username.setText("fatou")
    login.password.setText(PASSWORD)
    login.try_login()
    assert login.actor is None and login.message.text()


def test_inactivity_locks_without_losing_an_open_form(qtbot, qsettings_isolated, db, admin):
    from transit_centre.ui.shell.app import open_main_window
    from transit_centre.ui.shell.session_lock import SessionLock

    window = open_main_window(db, admin)
    qtbot.addWidget(window)
    form = QDialog(window)  # an unsaved form the user was typing into
    form.setObjectName("someForm")
    field = QLineEdit()
    QVBoxLayout(form).addWidget(field)
    form.show()
    field.setText("Aïssata, née vers 1998")

    lock = SessionLock(window, db, admin, interval_ms=50)
    with qtbot.waitSignal(lock.locked, timeout=5000):
        pass
    assert lock.is_locked and lock.dialog.isVisible()
    assert lock.dialog.isModal()
    assert form.isVisible() and field.text() == "Aïssata, née vers 1998"

    # Escape and closing do not unlock; activity while locked does not restart the timer.
    lock.dialog.reject()
    lock.dialog.close()
    assert lock.is_locked and lock.dialog.isVisible() and not lock.timer.isActive()

    lock.dialog.password.setText("wrong-password")
    lock.dialog.try_unlock()
    assert lock.is_locked and lock.dialog.message.text()
    with db.transaction(None, readonly=True) as s:
        from sqlalchemy import select

        from transit_centre.db.models import User

        assert s.scalar(select(User.failed_logins).where(User.username == "admin")) == 1

    with qtbot.waitSignal(lock.unlocked, timeout=5000):
        lock.dialog.password.setText(PASSWORD)
        lock.dialog.try_unlock()
    assert not lock.is_locked and lock.timer.isActive()
    assert form.isVisible() and field.text() == "Aïssata, née vers 1998"
    lock.stop()
    form.close()
    window.close()


def test_activity_anywhere_restarts_the_timer(qtbot, qsettings_isolated, db, admin):
    from transit_centre.ui.shell.app import open_main_window
    from transit_centre.ui.shell.session_lock import SessionLock

    window = open_main_window(db, admin)
    qtbot.addWidget(window)
    lock = SessionLock(window, db, admin, minutes=10)
    assert lock.timer.isActive() and lock.timer.interval() == 600_000
    lock.timer.stop()
    other = QLineEdit()
    qtbot.addWidget(other)
    other.show()
    qtbot.keyClick(other, Qt.Key.Key_A)
    assert lock.timer.isActive()
    lock.set_timeout(0)  # the setting 0 turns the lock off
    qtbot.keyClick(other, Qt.Key.Key_B)
    assert not lock.timer.isActive()
    lock.lock()
    assert not lock.is_locked
    lock.stop()
    window.close()


def test_start_session_reads_the_lock_setting(qtbot, qsettings_isolated, db, admin):
    from transit_centre.admin.settings import set_setting
    from transit_centre.security.accounts import LOCK_MINUTES_KEY
    from transit_centre.ui.shell.app import open_main_window
    from transit_centre.ui.shell.startup_checks import start_session

    set_setting(db, admin, LOCK_MINUTES_KEY, 3)
    window = open_main_window(db, admin)
    qtbot.addWidget(window)
    lock = start_session(window, db, admin)
    assert lock.timer.interval() == 180_000
    lock.stop()
    window.close()


def test_damaged_database_dialog_refuses_to_go_on(qtbot, monkeypatch, tmp_path):
    from transit_centre.ui.shell import startup_checks

    monkeypatch.setattr(QMessageBox, "exec", lambda self: 0)
    assert startup_checks.report_damaged_database(tmp_path / "x.sqlite3", DomainError("damaged")) == 2


def test_change_password_and_lock_from_the_menu(qtbot, qsettings_isolated, db, admin, monkeypatch):
    from transit_centre.ui.shell import change_password
    from transit_centre.ui.shell.app import open_main_window
    from transit_centre.ui.shell.session_lock import SessionLock

    def fill(self):
        self.current.setText(PASSWORD)
        self.new.setText("un-autre-mot-de-passe")
        self.confirmation.setText("un-autre-mot-de-passe")
        self.submit()
        return self.result()

    monkeypatch.setattr(change_password.ChangePasswordDialog, "exec", fill)
    window = open_main_window(db, admin)
    qtbot.addWidget(window)
    window.findChild(type(window.actions()[0]), "actionChangePassword").trigger()
    assert authenticate(db, "admin", "un-autre-mot-de-passe").username == "admin"
    window.session_lock = SessionLock(window, db, admin, minutes=0)  # inactivity lock off
    window.findChild(type(window.actions()[0]), "actionLockNow").trigger()
    assert window.session_lock.is_locked  # locking by hand works even then
    window.session_lock.dialog.password.setText("un-autre-mot-de-passe")
    window.session_lock.dialog.try_unlock()
    assert not window.session_lock.is_locked
    window.session_lock.stop()
    window.close()


def test_lock_fires_over_a_modal_form_and_leaves_it_open(qtbot, qsettings_isolated, db, admin):
    """A modal form running its own event loop (exec) stays open with its text through a lock."""
    from PySide6.QtCore import QTimer

    from transit_centre.ui.shell.app import open_main_window
    from transit_centre.ui.shell.session_lock import SessionLock

    window = open_main_window(db, admin)
    qtbot.addWidget(window)
    form = QDialog(window)
    field = QLineEdit()
    QVBoxLayout(form).addWidget(field)
    field.setText("Moussa, arrivé de Tamanrasset")
    lock = SessionLock(window, db, admin, interval_ms=30)
    seen = {}

    def when_locked():
        if seen:  # the 30 ms timer may lock again before the form closes: the first time is the test
            return
        seen["form open while locked"] = form.isVisible()
        lock.dialog.password.setText(PASSWORD)
        lock.dialog.try_unlock()
        seen["unlocked"] = not lock.is_locked
        seen["text"] = field.text()
        lock.stop()  # no later lock may call back into a form this test has closed
        form.accept()

    lock.locked.connect(lambda: QTimer.singleShot(0, when_locked))
    QTimer.singleShot(20_000, form.reject)  # a safety net: never hang the test run
    assert form.exec() == QDialog.DialogCode.Accepted
    assert seen == {"form open while locked": True, "unlocked": True, "text": "Moussa, arrivé de Tamanrasset"}
    lock.stop()
    window.close()

"""The application window: sign in, main window with the role's pages, status bar."""
from __future__ import annotations

import pytest

from transit_centre.enums import Role
from transit_centre.security.permissions import Actor
from transit_centre.security.users import create_user

PASSWORD = "mot-de-passe-solide"


@pytest.fixture
def accounts(db, centres):
    admin = create_user(db, Actor.system(), username="admin", full_name="Awa Diallo", password=PASSWORD,
                        roles=[Role.ADMIN])
    from transit_centre.security.users import authenticate

    create_user(db, authenticate(db, "admin", PASSWORD), username="manager", full_name="Moussa Keïta",
                password=PASSWORD, roles=[Role.MANAGER], centre_ids=[centres["GAO"]])
    return admin


def test_login_then_main_window(qtbot, qsettings_isolated, db, accounts, centres):
    from transit_centre.ui.shell.app import open_main_window
    from transit_centre.ui.shell.login import LoginDialog

    dialog = LoginDialog(db)
    qtbot.addWidget(dialog)
    dialog.username.setText("manager")
    dialog.password.setText("wrong-password")
    dialog.try_login()
    assert dialog.actor is None and "incorrect" in dialog.message.text()
    dialog.password.setText(PASSWORD)
    dialog.centre.setCurrentIndex(dialog.centre.findData(str(centres["GAO"])))
    dialog.try_login()
    assert dialog.actor is not None and dialog.actor.current_centre_id == centres["GAO"]

    window = open_main_window(db, dialog.actor)
    qtbot.addWidget(window)
    assert "Gao" in window.windowTitle()
    status = window.db_label.text()
    assert "Gao" in status and db.describe() not in status  # the centre and the kind, not a file path
    from transit_centre.i18n import _

    kind = _("on a shared server (PostgreSQL)") if not db.is_sqlite else _("on this computer, not encrypted")
    assert kind in status
    assert db.describe() in window.about_text()
    assert "manager" in window.user_label.text()
    for key in window.page_keys():
        window.show_page(key)
        assert window.current_page() is not None, key
    window.close()


def test_pages_follow_the_role(qtbot, qsettings_isolated, db, accounts, make_actor):
    from transit_centre.ui.shell.app import open_main_window

    window = open_main_window(db, make_actor(Role.MEDICAL))
    qtbot.addWidget(window)
    keys = window.page_keys()
    assert "cash" not in keys and "administration" not in keys
    window.close()


def test_qt_own_buttons_speak_the_window_language(qtbot):
    """The French window loads Qt's French words (Yes / No / Cancel of message boxes and the
    standard dialogs); English goes back to Qt's own."""
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    from transit_centre.ui.shell.app import install_qt_translations

    app = QApplication.instance()
    try:
        assert install_qt_translations(app, "fr")
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Yes | QDialogButtonBox.StandardButton.Cancel)
        qtbot.addWidget(box)
        assert box.button(QDialogButtonBox.StandardButton.Yes).text().replace("&", "") == "Oui"
        assert box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "") == "Annuler"
    finally:
        assert install_qt_translations(app, "en")
    english = QDialogButtonBox(QDialogButtonBox.StandardButton.Yes)
    qtbot.addWidget(english)
    assert english.button(QDialogButtonBox.StandardButton.Yes).text().replace("&", "") == "Yes"


def test_navigation_groups_icons_shortcuts_and_badges(qtbot, qsettings_isolated, db, accounts, centres):
    """The bar lists the pages under their headings with an icon and Ctrl+1 … Ctrl+0; Ctrl+8 opens
    the eighth page; the badges count what waits for this user (a grant to approve, an overdue
    follow-up, an arrival today), read in the background."""
    import datetime as dt

    from PySide6.QtCore import Qt
    from PySide6.QtGui import QKeySequence

    from transit_centre.avrr import cash
    from transit_centre.casework import followups
    from transit_centre.enums import FollowUpKind, GrantKind
    from transit_centre.registry.inputs import ResidentInput
    from transit_centre.registry.residents import register_resident
    from transit_centre.security.users import authenticate
    from transit_centre.shelter import admission
    from transit_centre.ui.shell.app import open_main_window
    from transit_centre.ui.shell.navigation import KEY_ROLE, SHORTCUT_ROLE

    manager = authenticate(db, "manager", PASSWORD, centres["GAO"])
    resident = register_resident(db, manager, ResidentInput(first_name="Awa", last_name="Diarra", sex="F",
                                                            estimated_age=30, nationality="ML"))
    admission.check_in(db, manager, resident.id, centre_id=centres["GAO"])
    cash.plan_grant(db, manager, cash.GrantInput(resident.id, GrantKind.EMERGENCY, 15_000))
    followups.create_follow_up(db, manager, resident.id, kind=FollowUpKind.OTHER, title="Appeler la famille",
                               due_date=dt.date.today() - dt.timedelta(days=2))
    window = open_main_window(db, manager)
    qtbot.addWidget(window)
    bar = window.sidebar
    rows = [bar.item(i) for i in range(bar.count())]
    headings = [r.text() for r in rows if r.data(KEY_ROLE) is None]
    assert headings == ["TRAVAIL QUOTIDIEN", "SERVICES", "RETOUR", "ADMINISTRATION"]
    pages = [r for r in rows if r.data(KEY_ROLE)]
    assert [r.data(SHORTCUT_ROLE) for r in pages][:3] == ["Ctrl+1", "Ctrl+2", "Ctrl+3"]
    assert all(not r.icon().isNull() for r in pages)
    assert not (rows[0].flags() & Qt.ItemFlag.ItemIsSelectable)  # a heading is not a page
    qtbot.waitUntil(lambda: bar.badge("cash") == 1, timeout=10000)
    assert bar.badge("dashboard") == 1 and bar.badge("residents") == 1
    eighth = window.page_keys()[7]
    action = window.findChild(type(window.actions()[0]), f"actionPage_{eighth}")
    assert action.shortcut() == QKeySequence("Ctrl+8")
    action.trigger()
    assert bar.current_key() == eighth and window.current_page() is window.pages[eighth]
    window.close()


def test_sign_out_and_switch_user(qtbot, qsettings_isolated, db, accounts, centres, monkeypatch):
    """File > Sign out asks who is next: the next user gets their own window with their pages, the
    first window closes; nobody signing in ends the application (the window closes)."""
    from PySide6.QtWidgets import QDialog

    from transit_centre.security.users import authenticate
    from transit_centre.ui.shell import app as app_module
    from transit_centre.ui.shell.login import LoginDialog

    answers = iter([("admin", None), None])

    def sign_in(dialog: LoginDialog) -> int:
        answer = next(answers)
        if answer is None:
            return QDialog.DialogCode.Rejected
        dialog.actor = authenticate(db, answer[0], PASSWORD, answer[1])
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(LoginDialog, "exec", sign_in)
    session = app_module.WindowSession(db, None)
    first = session.open(authenticate(db, "manager", PASSWORD, centres["GAO"]))
    qtbot.addWidget(first)
    assert first.ctx.actor.username == "manager"
    first.findChild(type(first.actions()[0]), "actionSignOut").trigger()
    second = session.window
    qtbot.addWidget(second)
    assert second is not first and not first.isVisible()
    assert second.ctx.actor.username == "admin" and "Awa Diallo" in second.user_label.text()
    second.sign_out()  # nobody signs in: the window closes
    assert not second.isVisible()


def test_switch_user_from_the_lock(qtbot, qsettings_isolated, db, accounts, centres, monkeypatch):
    from PySide6.QtWidgets import QPushButton

    from transit_centre.security.users import authenticate
    from transit_centre.ui.shell.app import open_main_window
    from transit_centre.ui.shell.session_lock import SessionLock

    window = open_main_window(db, authenticate(db, "manager", PASSWORD, centres["GAO"]))
    qtbot.addWidget(window)
    signed_out = []
    window.signed_out.connect(lambda: signed_out.append(True))
    lock = SessionLock(window, db, window.ctx.actor, minutes=0)
    window.session_lock = lock
    lock.lock(force=True)
    assert lock.is_locked
    lock.dialog.findChild(QPushButton, "unlockSwitchUser").click()
    assert signed_out and not lock.is_locked

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

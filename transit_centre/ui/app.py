"""Starting the application window: database, sign-in, main window."""
from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from transit_centre.errors import DomainError
from transit_centre.i18n import _, set_language

log = logging.getLogger(__name__)


def make_application(argv: list[str] | None = None) -> QApplication:
    QCoreApplication.setOrganizationName("IOM Mali")
    QCoreApplication.setApplicationName("Transit Centre")
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    from transit_centre.ui.gc_guard import install as install_collector

    install_collector(app)  # cycles collected on the GUI thread, never in a background task
    from transit_centre.ui.icons import app_icon

    app.setWindowIcon(app_icon())  # windows, taskbar and the About box
    from transit_centre.ui.dialog_help import install_dialog_help

    install_dialog_help(app)  # F1 in every dialog
    language = QSettings().value("ui/language", "fr")
    set_language(str(language))
    return app  # type: ignore[return-value]


def open_main_window(db, actor):  # noqa: ANN001, ANN201 - Database, Actor
    from transit_centre.admin.centres import get_centre
    from transit_centre.ui.context import UiContext
    from transit_centre.ui.main_window import MainWindow

    code = name = ""
    if actor.current_centre_id is not None:
        centre = get_centre(db, actor, actor.current_centre_id)
        code, name = centre.code, centre.display
    window = MainWindow(UiContext(db=db, actor=actor, centre_code=code, centre_name=name))
    window.show()
    return window


def run(database_url: str | None = None) -> int:
    from transit_centre.bootstrap import open_database
    from transit_centre.security.backup import DamagedDatabase, database_file
    from transit_centre.ui.errors import install_excepthook
    from transit_centre.ui.login import LoginDialog

    from transit_centre.localconfig import is_first_start
    from transit_centre.security.users import has_users

    app = make_application()
    install_excepthook()
    from transit_centre.ui.single_instance import claim_or_activate

    instance = claim_or_activate(database_url)  # noqa: F841 - held while the window runs
    if instance is None:
        return 0  # this database is open in another window of this user: brought to the front
    db = None
    if not is_first_start(database_url):  # first start: the wizard asks where to create it
        try:
            db = open_database(database_url, background_check=True)  # checked after the window shows
        except DamagedDatabase as exc:  # never used silently: say so and offer a restore
            from transit_centre.ui.startup_checks import report_damaged_database

            return report_damaged_database(database_file(database_url), exc)
        except DomainError as exc:
            QMessageBox.critical(None, _("Transit Centre"), str(exc))
            return 2
        except Exception:  # noqa: BLE001
            log.exception("cannot open the database")
            QMessageBox.critical(None, _("Transit Centre"), _(
                "The database could not be opened. The details were written to the log file."))
            return 2
    if db is None or not has_users(db):
        from transit_centre.ui.welcome import WelcomeWizard

        wizard = WelcomeWizard(database=db)
        if wizard.exec() != QDialog.DialogCode.Accepted or wizard.db is None:
            return 0
        db = wizard.db
    login = LoginDialog(db)
    if login.exec() != QDialog.DialogCode.Accepted or login.actor is None:
        return 0
    window = open_main_window(db, login.actor)  # noqa: F841 - kept alive while the loop runs
    from transit_centre.ui.startup_checks import start_session

    start_session(window, db, login.actor)  # inactivity lock, integrity check, daily automatic backup
    code = app.exec()
    from transit_centre.integrity import note_closed
    from transit_centre.ui.worker import shutdown

    shutdown()  # background tasks end before Python tears Qt down
    note_closed(db)  # the next start need not wait for the integrity check
    return code

"""Starting the application window: database, sign-in, main window."""
from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from transit_centre.errors import DomainError
from transit_centre.i18n import _, set_language

log = logging.getLogger(__name__)


def make_application(argv: list[str] | None = None) -> QApplication:
    QCoreApplication.setOrganizationName("IOM Mali")
    QCoreApplication.setApplicationName("Transit Centre")
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    from transit_centre.ui.common.gc_guard import install as install_collector

    install_collector(app)  # cycles collected on the GUI thread, never in a background task
    from transit_centre.ui.common.icons import app_icon

    app.setWindowIcon(app_icon())  # windows, taskbar and the About box
    from transit_centre.ui.common import theme

    theme.apply(app)  # light or dark, as Windows is set unless the user chose
    theme.follow_system(app)
    from transit_centre.ui.common.dialog_help import install_dialog_help

    install_dialog_help(app)  # F1 in every dialog
    language = QSettings().value("ui/language", "fr")
    set_language(str(language))
    install_qt_translations(app, str(language))
    return app  # type: ignore[return-value]


def install_qt_translations(app: QCoreApplication, language: str) -> bool:
    """Qt's own words in the window's language: Yes / No / Cancel, the file and print dialogs,
    the context menus (``qtbase_fr.qm``, shipped with PySide6), and its numbers (15 000 in a
    French amount field, 15,000 in English). True when the words were loaded."""
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.Mali) if language == "fr"
                       else QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    for old in getattr(app, "_tc_qt_translators", []):
        app.removeTranslator(old)
    app._tc_qt_translators = []  # type: ignore[attr-defined]
    if language == "en":
        return True  # Qt's own language
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if not translator.load(f"qtbase_{language}", folder):
        log.warning("Qt's %s translations were not found in %s", language, folder)
        return False
    app.installTranslator(translator)
    app._tc_qt_translators.append(translator)  # type: ignore[attr-defined]
    return True


def open_main_window(db, actor):  # noqa: ANN001, ANN201 - Database, Actor
    from transit_centre.admin.centres import get_centre
    from transit_centre.ui.common.context import UiContext
    from transit_centre.ui.shell.main_window import MainWindow

    code = name = ""
    if actor.current_centre_id is not None:
        centre = get_centre(db, actor, actor.current_centre_id)
        code, name = centre.code, centre.display
    window = MainWindow(UiContext(db=db, actor=actor, centre_code=code, centre_name=name))
    window.show()
    return window


class WindowSession:
    """The main window of whoever is signed in. File > Sign out (or Switch user on the lock)
    hides it and asks who is next: the next user gets a window of their own, and the old one
    closes; nobody signing in closes the application."""

    def __init__(self, db, url: str | None) -> None:  # noqa: ANN001 - Database
        self.db, self.url = db, url
        self.window = None

    def open(self, actor):  # noqa: ANN001, ANN201 - Actor -> MainWindow
        from transit_centre.ui.shell.startup_checks import start_session

        window = open_main_window(self.db, actor)
        start_session(window, self.db, actor)  # inactivity lock, integrity check, daily automatic backup
        window.signed_out.connect(self.switch_user)
        self.window = window
        return window

    def switch_user(self) -> None:
        from transit_centre.ui.shell.login import LoginDialog

        old = self.window
        old.hide()
        login = LoginDialog(self.db, url=self.url)
        if login.exec() == QDialog.DialogCode.Accepted and login.actor is not None:
            self.db = login.db or self.db
            self.open(login.actor)
            old.close()
            old.deleteLater()
        else:
            old.close()  # the last window: the application ends


def _open_plain(database_url: str | None):  # noqa: ANN202 - Database, or an exit code
    """A database that opens without a password: PostgreSQL, or a SQLite file from before
    encryption. Returns the exit code instead when it cannot be used."""
    from transit_centre.storage.opening import open_database
    from transit_centre.storage.backup import DamagedDatabase, database_file

    try:
        return open_database(database_url, background_check=True)  # checked after the window shows
    except DamagedDatabase as exc:  # never used silently: say so and offer a restore
        from transit_centre.ui.shell.startup_checks import report_damaged_database

        return report_damaged_database(database_file(database_url), exc)
    except DomainError as exc:
        QMessageBox.critical(None, _("Transit Centre"), str(exc))
        return 2
    except Exception:  # noqa: BLE001
        log.exception("cannot open the database")
        QMessageBox.critical(None, _("Transit Centre"), _(
            "The database could not be opened. The details were written to the log file."))
        return 2


def offer_encryption(db, actor):  # noqa: ANN001, ANN201 - Database, Actor -> Database
    """A SQLite file from before encryption: an administrator is asked to encrypt it now (the
    other users are told at every sign-in that their administrator should). Returns the
    database to use (the encrypted one when it was converted)."""
    from transit_centre.storage.at_rest import DatabaseState, state_of
    from transit_centre.security.permissions import Permission

    if db.sqlite_path is None or db.key is not None or state_of(db.url) is not DatabaseState.PLAIN:
        return db
    if not (actor.can(Permission.USER_ADMIN) and actor.can(Permission.SETTINGS_ADMIN)):
        QMessageBox.warning(None, _("Transit Centre"), _(
            "This database is not encrypted: a copy of the file can be read by anyone. Ask an administrator to "
            "sign in: the application will offer to encrypt it."))
        return db
    from transit_centre.ui.admin.encryption import EncryptDatabaseDialog

    dialog = EncryptDatabaseDialog(db, actor)
    if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result_ is not None:
        return dialog.result_.db
    return db


def run(database_url: str | None = None) -> int:
    from transit_centre.localconfig import is_first_start
    from transit_centre.storage.at_rest import DatabaseState, database_path, no_key_file_message, state_of
    from transit_centre.security.users import has_users
    from transit_centre.ui.common.errors import install_excepthook
    from transit_centre.ui.shell.login import LoginDialog

    app = make_application()
    install_excepthook()
    from transit_centre.ui.shell.single_instance import claim_or_activate

    instance = claim_or_activate(database_url)  # noqa: F841 - held while the window runs
    if instance is None:
        return 0  # this database is open in another window of this user: brought to the front
    # First start (no file yet): the wizard asks where to create it. An encrypted file opens
    # when someone signs in; a file from before encryption, or a server, opens now.
    state = DatabaseState.NEW if is_first_start(database_url) else state_of(database_url)
    db = None
    if state is DatabaseState.NO_KEY_FILE:
        from transit_centre.ui.shell.startup_checks import report_damaged_database

        path = database_path(database_url)
        return report_damaged_database(path, DomainError(no_key_file_message(path)))  # type: ignore[arg-type]
    if state in (DatabaseState.PLAIN, DatabaseState.SERVER):
        opened = _open_plain(database_url)
        if isinstance(opened, int):
            return opened
        db = opened
    if state is not DatabaseState.ENCRYPTED and (db is None or not has_users(db)):
        from transit_centre.ui.shell.welcome import WelcomeWizard

        wizard = WelcomeWizard(database=db, url=database_url if state is DatabaseState.NEW else None)
        if wizard.exec() != QDialog.DialogCode.Accepted:
            return 0
        if wizard.existing_encrypted:
            state = DatabaseState.ENCRYPTED  # a folder holding an encrypted database: sign in to it
        elif wizard.db is None:
            return 0
        else:
            db = wizard.db
    login = LoginDialog(db, url=database_url)
    if login.exec() != QDialog.DialogCode.Accepted or login.actor is None:
        if login.damaged is not None:
            from transit_centre.ui.shell.startup_checks import report_damaged_database

            return report_damaged_database(database_path(database_url), login.damaged)
        return 0
    db, actor = login.db, login.actor
    db = offer_encryption(db, actor)
    session = WindowSession(db, database_url)
    session.open(actor)  # kept alive while the loop runs
    code = app.exec()
    db = session.db
    from transit_centre.storage.integrity import note_closed
    from transit_centre.ui.common.worker import shutdown

    shutdown()  # background tasks end before Python tears Qt down
    note_closed(db)  # the next start need not wait for the integrity check
    return code

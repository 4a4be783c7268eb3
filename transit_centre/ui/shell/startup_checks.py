"""What the application does around a signed-in session: a damaged database (report it, offer a
restore), the integrity check and the automatic backup in the background, the inactivity lock.

``ui/shell/app.py`` calls ``report_damaged_database`` when opening fails the integrity check and
``start_session`` once the main window is shown: the database, opened without waiting for its
check when it was closed cleanly (``integrity``), is checked then, and every day; if the check
fails the database refuses any further use and the application closes after saying so.
"""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from transit_centre.storage import integrity
from transit_centre.admin.settings import get_setting
from transit_centre.errors import DomainError
from transit_centre.i18n import _
from transit_centre.paths import backup_dir
from transit_centre.storage import backup
from transit_centre.security.accounts import LOCK_MINUTES_KEY
from transit_centre.security.permissions import Actor
from transit_centre.ui.shell.session_lock import SessionLock
from transit_centre.ui.common.operations import run_op

log = logging.getLogger(__name__)
BACKUP_CHECK_MS = 60 * 60 * 1000  # once an hour: integrity check a day old? today's automatic backup made?


def report_damaged_database(db_path: Path | None, exc: DomainError, parent: QWidget | None = None) -> int:
    """Say the database is damaged and how to restore; offer to restore a backup now.

    Returns the process exit code (the application never goes on with a damaged file).
    """
    box = QMessageBox(parent)
    box.setObjectName("damagedDatabaseDialog")
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(_("Transit Centre – damaged database"))
    box.setText(str(exc))
    restore = box.addButton(_("Restore a backup…"), QMessageBox.ButtonRole.AcceptRole) if db_path else None
    box.addButton(_("Quit"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if restore is None or box.clickedButton() is not restore:
        return 2
    chosen, _filter = QFileDialog.getOpenFileName(parent, _("Choose a backup"), str(backup_dir()),
                                                  _("Transit Centre backups (*.sqlite3);;All files (*)"))
    if not chosen:
        return 2
    from transit_centre.ui.admin.encryption import ask_backup_credentials

    credentials = ask_backup_credentials(parent, Path(chosen).name)  # an administrator of that day, or the key
    if credentials is None:
        return 2
    try:
        opened = backup.open_for_restore(Path(chosen), db_path, **credentials)
        result = backup.restore_file(db_path, Path(chosen), opened=opened)
    except DomainError as error:
        QMessageBox.critical(parent, _("Transit Centre"), str(error))
        return 2
    QMessageBox.information(parent, _("Transit Centre"), _(
        "The database was restored from {name}. Start Transit Centre again to use it.\n\n"
        "The damaged database was kept as:\n{kept}").format(name=Path(chosen).name,
                                                             kept=result.replaced_kept_as or "-"))
    return 0


def run_background_checks(db, parent: QWidget | None = None):  # noqa: ANN001, ANN201 - Database, Task
    """Off the GUI thread: the integrity check when due (``integrity.background_check_due``),
    then today's automatic backup. A damaged database ends the session (``database_damaged``);
    a failed backup is logged and shown in the status bar."""
    if not backup.backups_supported(db) or db.refused is not None:
        return None

    def work() -> object:
        if integrity.background_check_due(db):
            integrity.check_now(db)  # DamagedDatabase: db refuses any further use
        return backup.auto_backup(db)

    def failed(exc: BaseException) -> None:
        if isinstance(exc, backup.DamagedDatabase):
            database_damaged(db, exc, parent)
            return
        log.error("automatic backup failed: %s", exc)
        status = getattr(parent, "statusBar", None)
        if callable(status):
            status().showMessage(_("The automatic backup failed: {reason}").format(reason=exc), 60_000)

    return run_op(parent, work, None, failed=failed)


def database_damaged(db, exc: DomainError, window: QWidget | None) -> None:  # noqa: ANN001 - Database
    """The check found the open database damaged: nothing more is read or written, the user is
    told how to restore, and the application quits."""
    from PySide6.QtWidgets import QApplication

    log.error("the open database failed its integrity check: %s", exc)
    db.dispose()  # the file may be replaced by a restore
    if window is not None:
        window.hide()
    code = report_damaged_database(db.sqlite_path, exc, window)
    app = QApplication.instance()
    if app is not None:
        app.exit(code or 2)


def start_session(window: QWidget, db, actor: Actor) -> SessionLock:  # noqa: ANN001 - Database
    """Inactivity lock, integrity check and automatic backups for the main window's lifetime."""
    try:
        minutes = float(get_setting(db, LOCK_MINUTES_KEY) or 0)
    except (KeyError, TypeError, ValueError, DomainError):
        minutes = 10
    lock = SessionLock(window, db, actor, minutes)
    window.session_lock = lock  # type: ignore[attr-defined]
    run_background_checks(db, window)
    timer = QTimer(window)
    timer.setObjectName("autoBackupTimer")
    timer.setInterval(BACKUP_CHECK_MS)
    timer.timeout.connect(lambda: run_background_checks(db, window))
    timer.start()
    window.backup_timer = timer  # type: ignore[attr-defined]
    return lock

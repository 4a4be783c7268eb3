"""Backups (Administration > Backups): back up now, the list of backups, restore one.

A restore asks who restores (an administrator of the day the backup was made, or the recovery
key: the backup is encrypted like the database), checks the backup before replacing anything and
keeps the replaced database; the application must then be restarted. "New recovery key…"
replaces the recovery key of an encrypted database (the sheet was lost). On PostgreSQL the tab only explains that the server's
administrator makes the backups.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from transit_centre.errors import DomainError
from transit_centre.i18n import _, format_datetime, format_number
from transit_centre.storage import backup
from transit_centre.security.permissions import Permission
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.tables import RowTable
from transit_centre.ui.common.errors import show_error
from transit_centre.ui.common.operations import run_op


def _restart_required() -> None:
    """After a restore the open windows hold data of the replaced database: close them all."""
    QApplication.closeAllWindows()
    QApplication.quit()


# Tests replace this to keep their application running.
on_restart_required: Callable[[], None] = _restart_required


class BackupsAdmin(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("backupsAdmin")
        self.items: list[backup.BackupInfo] = []
        self.task = None
        layout = QVBoxLayout(self)
        self.info = QLabel()
        self.info.setObjectName("backupsInfo")
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.info)
        self.supported = backup.backups_supported(ctx.db)
        if not self.supported:
            self.info.setText(backup.postgres_message())
            layout.addStretch(1)
            return
        self.backup_button = QPushButton(_("Back up now"))
        self.backup_button.setObjectName("backupNow")
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button = QPushButton(_("Restore the selected backup…"))
        self.restore_button.setObjectName("restoreSelected")
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button = QPushButton(_("Restore from a file…"))
        self.restore_file_button.setObjectName("restoreFromFile")
        self.restore_file_button.clicked.connect(self.restore_from_file)
        self.recovery_button = QPushButton(_("New recovery key…"))
        self.recovery_button.setObjectName("newRecoveryKey")
        self.recovery_button.clicked.connect(self.new_recovery_key)
        may_restore = ctx.actor.can(Permission.SETTINGS_ADMIN)
        for b in (self.restore_button, self.restore_file_button):
            b.setVisible(may_restore)
        self.recovery_button.setVisible(may_restore and ctx.actor.can(Permission.USER_ADMIN) and ctx.db.encrypted)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.recovery_button)
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.restore_file_button)
        layout.addLayout(buttons)
        self.table = RowTable("backupsTable", [_("Made on"), _("Kind"), _("Size")], stretch=-1)
        layout.addWidget(self.table, 1)
        note = QLabel(_("A backup is made automatically when the application starts and once a day while it "
                        "is used. The last 7 daily and 4 weekly automatic backups are kept; backups made "
                        "with Back up now are kept until you delete them. Copy backups regularly to a USB "
                        "drive kept elsewhere, or choose such a folder in Settings."))
        note.setWordWrap(True)
        layout.addWidget(note)
        self.refresh()

    def refresh(self) -> None:
        if not self.supported:
            return
        folder = backup.backup_folder(self.ctx.db)
        self.info.setText(_("Database: {db}\nBackup folder: {folder}").format(db=self.ctx.db.describe(),
                                                                             folder=folder))
        self.items = backup.list_backups(folder)
        self.table.setRowCount(len(self.items))
        for row, b in enumerate(self.items):
            kind = _("automatic") if b.kind == "auto" else _("manual")
            size = _("{n} KB").format(n=format_number(max(1, b.size // 1024)))
            for col, value in enumerate((format_datetime(b.created.astimezone(), "short"), kind, size)):
                item = QTableWidgetItem(value)
                item.setToolTip(str(b.path))
                self.table.setItem(row, col, item)
        self.table.fit_columns()
        if self.items:
            self.table.selectRow(0)

    def selected(self) -> backup.BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.items[rows[0].row()] if rows and rows[0].row() < len(self.items) else None

    def backup_now(self) -> None:
        self.backup_button.setEnabled(False)
        db, actor = self.ctx.db, self.ctx.actor
        self.task = run_op(self, lambda report: backup.backup_database(db, actor, report=report),
                           self._backup_done, failed=self._backup_failed, progress=_("Backing up…"))

    def _backup_done(self, info: backup.BackupInfo) -> None:
        self.backup_button.setEnabled(True)
        self.refresh()
        QMessageBox.information(self, _("Backups"), _("Backup written:\n{path}").format(path=info.path))

    def _backup_failed(self, exc: BaseException) -> None:
        self.backup_button.setEnabled(True)
        show_error(self, exc)

    def restore_selected(self) -> None:
        chosen = self.selected()
        if chosen is None:
            QMessageBox.information(self, _("Backups"), _("Select a backup in the list first."))
            return
        self.restore(chosen.path)

    def restore_from_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Choose a backup"), str(backup.backup_folder(self.ctx.db)),
                                                    _("Transit Centre backups (*.sqlite3);;All files (*)"))
        if path:
            self.restore(Path(path))

    def new_recovery_key(self) -> None:
        from transit_centre.ui.admin.encryption import new_recovery_key

        new_recovery_key(self, self.ctx.db, self.ctx.actor)

    def restore(self, path: Path, *, confirm: bool = True,
                credentials: dict[str, str] | None = None) -> backup.RestoreResult | None:
        """Who restores (asked unless given), check, confirm, replace; then tell the user to restart."""
        if credentials is None:
            from transit_centre.ui.admin.encryption import ask_backup_credentials

            credentials = ask_backup_credentials(self, path.name, self.ctx.actor.username)
            if credentials is None:
                return None
        try:
            target = self.ctx.db.sqlite_path
            opened = backup.open_for_restore(path, target, **credentials)
            backup.check_backup(path, opened.key)
        except DomainError as exc:
            show_error(self, exc)
            return None
        if confirm and QMessageBox.question(self, _("Restore a backup"), _(
                "The backup {name} passed its checks.\n\nReplace the database in use with it? Everything "
                "recorded since that backup will no longer be in the application (the current database is "
                "kept under another name). The application closes afterwards.").format(name=path.name)
        ) != QMessageBox.StandardButton.Yes:
            return None
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            result = backup.restore_backup(self.ctx.db, self.ctx.actor, path, opened)
        except DomainError as exc:
            QApplication.restoreOverrideCursor()
            show_error(self, exc)
            return None
        QApplication.restoreOverrideCursor()
        box = QMessageBox(self)
        box.setObjectName("restoreDoneDialog")
        box.setWindowTitle(_("Restore a backup"))
        box.setText(_("The database was restored from {name}. Start Transit Centre again to use it.").format(
            name=path.name))
        if result.replaced_kept_as is not None:
            box.setInformativeText(_("The replaced database was kept as:\n{path}").format(
                path=result.replaced_kept_as))
        box.exec()
        on_restart_required()
        return result

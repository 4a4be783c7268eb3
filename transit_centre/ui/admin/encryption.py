"""The database's encryption in the window (``storage.at_rest``).

- ``RecoveryKeyPanel`` / ``RecoveryKeyDialog``: the recovery key, shown once, with its sheet to
  print; the user ticks that it was kept before going on.
- ``EncryptDatabaseDialog``: an administrator signing in to a database from before encryption
  converts it (a verified backup first), then keeps the new recovery key.
- ``RecoverAccountDialog``: from the sign-in window, the recovery key gives an account a new
  password (when nobody remembers one).
- ``BackupCredentialsDialog``: what a restore asks: the user name and password of an
  administrator on the day of the backup, or the recovery key.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from transit_centre.ui.common import theme
from transit_centre.errors import DomainError
from transit_centre.i18n import _


def _label(name: str, text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


def _password_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def _ok_cancel(dialog: QDialog, ok_text: str, ok_name: str, on_ok: Any) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName(ok_name)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons


def _lay_out(dialog: QDialog, intro: QLabel, form: QFormLayout, buttons: QDialogButtonBox,
             message: QLabel | None = None) -> None:
    layout = QVBoxLayout(dialog)
    layout.addWidget(intro)
    layout.addLayout(form)
    if message is not None:
        layout.addWidget(message)
    layout.addWidget(buttons)


class RecoveryKeyPanel(QWidget):
    """The recovery key in large letters, a button to print its sheet, and "I kept it"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db: Any = None
        self.actor: Any = None
        self.intro = _label("recoveryIntro")
        self.code = QLabel()
        self.code.setObjectName("recoveryKey")
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(16)
        font.setBold(True)
        self.code.setFont(font)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.print_button = QPushButton()
        self.print_button.setObjectName("printRecoverySheet")
        self.print_button.clicked.connect(self.print_sheet)
        self.kept = QCheckBox()
        self.kept.setObjectName("recoveryKept")
        row = QHBoxLayout()
        row.addWidget(self.print_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.intro)
        layout.addSpacing(8)
        layout.addWidget(self.code)
        layout.addSpacing(8)
        layout.addLayout(row)
        layout.addSpacing(8)
        layout.addWidget(self.kept)
        self.retranslate()

    def show_code(self, db: Any, actor: Any, code: str) -> None:
        self.db, self.actor = db, actor
        self.code.setText(code)
        self.kept.setChecked(False)

    def retranslate(self) -> None:
        self.intro.setText(_("This is the recovery key of the database. With it, an administrator opens the "
                             "database or a backup when every password is forgotten. It is shown only now: print "
                             "the sheet, or copy the key by hand, and keep it in the centre's safe, away from "
                             "this computer."))
        self.print_button.setText(_("Print the recovery sheet…"))
        self.kept.setText(_("I have printed the sheet or written the key down, and it goes into the safe."))

    def print_sheet(self) -> None:
        from transit_centre.documents import render_recovery_sheet
        from transit_centre.ui.common.print_preview import PrintPreviewDialog

        code = self.code.text()
        try:
            dialog = PrintPreviewDialog(lambda language: render_recovery_sheet(self.db, self.actor, code, language),
                                        self)
        except DomainError as exc:
            QMessageBox.warning(self, _("Transit Centre"), str(exc))
            return
        dialog.exec()


class RecoveryKeyDialog(QDialog):
    """The recovery key, after encrypting a database or making a new key. Closes only once the
    user says the key was kept (it cannot be shown again)."""

    def __init__(self, db: Any, actor: Any, code: str, parent: QWidget | None = None, *, note: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("recoveryKeyDialog")
        self.setWindowTitle(_("Recovery key – Transit Centre"))
        self.panel = RecoveryKeyPanel(self)
        self.panel.show_code(db, actor, code)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setObjectName("recoveryDone")
        self.ok.setEnabled(False)
        self.panel.kept.toggled.connect(self.ok.setEnabled)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        if note:
            layout.addWidget(_label("recoveryNote", note))
        layout.addWidget(self.panel)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.resize(620, 320)

    def reject(self) -> None:
        if self.panel.kept.isChecked():
            super().reject()


class EncryptDatabaseDialog(QDialog):
    """An administrator converts a database from before encryption (``at_rest.encrypt_database``).
    ``result`` holds the outcome (the encrypted database, open) once accepted."""

    def __init__(self, db: Any, actor: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.result_: Any = None
        self.task: Any = None
        self.setObjectName("encryptDialog")
        self.setWindowTitle(_("Encrypt the database – Transit Centre"))
        intro = _label("encryptIntro", _(
            "This database is not encrypted: anyone who copies the file, or a backup, can read residents' names, "
            "medical notes and protection cases. Encrypt it now. A backup is made and checked first; then the "
            "file is converted (a few seconds to a few minutes) and you receive the recovery key to keep in the "
            "safe. The other users will need a new password from you (Users > Reset password)."))
        self.password = _password_field("encryptPassword")
        self.message = _label("encryptMessage")
        self.message.setStyleSheet(theme.style("error"))
        form = QFormLayout()
        form.addRow(_("Your password"), self.password)
        buttons = QDialogButtonBox()
        self.encrypt_button = buttons.addButton(_("Encrypt now"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.encrypt_button.setObjectName("encryptButton")
        later = buttons.addButton(_("Later"), QDialogButtonBox.ButtonRole.RejectRole)
        later.setObjectName("encryptLater")
        buttons.accepted.connect(self.encrypt)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.resize(600, 280)

    def encrypt(self) -> None:
        from transit_centre.storage.at_rest import encrypt_database
        from transit_centre.ui.common.operations import run_op

        password = self.password.text()
        self.message.clear()
        self.encrypt_button.setEnabled(False)

        def work(report):  # noqa: ANN001, ANN202 - off the GUI thread
            return encrypt_database(self.db, self.actor, password, report=report)

        def failed(exc: BaseException) -> None:
            self.encrypt_button.setEnabled(True)
            self.message.setText(str(exc) if isinstance(exc, DomainError) else _(
                "The database could not be encrypted; nothing was changed. The details were written to the log "
                "file."))

        self.task = run_op(self, work, self.done_, failed=failed, progress=_("Encrypting the database…"))

    def done_(self, result: Any) -> None:
        self.result_ = result
        note = _("The database is encrypted. A checked backup was made first: {backup}").format(backup=result.backup)
        if result.without_access:
            note += "\n\n" + _("These accounts need a new password before they can sign in (Users > Reset "
                               "password): {names}").format(names=", ".join(result.without_access))
        RecoveryKeyDialog(result.db, self.actor, result.recovery_code, self, note=note).exec()
        self.accept()


class RecoverAccountDialog(QDialog):
    """With the recovery key, a new password for an account (``at_rest.recover_account``)."""

    def __init__(self, url: str | None, username: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.url = url
        self.setObjectName("recoverDialog")
        self.setWindowTitle(_("Recovery key – Transit Centre"))
        intro = _label("recoverIntro", _(
            "Type the recovery key from the sheet kept in the safe, the user name of the account, and its new "
            "password. The change is written in the audit log."))
        self.code = QLineEdit()
        self.code.setObjectName("recoverCode")
        self.username = QLineEdit(username)
        self.username.setObjectName("recoverUsername")
        self.password = _password_field("recoverPassword")
        self.again = _password_field("recoverPasswordAgain")
        self.message = _label("recoverMessage")
        self.message.setStyleSheet(theme.style("error"))
        form = QFormLayout()
        form.addRow(_("Recovery key"), self.code)
        form.addRow(_("User name"), self.username)
        form.addRow(_("New password"), self.password)
        form.addRow(_("New password again"), self.again)
        _lay_out(self, intro, form, _ok_cancel(self, _("Set the password"), "recoverButton", self.recover),
                 self.message)
        self.setMinimumWidth(520)

    def recover(self) -> None:
        from transit_centre.storage.at_rest import recover_account

        if self.password.text() != self.again.text():
            self.message.setText(_("The two passwords differ."))
            return
        try:
            recover_account(self.url, self.code.text(), self.username.text(), self.password.text())
        except DomainError as exc:
            self.message.setText(str(exc))
            return
        self.accept()


class BackupCredentialsDialog(QDialog):
    """Who restores a backup: an administrator of that day (user name and password), or the
    holder of the recovery key. ``credentials()`` gives the keyword arguments of
    ``storage.backup.open_for_restore``."""

    def __init__(self, backup_name: str, username: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backupCredentialsDialog")
        self.setWindowTitle(_("Open the backup – Transit Centre"))
        intro = _label("backupCredentialsIntro", _(
            "The backup {name} is protected. Sign in as an administrator with the password of the day it was "
            "made, or use the recovery key.").format(name=backup_name))
        self.with_password = QRadioButton(_("User name and password"))
        self.with_password.setObjectName("backupWithPassword")
        self.with_password.setChecked(True)
        self.with_recovery = QRadioButton(_("Recovery key"))
        self.with_recovery.setObjectName("backupWithRecovery")
        self.username = QLineEdit(username)
        self.username.setObjectName("backupUsername")
        self.password = _password_field("backupPassword")
        self.code = QLineEdit()
        self.code.setObjectName("backupRecoveryCode")
        self.code.setEnabled(False)
        self.with_recovery.toggled.connect(self._mode)
        form = QFormLayout()
        form.addRow(self.with_password)
        form.addRow(_("User name"), self.username)
        form.addRow(_("Password"), self.password)
        form.addRow(self.with_recovery)
        form.addRow(_("Recovery key"), self.code)
        _lay_out(self, intro, form, _ok_cancel(self, _("Open the backup"), "backupCredentialsOk", self.accept))
        self.setMinimumWidth(520)

    def _mode(self, recovery: bool) -> None:
        for widget in (self.username, self.password):
            widget.setEnabled(not recovery)
        self.code.setEnabled(recovery)

    def credentials(self) -> dict[str, str]:
        if self.with_recovery.isChecked():
            return {"recovery_code": self.code.text()}
        return {"username": self.username.text(), "password": self.password.text()}


def ask_backup_credentials(parent: QWidget | None, backup_name: str, username: str = "") -> dict[str, str] | None:
    dialog = BackupCredentialsDialog(backup_name, username, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.credentials()


def new_recovery_key(parent: QWidget | None, db: Any, actor: Any) -> bool:
    """Administration > Backups > New recovery key…: asks the administrator's password, then shows the new key."""
    from PySide6.QtWidgets import QInputDialog

    from transit_centre.storage.at_rest import new_recovery_key as make_key

    password, ok = QInputDialog.getText(parent, _("New recovery key"), _(
        "The current recovery key will no longer open the database (backups made before keep theirs). "
        "Your password:"), QLineEdit.EchoMode.Password)
    if not ok:
        return False
    try:
        code = make_key(db, actor, password)
    except DomainError as exc:
        QMessageBox.warning(parent, _("Transit Centre"), str(exc))
        return False
    RecoveryKeyDialog(db, actor, code, parent).exec()
    return True

"""Sign-in: user name, password and the centre this laptop serves today.

On an encrypted database (``storage.at_rest``) the dialog opens before the database does
(``db`` is None, ``url`` says which file): the password first unwraps the database key, then
the account is checked as usual; the centre list appears once the database is open, for those
who work in several centres. "I have the recovery key…" gives an account a new password when
nobody remembers one.
"""
from __future__ import annotations

import uuid

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QPushButton,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from transit_centre.ui.common import theme
from transit_centre.admin.centres import list_centres
from transit_centre.errors import DomainError
from transit_centre.i18n import _
from transit_centre.security.accounts import password_change_required
from transit_centre.security.permissions import Actor
from transit_centre.security.users import authenticate


class LoginDialog(QDialog):
    """Asks for credentials; ``actor`` holds the signed-in user once accepted."""

    def __init__(self, db, parent: QWidget | None = None, *, url: str | None = None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.db = db  # None: an encrypted database, opened by the password (``url``)
        self.url = url
        self.damaged: DomainError | None = None  # the database opened but failed its check
        self.actor: Actor | None = None
        self.setObjectName("loginDialog")
        self.setWindowTitle(_("Sign in – Transit Centre"))
        settings = QSettings()

        self.username = QLineEdit(str(settings.value("login/username", "")))
        self.username.setObjectName("loginUsername")
        self.password = QLineEdit()
        self.password.setObjectName("loginPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.centre = QComboBox()
        self.centre.setObjectName("loginCentre")
        self.centre.addItem(_("All centres (headquarters)"), None)
        if db is not None:
            self._load_centres()
        self.message = QLabel()
        self.message.setObjectName("loginMessage")
        self.message.setStyleSheet(theme.style("error"))
        self.message.setWordWrap(True)

        self.form = form = QFormLayout()
        form.addRow(_("User name"), self.username)
        form.addRow(_("Password"), self.password)
        form.addRow(_("Centre"), self.centre)
        form.setRowVisible(self.centre, db is not None)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Sign in"))
        buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("loginButton")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        if db is None:
            recover = QPushButton(_("I have the recovery key…"))
            recover.setObjectName("loginRecover")
            recover.setFlat(True)
            recover.clicked.connect(self.recover)
            buttons.addButton(recover, QDialogButtonBox.ButtonRole.HelpRole)
        layout.addWidget(buttons)
        (self.password if self.username.text() else self.username).setFocus()

    def _load_centres(self) -> None:
        from transit_centre.admin.first_run import site_centre_code

        last = QSettings().value("login/centre", "")
        site = site_centre_code(self.db)  # the welcome wizard's centre, for a user new on this computer
        for c in list_centres(self.db, Actor.system(), only_visible=False):
            self.centre.addItem(c.display, str(c.id))
            if str(c.id) == last or (not last and c.code == site):
                self.centre.setCurrentIndex(self.centre.count() - 1)

    def selected_centre(self) -> uuid.UUID | None:
        value = self.centre.currentData()
        return uuid.UUID(value) if value else None

    def _unlock(self) -> bool:
        """Open the encrypted database with the password (once); False when refused."""
        from transit_centre.storage.at_rest import unlock
        from transit_centre.storage.backup import DamagedDatabase

        try:
            self.db = unlock(self.url, self.username.text(), self.password.text(), background_check=True)
        except DamagedDatabase as exc:  # opened, but the file failed its check: the caller offers a restore
            self.damaged = exc
            self.reject()
            return False
        except DomainError as exc:
            self.message.setText(str(exc))
            self.password.clear()
            self.password.setFocus()
            return False
        self._load_centres()
        return True

    def recover(self) -> None:
        from transit_centre.ui.admin.encryption import RecoverAccountDialog

        dialog = RecoverAccountDialog(self.url, self.username.text(), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.username.setText(dialog.username.text().strip().lower())
            self.password.clear()
            self.message.setText(_("The new password is set: sign in with it."))
            self.password.setFocus()

    def try_login(self) -> None:
        unlocked_now = False
        if self.db is None:
            if not self._unlock():
                return
            unlocked_now = True
        # Just opened: the centre list was not shown yet; the one remembered (or the site's) is
        # taken when the account works there, else the account's only centre, else the user chooses.
        centre = self.selected_centre()
        try:
            actor = authenticate(self.db, self.username.text(), self.password.text(),
                                 None if unlocked_now else centre)
            if unlocked_now and centre is not None and actor.can_see_centre(centre):
                actor = actor.with_centre(centre)
        except DomainError as exc:
            self.message.setText(str(exc))
            self.password.clear()
            self.password.setFocus()
            return
        if actor.current_centre_id is None and not actor.all_centres:
            if len(actor.centre_ids) == 1:
                actor = actor.with_centre(next(iter(actor.centre_ids)))
            else:
                self.form.setRowVisible(self.centre, True)
                self.message.setText(_("Choose the centre you work in today."))
                return
        if password_change_required(self.db, actor):
            from transit_centre.ui.shell.change_password import ChangePasswordDialog

            dialog = ChangePasswordDialog(self.db, actor, self.password.text(), self, forced=True)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                self.message.setText(_("Choose a new password to sign in."))
                self.password.clear()
                return
        settings = QSettings()
        settings.setValue("login/username", actor.username)
        settings.setValue("login/centre", str(actor.current_centre_id or ""))
        self.actor = actor
        self.accept()

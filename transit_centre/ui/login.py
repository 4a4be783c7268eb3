"""Sign-in: user name, password and the centre this laptop serves today."""
from __future__ import annotations

import uuid

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from transit_centre.admin.centres import list_centres
from transit_centre.errors import DomainError
from transit_centre.i18n import _
from transit_centre.security.accounts import password_change_required
from transit_centre.security.permissions import Actor
from transit_centre.security.users import authenticate


class LoginDialog(QDialog):
    """Asks for credentials; ``actor`` holds the signed-in user once accepted."""

    def __init__(self, db, parent: QWidget | None = None) -> None:  # noqa: ANN001 - Database
        super().__init__(parent)
        self.db = db
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
        last = settings.value("login/centre", "")
        from transit_centre.admin.first_run import site_centre_code

        site = site_centre_code(db)  # the welcome wizard's centre, for a user new on this computer
        for c in list_centres(db, Actor.system(), only_visible=False):
            self.centre.addItem(c.display, str(c.id))
            if str(c.id) == last or (not last and c.code == site):
                self.centre.setCurrentIndex(self.centre.count() - 1)
        self.message = QLabel()
        self.message.setObjectName("loginMessage")
        self.message.setStyleSheet("color: #b00020")
        self.message.setWordWrap(True)

        form = QFormLayout()
        form.addRow(_("User name"), self.username)
        form.addRow(_("Password"), self.password)
        form.addRow(_("Centre"), self.centre)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Sign in"))
        buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("loginButton")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        (self.password if self.username.text() else self.username).setFocus()

    def selected_centre(self) -> uuid.UUID | None:
        value = self.centre.currentData()
        return uuid.UUID(value) if value else None

    def try_login(self) -> None:
        try:
            actor = authenticate(self.db, self.username.text(), self.password.text(), self.selected_centre())
        except DomainError as exc:
            self.message.setText(str(exc))
            self.password.clear()
            self.password.setFocus()
            return
        if actor.current_centre_id is None and not actor.all_centres:
            if len(actor.centre_ids) == 1:
                actor = actor.with_centre(next(iter(actor.centre_ids)))
            else:
                self.message.setText(_("Choose the centre you work in today."))
                return
        if password_change_required(self.db, actor):
            from transit_centre.ui.change_password import ChangePasswordDialog

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

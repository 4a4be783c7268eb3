"""Changing one's own password: forced after a reset (at sign-in) or chosen from the menu."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from transit_centre.errors import DomainError
from transit_centre.i18n import _
from transit_centre.security.accounts import change_own_password
from transit_centre.security.permissions import Actor
from transit_centre.security.users import MIN_PASSWORD_LENGTH
from transit_centre.ui.common.widgets import FieldErrors


def _password_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class ChangePasswordDialog(QDialog):
    """When ``current_password`` is given (just typed at sign-in) it is not asked again."""

    def __init__(self, db, actor: Actor, current_password: str | None = None,  # noqa: ANN001
                 parent: QWidget | None = None, *, forced: bool = False) -> None:
        super().__init__(parent)
        self.db, self.actor, self._current = db, actor, current_password
        self.setObjectName("changePasswordDialog")
        self.setWindowTitle(_("Change password"))
        self.errors = FieldErrors()
        self.current = _password_edit("currentPassword")
        self.new = _password_edit("newPassword")
        self.confirmation = _password_edit("confirmPassword")
        intro = QLabel(_("An administrator gave you a temporary password. Choose your own password "
                         "(at least {n} characters) to continue.").format(n=MIN_PASSWORD_LENGTH)
                       if forced else _("Choose a new password of at least {n} characters.").format(
                           n=MIN_PASSWORD_LENGTH))
        intro.setWordWrap(True)
        form = QFormLayout()
        if current_password is None:
            self.errors.add_row(form, _("Current password"), "current_password", self.current)
        self.errors.add_row(form, _("New password"), "new_password", self.new)
        self.errors.add_row(form, _("New password again"), "confirmation", self.confirmation)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Change password"))
        buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("changePasswordButton")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.errors.general_label())
        layout.addWidget(buttons)
        (self.new if current_password is not None else self.current).setFocus()

    def save(self) -> None:
        self.errors.clear()
        current = self._current if self._current is not None else self.current.text()
        try:
            change_own_password(self.db, self.actor, current, self.new.text(), self.confirmation.text())
        except DomainError as exc:
            self.errors.show(exc)
            return
        self.accept()

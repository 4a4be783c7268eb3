"""Changing one's own password: forced after a reset (at sign-in) or chosen from the menu."""
from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QWidget

from transit_centre.i18n import _
from transit_centre.security.accounts import change_own_password
from transit_centre.security.permissions import Actor
from transit_centre.security.users import MIN_PASSWORD_LENGTH
from transit_centre.ui.common.form_dialog import FormDialog


def _password_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class ChangePasswordDialog(FormDialog):
    """When ``current_password`` is given (just typed at sign-in) it is not asked again."""

    def __init__(self, db, actor: Actor, current_password: str | None = None,  # noqa: ANN001
                 parent: QWidget | None = None, *, forced: bool = False) -> None:
        super().__init__(parent, title=_("Change password"), name="changePasswordDialog",
                         save_button=QDialogButtonBox.StandardButton.Ok, save_text=_("Change password"))
        self.db, self.actor, self._current = db, actor, current_password
        self.current = _password_edit("currentPassword")
        self.new = _password_edit("newPassword")
        self.confirmation = _password_edit("confirmPassword")
        self.set_header(_("An administrator gave you a temporary password. Choose your own password "
                          "(at least {n} characters) to continue.").format(n=MIN_PASSWORD_LENGTH)
                        if forced else _("Choose a new password of at least {n} characters.").format(
                            n=MIN_PASSWORD_LENGTH))
        if current_password is None:
            self.add_field(_("Current password"), "current_password", self.current)
        self.add_field(_("New password"), "new_password", self.new)
        self.add_field(_("New password again"), "confirmation", self.confirmation)
        (self.new if current_password is not None else self.current).setFocus()

    def save_record(self) -> None:
        current = self._current if self._current is not None else self.current.text()
        change_own_password(self.db, self.actor, current, self.new.text(), self.confirmation.text())

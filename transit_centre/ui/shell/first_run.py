"""First start on an empty database: create the first administrator before anyone signs in.

Deliberately small (user name, full name, password twice); a fuller welcome wizard may
replace or extend it. ``created_username`` holds the new account once accepted, so the
sign-in dialog can offer it.
"""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from transit_centre.enums import Role
from transit_centre.errors import DomainError, ValidationError
from transit_centre.i18n import _
from transit_centre.security.permissions import Actor
from transit_centre.security.users import MIN_PASSWORD_LENGTH, create_user, password_problem
from transit_centre.ui.common.widgets import FieldErrors, required


class FirstRunDialog(QDialog):
    def __init__(self, db, parent: QWidget | None = None) -> None:  # noqa: ANN001 - Database
        super().__init__(parent)
        self.db = db
        self.created_username: str | None = None
        self.setObjectName("firstRunDialog")
        self.setWindowTitle(_("Welcome to Transit Centre"))
        self.errors = FieldErrors()
        self.username = QLineEdit()
        self.username.setObjectName("firstRunUsername")
        self.username.setPlaceholderText(_("e.g. awa.diallo"))
        self.full_name = QLineEdit()
        self.full_name.setObjectName("firstRunFullName")
        self.password = QLineEdit()
        self.password.setObjectName("firstRunPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_again = QLineEdit()
        self.password_again.setObjectName("firstRunPasswordAgain")
        self.password_again.setEchoMode(QLineEdit.EchoMode.Password)

        intro = QLabel(_("This database has no account yet. Create the first administrator: this "
                         "person will create the other accounts. The password needs at least {n} "
                         "characters.").format(n=MIN_PASSWORD_LENGTH))
        intro.setWordWrap(True)
        form = QFormLayout()
        self.errors.add_row(form, required(_("User name")), "username", self.username)
        self.errors.add_row(form, required(_("Full name")), "full_name", self.full_name)
        self.errors.add_row(form, required(_("Password")), "password", self.password)
        self.errors.add_row(form, required(_("Password again")), "password_again", self.password_again)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(_("Create the administrator"))
        ok.setObjectName("firstRunCreate")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Quit"))
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.errors.general_label())
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def create(self) -> None:
        self.errors.clear()
        try:
            if self.password.text() != self.password_again.text():
                # Report the other fields too, without creating anything.
                errors = {"password_again": _("The two passwords differ.")}
                if not self.username.text().strip():
                    errors["username"] = _("This field is required.")
                if not self.full_name.text().strip():
                    errors["full_name"] = _("This field is required.")
                problem = password_problem(self.password.text(), self.username.text())
                if problem:
                    errors["password"] = problem
                raise ValidationError(errors)
            view = create_user(self.db, Actor.system(), username=self.username.text(),
                               full_name=self.full_name.text(), password=self.password.text(),
                               roles=[Role.ADMIN])
        except DomainError as exc:
            self.errors.show(exc)
            return
        self.created_username = view.username
        self.accept()

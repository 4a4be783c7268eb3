"""User administration (Administration > Users): accounts, roles, centres, disable, reset password.

The account list is short (a few dozen people), so it is loaded whole. Every edit carries the
version read when the list was loaded: if another administrator saved the account meanwhile,
the save is refused with a message and the list reloads.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from transit_centre.ui.common import theme
from transit_centre.admin.centres import list_centres
from transit_centre.enums import Role
from transit_centre.errors import DomainError
from transit_centre.i18n import _, format_datetime
from transit_centre.security.accounts import (
    generate_temporary_password,
    list_users,
    reset_password,
    set_user_active,
    update_user,
)
from transit_centre.security.users import UserView, create_user
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.form_dialog import FormDialog
from transit_centre.ui.common.tables import RowTable
from transit_centre.ui.common.errors import show_error
from transit_centre.ui.common.widgets import required

COLUMNS = ("username", "full_name", "roles", "centres", "status", "last_login")


def _status(user: UserView) -> str:
    if not user.active:
        return _("Disabled")
    if user.locked_until and user.locked_until > dt.datetime.now(dt.timezone.utc):
        return _("Locked after failed sign-ins")
    if user.must_change_password:
        return _("Temporary password")
    return _("Active")


class UserDialog(FormDialog):
    """Create an account (``user`` None) or edit its name, language, roles and centres."""

    def __init__(self, ctx: UiContext, user: UserView | None, parent: QWidget | None = None) -> None:
        super().__init__(parent, title=_("New user") if user is None else _("User {name}").format(name=user.username),
                         name="userDialog")
        self.ctx, self.user = ctx, user
        self.username = QLineEdit(user.username if user else "")
        self.username.setObjectName("userUsername")
        self.username.setReadOnly(user is not None)
        self.full_name = QLineEdit(user.full_name if user else "")
        self.full_name.setObjectName("userFullName")
        self.language = QComboBox()
        self.language.setObjectName("userLanguage")
        self.language.addItem("Français", "fr")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(0, self.language.findData(user.language if user else "fr")))
        self.add_field(required(_("User name")), "username", self.username)
        self.add_field(required(_("Full name")), "full_name", self.full_name)
        self.add_field(_("Language"), "language", self.language)
        self.password = QLineEdit()
        if user is None:
            self.password.setObjectName("userPassword")
            self.password.setText(generate_temporary_password())
            hint = QLabel(_("Give this temporary password to the person; they choose their own at first "
                            "sign-in."))
            hint.setWordWrap(True)
            self.add_field(required(_("Temporary password")), "password", self.password)
            self.form.addRow("", hint)

        roles_box = QGroupBox(_("Roles"))
        roles_layout = QGridLayout(roles_box)
        self.role_checks: dict[Role, QCheckBox] = {}
        for i, role in enumerate(Role):
            check = QCheckBox(role.label)
            check.setObjectName(f"role_{role.value}")
            check.setChecked(bool(user and role in user.roles))
            roles_layout.addWidget(check, i // 2, i % 2)
            self.role_checks[role] = check
        self.centres = QListWidget()
        self.centres.setObjectName("userCentres")
        for centre in list_centres(ctx.db, ctx.actor, include_inactive=True, only_visible=False):
            item = QListWidgetItem(centre.display)
            item.setData(Qt.ItemDataRole.UserRole, centre.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if user and centre.id in user.centre_ids
                               else Qt.CheckState.Unchecked)
            self.centres.addItem(item)
        centres_box = QGroupBox(_("Centres (administrators and headquarters see every centre)"))
        QVBoxLayout(centres_box).addWidget(self.centres)

        self.add_below_form(self.errors.field("roles", roles_box))
        self.add_below_form(centres_box, 1)
        self.resize(560, 600)

    def chosen_roles(self) -> list[Role]:
        return [role for role, check in self.role_checks.items() if check.isChecked()]

    def chosen_centres(self) -> list:
        return [self.centres.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.centres.count())
                if self.centres.item(i).checkState() == Qt.CheckState.Checked]

    def set_centre_checked(self, centre_id, checked: bool = True) -> None:  # noqa: ANN001 - uuid
        for i in range(self.centres.count()):
            item = self.centres.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == centre_id:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def save_record(self) -> UserView:
        if self.user is None:
            return create_user(
                self.ctx.db, self.ctx.actor, username=self.username.text(), full_name=self.full_name.text(),
                password=self.password.text(), roles=self.chosen_roles(), centre_ids=self.chosen_centres(),
                language=self.language.currentData(), must_change_password=True)
        return update_user(
            self.ctx.db, self.ctx.actor, self.user.id, full_name=self.full_name.text(),
            roles=self.chosen_roles(), centre_ids=self.chosen_centres(),
            language=self.language.currentData(), expected_version=self.user.version)


class UsersAdmin(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("usersAdmin")
        self.users: list[UserView] = []
        self.centre_codes = {c.id: c.code for c in list_centres(ctx.db, ctx.actor, include_inactive=True,
                                                                only_visible=False)}
        self.table = RowTable("usersTable", [_("User name"), _("Full name"), _("Roles"), _("Centres"), _("Status"),
                                             _("Last sign-in")], stretch=-1)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())

        self.new_button = self._button(_("New user…"), "userNew", self.new_user)
        self.edit_button = self._button(_("Edit…"), "userEdit", self.edit_selected)
        self.active_button = self._button(_("Disable"), "userToggleActive", self.toggle_active)
        self.reset_button = self._button(_("Reset password…"), "userResetPassword", self.reset_selected)
        buttons = QHBoxLayout()
        for b in (self.new_button, self.edit_button, self.active_button, self.reset_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.refresh()

    def _button(self, text: str, name: str, slot) -> QPushButton:  # noqa: ANN001
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    # -- data -------------------------------------------------------------------------
    def refresh(self, select_id=None) -> None:  # noqa: ANN001 - uuid
        selected = select_id or (self.selected().id if self.selected() else None)
        self.users = list_users(self.ctx.db, self.ctx.actor)
        self.table.setRowCount(len(self.users))
        grey = theme.colour("muted")
        for row, user in enumerate(self.users):
            values = (user.username, user.full_name, ", ".join(r.label for r in user.roles),
                      ", ".join(sorted(self.centre_codes.get(c, "?") for c in user.centre_ids)),
                      _status(user), format_datetime(user.last_login_at, "short"))
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if not user.active:
                    item.setForeground(grey)
                self.table.setItem(row, col, item)
            if user.id == selected:
                self.table.selectRow(row)
        self.table.fit_columns()
        self._update_buttons()

    def selected(self) -> UserView | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.users):
            return None
        return self.users[rows[0].row()]

    def select_username(self, username: str) -> None:
        for row, user in enumerate(self.users):
            if user.username == username:
                self.table.selectRow(row)

    def _update_buttons(self) -> None:
        user = self.selected()
        for b in (self.edit_button, self.active_button, self.reset_button):
            b.setEnabled(user is not None)
        self.active_button.setText(_("Enable") if user is not None and not user.active else _("Disable"))

    # -- actions ----------------------------------------------------------------------
    def new_user(self) -> None:
        dialog = UserDialog(self.ctx, None, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result_view is not None:
            self.refresh(dialog.result_view.id)

    def edit_selected(self) -> None:
        user = self.selected()
        if user is None:
            return
        dialog = UserDialog(self.ctx, user, self)
        dialog.exec()
        self.refresh(user.id)

    def toggle_active(self) -> None:
        user = self.selected()
        if user is None:
            return
        if user.active and QMessageBox.question(self, _("Disable account"), _(
                "Disable the account {name}? The person can no longer sign in; everything they "
                "recorded stays.").format(name=user.username)) != QMessageBox.StandardButton.Yes:
            return
        try:
            set_user_active(self.ctx.db, self.ctx.actor, user.id, not user.active, expected_version=user.version)
        except DomainError as exc:
            show_error(self, exc)
        else:
            from transit_centre.storage.at_rest import has_slot

            if not user.active and not has_slot(self.ctx.db, user.username):
                QMessageBox.information(self, _("Enable account"), _(
                    "The account {name} is enabled. The database is encrypted and this account's old password no "
                    "longer opens it: give it a temporary password (Reset password) so the person can sign "
                    "in.").format(name=user.username))
        self.refresh(user.id)

    def reset_selected(self) -> None:
        user = self.selected()
        if user is None:
            return
        dialog = ResetPasswordDialog(user, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            reset_password(self.ctx.db, self.ctx.actor, user.id, dialog.password.text(),
                           expected_version=user.version)
        except DomainError as exc:
            show_error(self, exc)
        else:
            QMessageBox.information(self, _("Reset password"), _(
                "The temporary password of {name} is:\n\n{password}\n\nThe person will choose a new "
                "password at the next sign-in.").format(name=user.username, password=dialog.password.text()))
        self.refresh(user.id)



class ResetPasswordDialog(QDialog):
    def __init__(self, user: UserView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resetPasswordDialog")
        self.setWindowTitle(_("Reset password"))
        text = QLabel(_("New temporary password for {name} ({user}). They must choose their own password "
                        "at the next sign-in; a lockout after failed sign-ins is lifted.").format(
            name=user.full_name, user=user.username))
        text.setWordWrap(True)
        self.password = QLineEdit(generate_temporary_password())
        self.password.setObjectName("resetPasswordValue")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Reset password"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.password)
        layout.addWidget(buttons)

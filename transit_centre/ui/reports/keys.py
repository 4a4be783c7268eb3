"""Keys that let headquarters trust a package, and centres exchange transfer files (Reports > Keys).

A centre gives its public key to headquarters and reads its fingerprint out by phone;
headquarters registers it (typing the fingerprint it heard) and from then on accepts only the
packages that key signed. The administrator of a centre registers headquarters' public key once:
every monthly export is then encrypted for it. Two centres that send each other residents'
transfer files register each other's key the same way (an administrator of each).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from transit_centre.errors import DomainError
from transit_centre.i18n import _, format_date
from transit_centre.reports.export import register_hq_key
from transit_centre.security import keys
from transit_centre.security.permissions import Permission
from transit_centre.ui.common.tables import RowTable
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.errors import show_error


class KeysDialog(QDialog):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("keysDialog")
        self.setWindowTitle(_("Keys"))
        layout = QVBoxLayout(self)
        self.status = QLabel()
        self.status.setObjectName("keysStatus")
        self.status.setWordWrap(True)
        if ctx.centre_id is not None and ctx.actor.can(Permission.EXPORT, ctx.centre_id):
            box = QGroupBox(_("This centre's key"))
            row = QHBoxLayout(box)
            row.addWidget(QLabel(_("Headquarters needs it to accept this centre's packages, and another centre to "
                                   "send transfer files here. Save it, send it, then read the fingerprint to them by "
                                   "phone.")), 1)
            save = QPushButton(_("Save the public key…"))
            save.setObjectName("saveCentreKey")
            save.clicked.connect(lambda _c=False: self.save_centre_key())
            row.addWidget(save)
            layout.addWidget(box)
        if ctx.can(Permission.SETTINGS_ADMIN):
            box = QGroupBox(_("Headquarters' key"))
            row = QHBoxLayout(box)
            row.addWidget(QLabel(_("Registered once, it encrypts every monthly export: only headquarters can "
                                   "read the packages.")), 1)
            hq = QPushButton(_("Register headquarters' public key…"))
            hq.setObjectName("registerHqKey")
            hq.clicked.connect(lambda _c=False: self.register_hq())
            row.addWidget(hq)
            layout.addWidget(box)
        self.table: RowTable | None = None
        if ctx.can(Permission.CONSOLIDATE) or ctx.can(Permission.SETTINGS_ADMIN):
            box = QGroupBox(_("Centre keys registered at headquarters") if ctx.can(Permission.CONSOLIDATE)
                            else _("Other centres' keys registered here (transfer files)"))
            inner = QVBoxLayout(box)
            self.table = RowTable("centreKeysTable", [_("Centre"), _("Name"), _("Fingerprint"), _("Registered on")],
                                  stretch=1, widths={0: 70, 2: 190})
            inner.addWidget(self.table, 1)
            register = QPushButton(_("Register a centre's key…"))
            register.setObjectName("registerCentreKey")
            register.clicked.connect(lambda _c=False: self.register_centre())
            inner.addWidget(register)
            layout.addWidget(box, 1)
        layout.addWidget(self.status)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.resize(720, 460)
        self.refresh()

    def refresh(self) -> None:
        if self.table is None:
            return
        try:
            rows = keys.list_keys(self.ctx.db, self.ctx.actor)
        except DomainError as exc:
            show_error(self, exc)
            return
        self.table.set_rows([(k.centre_code, [k.centre_code, k.centre_name, k.fingerprint,
                                              format_date(k.registered_at.date(), "short")], None) for k in rows])

    def save_centre_key(self, path: str | None = None) -> str | None:
        if path is None:
            path, _f = QFileDialog.getSaveFileName(self, _("Save the public key"), f"{self.ctx.centre_code or 'centre'}-key.json",
                                                   _("Centre keys (*.json)"))
        if not path:
            return None
        try:
            data, fingerprint = keys.export_public_key(self.ctx.db, self.ctx.actor, self.ctx.centre_id)
            Path(path).write_bytes(data)
        except (DomainError, OSError) as exc:
            show_error(self, exc if isinstance(exc, DomainError) else DomainError(str(exc)))
            return None
        self.status.setText(_("Saved in {path}. Fingerprint to read to headquarters: {fingerprint}").format(
            path=path, fingerprint=fingerprint))
        return fingerprint

    def register_hq(self, path: str | None = None) -> str | None:
        if path is None:
            path, _f = QFileDialog.getOpenFileName(self, _("Headquarters public key"), "", _("Keys (*.pem)"))
        if not path:
            return None
        try:
            fingerprint = register_hq_key(self.ctx.db, self.ctx.actor, Path(path))
        except DomainError as exc:
            show_error(self, exc)
            return None
        self.status.setText(_("Headquarters' key registered (fingerprint {fingerprint}). Check it with "
                              "headquarters by phone.").format(fingerprint=fingerprint))
        return fingerprint

    def register_centre(self, path: str | None = None, fingerprint: str | None = None) -> bool:
        if path is None:
            path, _f = QFileDialog.getOpenFileName(self, _("A centre's public key"), "", _("Centre keys (*.json)"))
        if not path:
            return False
        if fingerprint is None:
            fingerprint, ok = QInputDialog.getText(self, _("Fingerprint"), _(
                "The fingerprint the centre read out by phone (16 letters and digits):"))
            if not ok:
                return False
        try:
            view = keys.register_public_key(self.ctx.db, self.ctx.actor, Path(path).read_bytes(), fingerprint)
        except (DomainError, OSError) as exc:
            show_error(self, exc if isinstance(exc, DomainError) else DomainError(str(exc)))
            return False
        self.status.setText(_("Key of {centre} registered: its signed packages and transfer files are accepted, "
                              "and transfer files can be made for it.").format(centre=view.centre_code))
        self.refresh()
        return True


def can_open(ctx: UiContext) -> bool:
    return ctx.can(Permission.CONSOLIDATE) or ctx.can(Permission.SETTINGS_ADMIN) or (
        ctx.centre_id is not None and ctx.actor.can(Permission.EXPORT, ctx.centre_id))


__all__ = ["KeysDialog", "can_open"]

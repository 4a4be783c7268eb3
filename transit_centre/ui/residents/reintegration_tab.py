"""The "Reintegration" tab of a resident's file: the assistance a returnee received after their
return (cash for immediate needs, micro-enterprise support, trainings...), recorded after the
departure too, and voided with a reason when wrong."""
from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from transit_centre.avrr.reintegration import (
    ReintegrationInput,
    record_reintegration,
    resident_reintegration,
    void_reintegration,
)
from transit_centre.enums import ReintegrationKind
from transit_centre.errors import DomainError
from transit_centre.i18n import _, format_date
from transit_centre.security.permissions import Permission
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.form_dialog import FormDialog
from transit_centre.ui.common.errors import show_error
from transit_centre.ui.common.tables import RowTable
from transit_centre.ui.common.widgets import EnumCombo, date_edit, required

MAX_AMOUNT = 5_000_000


class ReintegrationDialog(FormDialog):
    """Kind, date, amount (when there is one), partner and a note; checked by the service."""

    def __init__(self, ctx: UiContext, resident_id: uuid.UUID, parent: QWidget | None = None) -> None:
        super().__init__(parent, title=_("Record reintegration assistance"), name="reintegrationDialog")
        self.ctx, self.resident_id = ctx, resident_id
        self.kind = EnumCombo(ReintegrationKind)
        self.kind.setObjectName("reintegrationKind")
        self.day = date_edit()
        self.day.setObjectName("reintegrationDate")
        self.amount = QSpinBox()
        self.amount.setObjectName("reintegrationAmount")
        self.amount.setRange(0, MAX_AMOUNT)
        self.amount.setSingleStep(5_000)
        self.amount.setSpecialValueText(_("no amount"))
        self.amount.setSuffix(" F CFA")
        self.partner = QLineEdit()
        self.partner.setObjectName("reintegrationPartner")
        self.partner.setMaxLength(200)
        self.note = QPlainTextEdit()
        self.note.setObjectName("reintegrationNote")
        self.note.setFixedHeight(60)
        self.add_field(required(_("Kind of assistance")), "kind", self.kind)
        self.add_field(required(_("Date")), "assisted_on", self.day)
        self.add_field(_("Amount (XOF)"), "amount", self.amount)
        self.add_field(required(_("Given by (IOM or partner)")), "partner", self.partner)
        self.add_field(_("Note"), "note", self.note)
        self.set_header(_("Assistance after the return is recorded here too: the resident's file stays open after "
                          "the departure. A date in the past is recorded as back-dated in the audit log."))

    def save_record(self) -> Any:
        kind = self.kind.value()
        self.result_view = record_reintegration(self.ctx.db, self.ctx.actor, ReintegrationInput(
            self.resident_id, kind.value if kind else None, self.day.date().toPython(),
            self.amount.value() or None, self.partner.text(), note=self.note.toPlainText()))
        return self.result_view


class ReintegrationTab(QWidget):
    def __init__(self, ctx: UiContext, resident_id: uuid.UUID, centre_id: uuid.UUID | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.resident_id = ctx, resident_id
        self.setObjectName("reintegrationTab")
        self.can_write = ctx.actor.can(Permission.RETURN_WRITE)
        self.table = RowTable("reintegrationTable", [_("Date"), _("Kind of assistance"), _("Amount"), _("Given by"),
                                      _("Return case"), _("Status")], stretch=-1)
        self.records = []
        row = QHBoxLayout()
        for text, name, slot in ((_("Add…"), "addReintegrationButton", self.add),
                                 (_("Void…"), "voidReintegrationButton", self.void)):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            button.setVisible(self.can_write)
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        self.dialog: QDialog | None = None
        self.reload()

    def reload(self) -> None:
        try:
            self.records = resident_reintegration(self.ctx.db, self.ctx.actor, self.resident_id)
        except DomainError as exc:
            show_error(self, exc)
            self.records = []
        self.table.setRowCount(len(self.records))
        for r, view in enumerate(self.records):
            status = _("Voided: {reason}").format(reason=view.void_reason or "") if view.voided else ""
            for c, text in enumerate((format_date(view.assisted_on, "short"), view.kind.label, view.amount_text, view.partner,
                                      view.case_reference or "", status)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, str(view.id))
                self.table.setItem(r, c, item)
        self.table.fit_columns()

    def add(self) -> QDialog:
        self.dialog = ReintegrationDialog(self.ctx, self.resident_id, self)
        self.dialog.accepted.connect(self.reload)
        self.dialog.open()
        return self.dialog

    def void(self) -> None:
        row = self.table.currentRow()
        if row < 0 or row >= len(self.records):
            return
        view = self.records[row]
        reason, ok = QInputDialog.getText(self, _("Void reintegration assistance"), _("Reason"))
        if not ok:
            return
        try:
            void_reintegration(self.ctx.db, self.ctx.actor, view.id, reason, view.version)
        except DomainError as exc:
            show_error(self, exc)
        self.reload()

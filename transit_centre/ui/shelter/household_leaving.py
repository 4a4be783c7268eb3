"""The part of the check-out and transfer dialogs that keeps families together: the members of
the household present in the centre, ticked to leave (or move) together, and the guardian rule's
warning with the reason it asks for when a child would be separated from the family's adults.

The warning shows before the user confirms; the service refuses the same separation without a
reason (``shelter.guardians``), so the dialog and the rule cannot disagree.
"""
from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QWidget

from transit_centre.ui.common import theme
from transit_centre.errors import DomainError
from transit_centre.i18n import _
from transit_centre.shelter import admission
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.widgets import FieldErrors



class LeavingTogether:
    """Adds its rows to ``form``; ``companions()`` and ``reason()`` go to the service call."""

    def __init__(self, ctx: UiContext, stay_id: uuid.UUID, form: QFormLayout, errors: FieldErrors,
                 parent: QWidget) -> None:
        self.ctx, self.stay_id, self.form = ctx, stay_id, form
        try:
            members = admission.household_present(ctx.db, ctx.actor, stay_id)
        except DomainError:
            members = []
        self.list = QListWidget(parent)
        self.list.setObjectName("leavingTogether")
        for m in members:
            age = _("{age} years").format(age=m.age) if m.age is not None else _("age unknown")
            item = QListWidgetItem(_("{name} ({case}), {age}").format(name=m.name, case=m.case_number, age=age))
            item.setData(Qt.ItemDataRole.UserRole, str(m.resident_id))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.setMaximumHeight(min(24 * max(len(members), 1) + 8, 130))
        self.list.itemChanged.connect(lambda _item: self.refresh())
        self.warning = QLabel(parent)
        self.warning.setObjectName("separationWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(theme.style("alarm"))
        self.reason_edit = QLineEdit(parent)
        self.reason_edit.setObjectName("separationReason")
        self.reason_edit.setMaxLength(500)
        self.reason_edit.setPlaceholderText(_("Why the child leaves without them (for example: reunited with "
                                              "a parent elsewhere)"))
        if members:
            form.addRow(_("Household members leaving together"), self.list)
        else:
            self.list.hide()
        form.addRow(self.warning)
        self.reason_row = errors.field("separation_reason", self.reason_edit)
        form.addRow(_("Reason for the separation"), self.reason_row)
        self.refresh()

    def companions(self) -> list[uuid.UUID]:
        return [uuid.UUID(self.list.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def reason(self) -> str:
        return self.reason_edit.text()

    def refresh(self) -> None:
        try:
            message = admission.separation_warning(self.ctx.db, self.ctx.actor, self.stay_id, self.companions())
        except DomainError as exc:
            message = str(exc)
        self.warning.setText(message or "")
        self.form.setRowVisible(self.warning, bool(message))
        self.form.setRowVisible(self.reason_row, bool(message))

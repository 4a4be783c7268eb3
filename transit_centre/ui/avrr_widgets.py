"""Small pieces the Returns, Movements and Cash screens share: a reason dialog, a resident
picker, a read-only table filled from rows, and a yes/no mark."""
from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from transit_centre.avrr import cases as case_service
from transit_centre.errors import DomainError
from transit_centre.i18n import _, country_name
from transit_centre.ui.context import UiContext
from transit_centre.ui.errors import show_error
from transit_centre.ui.widgets import FieldErrors, required

WARN = QColor("#f6d5d5")
GOOD = QColor("#d8f0d8")
VOID = QColor("#e6e6e6")


def yes(flag: bool) -> str:
    return "✔" if flag else ""


class RowTable(QTableWidget):
    """A read-only table filled with ``set_rows``; each row keeps a payload (an id) in UserRole."""

    def __init__(self, name: str, headers: Sequence[str], parent: QWidget | None = None, *, stretch: int = 1,
                 widths: dict[int, int] | None = None) -> None:
        super().__init__(0, len(headers), parent)
        self.setObjectName(name)
        self.setHorizontalHeaderLabels(list(headers))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(26)
        self.setWordWrap(False)
        header = self.horizontalHeader()
        header.setDefaultSectionSize(140)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        if 0 <= stretch < len(headers):
            header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        for column, width in (widths or {}).items():
            self.setColumnWidth(column, width)
        self._settings_key = f"avrr/tables/{name}"
        state = QSettings().value(self._settings_key)
        if state is not None:
            header.restoreState(state)
        header.sectionResized.connect(lambda *_a: QSettings().setValue(self._settings_key, header.saveState()))

    def set_rows(self, rows: Sequence[tuple[object, Sequence[str], QColor | None]]) -> None:
        """``rows``: (payload, cell texts, background colour or None)."""
        selected = self.current_payload()
        self.setRowCount(len(rows))
        for r, (payload, cells, colour) in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(str(text))
                item.setData(Qt.ItemDataRole.UserRole, payload)
                if colour is not None:
                    item.setBackground(colour)
                self.setItem(r, c, item)
            if payload is not None and payload == selected:
                self.selectRow(r)

    def current_payload(self) -> object:
        row = self.currentRow()
        if row < 0 or self.item(row, 0) is None:
            return None
        return self.item(row, 0).data(Qt.ItemDataRole.UserRole)

    def select_payload(self, payload: object) -> None:
        for r in range(self.rowCount()):
            if self.item(r, 0).data(Qt.ItemDataRole.UserRole) == payload:
                self.selectRow(r)
                return


class ReasonDialog(QDialog):
    """Asks for a reason (and optionally a choice) before a hold, void, cancel or skip."""

    def __init__(self, title: str, prompt: str, parent: QWidget | None = None, *,
                 choices: Sequence[tuple[str, str]] = (), reason_required: bool = True, message: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("reasonDialog")
        self.setWindowTitle(title)
        self.errors = FieldErrors()
        form = QFormLayout()
        if message:  # what the rule says, before the user gives the reason
            explanation = QLabel(message)
            explanation.setObjectName("reasonMessage")
            explanation.setWordWrap(True)
            form.addRow(explanation)
        self.choice = QComboBox()
        self.choice.setObjectName("reasonChoice")
        for value, label in choices:
            self.choice.addItem(label, value)
        if choices:
            self.errors.add_row(form, required(_("Reason")), "choice", self.choice)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reasonText")
        self.reason.setFixedHeight(80)
        self.errors.add_row(form, required(prompt) if reason_required else prompt, "reason", self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.setObjectName("reasonButtons")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors.general_label())
        layout.addWidget(buttons)
        self.reason_required = reason_required

    def _accept(self) -> None:
        if self.reason_required and not self.text():
            self.errors.show(DomainError(_("This field is required."), "reason"))
            return
        self.accept()

    def text(self) -> str:
        return self.reason.toPlainText().strip()

    def value(self) -> str | None:
        return self.choice.currentData()


class ResidentPicker(QWidget):
    """Type a name or case number; pick the resident from the matches."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.search = QLineEdit()
        self.search.setObjectName("residentSearch")
        self.search.setPlaceholderText(_("Name or case number, then Enter"))
        self.search.returnPressed.connect(self.run_search)
        self.search.textChanged.connect(lambda t: self.run_search() if len(t.strip()) >= 3 else None)
        self.results = QListWidget()
        self.results.setObjectName("residentResults")
        self.results.setFixedHeight(110)
        self.info = QLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.results)

    def run_search(self) -> None:
        try:
            found = case_service.find_residents(self.ctx.db, self.ctx.actor, self.search.text(), self.ctx.centre_id)
        except DomainError as exc:
            show_error(self, exc)
            return
        self.results.clear()
        for choice in found:
            text = _("{number} – {name} ({country})").format(
                number=choice.case_number, name=choice.name, country=country_name(choice.nationality))
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, choice)
            self.results.addItem(item)
        if found:
            self.results.setCurrentRow(0)

    def resident_id(self) -> uuid.UUID | None:
        item = self.results.currentItem()
        return item.data(Qt.ItemDataRole.UserRole).resident_id if item else None

    def choice(self) -> case_service.ResidentChoice | None:
        item = self.results.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

"""Form pieces every screen shares: field error labels, a searchable country list, an optional
date, enum choices. Keeps forms consistent and their behaviour tested once."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from transit_centre.ui.common import theme
from transit_centre.errors import DomainError, ValidationError
from transit_centre.i18n import _, countries
from transit_centre.enums import LabelledEnum

# A note that a rule applies here (a minor's money, a flag's advice): read before going on.


class FieldErrors:
    """Puts a red message under each form field. ``show(exc)`` for a ``ValidationError``,
    ``clear()`` before validating again. Fields are registered by their service field name."""

    def __init__(self) -> None:
        self.labels: dict[str, QLabel] = {}
        self.general: QLabel | None = None

    def field(self, name: str, widget: QWidget) -> QWidget:
        """Wrap ``widget`` with an error label below it; use the result in the form layout."""
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(widget)
        label = QLabel()
        label.setObjectName(f"error_{name}")
        label.setStyleSheet(theme.style("error"))
        label.setWordWrap(True)
        label.hide()
        layout.addWidget(label)
        self.labels[name] = label
        return box

    def add_row(self, form: QFormLayout, text: str, name: str, widget: QWidget) -> None:
        form.addRow(text, self.field(name, widget))

    def general_label(self) -> QLabel:
        if self.general is None:
            self.general = QLabel()
            self.general.setObjectName("error_general")
            self.general.setStyleSheet(theme.style("error"))
            self.general.setWordWrap(True)
            self.general.hide()
        return self.general

    def clear(self) -> None:
        for label in self.labels.values():
            label.clear()
            label.hide()
        if self.general is not None:
            self.general.clear()
            self.general.hide()

    def show(self, exc: DomainError) -> None:
        self.clear()
        errors = exc.errors if isinstance(exc, ValidationError) else {exc.field or "": str(exc)}
        for field, message in errors.items():
            label = self.labels.get(field)
            if label is None:
                label = self.general_label()
                message = (label.text() + "\n" + message).strip()
            label.setText(message)
            label.show()

    def message(self, field: str) -> str:
        label = self.labels.get(field)
        return label.text() if label is not None else ""


class CountryCombo(QComboBox):
    """Countries by name in the active language; type to filter ("gui" finds Guinée...)."""

    def __init__(self, parent: QWidget | None = None, *, allow_empty: bool = True) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        if allow_empty:
            self.addItem("", None)
        for code, name in countries():
            self.addItem(name, code)
        completer = QCompleter(self.model(), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self.setCurrentIndex(0)

    def code(self) -> str | None:
        text = self.currentText().strip()
        index = self.findText(text, Qt.MatchFlag.MatchFixedString)
        if index < 0:
            return None if not text else "?"
        return self.itemData(index)

    def set_code(self, code: str | None) -> None:
        index = self.findData(code) if code else 0
        self.setCurrentIndex(max(index, 0))


class OptionalDateEdit(QWidget):
    """A date that may be left empty (a tick box switches the date on)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, checked: bool = False) -> None:
        super().__init__(parent)
        self.check = QCheckBox()
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("dd/MM/yyyy")
        self.edit.setDate(QDate.currentDate())
        self.check.setChecked(checked)
        self.edit.setEnabled(checked)
        self.check.toggled.connect(self.edit.setEnabled)
        self.check.toggled.connect(lambda _on: self.changed.emit())
        self.edit.dateChanged.connect(lambda _d: self.changed.emit())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.edit, 1)

    def date(self) -> dt.date | None:
        return self.edit.date().toPython() if self.check.isChecked() else None

    def set_date(self, value: dt.date | None) -> None:
        self.check.setChecked(value is not None)
        if value is not None:
            self.edit.setDate(QDate(value.year, value.month, value.day))


def date_edit(value: dt.date | None = None) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    value = value or dt.date.today()
    edit.setDate(QDate(value.year, value.month, value.day))
    return edit


class EnumCombo(QComboBox):
    """Members of a ``LabelledEnum`` by their translated label."""

    def __init__(self, enum_class: type[LabelledEnum], parent: QWidget | None = None, *,
                 allow_empty: bool = False, members: Iterable[LabelledEnum] | None = None) -> None:
        super().__init__(parent)
        self.enum_class = enum_class
        if allow_empty:
            self.addItem("", None)
        for member in members or enum_class:
            self.addItem(member.label, member.value)

    def value(self) -> LabelledEnum | None:
        data = self.currentData()
        return self.enum_class(data) if data is not None else None

    def set_value(self, member: LabelledEnum | str | None) -> None:
        index = self.findData(member.value if isinstance(member, LabelledEnum) else member)
        self.setCurrentIndex(max(index, 0))


def required(text: str) -> str:
    """Label text of a required field."""
    return _("{label} *").format(label=text)


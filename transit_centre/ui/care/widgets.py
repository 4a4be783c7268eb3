"""Widgets of the services screens: a tickable list of residents with a filter box
(distributions, attendance lists)."""
from __future__ import annotations

import uuid
from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from transit_centre.common import fold
from transit_centre.i18n import _, ngettext
from transit_centre.ui.common.resident_picker import ID_ROLE, Choice

SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1


class CheckList(QWidget):
    """Residents with tick boxes, a filter box and a count; ``checked_ids()`` gives the ticked."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, name: str = "checkList") -> None:
        super().__init__(parent)
        self.filter = QLineEdit()
        self.filter.setObjectName(f"{name}Filter")
        self.filter.setPlaceholderText(_("Filter by name, case number or bed"))
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setObjectName(name)
        self.count = QLabel()
        self.count.setObjectName(f"{name}Count")
        self.all_button = QPushButton(_("Tick all"))
        self.all_button.setObjectName(f"{name}All")
        self.none_button = QPushButton(_("Untick all"))
        self.none_button.setObjectName(f"{name}None")
        buttons = QHBoxLayout()
        buttons.addWidget(self.filter, 1)
        buttons.addWidget(self.all_button)
        buttons.addWidget(self.none_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.count)
        self.filter.textChanged.connect(self._apply_filter)
        self.all_button.clicked.connect(lambda: self.set_all(True))
        self.none_button.clicked.connect(lambda: self.set_all(False))
        self.list.itemChanged.connect(lambda _i: self._changed())
        self._update_count()

    def set_items(self, choices: Iterable[Choice], *, checked: bool) -> None:
        """Replace the list; ticks of residents still listed are kept when ``checked`` is None."""
        self.list.blockSignals(True)
        self.list.clear()
        for choice in choices:
            text = choice.label + (f"   ({choice.detail})" if choice.detail else "")
            item = QListWidgetItem(text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            item.setData(ID_ROLE, choice.resident_id)
            item.setData(SEARCH_ROLE, fold(text))
            self.list.addItem(item)
        self.list.blockSignals(False)
        self._apply_filter(self.filter.text())
        self._changed()

    def items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())]

    def checked_ids(self) -> list[uuid.UUID]:
        return [i.data(ID_ROLE) for i in self.items() if i.checkState() == Qt.CheckState.Checked]

    def set_checked(self, resident_ids: Iterable[uuid.UUID], checked: bool = True) -> None:
        wanted = set(resident_ids)
        self.list.blockSignals(True)
        for item in self.items():
            if item.data(ID_ROLE) in wanted:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
        self._changed()

    def set_all(self, checked: bool) -> None:
        """Tick or untick the residents shown (the filter narrows what "all" means)."""
        self.list.blockSignals(True)
        for item in self.items():
            if not item.isHidden():
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
        self._changed()

    def _apply_filter(self, text: str) -> None:
        words = fold(text).split()
        for item in self.items():
            haystack = item.data(SEARCH_ROLE) or ""
            item.setHidden(not all(w in haystack for w in words))

    def _changed(self) -> None:
        self._update_count()
        self.changed.emit()

    def _update_count(self) -> None:
        total = self.list.count()
        ticked = len(self.checked_ids())
        self.count.setText(ngettext("{ticked} of {total} resident ticked", "{ticked} of {total} residents ticked",
                                    total).format(ticked=ticked, total=total))

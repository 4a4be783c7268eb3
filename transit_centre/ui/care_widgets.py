"""Widgets of the services screens: a resident picker (type a name or a case number) and a
tickable list of residents with a filter box (distributions, attendance lists)."""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from transit_centre.common import fold
from transit_centre.i18n import _, ngettext

ID_ROLE = Qt.ItemDataRole.UserRole
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Choice:
    """A resident as the widgets show them."""

    resident_id: uuid.UUID
    label: str      # "Traoré Moussa – GAO-2026-00042"
    detail: str = ""  # bed, age...


class ResidentPicker(QWidget):
    """Type part of a name or a case number; pick one of the residents found below.

    ``search(text) -> list[Choice]`` is the service call (the registry's resident search).
    """

    chosen = Signal(object)  # uuid.UUID | None

    def __init__(self, search: Callable[[str], list[Choice]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._search = search
        self.resident_id: uuid.UUID | None = None
        self.edit = QLineEdit()
        self.edit.setObjectName("residentSearch")
        self.edit.setPlaceholderText(_("Type a name or a case number"))
        self.edit.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setObjectName("residentResults")
        self.results.setMaximumHeight(110)
        self.results.hide()
        self.selected = QLabel(_("No resident chosen"))
        self.selected.setObjectName("residentChosen")
        self.selected.setStyleSheet("font-weight: bold;")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.results)
        layout.addWidget(self.selected)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.run_search)
        self.edit.textEdited.connect(lambda _t: self._timer.start())
        self.edit.returnPressed.connect(self._enter)
        self.results.itemActivated.connect(self._pick)
        self.results.itemClicked.connect(self._pick)

    def run_search(self) -> None:
        self._timer.stop()
        text = self.edit.text().strip()
        self.results.clear()
        if len(text) < 2:
            self.results.hide()
            return
        try:
            found = self._search(text)
        except Exception as exc:  # noqa: BLE001 - shown, the form stays usable
            from transit_centre.ui.errors import show_error

            show_error(self, exc)
            return
        for choice in found:
            item = QListWidgetItem(choice.label + (f"   ({choice.detail})" if choice.detail else ""))
            item.setData(ID_ROLE, choice)
            self.results.addItem(item)
        if not found:
            item = QListWidgetItem(_("No resident found"))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.results.addItem(item)
        self.results.show()

    def _enter(self) -> None:
        self.run_search()
        if self.results.count() == 1 and self.results.item(0).data(ID_ROLE) is not None:
            self._pick(self.results.item(0))

    def _pick(self, item: QListWidgetItem) -> None:
        choice = item.data(ID_ROLE)
        if choice is None:
            return
        self.set_choice(choice)

    def set_choice(self, choice: Choice | None) -> None:
        self.resident_id = choice.resident_id if choice else None
        self.selected.setText(choice.label if choice else _("No resident chosen"))
        self.results.hide()
        self.results.clear()
        if choice:
            self.edit.clear()
        self.chosen.emit(self.resident_id)

    def clear(self) -> None:
        self.set_choice(None)


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

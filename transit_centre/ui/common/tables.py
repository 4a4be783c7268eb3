"""The one table helper of the window (``RowTable``) and the colours rows are marked with."""
from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

WARN = QColor("#f6d5d5")
GOOD = QColor("#d8f0d8")
VOID = QColor("#e6e6e6")


def yes(flag: bool) -> str:
    return "✔" if flag else ""


class RowTable(QTableWidget):
    """The one table helper of the window: a read-only table of records, whole rows selected one
    at a time, filled with ``set_rows`` (or cell by cell); each row keeps a payload (an id) in
    UserRole. Column widths are kept between sessions. ``stretch``: the column that takes the
    free width (-1: the last one)."""

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
        if stretch < 0:
            stretch = len(headers) - 1
        if 0 <= stretch < len(headers):
            header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        for column, width in (widths or {}).items():
            self.setColumnWidth(column, width)
        self._settings_key = f"tables/{name}"
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

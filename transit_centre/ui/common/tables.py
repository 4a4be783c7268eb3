"""The one table helper of the window (``RowTable``) and the colours rows are marked with."""
from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QTableWidget, QTableWidgetItem, QWidget

from transit_centre.ui.common import memory
from transit_centre.ui.common.memory import remember_header

MAX_FIT = 360  # a column fitted to its content is at most this wide (px)
LONG_TEXT = 150  # a fitted column wider than this holds long text: it gives up room first


def two_lines(title: str, longest: int = 16) -> str:
    """A long column title on two lines, broken at the space nearest its middle, so that a
    column of short figures is not as wide as its title ("Intervalle minimum (jours)")."""
    if len(title) <= longest or "\n" in title or " " not in title:
        return title
    middle = len(title) // 2
    spaces = [i for i, ch in enumerate(title) if ch == " "]
    cut = min(spaces, key=lambda i: abs(i - middle))
    return title[:cut] + "\n" + title[cut + 1:]


def _header_width(header: QHeaderView, column: int) -> int:
    """What the column's title needs (each of its lines, the margins and the sort arrow)."""
    model = header.model()
    text = str(model.headerData(column, Qt.Orientation.Horizontal) or "") if model is not None else ""
    metrics = header.fontMetrics()
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    arrow = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header) + margin \
        if header.isSortIndicatorShown() else 0
    return max((metrics.horizontalAdvance(line) for line in text.splitlines()), default=0) + 2 * margin + arrow + 2


def fit_to_content(view: QAbstractItemView, header: QHeaderView, stretch: int) -> set[int]:
    """Every shown column but the stretching one as wide as its title and its cells, at most
    ``MAX_FIT``; returns the columns cut to ``MAX_FIT`` (their cells should show their whole text
    on hover). Widths set here are not saved as the user's."""
    capped = set()
    with memory.fitting(header):
        for column in range(header.count()):
            if column != stretch and not header.isSectionHidden(column):
                view.resizeColumnToContents(column)
                if header.sectionSize(column) > MAX_FIT:
                    header.resizeSection(column, MAX_FIT)
                    capped.add(column)
    return capped


def share_room(view: QAbstractItemView, header: QHeaderView, stretch: int) -> set[int]:
    """When the fitted columns need more than the list's width, the long-text columns give up
    their surplus, in proportion. Returns the columns that gave some up (their cells should show
    their whole text on hover)."""
    shown = [c for c in range(header.count()) if not header.isSectionHidden(c)]
    room = view.viewport().width()
    excess = sum(header.sectionSize(c) for c in shown if c != stretch) + (LONG_TEXT if stretch in shown else 0) - room
    # A column keeps at least its title (and LONG_TEXT): only the text beyond gives way.
    floors = {c: max(LONG_TEXT, _header_width(header, c)) for c in shown if c != stretch}
    long_columns = [c for c, floor in floors.items() if header.sectionSize(c) > floor]
    surplus = sum(header.sectionSize(c) - floors[c] for c in long_columns)
    if excess <= 0 or surplus <= 0:
        return set()
    share = min(1.0, excess / surplus)
    with memory.fitting(header):
        for column in long_columns:
            size = header.sectionSize(column)
            header.resizeSection(column, size - int((size - floors[column]) * share))
    return set(long_columns)


def yes(flag: bool) -> str:
    return "✔" if flag else ""


class RowTable(QTableWidget):
    """The one table helper of the window: a read-only table of records, whole rows selected one
    at a time, filled with ``set_rows`` (or cell by cell); each row keeps a payload (an id) in
    UserRole. Columns fit their content (headers included) until the user sizes one; the
    user's widths, order and sort are then kept between sessions. ``stretch``: the column that
    takes the free width (-1: the last one); its cells carry their whole text as a tooltip, for
    when the room runs out."""

    def __init__(self, name: str, headers: Sequence[str], parent: QWidget | None = None, *, stretch: int = 1,
                 widths: dict[int, int] | None = None) -> None:
        super().__init__(0, len(headers), parent)
        self.setObjectName(name)
        self.setHorizontalHeaderLabels([two_lines(h) for h in headers])
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
        self.stretch = stretch
        self.user_sized = remember_header(header, f"tables/{name}")

    def fit_columns(self) -> None:
        """Every column but the stretching one as wide as its header and its cells (at most
        ``MAX_FIT`` px), unless the user chose the widths; when they need more than the table's
        width, the long-text columns give up room and show their whole text on hover."""
        if self.user_sized:
            return
        header = self.horizontalHeader()
        cut = fit_to_content(self, header, self.stretch) | share_room(self, header, self.stretch)
        for column in cut:
            for row in range(self.rowCount()):
                item = self.item(row, column)
                if item is not None and item.text():
                    item.setToolTip(item.text())

    def set_rows(self, rows: Sequence[tuple[object, Sequence[str], QColor | None]]) -> None:
        """``rows``: (payload, cell texts, background colour or None)."""
        selected = self.current_payload()
        self.setRowCount(len(rows))
        for r, (payload, cells, colour) in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(str(text))
                item.setData(Qt.ItemDataRole.UserRole, payload)
                if c == self.stretch and text:
                    item.setToolTip(str(text))
                if colour is not None:
                    item.setBackground(colour)
                self.setItem(r, c, item)
            if payload is not None and payload == selected:
                self.selectRow(r)
        self.fit_columns()

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

"""The one list model of the window: rows of a service's pages, read in the background.

``LazyTableModel(columns, fetch)`` shows what ``fetch(offset, limit, sort_key, descending)``
returns, a page at a time: the first page when ``reload()`` is called (a new filter, a new
search), the next one when the view scrolls near the end (``fetchMore``). Each page is read off
the GUI thread (``ui.common.operations``); while a reload runs, the rows of the previous one stay
on screen, and a reload that is superseded (the user typed another letter) is dropped. Nothing
ever loads a whole table.

Columns are named (``Column.key``): code asks ``model.column("case_number")``, never a number.
``LazyTable`` is the one view of such a model: whole rows, columns that fit their first page of
content until the user sizes them, then the user's widths, order and sort kept per user.
``loaded(first)`` is emitted after each page arrives (``first``: a reload's first page replaced
the rows), ``failed`` when a page could not be read (the
error has been shown to the user by the one handler unless ``on_error`` was given).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from transit_centre.i18n import _
from transit_centre.ui.common import memory
from transit_centre.ui.common.operations import Latest
from transit_centre.ui.common.tables import fit_to_content, share_room

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole  # the row object of a line
ID_ROLE = Qt.ItemDataRole.UserRole + 1  # its id, as text


@dataclass(frozen=True)
class Column(Generic[R]):
    key: str  # the column's name in code
    title: str  # marked with N_, translated when shown
    text: Callable[[R], str]
    sort_key: str | None = None  # the service's sort key; None: the column does not sort
    foreground: Callable[[R], Any] | None = None  # a QBrush / QColor, or None
    tooltip: Callable[[R], str | None] | None = None
    numeric: bool = False  # right-aligned


class LazyTableModel(QAbstractTableModel, Generic[R]):
    loaded = Signal(bool)  # True: a new first page replaced the rows; False: a page was appended
    failed = Signal(object)

    def __init__(self, columns: Sequence[Column[R]], fetch: Callable[[int, int, str | None, bool], list[R]], *,
                 page_size: int = 200, sort_key: str | None = None, descending: bool = False,
                 id_of: Callable[[R], Any] = lambda row: row.id, on_error: Callable[[BaseException], None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._fetch = fetch
        self.page_size = page_size
        self.sort_key = sort_key
        self.descending = descending
        self._id_of = id_of
        self._on_error = on_error
        self.rows: list[R] = []
        self.whole_text_tips: set[int] = set()  # columns whose cells show their whole text on hover
        self.complete = True
        self.loading = False
        self._pages = Latest(parent, owner=self)  # one reading at a time; a reload supersedes it

    # -- reading ----------------------------------------------------------------------------
    def reload(self) -> None:
        """Read from the first page again (new filter, search or sort). The rows on screen stay
        until the new first page arrives."""
        self._read(0, replace=True)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802, B008 - Qt API
        return not parent.isValid() and not self.complete and not self.loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802, B008 - Qt API
        if parent.isValid() or self.complete or self.loading:
            return
        self._read(len(self.rows), replace=False)

    def _read(self, offset: int, *, replace: bool) -> None:
        self.loading = True
        limit, sort_key, descending, fetch = self.page_size, self.sort_key, self.descending, self._fetch
        self._pages.run(lambda: fetch(offset, limit, sort_key, descending),
                        lambda rows: self._arrived(rows, replace), self._failed)

    def _arrived(self, rows: list[R], replace: bool) -> None:
        self.loading = False
        self.complete = len(rows) < self.page_size
        if replace:
            self.beginResetModel()
            self.rows = list(rows)
            self.endResetModel()
        elif rows:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()
        self.loaded.emit(replace)

    def _failed(self, exc: BaseException) -> None:
        self.loading = False
        self.complete = True
        if self._on_error is not None:
            self._on_error(exc)
        else:
            from transit_centre.ui.common.errors import show_error

            show_error(self._pages.parent, exc)
        self.failed.emit(exc)

    # -- what the view asks ------------------------------------------------------------------
    def column(self, key: str) -> int:
        for i, c in enumerate(self.columns):
            if c.key == key:
                return i
        raise KeyError(key)

    def row_at(self, row: int) -> R | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, row_id: Any) -> int | None:
        """The line showing the record with this id, if it is loaded."""
        return next((i for i, r in enumerate(self.rows) if self._id_of(r) == row_id), None)

    def replace_row(self, row: R) -> None:
        """Show a record changed elsewhere (a detail pane saved it) without reading the list again."""
        index = self.row_of(self._id_of(row))
        if index is not None:
            self.rows[index] = row
            self.dataChanged.emit(self.index(index, 0), self.index(index, len(self.columns) - 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(self.columns[section].title)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == ROW_ROLE:
            return row
        if role == ID_ROLE:
            return str(self._id_of(row))
        if role == Qt.ItemDataRole.ForegroundRole and column.foreground is not None:
            return column.foreground(row)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in self.whole_text_tips:
            return column.text(row) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A click on a sortable column's title: read again, sorted by the service."""
        key = self.columns[column].sort_key if 0 <= column < len(self.columns) else None
        if key is None:
            return
        self.sort_key, self.descending = key, order == Qt.SortOrder.DescendingOrder
        self.reload()




class LazyTable(QTableView):
    fitted = Signal()  # the columns were fitted to the first rows (not after the user sized them)

    """The view of a ``LazyTableModel``. ``stretch``: the column (key) that takes the free width
    (its cells show their whole text on hover, for when the room runs out); None: the last one.
    The other columns fit their header and the first page of rows, at most ``MAX_FIT`` px, until
    the user sizes one: from then on the user's layout is kept, per user, under ``name``.
    ``sortable``: a click on a column title sorts (by the service) and the sort is kept too."""

    def __init__(self, name: str, model: LazyTableModel, *, stretch: str | None = None, sortable: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setModel(model)
        self.lazy_model = model
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.stretch = model.column(stretch) if stretch else len(model.columns) - 1
        if stretch:
            header.setStretchLastSection(False)
            header.setSectionResizeMode(self.stretch, QHeaderView.ResizeMode.Stretch)
        else:
            header.setStretchLastSection(True)
        model.whole_text_tips.add(self.stretch)
        if sortable:
            header.setSectionsClickable(True)
            header.setSortIndicatorShown(True)
        self.user_sized = memory.remember_header(header, f"lists/{name}")
        if sortable:
            column = header.sortIndicatorSection()
            if self.user_sized and 0 <= column < len(model.columns) and model.columns[column].sort_key:
                model.sort_key = model.columns[column].sort_key
                model.descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
            else:  # the model's own order
                keys = [c.sort_key for c in model.columns]
                column = keys.index(model.sort_key) if model.sort_key in keys else 0
                order = Qt.SortOrder.DescendingOrder if model.descending else Qt.SortOrder.AscendingOrder
                with memory.fitting(header):
                    header.setSortIndicator(column, order)
            header.sortIndicatorChanged.connect(self._sort_changed)
        self._fitted = self.user_sized
        model.loaded.connect(self._fit)

    def _sort_changed(self, column: int, order: Qt.SortOrder) -> None:
        model = self.lazy_model
        if model.columns[column].sort_key is None:  # this column does not sort: back to the last one
            keys = [c.sort_key for c in model.columns]
            back = keys.index(model.sort_key) if model.sort_key in keys else 0
            header = self.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(back, Qt.SortOrder.DescendingOrder if model.descending
                                    else Qt.SortOrder.AscendingOrder)
            header.blockSignals(False)
            return
        model.sort(column, order)

    def fit_columns(self) -> None:
        """The columns as wide as their title and the rows loaded (not the stretching one), at
        most ``MAX_FIT``."""
        self.lazy_model.whole_text_tips.update(fit_to_content(self, self.horizontalHeader(), self.stretch))

    def share_room(self) -> None:
        """When the fitted columns need more than the list's width, the long-text columns give
        up their surplus (their cells then show the whole text on hover)."""
        self.lazy_model.whole_text_tips.update(share_room(self, self.horizontalHeader(), self.stretch))

    def needed_width(self) -> int:
        """The width the list needs to show every column fitted (frame and scroll bar included)."""
        header = self.horizontalHeader()
        columns = sum(header.sectionSize(c) for c in range(header.count()) if not self.isColumnHidden(c))
        if self.stretch >= 0 and not self.isColumnHidden(self.stretch):
            columns += max(0, self.sizeHintForColumn(self.stretch) - header.sectionSize(self.stretch))
        return columns + 2 * self.frameWidth() + self.verticalScrollBar().sizeHint().width() + 2

    def _fit(self, first: bool) -> None:
        if first and not self._fitted and self.lazy_model.rows:
            self._fitted = True
            self.fit_columns()
            self.fitted.emit()  # the page may widen the list to its columns first
            self.share_room()

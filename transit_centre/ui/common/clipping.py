"""Find text a user cannot read in full: a label, button, tab, group title, column header or
table cell narrower than its text (clipped or elided).

``clipped_texts(window)`` walks the visible widgets of a window and returns one ``Clipped`` per
text that does not fit. The smoke run (``transit-centre smoke --screenshots``) and the
screenshot tests use it on every page at 1366x768 and 1920x1080, in French and English.

What counts as readable:
- a label's or button's text fits its width (a word-wrapped label, its height);
- a group box title and a tab's text fit;
- a table's column header fits its section, sort arrow included, and no column lies beyond
  the list's right edge; no other scrolling area (a form, the navigation) scrolls sideways;
- a table cell's text fits its column, for the rows on screen. The one column that takes the
  free room (stretching), or a column already as wide as a list fits its content (MAX_FIT),
  may elide when its cells carry their whole text as a tooltip: the space truly ran out and
  the text is one hover away.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFontMetrics, QTextDocument
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QScrollArea,
    QStyle,
    QTabBar,
    QTableView,
    QTreeView,
    QWidget,
)

from transit_centre.i18n import _
from transit_centre.ui.common.tables import MAX_FIT  # lists fit a column to its content up to this width

CELL_ROWS = 30  # rows of each table looked at
CELL_PADDING = 8  # the item delegate's margins, both sides together
SLACK = 1  # rounding between Qt's layout and the font metrics


@dataclass(frozen=True)
class Clipped:
    widget: str  # objectName, or class name with the nearest named parent
    text: str
    needed: int
    available: int

    def __str__(self) -> str:
        return _("{widget}: «{text}» needs {needed} px, has {available} px").format(
            widget=self.widget, text=self.text, needed=self.needed, available=self.available)


def _named(widget: QWidget) -> bool:
    return bool(widget.objectName()) and not widget.objectName().startswith("qt_")


def _name(widget: QWidget) -> str:
    """Its objectName, or its class and the nearest named parent."""
    if _named(widget):
        return widget.objectName()
    parent = widget.parentWidget()
    while parent is not None and not _named(parent):
        parent = parent.parentWidget()
    return f"{type(widget).__name__} in {parent.objectName() if parent is not None else '?'}"


def _showing(widget: QWidget) -> bool:
    return widget.isVisible() and widget.width() > 0 and widget.height() > 0


def clipped_texts(root: QWidget) -> list[Clipped]:
    found: list[Clipped] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not _showing(widget):
            continue
        if isinstance(widget, QLabel):
            found.extend(_label(widget))
        elif isinstance(widget, QAbstractButton):
            found.extend(_button(widget))
        elif isinstance(widget, QGroupBox):
            found.extend(_group(widget))
        elif isinstance(widget, QTabBar):
            found.extend(_tabs(widget))
        elif isinstance(widget, QHeaderView) and widget.orientation() == Qt.Orientation.Horizontal:
            found.extend(_header(widget))
        elif isinstance(widget, QLineEdit) and not widget.text() and widget.placeholderText():
            found.extend(_placeholder(widget))
        if isinstance(widget, QTableView):
            found.extend(_cells(widget))
        if isinstance(widget, QAbstractScrollArea) and widget.horizontalScrollBar().isVisible() \
                and not isinstance(widget, (QTableView, QTreeView)):  # the header check names the column
            found.append(Clipped(_name(widget) + " (scrolls sideways)", "", widget.widget().width()
                                 if isinstance(widget, QScrollArea) and widget.widget() else 0,
                                 widget.viewport().width()))
    return found


def _label(label: QLabel) -> list[Clipped]:
    text = label.text()
    if not text or label.pixmap() is not None and not label.pixmap().isNull():
        return []
    rect = label.contentsRect()
    width = rect.width() - 2 * label.margin() - max(label.indent(), 0)
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text))
    if label.wordWrap():
        if label.hasHeightForWidth() and label.heightForWidth(label.width()) > label.height() + SLACK:
            return [Clipped(_name(label), _plain(text, rich), label.heightForWidth(label.width()), label.height())]
        return []
    if rich:
        document = QTextDocument()
        document.setDefaultFont(label.font())
        document.setHtml(text)
        document.setDocumentMargin(0)
        needed = int(document.idealWidth())
    else:
        metrics = label.fontMetrics()
        needed = max(metrics.horizontalAdvance(line) for line in text.splitlines() or [""])
    if needed > width + SLACK:
        return [Clipped(_name(label), _plain(text, rich), needed, width)]
    return []


def _plain(text: str, rich: bool) -> str:
    if not rich:
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def _button(button: QAbstractButton) -> list[Clipped]:
    if not button.text():
        return []
    needed = button.sizeHint().width()
    if needed > button.width() + SLACK:
        return [Clipped(_name(button), button.text().replace("&", ""), needed, button.width())]
    return []


def _placeholder(edit: QLineEdit) -> list[Clipped]:
    """The hint in an empty field ("Type a name or a case number") is read like a label."""
    room = edit.width() - 12  # the frame and the text margins
    needed = edit.fontMetrics().horizontalAdvance(edit.placeholderText())
    if needed > room + SLACK:
        return [Clipped(_name(edit), edit.placeholderText(), needed, room)]
    return []


def _group(box: QGroupBox) -> list[Clipped]:
    if not box.title():
        return []
    needed = box.fontMetrics().horizontalAdvance(box.title().replace("&", "")) + 16
    if needed > box.width() + SLACK:
        return [Clipped(_name(box), box.title(), needed, box.width())]
    return []


def _tabs(bar: QTabBar) -> list[Clipped]:
    style = bar.style()
    space = style.pixelMetric(QStyle.PixelMetric.PM_TabBarTabHSpace, None, bar)
    found = []
    for i in range(bar.count()):
        if not bar.isTabVisible(i):
            continue
        text = bar.tabText(i).replace("&", "")
        needed = bar.fontMetrics().horizontalAdvance(text) + space
        if not bar.tabIcon(i).isNull():
            needed += bar.iconSize().width() + 4
        if needed > bar.tabRect(i).width() + SLACK:
            found.append(Clipped(_name(bar) + f" tab {i}", text, needed, bar.tabRect(i).width()))
    return found


def _header(header: QHeaderView) -> list[Clipped]:
    model = header.model()
    if model is None:
        return []
    style = header.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    arrow = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
    metrics = QFontMetrics(header.font())
    bold = header.font()
    bold.setBold(True)
    found = []
    for section in range(header.count()):
        if header.isSectionHidden(section):
            continue
        text = str(model.headerData(section, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "")
        if not text:
            continue
        needed = max(metrics.horizontalAdvance(line) for line in text.splitlines()) + 2 * margin
        if header.isSortIndicatorShown() and header.sortIndicatorSection() == section:
            needed += arrow + margin
        size = header.sectionSize(section)
        if needed > size + SLACK:
            found.append(Clipped(f"{_name(header.parentWidget() or header)} header", text, needed, size))
        elif header.sectionViewportPosition(section) + size > header.viewport().width() + SLACK:
            found.append(Clipped(f"{_name(header.parentWidget() or header)} column (scrolled out)", text,
                                 header.sectionViewportPosition(section) + size, header.viewport().width()))
    return found


def _cells(view: QAbstractItemView) -> list[Clipped]:
    model = view.model()
    if model is None or not isinstance(view, QTableView):
        return []
    metrics = QFontMetrics(view.font())
    found = []
    rows = min(model.rowCount(), CELL_ROWS)
    header = view.horizontalHeader()
    # Columns filling the whole list: a column may then elide (with its whole text on hover).
    full = sum(header.sectionSize(c) for c in range(header.count()) if not header.isSectionHidden(c)) \
        >= header.viewport().width() - SLACK
    for column in range(model.columnCount()):
        if view.isColumnHidden(column):
            continue
        width = view.columnWidth(column)
        for row in range(rows):
            index = model.index(row, column, QModelIndex())
            if view.isRowHidden(row) or not view.visualRect(index).isValid():
                continue
            text = model.data(index, Qt.ItemDataRole.DisplayRole)
            if text is None or text == "":
                continue
            text = str(text)
            needed = max(metrics.horizontalAdvance(line) for line in text.splitlines()) + CELL_PADDING
            icon = model.data(index, Qt.ItemDataRole.DecorationRole)
            if icon is not None:
                needed += view.iconSize().width() if view.iconSize().width() > 0 else 16
            if needed <= width + SLACK:
                continue
            tooltip = model.data(index, Qt.ItemDataRole.ToolTipRole)
            ran_out = _stretching(header, column) or width >= MAX_FIT or full

            whole = text.removesuffix("…").replace("\n", " ")  # cut short by the screen: its start
            if ran_out and tooltip and whole in str(tooltip).replace("\n", " "):
                continue  # the column that takes the free room ran out of it: whole text on hover
            label = str(model.headerData(column, Qt.Orientation.Horizontal) or column)
            found.append(Clipped(f"{_name(view)} cell ({label})", text, needed, width))
            break  # one per column is enough to read the report
    return found


def _stretching(header: QHeaderView, column: int) -> bool:
    if header.sectionResizeMode(column) == QHeaderView.ResizeMode.Stretch:
        return True
    if not header.stretchLastSection():
        return False
    visible = [header.logicalIndex(v) for v in range(header.count())
               if not header.isSectionHidden(header.logicalIndex(v))]
    return bool(visible) and visible[-1] == column

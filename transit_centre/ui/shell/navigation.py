"""The navigation bar: the pages the user may open, grouped under headings (daily work, services,
return, administration), each with its icon, its keyboard shortcut (Ctrl+1 … Ctrl+0) and, where
something waits for the user, a count badge (``casework.attention``)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QIcon, QPainter
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from transit_centre.ui.common import theme
from transit_centre.i18n import _, format_number
from transit_centre.paths import resources_dir
from transit_centre.ui.common.page import PageSpec

KEY_ROLE = Qt.ItemDataRole.UserRole
SHORTCUT_ROLE = Qt.ItemDataRole.UserRole + 1
BADGE_ROLE = Qt.ItemDataRole.UserRole + 2


def page_icon(key: str) -> QIcon:
    path = resources_dir() / "icons" / "pages" / f"{key}.svg"
    return theme.icon(str(path)) if path.exists() else QIcon()


def shortcut_of(position: int) -> str:
    """Ctrl+1 for the first page … Ctrl+0 for the tenth; none after."""
    return f"Ctrl+{(position + 1) % 10}" if position < 10 else ""


def _tooltip(item: QListWidgetItem) -> None:
    """The page, its shortcut and its badge in words: "Cash (Ctrl+8) – 3 waiting"."""
    shortcut, count = item.data(SHORTCUT_ROLE), int(item.data(BADGE_ROLE) or 0)
    page = f"{item.text()} ({shortcut})" if shortcut else item.text()
    item.setToolTip(f"{page} – " + _("{n} waiting").format(n=format_number(count)) if count > 0 else page)


class _Delegate(QStyledItemDelegate):
    """Draws the shortcut (grey, on the right) and the badge (a count in a red pill) of a page."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().paint(painter, option, index)
        shortcut = index.data(SHORTCUT_ROLE) or ""
        badge = int(index.data(BADGE_ROLE) or 0)
        right = option.rect.right() - 6
        painter.save()
        if shortcut:
            small = QFont(option.font)
            small.setPointSizeF(max(small.pointSizeF() * 0.85, 7.0))
            painter.setFont(small)
            selected = bool(option.state & QStyle.StateFlag.State_Selected)
            painter.setPen(option.palette.highlightedText().color() if selected else theme.colour("muted"))
            width = painter.fontMetrics().horizontalAdvance(shortcut)
            painter.drawText(QRect(right - width, option.rect.top(), width, option.rect.height()),
                             int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight), shortcut)
            right -= width + 6
        if badge > 0:
            text = format_number(badge) if badge < 1000 else "999+"
            bold = QFont(option.font)
            bold.setBold(True)
            bold.setPointSizeF(max(bold.pointSizeF() * 0.85, 7.0))
            painter.setFont(bold)
            width = painter.fontMetrics().horizontalAdvance(text) + 10
            height = painter.fontMetrics().height() + 2
            pill = QRect(right - width, option.rect.center().y() - height // 2, width, height)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(theme.colour("badge_bg"))
            painter.drawRoundedRect(pill, height / 2, height / 2)
            painter.setPen(theme.colour("badge_text"))
            painter.drawText(pill, int(Qt.AlignmentFlag.AlignCenter), text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        size = super().sizeHint(option, index)
        return QSize(size.width() + 90, max(size.height(), 28))


class NavigationBar(QListWidget):
    page_chosen = Signal(str)  # the page's key

    def __init__(self, specs: list[PageSpec], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navigation")
        self.setItemDelegate(_Delegate(self))
        self.setIconSize(QSize(20, 20))
        self.setUniformItemSizes(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._rows: dict[str, int] = {}
        group = None
        for position, spec in enumerate(specs):
            if spec.group and spec.group != group:
                group = spec.group
                heading = QListWidgetItem(_(group).upper())
                heading.setFlags(Qt.ItemFlag.NoItemFlags)
                font = heading.font()
                font.setBold(True)
                font.setPointSizeF(max(font.pointSizeF() * 0.8, 7.0))
                heading.setFont(font)
                heading.setForeground(theme.colour("muted"))
                self.addItem(heading)
            item = QListWidgetItem(page_icon(spec.key), _(spec.title))
            item.setData(KEY_ROLE, spec.key)
            shortcut = shortcut_of(position)
            item.setData(SHORTCUT_ROLE, shortcut)
            _tooltip(item)
            self._rows[spec.key] = self.count()
            self.addItem(item)
        # As wide as the longest page name with its shortcut and a badge, in this language.
        needed = self.sizeHintForColumn(0) + 2 * self.frameWidth() + 8
        self.setMinimumWidth(needed)
        self.setMaximumWidth(needed + 40)
        self.currentItemChanged.connect(self._changed)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        """Light or dark colours chosen, or Windows switched: the icons take the new colour."""
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            for i in range(self.count()):
                key = self.item(i).data(KEY_ROLE)
                if key:
                    self.item(i).setIcon(page_icon(str(key)))

    def _changed(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        key = current.data(KEY_ROLE) if current is not None else None
        if key:
            self.page_chosen.emit(str(key))

    def select(self, key: str) -> bool:
        row = self._rows.get(key)
        if row is None:
            return False
        self.setCurrentRow(row)
        return True

    def current_key(self) -> str | None:
        item = self.currentItem()
        return str(item.data(KEY_ROLE)) if item is not None and item.data(KEY_ROLE) else None

    def keys(self) -> list[str]:
        return list(self._rows)

    def set_badge(self, key: str, count: int) -> None:
        row = self._rows.get(key)
        if row is not None:
            item = self.item(row)
            item.setData(BADGE_ROLE, max(int(count), 0))
            _tooltip(item)

    def badge(self, key: str) -> int:
        row = self._rows.get(key)
        return int(self.item(row).data(BADGE_ROLE) or 0) if row is not None else 0

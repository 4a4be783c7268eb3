"""What the window remembers between sessions, per user: the window's geometry, every dialog's
size, splitter positions, column widths, column order and sort, the tab last open, folders.

Two people sharing a laptop each find the window as they left it: the keys live under
``users/<username>/`` in QSettings (the registry on Windows). ``set_user`` is called when a
main window opens for someone. Before anyone signs in (the sign-in dialog, the welcome
wizard, the language) the keys are shared.

``remember_header``, ``remember_splitter`` and ``dialog_event`` (every named dialog) are the one way the
screens keep their layout; a screen never calls ``QSettings`` for its layout itself.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QSettings, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHeaderView,
    QMessageBox,
    QProgressDialog,
    QSplitter,
    QWidget,
)

_user = ""


def set_user(username: str) -> None:
    global _user
    _user = username


def current_user() -> str:
    return _user


def _key(name: str) -> str:
    return f"users/{_user}/{name}" if _user else name


def value(name: str, default: Any = None) -> Any:
    return QSettings().value(_key(name), default)


def set_value(name: str, data: Any) -> None:
    QSettings().setValue(_key(name), data)


def _state(name: str) -> QByteArray | None:
    state = value(name)
    return state if isinstance(state, QByteArray) and not state.isEmpty() else None


def remember_header(header: QHeaderView, name: str) -> bool:
    """Restore the column widths, order and sort of ``header`` and keep them as the user changes
    them. True when a saved layout was restored (the screen then leaves the widths alone)."""
    key = f"headers/{name}"
    state = _state(key)
    restored = state is not None and header.restoreState(state)

    def save(*_args: Any) -> None:
        if not getattr(header, "_tc_fitting", False):  # a screen fitting columns to content
            set_value(key, header.saveState())

    def resized(section: int, old: int, new: int) -> None:
        # Not the user: the view resizing its stretching column, a column hidden or shown.
        if old and new and not _stretching(header, section):
            save()

    header.sectionResized.connect(resized)
    header.sectionMoved.connect(save)
    header.sortIndicatorChanged.connect(save)
    return restored


def _stretching(header: QHeaderView, section: int) -> bool:
    if header.sectionResizeMode(section) in (QHeaderView.ResizeMode.Stretch, QHeaderView.ResizeMode.ResizeToContents):
        return True
    if not header.stretchLastSection():
        return False
    last = max((header.visualIndex(s), s) for s in range(header.count()) if not header.isSectionHidden(s))
    return last[1] == section


class fitting:  # noqa: N801 - used as ``with fitting(header):``
    """Column widths set by the program (fit to content) are not the user's choice: not saved."""

    def __init__(self, header: QHeaderView) -> None:
        self.header = header

    def __enter__(self) -> QHeaderView:
        self.header._tc_fitting = True  # type: ignore[attr-defined]
        return self.header

    def __exit__(self, *_exc: object) -> None:
        self.header._tc_fitting = False  # type: ignore[attr-defined]


def remember_splitter(splitter: QSplitter, name: str, sizes: list[int] | None = None) -> bool:
    """Start with ``sizes`` (proportions), then keep where the user puts the handle. True when
    the user's position was restored."""
    key = f"splitters/{name}"
    state = _state(key)
    restored = state is not None and splitter.restoreState(state)
    if not restored and sizes:
        splitter.setSizes(sizes)
    splitter.splitterMoved.connect(lambda *_a: set_value(key, splitter.saveState()))
    return restored


def restore_geometry(widget: QWidget, name: str) -> bool:
    state = _state(f"geometry/{name}")
    return state is not None and widget.restoreGeometry(state)


def save_geometry(widget: QWidget, name: str) -> None:
    set_value(f"geometry/{name}", widget.saveGeometry())


# Dialogs whose size is set by Qt (message boxes, file dialogs, progress) are left alone.
_SKIPPED = (QMessageBox, QFileDialog, QProgressDialog)


def dialog_event(dialog: QDialog, shown: bool) -> None:
    """From the application's event filter (``dialog_help``): a named dialog reopens at the size
    and place the user last gave it."""
    if isinstance(dialog, _SKIPPED) or not dialog.objectName():
        return
    if shown and not getattr(dialog, "_tc_restored", False):
        dialog._tc_restored = True  # type: ignore[attr-defined]
        name = dialog.objectName()
        QTimer.singleShot(0, lambda: _restore_later(dialog, name))
    elif not shown and getattr(dialog, "_tc_restored", False):
        save_geometry(dialog, f"dialogs/{dialog.objectName()}")


def _restore_later(dialog: QDialog, name: str) -> None:
    import shiboken6

    if shiboken6.isValid(dialog):
        restore_geometry(dialog, f"dialogs/{name}")

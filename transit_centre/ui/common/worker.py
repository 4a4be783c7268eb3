"""Run a service call off the GUI thread and get the result back as a signal.

``run_task(parent, fn, on_done, on_error, progress_title=...)`` calls ``fn(report)`` on a
thread pool; ``report(done, total)`` moves the progress dialog and returns False once the
user pressed Cancel (the function should then stop). The callbacks run on the GUI thread.
Callables never touch widgets.

Past ``BUSY_AFTER_MS`` a task without a progress dialog shows the busy cursor until it ends;
a task with one shows the dialog. ``ui.common.operations`` is the API the screens use.

When the application quits while a task still runs, ``shutdown()`` asks the running tasks to
stop and waits for them; a task that finishes after its signals were deleted (the interpreter
tearing Qt down) drops its result quietly instead of raising "Signal source has been deleted".
"""
from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, SignalInstance
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget
import shiboken6

from transit_centre.errors import DomainError
from transit_centre.i18n import _

log = logging.getLogger(__name__)

BUSY_AFTER_MS = 150  # a call that takes longer shows that the window is working


class Cancelled(Exception):
    """Raised by a task that noticed the user cancelled it."""


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[Callable[[int, int], bool]], Any], signals: _Signals) -> None:
        super().__init__()
        self.fn = fn
        self.signals = signals
        self.cancelled = False

    def report(self, done: int, total: int) -> bool:
        if not _emit(lambda: self.signals.progress, done, total):
            self.cancelled = True  # nobody is left to show the progress or take the result
        return not self.cancelled

    def run(self) -> None:
        try:
            result = self.fn(self.report)
        except BaseException as exc:  # noqa: BLE001 - delivered to the GUI thread
            if not isinstance(exc, (DomainError, Cancelled)):
                log.error("background task failed:\n%s", traceback.format_exc())
            _emit(lambda: self.signals.failed, exc)
        else:
            _emit(lambda: self.signals.done, result)


def _emit(signal: Callable[[], SignalInstance], *values: Any) -> bool:
    """Emit from the worker thread; False when the signals object is gone (the application is
    closing and its Qt objects were deleted): the result has nobody to go to."""
    try:
        signal().emit(*values)
    except RuntimeError:  # "Signal source has been deleted"
        log.debug("background task finished after its receiver was deleted; result dropped")
        return False
    return True


class Task(QObject):
    """A running background call; keep a reference until it finishes (``run_task`` does)."""

    finished = Signal()
    _live: set["Task"] = set()

    def __init__(self, parent: QWidget | None, fn: Callable[..., Any],
                 on_done: Callable[[Any], None] | None, on_error: Callable[[BaseException], None] | None,
                 progress_title: str | None, owner: QObject | None = None) -> None:
        super().__init__(None)
        # The object the result is for (a page, a model): when it is gone (its window closed)
        # before the call ends, the result is dropped instead of reaching a deleted object.
        self._owner = owner if owner is not None else parent
        self.signals = _Signals()
        self.runnable = _Runnable(fn, self.signals)
        self.runnable.setAutoDelete(False)
        self.dialog: QProgressDialog | None = None
        if progress_title is not None:
            self.dialog = QProgressDialog(progress_title, _("Cancel"), 0, 0, parent)
            self.dialog.setObjectName("progressDialog")
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.dialog.setMinimumDuration(BUSY_AFTER_MS)
            self.dialog.canceled.connect(self._cancel)
        self._on_done, self._on_error = on_done, on_error
        self.running = False
        self._busy_cursor = False
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_AFTER_MS)
        self._busy_timer.timeout.connect(self._show_busy)
        self.signals.done.connect(self._done)
        self.signals.failed.connect(self._failed)
        self.signals.progress.connect(self._progress)

    def start(self) -> "Task":
        Task._live.add(self)
        self.running = True
        if self.dialog is None:
            self._busy_timer.start()
        QThreadPool.globalInstance().start(self.runnable)
        return self

    def _show_busy(self) -> None:
        if self.running and not self._busy_cursor and QApplication.instance() is not None:
            QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
            self._busy_cursor = True

    def _cancel(self) -> None:
        self.runnable.cancelled = True

    def _progress(self, done: int, total: int) -> None:
        if self.dialog is not None:
            self.dialog.setMaximum(max(total, 0))
            self.dialog.setValue(done)

    def _close(self) -> None:
        self.running = False
        self._busy_timer.stop()
        if self._busy_cursor:
            QApplication.restoreOverrideCursor()
            self._busy_cursor = False
        if self.dialog is not None:
            self.dialog.reset()
            self.dialog.deleteLater()
            self.dialog = None
        Task._live.discard(self)
        self.finished.emit()

    def _owner_gone(self) -> bool:
        return self._owner is not None and not shiboken6.isValid(self._owner)

    def _done(self, result: Any) -> None:
        self._close()
        if self._on_done and not self._owner_gone():
            self._on_done(result)

    def _failed(self, exc: BaseException) -> None:
        self._close()
        if self._owner_gone():
            if not isinstance(exc, (DomainError, Cancelled)):
                log.warning("background task failed after its window closed: %r", exc)
            return
        if self._on_error:
            self._on_error(exc)
        elif not isinstance(exc, Cancelled):
            from transit_centre.ui.common.errors import show_error

            show_error(None, exc)


def shutdown(timeout_ms: int = 10_000) -> bool:
    """At quit: ask every running task to stop, then wait for the thread pool (at most
    ``timeout_ms``). True when no task is left running."""
    for task in list(Task._live):
        task.runnable.cancelled = True
    return QThreadPool.globalInstance().waitForDone(timeout_ms)


def run_task(parent: QWidget | None, fn: Callable[[Callable[[int, int], bool]], Any],
             on_done: Callable[[Any], None] | None = None,
             on_error: Callable[[BaseException], None] | None = None,
             progress_title: str | None = None, owner: QObject | None = None) -> Task:
    return Task(parent, fn, on_done, on_error, progress_title, owner).start()

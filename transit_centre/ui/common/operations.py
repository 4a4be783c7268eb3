"""The one way the window calls a service that may take time (after Anki's ``aqt/operations``).

``run_op(parent, call, done)`` runs ``call()`` on the worker pool, never on the GUI thread, and
hands its result to ``done`` on the GUI thread. Past ``BUSY_AFTER_MS`` the window shows it is
busy (a busy cursor); work that reports its progress (``progress=title``: ``call(report)``) gets
a progress dialog with Cancel. Every failure goes through one handler: a ``DomainError`` is
shown as its translated message, anything else is written to the log file and shown as a
friendly dialog (``ui.common.errors.show_error``), unless the caller passes ``failed``.

``Latest`` is for search-as-you-type and lists: each new call supersedes the previous one, whose
result, arriving late, is dropped.

Services own their transactions; a call made here opens its own, on its own connection, so the
window's thread never waits on the database.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from transit_centre.ui.common.worker import BUSY_AFTER_MS, Task, run_task

__all__ = ["BUSY_AFTER_MS", "Latest", "run_op"]


def run_op(parent: QWidget | None, call: Callable[..., Any], done: Callable[[Any], None] | None = None, *,
           failed: Callable[[BaseException], None] | None = None, progress: str | None = None,
           owner: QObject | None = None) -> Task:
    """Run ``call()`` in the background (``call(report)`` with a progress dialog titled ``progress``).

    ``done(result)`` and ``failed(exc)`` run on the GUI thread, unless ``owner`` (default: the
    parent) was deleted meanwhile; without ``failed`` the error is shown by the one handler. Keep
    the returned task if you need to know when it ends."""
    work = call if progress is not None else (lambda _report: call())
    return run_task(parent, work, done, failed, progress_title=progress, owner=owner)


class Latest:
    """Only the newest call's result is delivered: typing "Tra", "Trao", "Traor" runs three
    searches, and only the last one's rows are shown, whatever order they finish in."""

    def __init__(self, parent: QWidget | None, owner: QObject | None = None) -> None:
        self.parent = parent
        self.owner = owner
        self.generation = 0
        self.task: Task | None = None

    def run(self, call: Callable[[], Any], done: Callable[[Any], None],
            failed: Callable[[BaseException], None] | None = None) -> Task:
        self.generation += 1
        generation = self.generation

        def deliver(result: Any) -> None:
            if generation == self.generation:
                done(result)

        def fail(exc: BaseException) -> None:
            if generation != self.generation:
                return
            if failed is not None:
                failed(exc)
            else:
                from transit_centre.ui.common.errors import show_error

                show_error(self.parent, exc)

        self.task = run_op(self.parent, call, deliver, failed=fail, owner=self.owner)
        return self.task

    def cancel(self) -> None:
        """Forget the running call: its result will not be delivered."""
        self.generation += 1

    @property
    def running(self) -> bool:
        return self.task is not None and self.task.running

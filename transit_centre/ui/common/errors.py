"""Showing failures to the user: a domain message as it is, anything else as a friendly
dialog while the details go to the log file. The application keeps running."""
from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

from transit_centre.errors import DomainError
from transit_centre.i18n import _

log = logging.getLogger("transit_centre.ui")


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    if isinstance(exc, DomainError):
        QMessageBox.warning(parent, _("Transit Centre"), str(exc))
        return
    log.error("unexpected error:\n%s", "".join(traceback.format_exception(exc)))
    _unexpected_dialog(parent)


def _unexpected_dialog(parent: QWidget | None) -> None:
    from transit_centre.logsetup import log_file

    box = QMessageBox(parent)
    box.setObjectName("unexpectedErrorDialog")
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(_("Transit Centre"))
    box.setText(_("Something went wrong. Your saved work is safe; the last action may not have been completed."))
    box.setInformativeText(_("The details were written to the log file:\n{path}").format(path=log_file()))
    box.exec()


def install_excepthook() -> None:
    """Turn uncaught exceptions in slots into a dialog instead of a crash or a traceback."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        if isinstance(exc, DomainError):
            QMessageBox.warning(None, _("Transit Centre"), str(exc))
            return
        log.error("uncaught exception:\n%s", "".join(traceback.format_exception(kind, exc, tb)))
        try:
            _unexpected_dialog(None)
        except Exception:  # noqa: BLE001 - never let the hook itself crash the app
            pass

    sys.excepthook = hook


def confirm(parent: QWidget | None, title: str, question: str, name: str = "confirmDialog") -> bool:
    """Ask a yes/no question (a service's ``NeedsConfirmation``); True when the user goes on."""
    box = QMessageBox(parent)
    box.setObjectName(name)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(question)
    yes = box.addButton(_("Yes, go on"), QMessageBox.ButtonRole.YesRole)
    no = box.addButton(_("No"), QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(no)
    box.exec()
    return box.clickedButton() is yes

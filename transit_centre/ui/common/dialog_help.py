"""F1 in dialogs: the main window's F1 explains the current page; in a dialog, F1 shows the
dialog's own ``help_text`` attribute (a translated string a dialog may set) or, failing that,
how forms work in general. One application-wide event filter, installed by ``make_application``;
it also gives every named dialog its remembered size (``memory.dialog_event``).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget, QWizard

from transit_centre.i18n import _
from transit_centre.ui.common.memory import dialog_event


def dialog_help_text(dialog: QWidget) -> str:
    text = getattr(dialog, "help_text", "") or dialog.whatsThis()
    return text or _("Fill in the fields, then press the button at the bottom to save. Fields marked * are "
                     "required; a red message under a field says what to correct. Nothing is saved until "
                     "the form is valid. Esc closes without saving.")


def show_dialog_help(dialog: QWidget) -> QMessageBox:
    """Opened window-modal and not waited for, so the dialog underneath keeps its state."""
    box = QMessageBox(dialog)
    box.setObjectName("helpDialog")
    box.setWindowTitle(_("Help – {page}").format(page=dialog.windowTitle() or _("Transit Centre")))
    box.setText(dialog_help_text(dialog))
    box.open()
    return box


_SHOW_HIDE = (QEvent.Type.Show, QEvent.Type.Hide)


class DialogHelpFilter(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt name
        kind = event.type()
        if kind in _SHOW_HIDE and isinstance(watched, QDialog):
            dialog_event(watched, kind == QEvent.Type.Show)
            return False
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() == Qt.Key.Key_F1 and isinstance(watched, QWidget):
            dialog = watched.window()
            # Message boxes (the help itself) and wizards (their own Help button) are left alone.
            if isinstance(dialog, QDialog) and not isinstance(dialog, (QMessageBox, QWizard)):
                show_dialog_help(dialog)
                return True
        return False


def install_dialog_help(app: QApplication) -> None:
    if getattr(app, "_tc_dialog_help", None) is None:
        help_filter = DialogHelpFilter(app)
        app.installEventFilter(help_filter)
        app._tc_dialog_help = help_filter  # type: ignore[attr-defined] - kept alive with the app

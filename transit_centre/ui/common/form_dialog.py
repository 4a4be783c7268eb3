"""The one form dialog of the window.

A ``FormDialog`` has its fields in a form, each field's message beside it (``self.errors``), a
message above the buttons for what belongs to no field, and Save / Cancel. Save calls
``save_record()``: one service call, so one transaction; the dialog closes only when the
service accepts, keeps what was typed when it refuses, and Save is disabled while it saves. A
``DomainError`` is shown where it belongs; a ``ConflictError`` (someone else changed the record
meanwhile) is told and the dialog closes; anything unexpected goes to the one handler (log
file, friendly dialog) and the dialog stays open.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from transit_centre.errors import ConflictError, DomainError
from transit_centre.i18n import _
from transit_centre.ui.common.errors import show_error
from transit_centre.ui.common.widgets import FieldErrors


class FormDialog(QDialog):
    result_view: Any = None  # what the service returned when it accepted

    def __init__(self, parent: QWidget | None, *, title: str, name: str, header: str = "",
                 save_button: QDialogButtonBox.StandardButton = QDialogButtonBox.StandardButton.Save,
                 save_text: str = "", minimum_width: int = 480) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.errors = FieldErrors()
        self.form = QFormLayout()
        self.header = QLabel(header)
        self.header.setObjectName("dialogHeader")
        self.header.setWordWrap(True)
        self.header.setVisible(bool(header))
        self.buttons = QDialogButtonBox(save_button | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName(f"{name}Buttons")
        self.save_button = self.buttons.button(save_button)
        self.save_button.setObjectName("saveButton")
        # Qt's own button texts are not translated in every installation: say them in our words.
        self.save_button.setText(save_text or (_("OK") if save_button == QDialogButtonBox.StandardButton.Ok
                                               else _("Save")))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.body = QVBoxLayout(self)
        self.body.addWidget(self.header)
        self.extras = QVBoxLayout()  # what a dialog shows between the header and the fields
        self.body.addLayout(self.extras)
        self.body.addLayout(self.form)
        self.body.addWidget(self.errors.general_label())
        self.body.addWidget(self.buttons)
        self.setMinimumWidth(minimum_width)

    def set_header(self, text: str) -> None:
        """The sentence above the fields (what the dialog does, to whom)."""
        self.header.setText(text)
        self.header.setVisible(bool(text))

    def add_field(self, label: str, key: str, widget: QWidget) -> QWidget:
        """A row of the form; a service's message about ``key`` shows beside it."""
        self.errors.add_row(self.form, label, key, widget)
        return widget

    def add_below_form(self, widget: QWidget, stretch: int = 0) -> QWidget:
        """A part of the dialog under the fields (a group of ticks, a list), above the message."""
        self.body.insertWidget(self.body.indexOf(self.errors.general_label()), widget, stretch)
        return widget

    def save_record(self) -> Any:
        """The service call Save makes; raise ``DomainError`` (with the field) to refuse."""
        raise NotImplementedError(type(self).__name__ + " saves nothing")

    def submit(self) -> bool:
        """Save: True when the service accepted and the dialog closed."""
        self.errors.clear()
        self.save_button.setEnabled(False)
        try:
            self.result_view = self.save_record()
        except ConflictError as exc:  # changed by someone else meanwhile: say so, close, the list reloads
            show_error(self, exc)
            self.reject()
            return False
        except DomainError as exc:
            self.errors.show(exc)
            return False
        except Exception as exc:  # noqa: BLE001 - unexpected: logged and told; the dialog keeps what was typed
            show_error(self, exc)
            return False
        finally:
            self.save_button.setEnabled(True)
        self.accept()
        return True

"""Dialogs every feature uses: the reason asked before a hold, void, cancel or skip."""
from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLabel, QPlainTextEdit, QWidget

from transit_centre.errors import DomainError
from transit_centre.i18n import _
from transit_centre.ui.common.form_dialog import FormDialog
from transit_centre.ui.common.widgets import required


class ReasonDialog(FormDialog):
    """Asks for a reason (and optionally a choice) before a hold, void, cancel or skip."""

    def __init__(self, title: str, prompt: str, parent: QWidget | None = None, *,
                 choices: Sequence[tuple[str, str]] = (), reason_required: bool = True, message: str = "") -> None:
        super().__init__(parent, title=title, name="reasonDialog", save_button=QDialogButtonBox.StandardButton.Ok)
        if message:  # what the rule says, before the user gives the reason
            explanation = QLabel(message)
            explanation.setObjectName("reasonMessage")
            explanation.setWordWrap(True)
            self.form.addRow(explanation)
        self.choice = QComboBox()
        self.choice.setObjectName("reasonChoice")
        for value, label in choices:
            self.choice.addItem(label, value)
        if choices:
            self.add_field(required(_("Reason")), "choice", self.choice)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reasonText")
        self.reason.setFixedHeight(80)
        self.add_field(required(prompt) if reason_required else prompt, "reason", self.reason)
        self.reason_required = reason_required

    def save_record(self) -> str:
        """Nothing is saved here: the screen that asked uses the reason; an empty one is refused."""
        if self.reason_required and not self.text():
            raise DomainError(_("This field is required."), "reason")
        return self.text()

    def text(self) -> str:
        return self.reason.toPlainText().strip()

    def value(self) -> str | None:
        return self.choice.currentData()

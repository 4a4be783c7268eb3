"""The warning shown when the database folder is on a network drive or in a synced folder
(OneDrive, Dropbox...): in the welcome wizard's database page and in Administration > Settings.
The check and the message are ``transit_centre.fs.location_warning``."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel

from transit_centre.ui.common import theme
from transit_centre.fs import location_warning



def warning_label(object_name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setStyleSheet(theme.style("warning"))
    label.setVisible(False)
    return label


def show_location_warning(label: QLabel, folder: Path | str | None) -> str | None:
    """Show the warning for ``folder`` in ``label`` (hidden when there is nothing to say)."""
    text = location_warning(folder) if folder else None
    label.setText(text or "")
    label.setVisible(bool(text))
    return text

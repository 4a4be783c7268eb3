"""The one resident picker of the window: type part of a name or a case number, pick one of the
residents found (check-in, services, returns, cash). ``resident_search`` makes its search from
the registry's (prefix matches first, then inside a word, then misspelt names)."""
from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QSizePolicy, QVBoxLayout, QWidget

from transit_centre.i18n import _, country_name
from transit_centre.registry.search import ResidentFilter, resident_page
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.operations import Latest

ID_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class Choice:
    """A resident as the widgets show them."""

    resident_id: uuid.UUID
    label: str      # "Traoré Moussa – GAO-2026-00042"
    detail: str = ""  # bed, age...
    payload: Any = None  # what the service returned, for the screen that asked (e.g. a return case's choice)


class ResidentPicker(QWidget):
    """Type part of a name or a case number; pick one of the residents found below.

    ``search(text) -> list[Choice]`` is the service call (a resident search); it runs in the
    background 250 ms after the last key (or at once on Enter), and only the newest search's
    rows are shown. ``chosen`` is emitted with the resident's id (None when cleared).
    """

    chosen = Signal(object)  # uuid.UUID | None

    def __init__(self, search: Callable[[str], list[Choice]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._search = search
        self.resident_id: uuid.UUID | None = None
        self.current: Choice | None = None
        self.searches = Latest(self)
        self._pick_single = False
        self.edit = QLineEdit()
        self.edit.setObjectName("residentSearch")
        self.edit.setPlaceholderText(_("Type a name or a case number"))
        self.edit.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setObjectName("residentResults")
        self.results.setMaximumHeight(110)
        self.results.hide()
        self.selected = QLabel(_("No resident chosen"))
        self.selected.setObjectName("residentChosen")
        self.selected.setStyleSheet("font-weight: bold;")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.results)
        layout.addWidget(self.selected)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.run_search)
        self.edit.textEdited.connect(lambda _t: self._timer.start())
        self.edit.returnPressed.connect(self._enter)
        self.results.itemActivated.connect(self._pick)
        self.results.itemClicked.connect(self._pick)

    def run_search(self) -> None:
        self._timer.stop()
        text = self.edit.text().strip()
        if len(text) < 2:
            self.searches.cancel()
            self.results.clear()
            self.results.hide()
            return
        self.searches.run(lambda: self._search(text), self._show)

    def _show(self, found: list[Choice]) -> None:
        self.results.clear()
        for choice in found:
            item = QListWidgetItem(choice.label + (f"   ({choice.detail})" if choice.detail else ""))
            item.setData(ID_ROLE, choice)
            self.results.addItem(item)
        if not found:
            item = QListWidgetItem(_("No resident found"))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.results.addItem(item)
        self.results.show()
        if found:
            self.results.setCurrentRow(0)
        if self._pick_single and found:
            self._pick(self.results.item(0))
        self._pick_single = False

    def _enter(self) -> None:
        """Enter searches now and chooses the first resident found."""
        self._pick_single = True
        self.run_search()

    def _pick(self, item: QListWidgetItem) -> None:
        choice = item.data(ID_ROLE)
        if choice is None:
            return
        self.set_choice(choice)

    def set_choice(self, choice: Choice | None) -> None:
        self.current = choice
        self.resident_id = choice.resident_id if choice else None
        self.selected.setText(choice.label if choice else _("No resident chosen"))
        self.results.hide()
        self.results.clear()
        if choice:
            self.edit.clear()
        self.chosen.emit(self.resident_id)

    def clear(self) -> None:
        self.set_choice(None)

    def choice(self) -> Choice | None:
        return self.current


def resident_search(ctx: UiContext, *, presence: str = "all", centre_id: uuid.UUID | None = None,
                    limit: int = 20) -> Callable[[str], list[Choice]]:
    """A picker's search over the registry: residents of the current centre (or ``centre_id``),
    present, departed or all, labelled with their case number, age and nationality."""

    def search(text: str) -> list[Choice]:
        rows = resident_page(ctx.db, ctx.actor, ResidentFilter(text=text, presence=presence, centre_id=centre_id),
                             sort_key="last_name", limit=limit)
        choices = []
        for r in rows:
            age = r.age_on()
            detail = [_("about {age} years").format(age=age) if r.dob_estimated else _("{age} years").format(age=age)
                      ] if age is not None else []
            if r.nationality:
                detail.append(country_name(r.nationality))
            choices.append(Choice(r.id, f"{r.last_name} {r.first_name} – {r.case_number}", ", ".join(detail), r))
        return choices

    return search

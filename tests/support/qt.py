"""Waiting for the window's background work: lists, searches and counts are read off the GUI thread."""
from __future__ import annotations

from typing import Any


def wait_loaded(qtbot: Any, model: Any, timeout: int = 10_000) -> None:
    """Until a ``LazyTableModel`` has no page being read."""
    qtbot.waitUntil(lambda: not model.loading, timeout=timeout)


def search_residents(qtbot: Any, picker: Any, text: str, timeout: int = 10_000) -> int:
    """Type ``text`` in a ``ResidentPicker`` and wait for the rows; how many residents were found."""
    picker.edit.setText(text)
    picker.run_search()
    qtbot.waitUntil(lambda: picker.results.count() > 0 and not picker.searches.running, timeout=timeout)
    return sum(1 for i in range(picker.results.count()) if picker.results.item(i).data(0x0100) is not None)


def pick_resident(qtbot: Any, picker: Any, text: str, timeout: int = 10_000) -> Any:
    """Type ``text`` in a ``ResidentPicker``, wait for the search, choose the first resident found."""
    search_residents(qtbot, picker, text, timeout)
    picker._pick(picker.results.item(0))  # noqa: SLF001 - what a click on the first line does
    return picker.resident_id

"""The window's one operation API and its one list model: results come back on the GUI thread,
a newer call supersedes an older one, errors reach one handler, a closed window gets nothing."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from support.qt import wait_loaded
from transit_centre.errors import DomainError
from transit_centre.ui.common.lazy_table import Column, LazyTableModel
from transit_centre.ui.common.operations import Latest, run_op


@dataclass(frozen=True)
class Row:
    id: int
    name: str


COLUMNS = [Column("id", "Id", lambda r: str(r.id), "id"), Column("name", "Name", lambda r: r.name)]


def test_a_result_comes_back_on_the_gui_thread(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    seen = []
    run_op(parent, lambda: threading.current_thread() is threading.main_thread(),
           lambda on_main: seen.append((on_main, threading.current_thread() is threading.main_thread())))
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [(False, True)]  # called off the GUI thread, delivered on it


def test_the_newest_search_wins_whatever_order_they_finish_in(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    latest = Latest(parent)
    shown = []

    def search(text: str, seconds: float) -> str:
        time.sleep(seconds)
        return text

    latest.run(lambda: search("Tra", 0.4), shown.append)  # slow: finishes last
    latest.run(lambda: search("Traor", 0.0), shown.append)
    qtbot.waitUntil(lambda: bool(shown))
    qtbot.wait(600)
    assert shown == ["Traor"]


def test_errors_go_to_the_one_handler_unless_the_caller_takes_them(qtbot, monkeypatch):
    parent = QWidget()
    qtbot.addWidget(parent)
    handled = []
    monkeypatch.setattr("transit_centre.ui.common.errors.show_error", lambda p, exc: handled.append(str(exc)))

    def refuse() -> None:
        raise DomainError("Refusé")

    Latest(parent).run(refuse, lambda _r: None)
    qtbot.waitUntil(lambda: bool(handled))
    taken = []
    run_op(parent, refuse, failed=lambda exc: taken.append(str(exc)))
    qtbot.waitUntil(lambda: bool(taken))
    assert handled == ["Refusé"] and taken == ["Refusé"]


def test_a_closed_window_gets_no_result(qtbot):
    parent = QWidget()
    delivered = []
    run_op(parent, lambda: time.sleep(0.2) or "late", delivered.append)
    parent.deleteLater()
    qtbot.wait(500)
    assert delivered == []


def test_the_list_model_reads_pages_and_a_new_reload_supersedes_the_old(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    rows = [Row(i, f"Nom{i:03d}") for i in range(25)]
    calls = []

    def fetch(offset: int, limit: int, sort_key: str | None, descending: bool) -> list[Row]:
        calls.append((offset, limit, sort_key, descending))
        ordered = sorted(rows, key=lambda r: r.id, reverse=descending)
        return ordered[offset:offset + limit]

    model = LazyTableModel(COLUMNS, fetch, page_size=10, sort_key="id", parent=parent)
    model.reload()
    wait_loaded(qtbot, model)
    assert model.rowCount() == 10 and model.canFetchMore()
    model.fetchMore()
    wait_loaded(qtbot, model)
    model.fetchMore()
    wait_loaded(qtbot, model)
    assert model.rowCount() == 25 and not model.canFetchMore()
    assert model.data(model.index(0, model.column("name"))) == "Nom000"
    model.sort(model.column("id"), Qt.SortOrder.DescendingOrder)
    wait_loaded(qtbot, model)
    assert model.rowCount() == 10 and model.row_at(0).id == 24
    assert calls[-1] == (0, 10, "id", True)
    model.replace_row(Row(24, "Renommé"))
    assert model.data(model.index(0, 1)) == "Renommé"

"""The window keeps repainting while a slow service call runs: a search, a report and a print
each run off the GUI thread (``ui.common.operations``). The services are slowed down here; a
timer on the GUI thread counts its ticks meanwhile. The last test shows the measure would catch
a call made on the GUI thread."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from support.qt import wait_loaded
from transit_centre.enums import Role, Sex
from transit_centre.registry.inputs import ResidentInput
from transit_centre.registry.residents import register_resident
from transit_centre.ui.common.context import UiContext

SLOW = 0.6  # seconds each slowed service call takes
TICK_MS = 20


@pytest.fixture
def ctx(db, make_actor, centres):
    actor = make_actor(Role.MANAGER, centre="GAO")
    register_resident(db, actor, ResidentInput(first_name="Aminata", last_name="Coulibaly", sex=Sex.FEMALE,
                                               estimated_age=30, nationality="ML"))
    return UiContext(db=db, actor=actor, centre_code="GAO", centre_name="Gao")


def slowed(function: Callable[..., Any]) -> Callable[..., Any]:
    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(SLOW)
        return function(*args, **kwargs)

    return slow


@contextmanager
def ticking() -> Iterator[list[int]]:
    """Counts the GUI thread's timer ticks; a frozen window counts none."""
    ticks = [0]
    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(lambda: ticks.__setitem__(0, ticks[0] + 1))
    timer.start()
    try:
        yield ticks
    finally:
        timer.stop()


def test_search_as_you_type_runs_in_the_background(qtbot, qsettings_isolated, ctx, monkeypatch):
    from transit_centre.ui.residents import page as module

    page = module.ResidentsPage(ctx)
    qtbot.addWidget(page)
    wait_loaded(qtbot, page.model)
    monkeypatch.setattr(module, "resident_page", slowed(module.resident_page))
    with ticking() as ticks:
        page.search.setText("coul")
        page.apply_filter()
        assert page.model.loading
        qtbot.waitUntil(lambda: QApplication.overrideCursor() is not None, timeout=2000)  # busy past 150 ms
        wait_loaded(qtbot, page.model)
    assert ticks[0] >= 10, ticks
    assert [r.last_name for r in page.model.rows] == ["Coulibaly"]
    assert QApplication.overrideCursor() is None


def test_a_report_runs_in_the_background(qtbot, qsettings_isolated, ctx, monkeypatch, tmp_path):
    from transit_centre.ui.reports import page as module

    monkeypatch.setattr(module, "monthly_export", slowed(module.monthly_export))
    monkeypatch.setattr(module.QMessageBox, "information", lambda *a, **k: None)
    reports = module.ReportsPage(ctx)
    qtbot.addWidget(reports)
    dialog = reports.monthly_export()
    qtbot.addWidget(dialog)
    dialog.folder.setText(str(tmp_path))
    with ticking() as ticks:
        dialog.start()
        assert not dialog.ok.isEnabled()
        qtbot.waitUntil(lambda: dialog.result_export is not None, timeout=30000)
    assert ticks[0] >= 10, ticks
    assert dialog.result_export.xlsx_path.exists()


def test_a_print_renders_in_the_background(qtbot, qsettings_isolated, ctx, monkeypatch):
    from transit_centre.ui.common import print_preview

    monkeypatch.setattr(print_preview.documents, "render_document", slowed(print_preview.documents.render_document))
    opened: list[Any] = []
    with ticking() as ticks:
        print_preview.print_document(None, ctx, "occupancy", "GAO", on_open=opened.append)
        assert not opened
        qtbot.waitUntil(lambda: bool(opened), timeout=30000)
    qtbot.addWidget(opened[0])
    assert ticks[0] >= 10, ticks
    assert opened[0].document.kind == "occupancy"


def test_the_measure_catches_a_call_on_the_gui_thread(qtbot):
    """The same slowed call made on the GUI thread: the timer does not tick meanwhile."""
    with ticking() as ticks:
        slowed(lambda: None)()
        frozen = ticks[0]
        qtbot.wait(5 * TICK_MS)
    assert frozen == 0 and ticks[0] >= 1

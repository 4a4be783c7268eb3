"""Every page readable at 1366x768 and 1920x1080, in French and English: no label, button, tab,
group title, column title or list cell cut short (``ui.common.clipping``), no list wider than
its pane. The same run as ``transit-centre smoke --screenshots DIR``."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTableWidgetItem, QVBoxLayout, QWidget

from transit_centre.localconfig import sqlite_url_for
from transit_centre.ui.common.clipping import clipped_texts
from transit_centre.ui.common.tables import RowTable
from transit_centre.ui.shell.smoke import LANGUAGES, SIZES, run_smoke

pytestmark = pytest.mark.usefixtures("qsettings_isolated")


def _window(qtbot, *widgets):  # noqa: ANN001, ANN202
    window = QWidget()
    window.setObjectName("probe")
    layout = QVBoxLayout(window)
    for widget in widgets:
        layout.addWidget(widget)
    qtbot.addWidget(window)
    window.resize(400, 300)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_a_cut_label_button_header_and_cell_are_each_found(qtbot):
    label = QLabel("Centre de transit de Tombouctou, région de Tombouctou")
    label.setObjectName("longLabel")
    label.setFixedWidth(60)
    button = QPushButton("Enregistrer l'étape suivante…")
    button.setObjectName("longButton")
    button.setFixedWidth(50)
    table = RowTable("probeTable", ["Numéro de dossier de retour", "Nom"], stretch=1)
    table.setRowCount(1)
    table.setItem(0, 0, QTableWidgetItem("BKO-2026-RET-00002"))
    table.setItem(0, 1, QTableWidgetItem("Nana"))
    table.setColumnWidth(0, 40)
    window = _window(qtbot, label, button, table)
    found = {c.widget: c for c in clipped_texts(window)}
    assert found["longLabel"].needed > found["longLabel"].available
    assert "longButton" in found
    assert "probeTable header" in found and found["probeTable header"].text == "Numéro de\ndossier de retour"
    assert "probeTable cell (Numéro de\ndossier de retour)" in found


def test_texts_that_fit_are_not_reported_and_a_stretching_column_may_elide_with_its_tooltip(qtbot):
    label = QLabel("Gao")
    row = QWidget()
    QHBoxLayout(row).addWidget(QPushButton("OK"))
    table = RowTable("fitTable", ["Code", "Note"], stretch=1)
    note = "a long free note " * 20
    table.set_rows([(None, ["GAO", note], None)])
    window = _window(qtbot, label, row, table)
    assert clipped_texts(window) == []
    assert table.item(0, 1).toolTip() == note  # the whole text, one hover away


def test_a_list_wider_than_its_pane_is_found(qtbot):
    table = RowTable("wideTable", ["A", "B", "C"], stretch=-1)
    table.set_rows([(None, ["x" * 60, "y" * 60, "z"], None)])
    window = _window(qtbot, table)
    window.resize(300, 200)
    qtbot.wait(20)
    assert any("scrolled out" in c.widget for c in clipped_texts(window))


def test_every_page_fits_at_both_sizes_in_both_languages(qtbot, tmp_path):
    shots = tmp_path / "shots"
    problems = run_smoke(sqlite_url_for(tmp_path / "smoke.sqlite3"), residents=60, screenshots=shots,
                         settings_dir=tmp_path / "settings")
    assert problems == []
    for language in LANGUAGES:
        for width, height in SIZES:
            folder = shots / f"{language}-{width}x{height}"
            pictures = sorted(p.name for p in folder.glob("page-*.png"))
            assert any(name.startswith("page-dashboard") for name in pictures), pictures
            assert any(name.startswith("page-returns") for name in pictures), pictures
            assert len(pictures) >= 10


def test_the_weeks_under_the_chart_read_dd_mm_and_thin_out_rather_than_cut(qapp):
    import datetime as dt

    from PySide6.QtCharts import QChart
    from PySide6.QtCore import QRectF

    from transit_centre.ui.reports.dashboard import WeekAxis

    mondays = [dt.date(2026, 9, 14) + dt.timedelta(weeks=i) for i in range(12)]
    chart = QChart()
    axis = WeekAxis(mondays, chart)
    axis._fit(QRectF(0, 0, 1200, 200))  # noqa: SLF001 - what a resize of the chart does
    assert axis.categoriesLabels() == [d.strftime("%d/%m") for d in mondays]
    axis._fit(QRectF(0, 0, 220, 200))  # noqa: SLF001
    labels = axis.categoriesLabels()
    assert 1 < len(labels) < 12 and labels[-1] == "30/11"  # every second or third week, the last one always
    assert all(len(label) == 5 and label[2] == "/" for label in labels)

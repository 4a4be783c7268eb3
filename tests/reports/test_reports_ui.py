"""Screens: the dashboard (charts and tables filled from the service), the reports page and its
dialogs (export, import, annual report, arrival list)."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QMessageBox

from support.reports_data import load
from transit_centre.enums import Role
from transit_centre.i18n import set_language
from transit_centre.ui.common.context import UiContext


@pytest.fixture(autouse=True)
def english_and_quiet(monkeypatch):
    set_language("en")
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Ok)


@pytest.fixture
def data(db, centres):
    return load(db, centres)


def _ctx(db, actor, centre="GAO - Gao"):
    return UiContext(db=db, actor=actor, centre_code="GAO" if actor.current_centre_id else "",
                     centre_name=centre if actor.current_centre_id else "")


def test_dashboard_page_shows_the_figures(qtbot, qsettings_isolated, db, centres, make_actor, data, tmp_path):
    from transit_centre.ui.reports.dashboard import DashboardPage

    page = DashboardPage(_ctx(db, make_actor(Role.MANAGER)))
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.view is not None, timeout=10000)
    assert page.view.tonight[0].code == "GAO"
    chart = page.tonight_chart.chart()
    bars = chart.series()[0].barSets()
    assert [b.label() for b in bars] == ["Present tonight", "Capacity"] and bars[1].at(0) == 100
    assert len(page.weeks_chart.chart().series()) == 2
    assert page.pipeline.rowCount() >= 5
    assert page.cash.item(page.cash.rowCount() - 1, 0).text() == "Total"
    page.resize(1366, 700)
    page.grab().save(str(tmp_path / "dashboard.png"))


def test_dashboard_is_the_first_page_for_every_reader(qtbot, qsettings_isolated, db, centres, make_actor):
    from transit_centre.ui.shell.pages import PAGES

    assert PAGES[0].key == "dashboard"
    for role in (Role.MANAGER, Role.CASEWORKER, Role.MEDICAL, Role.HQ, Role.CASH_OFFICER):
        assert PAGES[0].visible(make_actor(role)), role


def test_export_dialog_writes_the_files(qtbot, qsettings_isolated, db, centres, make_actor, data, tmp_path):
    from transit_centre.ui.reports.page import ReportsPage

    page = ReportsPage(_ctx(db, make_actor(Role.MANAGER)))
    qtbot.addWidget(page)
    assert "importExportsButton" not in page.buttons  # headquarters only
    dialog = page.monthly_export()
    dialog.month.setDate(dialog.month.date().fromString("2026-10-01", "yyyy-MM-dd"))
    dialog.folder.setText(str(tmp_path / "missing"))
    dialog.start()
    assert "existing folder" in dialog.errors.labels["folder"].text()
    dialog.folder.setText(str(tmp_path))
    dialog.encrypt.setChecked(False)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.result_export is not None, timeout=15000)
    assert (tmp_path / "GAO-2026-10.xlsx").exists() and (tmp_path / "GAO-2026-10.zip").exists()
    assert dialog.result_export.stats.arrivals == 3


def test_headquarters_import_and_annual_report_dialogs(qtbot, qsettings_isolated, db, centres, make_actor, data,
                                                       tmp_path):
    from transit_centre.reports.export import monthly_export
    from transit_centre.ui.reports.page import ReportsPage

    export = monthly_export(db, make_actor(Role.MANAGER), "2026-10", centres["GAO"], tmp_path,
                            as_of=dt.date(2026, 11, 15))
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"garbage")
    page = ReportsPage(_ctx(db, make_actor(Role.HQ, centre=None)))
    qtbot.addWidget(page)
    dialog = page.import_exports()
    dialog.add_files([str(export.package_path), str(broken)])
    dialog.start()
    qtbot.waitUntil(lambda: bool(dialog.results), timeout=15000)
    texts = [dialog.outcome.item(i).text() for i in range(dialog.outcome.count())]
    assert texts[0].startswith("✔") and "imported" in texts[0]
    assert texts[1].startswith("✖") and "damaged" in texts[1]
    dialog.close()
    report = page.annual_report()
    report.year.setValue(2026)
    report.folder.setText(str(tmp_path))
    report.start()
    qtbot.waitUntil(lambda: report.result_path is not None, timeout=15000)
    assert report.result_path.name == "ALL-2026-consolidated.xlsx"


def test_arrival_import_dialog(qtbot, qsettings_isolated, db, centres, make_actor, data, tmp_path):
    from transit_centre.ui.reports.page import ReportsPage

    path = tmp_path / "convoy.csv"
    path.write_text("Nom,Prénom,Sexe,Âge,Nationalité\nDembélé,Salif,M,30,ML\nTouré,,F,22,ML\n", encoding="utf-8")
    page = ReportsPage(_ctx(db, make_actor(Role.CASEWORKER)))
    qtbot.addWidget(page)
    dialog = page.arrival_import()
    dialog.load_file(path)
    assert dialog.combos["last_name"].currentData() == 0 and dialog.combos["estimated_age"].currentData() == 3
    dialog.run_preview()
    assert dialog.grid.rowCount() == 2 and dialog.import_button.isEnabled()
    assert "First name" in dialog.grid.item(1, 2).text()
    dialog.run_import()
    assert dialog.result.imported == 1
    dialog.resize(1000, 650)
    dialog.grab().save(str(tmp_path / "arrivals.png"))

"""Screens of the annual report's records: the returnee group and the reintegration tab in a
resident's file (after the departure too), and headquarters' view of the exports received."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from support.avrr import add_resident, departed_malian
from support.qt import pick_resident
from transit_centre.enums import ReintegrationKind, ReturneeGroup, Role
from transit_centre.i18n import set_language
from transit_centre.ui.common.context import UiContext


@pytest.fixture(autouse=True)
def english_and_quiet(monkeypatch):
    set_language("en")
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Ok)


def _shot(widget, tmp_path, name):
    """Save a screenshot (into $TC_SCREENSHOTS too when set, to look at it)."""
    folder = Path(os.environ.get("TC_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(folder / name))
    assert (folder / name).stat().st_size > 0


def _ctx(db, actor):
    return UiContext(db=db, actor=actor, centre_code="GAO" if actor.current_centre_id else "",
                     centre_name="GAO" if actor.current_centre_id else "")


def test_resident_file_shows_and_sets_the_group_and_records_reintegration(qtbot, qsettings_isolated, db, centres,
                                                                         make_actor, tmp_path):
    from transit_centre.ui.residents.detail import ResidentDetailDialog

    rid, _case = departed_malian(db, centres, make_actor)
    ctx = _ctx(db, make_actor(Role.CASEWORKER))
    dialog = ResidentDetailDialog(ctx, rid)
    qtbot.addWidget(dialog)
    assert dialog.fields["returnee_group"].text() == (
        "Malian returning home (derived from the nationality and the return destination)")
    assert dialog.fields["stay"].text() == "No (no open stay)"  # gone home: the file is still open
    dialog.change_group(ReturneeGroup.IDP.label)
    assert dialog.fields["returnee_group"].text() == "Internally displaced person (set by a caseworker)"
    dialog.change_group("Derive it from the nationality and the return destination")
    assert dialog.detail.resident.returnee_group == ReturneeGroup.MALIAN_RETURNEE

    tab = dialog.reintegration
    dialog.tabs.setCurrentWidget(tab)
    form = tab.add()
    form.kind.set_value(ReintegrationKind.CASH_IMMEDIATE)
    form.submit()  # cash without an amount, no partner: refused, the dialog stays open
    assert form.errors.message("amount") and form.errors.message("partner") and form.isVisible()
    form.amount.setValue(75_000)
    qtbot.keyClicks(form.partner, "OIM Kayes")
    form.submit()
    assert form.result_view is not None and form.result_view.amount == 75_000 and not form.isVisible()
    assert tab.table.rowCount() == 1 and tab.table.item(0, 1).text() == "Cash for immediate needs"
    assert "75" in tab.table.item(0, 2).text()
    dialog.resize(900, 560)
    _shot(dialog, tmp_path, "reintegration.png")
    dialog.tabs.setCurrentIndex(0)
    _shot(dialog, tmp_path, "resident-biodata.png")
    dialog.reload()
    titles = [dialog.timeline.item(r, 1).text() for r in range(dialog.timeline.rowCount())]
    assert "Reintegration assistance – Cash for immediate needs" in titles


def test_reintegration_tab_is_read_only_without_the_permission(qtbot, qsettings_isolated, db, centres, make_actor):
    from transit_centre.ui.residents.detail import ResidentDetailDialog

    rid = add_resident(db, centres["GAO"], nationality="ML")
    dialog = ResidentDetailDialog(_ctx(db, make_actor(Role.HQ, centre=None)), rid)
    qtbot.addWidget(dialog)
    assert dialog.reintegration is not None
    assert not dialog.reintegration.findChild(type(dialog.edit_button), "addReintegrationButton").isVisibleTo(dialog)
    assert not dialog.group_button.isVisibleTo(dialog)
    nurse = ResidentDetailDialog(_ctx(db, make_actor(Role.MEDICAL)), rid)
    qtbot.addWidget(nurse)
    assert nurse.reintegration is None


def test_headquarters_sees_who_has_not_sent_their_export(qtbot, qsettings_isolated, db, centres, make_actor, tmp_path):
    from support.reports_data import AS_OF, load
    from transit_centre.reports.consolidate import import_packages
    from transit_centre.reports.export import monthly_export
    from transit_centre.ui.reports.page import ReportsPage

    load(db, centres)
    package = monthly_export(db, make_actor(Role.MANAGER), "2026-10", centres["GAO"], tmp_path, as_of=AS_OF)
    hq = make_actor(Role.HQ, centre=None)
    import_packages(db, hq, [package.package_path])  # the same database plays headquarters here
    page = ReportsPage(_ctx(db, hq))
    qtbot.addWidget(page)
    box = page.coverage
    box.year.setValue(2026)
    cov = box.coverage
    assert len(cov.centres) == 14 and cov.state("GAO", "2026-10") == "received"
    gao, october = [c for c, _n in cov.centres].index("GAO"), cov.months.index("2026-10")
    assert box.table.item(gao, october).text() == "✓"
    assert box.table.item(gao, 0).text() == "missing"  # January 2026 has ended: nothing came
    due = len(cov.due)
    assert box.summary.text().startswith(f"1 of {14 * due} centre-months received; missing: ")
    page.resize(1200, 700)
    _shot(page, tmp_path, "coverage.png")
    box.year.setValue(2031)
    assert box.table.item(gao, 0).text() == "" and box.summary.text().endswith("missing: none")


def test_a_grant_entered_after_the_fact_is_planned_and_approved_on_its_day(qtbot, qsettings_isolated, db, centres,
                                                                          make_actor, monkeypatch):
    import datetime as dt

    from sqlalchemy import select

    from transit_centre.avrr import cash as svc
    from transit_centre.db.models import AuditEntry
    from transit_centre.enums import AuditAction, GrantKind
    from transit_centre.ui.cash.page import CashPage, PlanGrantDialog

    rid = add_resident(db, centres["GAO"], "Mamadou", "Sylla", nationality="ML")
    day = dt.date.today() - dt.timedelta(days=5)
    page = CashPage(_ctx(db, make_actor(Role.CASEWORKER)))
    qtbot.addWidget(page)
    plan = PlanGrantDialog(page.ctx, page)
    qtbot.addWidget(plan)
    pick_resident(qtbot, plan.picker, "sylla")
    plan.kind.set_value(GrantKind.EMERGENCY)
    plan.day.setDate(day)
    plan.submit()
    assert plan.result_grant.planned_on == day
    manager = CashPage(_ctx(db, make_actor(Role.MANAGER)))
    qtbot.addWidget(manager)
    asked = []
    monkeypatch.setattr("transit_centre.ui.cash.page.QMessageBox.question",
                        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes)
    manager.to_approve.selectRow(0)
    manager.approve_button.click()
    grant = svc.get_grant(db, make_actor(Role.MANAGER), plan.result_grant.id)
    assert asked and grant.status.value == "approved"
    with db.transaction(None, readonly=True) as s:
        fields = set(s.scalars(select(AuditEntry.field).where(AuditEntry.action == AuditAction.BACKDATED)))
    assert fields == {"planned_on", "approved_at"}

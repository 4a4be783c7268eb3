"""Screens of the casework issue: a departure refused because of a flag, the flags and follow-ups
tab of a resident's file, the flag warning in the check-out dialog, and the dashboard's tasks."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QDialog, QInputDialog, QMessageBox

from support.avrr import TODAY, add_fit, add_resident, open_international, walk_to_fit
from transit_centre.avrr import movements as M
from transit_centre.casework import followups
from transit_centre.protection import flags
from transit_centre.enums import FollowUpKind
from transit_centre.enums import MovementMode, MovementStatus, Role
from transit_centre.i18n import set_language
from transit_centre.shelter.stays import present_residents
from transit_centre.ui.common.context import UiContext

REASON = "Enquête de protection en cours"


@pytest.fixture(autouse=True)
def _english():
    set_language("en")


def _ctx(db, actor):
    return UiContext(db=db, actor=actor, centre_code="GAO", centre_name="GAO - Gao")


def _flag(db, actor, rid, code="do_not_release"):
    flag_type = next(t for t in flags.list_flag_types(db, actor) if t.code == code)
    return flags.set_flag(db, actor, rid, flag_type.id, reason=REASON)


def test_departure_refused_by_a_flag_shows_the_reason(db, centres, make_actor, qtbot, qsettings_isolated,
                                                      monkeypatch):
    from transit_centre.ui.returns.movements import MovementsPage

    gao = centres["GAO"]
    cw, manager = make_actor(Role.CASEWORKER), make_actor(Role.MANAGER)
    rid = add_resident(db, gao, "Ibrahim", "Sylla")
    add_fit(db, gao, rid)
    case = open_international(db, cw, rid).summary.id
    walk_to_fit(db, cw, case)
    movement = M.create_movement(db, cw, M.MovementInput(TODAY, MovementMode.BUS_CONVOY, "GN", "Gao → Conakry"))
    M.add_case(db, cw, movement.id, case)
    flag = _flag(db, manager, rid)

    warnings = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warnings.append(text))
    page = MovementsPage(_ctx(db, cw))
    qtbot.addWidget(page)
    page.select_movement(movement.id)
    page.actions["departed"].click()
    assert len(warnings) == 1 and REASON in warnings[0] and "departure" in warnings[0]
    assert page.current.status == MovementStatus.PLANNED
    assert M.get_movement(db, cw, movement.id).status == MovementStatus.PLANNED

    flags.remove_flag(db, manager, flag.id, reason="Enquête close")
    page.select_movement(movement.id)
    page.actions["departed"].click()
    assert len(warnings) == 1 and page.current.status == MovementStatus.DEPARTED


def test_flags_and_follow_ups_tab(db, centres, make_actor, qtbot, qsettings_isolated, monkeypatch):
    from transit_centre.ui.residents.casework_tab import FollowUpDialog, SetFlagDialog
    from transit_centre.ui.residents.detail import ResidentDetailDialog

    manager = make_actor(Role.MANAGER)
    rid = add_resident(db, centres["GAO"], "Mariam", "Diarra")
    dialog = ResidentDetailDialog(_ctx(db, manager), rid)
    qtbot.addWidget(dialog)
    tab = dialog.casework

    def set_flag(d: SetFlagDialog) -> int:
        d.kind.setCurrentIndex(d.kind.findText("Payments suspended"))
        assert "Refuse cash disbursements" in d.effects.text()
        d.submit()  # no reason: the field says so and nothing is saved
        assert d.result() != QDialog.DialogCode.Accepted and d.errors.labels["reason"].isVisibleTo(d)
        d.reason.setPlainText("Double paiement signalé")
        d.submit()
        return d.result()

    monkeypatch.setattr(SetFlagDialog, "exec", set_flag)
    tab.findChild(type(dialog.edit_button), "setFlagButton").click()
    assert tab.flags_table.rowCount() == 1
    assert tab.flags_table.item(0, 0).text() == "Payments suspended"
    assert tab.flags_table.item(0, 1).text() == "Double paiement signalé"

    tab.flags_table.selectRow(0)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Vérifié", True))
    tab.findChild(type(dialog.edit_button), "removeFlagButton").click()
    assert tab.flags_table.rowCount() == 0
    assert flags.resident_flags(db, manager, rid, include_removed=True)[0].removal_reason == "Vérifié"

    def add_task(d: FollowUpDialog) -> int:
        d.kind.set_value(FollowUpKind.CONSULAR_APPOINTMENT)
        assert d.title.text() == "Consular appointment"
        d.due.setDate(dt.date.today() - dt.timedelta(days=1))
        d.submit()
        return d.result()

    monkeypatch.setattr(FollowUpDialog, "exec", add_task)
    tab.findChild(type(dialog.edit_button), "addFollowUpButton").click()
    assert tab.tasks_table.rowCount() == 1 and tab.tasks_table.item(0, 3).text() == "Overdue"
    tab.tasks_table.selectRow(0)
    tab.findChild(type(dialog.edit_button), "doneFollowUpButton").click()
    assert tab.tasks_table.item(0, 3).text() == "Done"

    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("Croix-Rouge malienne", True))
    tab.findChild(type(dialog.edit_button), "addSharingConsentButton").click()
    assert tab.consents_table.item(0, 0).text() == "Croix-Rouge malienne"
    assert tab.consents_table.item(0, 3).text() == "Given"


def test_check_out_dialog_warns_and_refuses_with_the_flag(db, centres, make_actor, qtbot, qsettings_isolated):
    from transit_centre.ui.shelter.dialogs import CheckOutDialog

    gao = centres["GAO"]
    manager = make_actor(Role.MANAGER)
    rid = add_resident(db, gao, "Oumar", "Touré")
    _flag(db, manager, rid)
    resident = next(p for p in present_residents(db, manager, gao) if p.resident_id == rid)
    dialog = CheckOutDialog(_ctx(db, manager), resident)
    qtbot.addWidget(dialog)
    assert dialog.advice.isVisibleTo(dialog) and REASON in dialog.advice.text()
    assert dialog.submit() is False
    assert REASON in dialog.errors.general_label().text()


def test_dashboard_lists_my_tasks_and_the_overdue(db, centres, make_actor, qtbot, qsettings_isolated):
    from transit_centre.ui.reports.dashboard import DashboardPage

    manager = make_actor(Role.MANAGER)
    rid = add_resident(db, centres["GAO"], "Fanta", "Coulibaly")
    followups.create_follow_up(db, manager, rid, kind=FollowUpKind.MEDICAL_REVIEW, title="Contrôle tension",
                               due_date=dt.date.today() - dt.timedelta(days=2))
    followups.create_follow_up(db, manager, rid, kind=FollowUpKind.FAMILY_TRACING, title="Réponse Croix-Rouge",
                               due_date=dt.date.today() + dt.timedelta(days=5))
    page = DashboardPage(_ctx(db, manager))
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.my_tasks.rowCount() == 2, timeout=10000)
    assert page.overdue_tasks.rowCount() == 1 and page.overdue_tasks.item(0, 2).text() == "Contrôle tension"
    assert page.task_tabs.tabText(0) == "My tasks (2)" and page.task_tabs.tabText(1) == "Overdue (1)"


def test_administrator_defines_a_flag_type_and_a_distribution_rule(db, centres, make_actor, qtbot,
                                                                   qsettings_isolated):
    from transit_centre.care import distribution_rules as distribution
    from transit_centre.enums import FlagEffect
    from transit_centre.enums import ServiceKind
    from transit_centre.ui.admin.casework import DistributionRulesAdmin, FlagTypesAdmin

    admin = make_actor(Role.ADMIN, centre=None)
    tab = FlagTypesAdmin(_ctx(db, admin))
    qtbot.addWidget(tab)
    shipped = tab.table.rowCount()
    tab.new()
    tab.code.setText("escort_required")
    tab.name_fr.setText("")
    assert tab.save() is False and tab.errors.labels["name_fr"].isVisibleTo(tab)
    tab.name_fr.setText("Escorte obligatoire")
    tab.name_en.setText("Escort required")
    tab.effects[FlagEffect.BLOCK_CHECK_OUT].setChecked(True)
    assert tab.save() is True and tab.table.rowCount() == shipped + 1
    created = next(t for t in flags.list_flag_types(db, admin) if t.code == "escort_required")
    assert created.effects == (FlagEffect.BLOCK_CHECK_OUT,) and created.name_en == "Escort required"

    rules = DistributionRulesAdmin(_ctx(db, admin))
    qtbot.addWidget(rules)
    rules.kind.set_value(ServiceKind.NFI_KIT)
    rules.subtype.setCurrentIndex(1)
    chosen = rules.subtype.currentData()
    rules.interval.setValue(30)
    rules.per_period.setValue(2)  # a maximum per period without its length: refused next to the field
    assert rules.save() is False and rules.errors.labels["period_days"].isVisibleTo(rules)
    rules.period.setValue(90)
    rules.excludes.item(2).setCheckState(rules.excludes.item(2).checkState().Checked)
    rules.per_household.setChecked(True)
    assert rules.save() is True and rules.table.rowCount() == 1
    saved = distribution.list_rules(db, admin)[0]
    assert (saved.kind, saved.subtype, saved.min_interval_days, saved.max_per_period, saved.period_days) == (
        ServiceKind.NFI_KIT, chosen, 30, 2, 90)
    assert saved.per_household and len(saved.excludes) == 1 and saved.max_per_day is None
    assert "2 in 90 days" in rules.table.item(0, 4).text()

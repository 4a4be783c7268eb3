"""The Returns, Movements and Cash screens: one case walked from registration to departure,
with pocket money paid against a numbered receipt."""
from __future__ import annotations

import pytest
from support.avrr import TODAY, add_fit, add_resident

from support.qt import pick_resident, wait_loaded
from transit_centre.avrr import cases as case_service
from transit_centre.enums import GrantKind, ReturnStatus, ReturnStep, ReturnType, Role
from transit_centre.i18n import set_language
from transit_centre.ui.common.dialogs import ReasonDialog
from transit_centre.ui.cash.page import CashPage, DisburseDialog, PlanGrantDialog
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.returns.movements import MovementDialog, MovementsPage
from transit_centre.ui.returns.page import NewCaseDialog, ReturnsPage, StepDialog


@pytest.fixture(autouse=True)
def _english():
    set_language("en")


def _ctx(db, actor):
    return UiContext(db=db, actor=actor, centre_code="GAO", centre_name="Gao")


def _fill_step(dialog: StepDialog) -> int:
    if dialog.step in (ReturnStep.DOCUMENTS_REQUESTED, ReturnStep.DOCUMENTS_OBTAINED):
        dialog.kind.setCurrentIndex(dialog.kind.findData("laissez_passer"))
    if dialog.step == ReturnStep.DOCUMENTS_OBTAINED:
        dialog.number.setText("LP-2026-0042")
    dialog.submit()
    return dialog.result()


def test_walk_one_case_to_departure_with_pocket_money(db, centres, make_actor, qtbot, qsettings_isolated,
                                                       monkeypatch, tmp_path):
    gao = centres["GAO"]
    rid = add_resident(db, gao, "Mamadou", "Bah", nationality="GN")
    add_fit(db, gao, rid)
    cw = make_actor(Role.CASEWORKER, username="fatou")
    manager = make_actor(Role.MANAGER, username="moussa")
    cashier = make_actor(Role.CASH_OFFICER, username="seydou")

    # -- Returns: open the case, then record every step up to fit-to-travel ------------------
    page = ReturnsPage(_ctx(db, cw))
    qtbot.addWidget(page)
    page.resize(1366, 700)
    dialog = NewCaseDialog(page.ctx, page)
    qtbot.addWidget(dialog)
    dialog.submit()
    assert dialog.errors.message("resident_id")  # nothing chosen: refused next to the field
    assert pick_resident(qtbot, dialog.picker, "bah") is not None
    dialog.return_type.set_value(ReturnType.INTERNATIONAL)
    dialog.country.set_code("GN")
    dialog.submit()
    assert dialog.result_case is not None
    page.refresh()
    wait_loaded(qtbot, page.model)
    page.select_case(dialog.result_case.summary.id)
    assert page.model.rowCount() == 1
    assert page.detail.case.summary.current_step == ReturnStep.REGISTERED
    assert "Next step" in page.detail.missing.text()

    monkeypatch.setattr(StepDialog, "exec", _fill_step)
    for _i in range(5):
        page.detail.buttons["record"].click()
    case = page.detail.case
    assert case.summary.current_step == ReturnStep.FIT_TO_TRAVEL
    assert [s.state for s in case.steps[:6]] == ["done"] * 6
    assert "Add the case to a movement" in page.detail.missing.text()
    assert not page.detail.buttons["record"].isEnabled()  # booking happens on a movement
    page.grab().save(str(tmp_path / "returns.png"))

    # -- Movements: plan a bus convoy, check readiness, add the case, mark departed ---------
    movements = MovementsPage(_ctx(db, cw))
    qtbot.addWidget(movements)
    movements.resize(1366, 700)
    md = MovementDialog(movements.ctx, None, movements)
    qtbot.addWidget(md)
    md.mode.set_value("bus_convoy")
    md.country.set_code("GN")
    md.legs.setPlainText("Gao → Bamako\nBamako → Conakry")
    md.carrier.setText("Sonef")
    md.escorts.setPlainText("Ibrahim Touré")
    md.submit()
    assert md.result_movement is not None
    movements.current = md.result_movement
    movements.refresh()
    assert movements.readiness.rowCount() == 1
    assert movements.readiness.item(0, 2).text() == "Ready"
    movements.readiness.selectRow(0)
    movements.add_button.click()
    assert len(movements.current.travellers) == 1
    assert movements.manifest.rowCount() == 1
    assert movements.manifest.item(0, 4).text() == "LP-2026-0042"
    movements.grab().save(str(tmp_path / "movements.png"))

    # -- Cash: plan pocket money, approve (manager), disburse (cash officer) -----------------
    cash_cw = CashPage(_ctx(db, cw))
    qtbot.addWidget(cash_cw)
    plan = PlanGrantDialog(cash_cw.ctx, cash_cw)
    qtbot.addWidget(plan)
    pick_resident(qtbot, plan.picker, "mamadou")
    plan.kind.set_value(GrantKind.POCKET_MONEY)
    assert plan.amount.value() == 25_000  # the administrator's default
    plan.submit()
    assert plan.result_grant is not None and plan.result_grant.return_case_id == case.summary.id

    cash_manager = CashPage(_ctx(db, manager))
    qtbot.addWidget(cash_manager)
    assert cash_manager.to_approve.rowCount() == 1
    assert not cash_manager.disburse_button.isVisibleTo(cash_manager)
    cash_manager.to_approve.selectRow(0)
    cash_manager.approve_button.click()
    assert cash_manager.to_approve.rowCount() == 0 and cash_manager.to_disburse.rowCount() == 1

    cash = CashPage(_ctx(db, cashier))
    qtbot.addWidget(cash)
    cash.resize(1366, 700)
    cash.tabs.setCurrentIndex(1)
    cash.to_disburse.selectRow(0)
    issued = {}

    def pay(dialog: DisburseDialog) -> int:
        dialog.submit()
        issued["label"] = dialog.done_label.text()
        issued["receipt"] = dialog.receipt
        return dialog.result()

    monkeypatch.setattr(DisburseDialog, "exec", pay)
    cash.disburse_button.click()
    number = f"GAO-{TODAY.year}-R-000001"
    assert issued["receipt"].number == number and number in issued["label"]
    from PySide6.QtWidgets import QMessageBox

    box = cash.findChild(QMessageBox, "receiptIssuedBox")
    assert box is not None and box.isVisible() and number in box.text()
    box.accept()
    assert cash.to_disburse.rowCount() == 0
    assert cash.receipts.rowCount() == 1 and cash.receipts.item(0, 0).text() == number
    assert "25" in cash.summary.text()
    cash.tabs.setCurrentIndex(2)
    cash.grab().save(str(tmp_path / "cash.png"))

    # -- departure: the case moves to "departed" --------------------------------------------
    monkeypatch.setattr("transit_centre.ui.returns.movements.QMessageBox.question",
                        lambda *a, **k: __import__("PySide6.QtWidgets").QtWidgets.QMessageBox.StandardButton.Yes)
    movements.actions["departed"].click()
    assert movements.current.status.value == "departed"
    detail = case_service.get_case(db, cw, case.summary.id)
    assert detail.summary.current_step == ReturnStep.DEPARTED
    page.refresh()
    wait_loaded(qtbot, page.model)
    assert page.detail.case.summary.current_step == ReturnStep.DEPARTED


def test_hold_and_cancel_buttons(db, centres, make_actor, qtbot, qsettings_isolated, monkeypatch):
    gao = centres["GAO"]
    rid = add_resident(db, gao, "Awa", "Keita", nationality="ML")
    cw = make_actor(Role.CASEWORKER)
    detail = case_service.open_case(db, cw, case_service.CaseInput(rid, ReturnType.MALIAN_HOME, "ML", "Kayes"))
    page = ReturnsPage(_ctx(db, cw))
    qtbot.addWidget(page)
    page.select_case(detail.summary.id)
    answers = iter([("", "waiting for the family"), ("changed_mind", "")])

    def answer(dialog: ReasonDialog) -> int:
        value, text = next(answers)
        if value:
            dialog.choice.setCurrentIndex(dialog.choice.findData(value))
        dialog.reason.setPlainText(text)
        dialog.submit()
        return dialog.result()

    monkeypatch.setattr(ReasonDialog, "exec", answer)
    page.detail.buttons["hold"].click()
    assert page.detail.case.summary.status == ReturnStatus.ON_HOLD
    assert not page.detail.buttons["record"].isEnabled() and page.detail.buttons["resume"].isEnabled()
    page.detail.buttons["cancel"].click()
    assert page.detail.case.summary.status == ReturnStatus.CANCELLED
    assert not any(b.isEnabled() for b in page.detail.buttons.values())
    # the default filter shows open cases only
    page.refresh()
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 0
    page.status.setCurrentIndex(page.status.findData("cancelled"))
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 1


def test_readonly_roles_see_no_write_buttons(db, make_actor, qtbot, qsettings_isolated):
    hq = make_actor(Role.HQ, centre=None)
    page = CashPage(UiContext(db=db, actor=hq))
    qtbot.addWidget(page)
    assert not page.plan_button.isVisibleTo(page) and not page.void_button.isVisibleTo(page)
    movements = MovementsPage(UiContext(db=db, actor=hq))
    qtbot.addWidget(movements)
    assert not movements.actions["new"].isVisibleTo(movements)

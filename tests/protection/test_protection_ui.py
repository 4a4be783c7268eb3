"""The screens of the protection rules: one consultation per click however often Save is hit,
a registration that starts with no date of birth, the check-out dialog that shows the guardian
rule first and lets a family leave together, and the disbursement dialog that asks who received
a minor's money."""
from __future__ import annotations

import datetime as dt

import pytest
from support.avrr import TODAY
from support.care import add_resident, present  # noqa: F401 - fixture
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from transit_centre.db.models import Household, Resident, ServiceRecord, Stay, Vulnerability
from transit_centre.enums import HouseholdKind, Role, VulnerabilityKind
from transit_centre.security.permissions import Actor
from transit_centre.ui.care import forms as services_forms
from transit_centre.ui.common.context import UiContext


def _records(db) -> int:
    with db.transaction(None, readonly=True) as s:
        return s.scalar(select(func.count(ServiceRecord.id)))


def test_one_consultation_per_click(qtbot, qsettings_isolated, db, make_actor, present, monkeypatch):
    from transit_centre.ui.care.page import ServicesPage

    nurse = make_actor(Role.MEDICAL, username="nurse")
    page = ServicesPage(UiContext(db, nurse, "GAO", "Gao"))
    qtbot.addWidget(page)
    page.show()
    page.tabs.setCurrentWidget(page.medical)
    form = page.medical.consultation
    page.medical.picker.resident_id = present[0]
    states: list[bool] = []
    real = services_forms.medical.record_consultation

    def watched(*args, **kwargs):  # the button is off while the service works
        states.append(form.button.isEnabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(services_forms.medical, "record_consultation", watched)
    asked: list[str] = []
    monkeypatch.setattr(services_forms, "confirm", lambda parent, title, question, name: asked.append(question))
    form.button.setFocus()
    for _press in range(7):  # Space held down on the Save button
        qtbot.keyClick(form.button, Qt.Key.Key_Space)
        QApplication.processEvents()
    assert _records(db) == 1
    assert states and not any(states)
    assert len(asked) == 6 and "déjà enregistré" in asked[0]  # each later press asked, and answered no
    assert form.button.isEnabled()
    # Answering yes records the second one, deliberately.
    monkeypatch.setattr(services_forms, "confirm", lambda *args: True)
    qtbot.mouseClick(form.button, Qt.MouseButton.LeftButton)
    assert _records(db) == 2


def test_registration_starts_with_no_date_of_birth(qtbot, qsettings_isolated, db, make_actor):
    from transit_centre.ui.residents.form import BIRTH_YEAR, ResidentForm

    form = ResidentForm(UiContext(db, make_actor(Role.CASEWORKER), "GAO", "Gao"))
    qtbot.addWidget(form)
    assert form.dob.text().strip() == ""  # nothing pre-filled
    form.first_name.setText("Awa")
    form.last_name.setText("Sidibé")
    form.sex.setCurrentIndex(1)
    form.nationality.set_code("ML")
    form.save()
    assert "date de naissance" in form.errors.message("date_of_birth")
    form.birth_mode.setCurrentIndex(form.birth_mode.findData(BIRTH_YEAR))
    form.birth_year.setValue(2010)
    form.save()
    assert form.saved is not None
    with db.transaction(None, readonly=True) as s:
        r = s.get(Resident, form.saved.id)
        assert r.date_of_birth == dt.date(2010, 1, 1) and r.dob_estimated


def _family(db, centres):
    gao = centres["GAO"]
    mother = add_resident(db, gao, "Awa", "Traoré", dob=dt.date(1990, 1, 1))
    child = add_resident(db, gao, "Fanta", "Traoré", dob=TODAY.replace(year=TODAY.year - 8))
    with db.transaction(Actor.system()) as s:
        household = Household(centre_id=gao, name="Famille Traoré", kind=HouseholdKind.FAMILY)
        s.add(household)
        s.flush()
        for rid in (mother, child):
            s.get(Resident, rid).household_id = household.id
    return mother, child


def test_check_out_dialog_shows_the_guardian_rule_and_lets_the_family_leave_together(
        qtbot, qsettings_isolated, db, centres, make_actor, tmp_path):
    from transit_centre.shelter.stays import present_residents
    from transit_centre.ui.shelter.dialogs import CheckOutDialog

    manager = make_actor(Role.MANAGER)
    mother, child = _family(db, centres)
    resident = next(p for p in present_residents(db, manager, centres["GAO"]) if p.resident_id == child)
    dialog = CheckOutDialog(UiContext(db, manager, "GAO", "Gao"), resident)
    qtbot.addWidget(dialog)
    dialog.show()
    warning = dialog.findChild(type(dialog.together.warning), "separationWarning")
    assert warning.isVisible() and "Awa Traoré" in warning.text()
    dialog.grab().save(str(tmp_path / "check-out-child.png"))
    dialog.reason_combo.set_value("left_on_own")
    assert not dialog.submit()  # refused without a reason: nothing saved
    assert dialog.errors.message("separation_reason")
    # Ticking the mother: they leave together, no warning, no separation recorded.
    item = dialog.together.list.item(0)
    item.setCheckState(Qt.CheckState.Checked)
    assert not warning.isVisible()
    assert dialog.submit()
    with db.transaction(None, readonly=True) as s:
        assert s.scalar(select(func.count(Stay.id)).where(Stay.departure_date.is_(None),
                                                          Stay.resident_id.in_([mother, child]))) == 0
        assert s.scalar(select(func.count(Vulnerability.id)).where(
            Vulnerability.kind == VulnerabilityKind.SEPARATED_MINOR)) == 0


def test_disbursement_dialog_asks_who_received_a_minors_money(qtbot, qsettings_isolated, db, centres, make_actor):
    from transit_centre.avrr import cash as K
    from transit_centre.ui.cash.page import DisburseDialog

    cw, manager = make_actor(Role.CASEWORKER), make_actor(Role.MANAGER, username="chef")
    cash = make_actor(Role.CASH_OFFICER, username="cash")
    mother, child = _family(db, centres)
    grant = K.approve_grant(db, manager, K.plan_grant(db, cw, K.GrantInput(child, "pocket_money", 25_000)).id)
    dialog = DisburseDialog(UiContext(db, cash, "GAO", "Gao"), grant)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.minor_note.isVisible() and dialog.recipient.isVisible()
    assert dialog.recipient.itemText(0) == "Awa Traoré"  # the family's adult is offered
    dialog.submit()
    assert dialog.receipt is None and dialog.errors.message("received_by_name")
    dialog.recipient.setCurrentIndex(0)
    dialog.recipient_role.set_value("parent")
    dialog.submit()
    assert dialog.receipt is not None and dialog.receipt.received_by_name == "Awa Traoré"

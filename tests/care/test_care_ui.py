"""Services screen: a bulk meal distribution for everyone present in two clicks; an MHPSS group
activity with 12 attendees; voiding and confidential notes from the recent services list."""
from __future__ import annotations

import pytest
from support.care import present  # noqa: F401 - fixture
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from support.qt import pick_resident, search_residents, wait_loaded
from transit_centre.ui.common.resident_picker import resident_search
from transit_centre.care import medical, records
from transit_centre.db.models import ServiceParticipant, ServiceRecord
from transit_centre.enums import Role, ServiceKind
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.care.page import ServicesPage


def _page(qtbot, db, actor) -> ServicesPage:
    page = ServicesPage(UiContext(db, actor, "GAO", "Gao"))
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    return page


def _count(db, *where) -> int:
    with db.transaction(None, readonly=True) as s:
        return s.scalar(select(func.count(ServiceRecord.id)).where(*where))


def test_meals_for_everyone_present_in_one_click(qtbot, qsettings_isolated, db, make_actor, present, tmp_path):
    page = _page(qtbot, db, make_actor(Role.CASEWORKER))
    tab = page.distribution
    assert page.tabs.currentWidget() is tab and tab.kind.value() == ServiceKind.MEAL
    assert len(tab.present.checked_ids()) == 15 and "15" in tab.button.text()
    page.grab().save(str(tmp_path / "distribution.png"))
    qtbot.mouseClick(tab.button, Qt.MouseButton.LeftButton)
    assert _count(db, ServiceRecord.kind == ServiceKind.MEAL) == 15
    assert "15" in tab.status.text()
    wait_loaded(qtbot, page.recent.model)
    assert page.recent.total == 15
    # Clicking again warns; "skip" records nobody twice, cancel records nothing.
    asked = []
    tab.confirm_repeats = lambda preview: asked.append(len(preview.repeats)) or "skip"
    qtbot.mouseClick(tab.button, Qt.MouseButton.LeftButton)
    assert asked == [15] and _count(db, ServiceRecord.kind == ServiceKind.MEAL) == 15


def test_nfi_kits_for_ticked_residents_with_filter(qtbot, qsettings_isolated, db, make_actor, present):
    page = _page(qtbot, db, make_actor(Role.MANAGER))
    tab = page.distribution
    tab.kind.set_value(ServiceKind.NFI_KIT)
    tab.subtype.setCurrentIndex(tab.subtype.findData("blanket_mat"))
    tab.present.set_all(False)
    qtbot.keyClicks(tab.present.filter, "diallo")
    tab.present.set_all(True)
    tab.present.filter.clear()
    assert len(tab.present.checked_ids()) == 1
    qtbot.mouseClick(tab.button, Qt.MouseButton.LeftButton)
    assert _count(db, ServiceRecord.subtype == "blanket_mat") == 1


def test_group_mhpss_activity_with_12_attendees(qtbot, qsettings_isolated, db, make_actor, present, tmp_path):
    page = _page(qtbot, db, make_actor(Role.MHPSS, username="psy"))
    assert page.distribution is None and page.counselling is None and page.medical is None
    page.tabs.setCurrentWidget(page.mhpss)
    page.mhpss.setCurrentWidget(page.mhpss.group)
    form = page.mhpss.group
    assert form.attendance.list.count() == 15 and form.attendance.checked_ids() == []
    qtbot.keyClicks(form.title, "Atelier dessin")
    form.attendance.set_checked(present[:11])
    qtbot.keyClicks(form.attendance.filter, "maiga")  # Amadou Maïga, typed without the accent
    visible = [i for i in form.attendance.items() if not i.isHidden()]
    assert len(visible) == 1
    visible[0].setCheckState(Qt.CheckState.Checked)
    form.attendance.filter.clear()
    assert "12" in form.attendance.count.text()
    form.note.setPlainText("Participants calmes – SECRET")
    page.grab().save(str(tmp_path / "mhpss-group.png"))
    qtbot.mouseClick(form.button, Qt.MouseButton.LeftButton)
    assert form.errors.general_label().isHidden(), form.errors.general_label().text()
    with db.transaction(None, readonly=True) as s:
        record = s.scalars(select(ServiceRecord).where(ServiceRecord.kind == ServiceKind.MHPSS)).one()
        attendees = set(s.scalars(select(ServiceParticipant.resident_id).where(
            ServiceParticipant.service_id == record.id)))
    assert record.details["title"] == "Atelier dessin" and record.quantity == 12
    assert attendees == set(present[:11]) | {present[14]}
    assert form.attendance.checked_ids() == []
    # The recent list offers the note to MHPSS staff.
    recent = page.recent
    wait_loaded(qtbot, recent.model)
    recent.table.selectRow(0)
    assert recent.note_button.isEnabled()
    shown = []
    recent.show_note = lambda title, text: shown.append(text)
    recent.read_note()
    assert shown == ["Participants calmes – SECRET"]


def test_group_activity_without_participants_shows_the_error(qtbot, qsettings_isolated, db, make_actor, present):
    page = _page(qtbot, db, make_actor(Role.MHPSS))
    form = page.mhpss.group
    qtbot.mouseClick(form.button, Qt.MouseButton.LeftButton)
    assert form.errors.message("attendees") and form.errors.message("title")
    assert _count(db) == 0


def test_caseworker_sees_services_not_notes_and_voids(qtbot, qsettings_isolated, db, make_actor, present):
    medical.record_consultation(db, make_actor(Role.MEDICAL), present[0], consultation_type="curative",
                                provider="Dr S", note="SECRET")
    page = _page(qtbot, db, make_actor(Role.CASEWORKER))
    qtbot.mouseClick(page.distribution.button, Qt.MouseButton.LeftButton)
    recent = page.recent
    wait_loaded(qtbot, recent.model)
    assert recent.total == 16
    wait_loaded(qtbot, recent.model)
    row = next(i for i, v in enumerate(recent.model.rows) if v.kind == ServiceKind.MEDICAL)
    recent.table.selectRow(row)
    assert not recent.note_button.isEnabled() and not recent.void_button.isEnabled()
    texts = [recent.model.index(row, c).data() for c in range(recent.model.columnCount())]
    assert "SECRET" not in " ".join(texts)
    meal_row = next(i for i, v in enumerate(recent.model.rows) if v.kind == ServiceKind.MEAL)
    recent.table.selectRow(meal_row)
    assert recent.void_button.isEnabled()
    recent.ask_text = lambda title, label: "Erreur"
    recent.void_selected()
    assert _count(db, ServiceRecord.voided_at.is_not(None)) == 1


@pytest.mark.parametrize("role", [Role.MEDICAL, Role.HQ])
def test_page_opens_for_other_roles(qtbot, qsettings_isolated, db, make_actor, present, role):
    page = _page(qtbot, db, make_actor(role))
    assert page.tabs.count() == (2 if role == Role.MEDICAL else 1)
    records.page_services(db, make_actor(role), page.ctx.centre_id)


def test_nurse_records_a_consultation_and_fit_to_travel(qtbot, qsettings_isolated, db, make_actor, present, tmp_path):
    page = _page(qtbot, db, make_actor(Role.MEDICAL, username="nurse"))
    tab = page.medical
    qtbot.keyClicks(tab.picker.edit, "keita")
    assert search_residents(qtbot, tab.picker, "keita") == 1
    assert pick_resident(qtbot, tab.picker, "keita") == present[2]
    assert tab.fit.latest.text()
    form = tab.consultation
    form.type.set_value("vaccination")
    assert form.vaccine.isEnabled() and not form.facility.isEnabled()
    qtbot.mouseClick(form.button, Qt.MouseButton.LeftButton)
    assert form.errors.message("vaccine")
    form.vaccine.setText("Fièvre jaune")
    qtbot.keyClicks(form.dose, "1")
    form.note.setPlainText("RAS")
    qtbot.mouseClick(form.button, Qt.MouseButton.LeftButton)
    assert form.status.text() and not form.errors.message("vaccine")
    qtbot.mouseClick(tab.fit.button, Qt.MouseButton.LeftButton)
    page.grab().save(str(tmp_path / "medical.png"))
    with db.transaction(None, readonly=True) as s:
        fit = medical.latest_fit_to_travel(s, present[2])
    assert fit is not None and fit.status == "fit"
    assert _count(db, ServiceRecord.kind == ServiceKind.MEDICAL) == 2
    wait_loaded(qtbot, page.recent.model)
    assert page.recent.total == 2


def test_counselling_group_and_referral(qtbot, qsettings_isolated, db, make_actor, present, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    page = _page(qtbot, db, make_actor(Role.MANAGER))
    tab = page.counselling
    group = tab.group
    group.attendance.set_checked(present[:6])
    qtbot.mouseClick(group.button, Qt.MouseButton.LeftButton)
    assert _count(db, ServiceRecord.kind == ServiceKind.COUNSELLING) == 1
    form = tab.referral
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("Clinique juridique", True)))
    qtbot.mouseClick(form.new_partner, Qt.MouseButton.LeftButton)
    assert form.partner.currentText() == "Clinique juridique"
    qtbot.mouseClick(form.button, Qt.MouseButton.LeftButton)
    assert form.errors.general_label().text() or form.errors.message("resident")
    form.picker.set_choice(resident_search(page.ctx, presence="present")("traore")[0])
    form.area.set_value("legal")
    form.reason.setText("Papiers d'identité")
    form.override.setText("Résident mineur, urgence")
    qtbot.mouseClick(form.button, Qt.MouseButton.LeftButton)
    assert _count(db, ServiceRecord.kind == ServiceKind.REFERRAL) == 1, form.errors.general_label().text()
    recent = page.recent
    wait_loaded(qtbot, recent.model)
    row = next(i for i, v in enumerate(recent.model.rows) if v.kind == ServiceKind.REFERRAL)
    recent.table.selectRow(row)
    assert recent.outcome_button.isEnabled()

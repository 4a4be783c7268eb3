"""Shelter screen: check a resident in to a bed, move, transfer to another centre, check out,
and administer rooms and beds — through the widgets, as a user would."""
from __future__ import annotations

import datetime as dt

import pytest

from support.qt import pick_resident
from transit_centre.enums import BedKind, DepartureReason, Role, Sex
from transit_centre.shelter import admission, rooms
from transit_centre.shelter.stays import present_residents

from support.shelter import add_resident, make_beds


@pytest.fixture
def setup(db, centres, make_actor):
    manager = make_actor(Role.MANAGER, centre="GAO")
    beds = make_beds(db, manager, centres["GAO"], name="Dortoir A")
    return manager, beds, centres["GAO"]


@pytest.fixture
def page(qtbot, qsettings_isolated, db, setup):
    from transit_centre.ui.common.context import UiContext
    from transit_centre.ui.shelter.page import ShelterPage

    manager, beds, gao = setup
    widget = ShelterPage(UiContext(db, manager, "GAO", "Gao"))
    qtbot.addWidget(widget)
    widget.resize(1100, 650)
    widget.show()
    return widget


def _select_free_bed(page, bed_id) -> None:
    from transit_centre.ui.shelter.page import ROLE

    for i in range(page.tree.topLevelItemCount()):
        top = page.tree.topLevelItem(i)
        for j in range(top.childCount()):
            if top.child(j).data(0, ROLE) == f"free:{bed_id}":
                page.tree.setCurrentItem(top.child(j))
                return
    raise AssertionError("bed not shown as free")


def test_page_shows_rooms_beds_and_counts(page, setup):
    from PySide6.QtWidgets import QPushButton, QTreeWidget

    assert page.objectName() == "shelterPage"
    assert page.findChild(QTreeWidget, "occupancyView") is page.tree
    for name in ("checkInButton", "moveBedButton", "transferButton", "checkOutButton", "roomsAdminButton"):
        assert page.findChild(QPushButton, name) is not None, name
    top = page.tree.topLevelItem(0)
    assert top.text(0) == "Dortoir A" and top.childCount() == 5
    assert "0" in page.summary.text() and "5" in page.summary.text()
    assert "Hommes" in page.free_label.text()
    assert not page.move_button.isEnabled() and page.check_in_button.isEnabled()


def test_check_in_a_resident_to_a_bed_through_the_dialog(qtbot, page, db, setup):
    manager, beds, gao = setup
    rid = add_resident(db, gao, "Aïssata", "Traoré", Sex.FEMALE)
    _select_free_bed(page, beds["W1"])
    dialog = page.check_in_dialog()
    assert dialog.bed.currentData() == str(beds["W1"])  # the selected free bed is proposed
    assert not dialog.submit()  # nobody chosen yet
    assert dialog.errors.message("resident")
    assert pick_resident(qtbot, dialog.picker, "aissata traore") == rid
    assert dialog.picker.results.count() == 0  # chosen: the list closes
    assert dialog.selected_resident() == rid
    dialog.arrived_from.setText("Niamey")
    assert dialog.submit()
    page.refresh()
    assert [(p.resident_id, p.bed_label) for p in present_residents(db, manager, gao)] == [(rid, "W1")]
    assert page.select_resident(rid)
    assert page.move_button.isEnabled() and page.check_out_button.isEnabled()


def test_a_minor_needs_a_reason_in_the_dialog(qtbot, page, db, setup):
    manager, beds, gao = setup
    today = dt.date.today()
    rid = add_resident(db, gao, "Sekou", "Camara", dob=today.replace(year=today.year - 10))
    _select_free_bed(page, beds["F1"])
    dialog = page.check_in_dialog()
    pick_resident(qtbot, dialog.picker, "camara")
    assert not dialog.submit()
    assert "Sekou" in dialog.errors.message("override_reason")
    dialog.reason.setText("Avec sa mère")
    assert dialog.submit()
    assert admission.current_stay(db, manager, rid).bed_override_reason == "Avec sa mère"


def test_move_transfer_and_check_out_through_the_page(page, db, setup, centres, monkeypatch):
    from transit_centre.ui.shelter.dialogs import CheckOutDialog, MoveBedDialog, TransferDialog

    manager, beds, gao = setup
    first = add_resident(db, gao, "Moussa", "Traoré")
    second = add_resident(db, gao, "Ibrahim", "Keïta")
    admission.check_in(db, manager, first, centre_id=gao, bed_id=beds["M1"])
    admission.check_in(db, manager, second, centre_id=gao, bed_id=beds["M2"])
    page.refresh()

    assert page.select_resident(first)
    move = MoveBedDialog(page.ctx, gao, page.selected_resident(), page)
    move.bed.setCurrentIndex(move.bed.findData(str(beds["F1"])))
    assert move.submit()
    assert admission.current_stay(db, manager, first).bed_label == "F1"

    page.refresh()
    assert page.select_resident(first)
    transfer = TransferDialog(page.ctx, gao, page.selected_resident(), page)
    assert not transfer.submit() and transfer.errors.message("to_centre_id")
    transfer.centre.setCurrentIndex(transfer.centre.findData(str(centres["MOP"])))
    assert not transfer.bed.isEnabled()  # the manager does not work in Mopti
    transfer.note.setText("Plus près de la gare routière")
    assert transfer.submit()
    assert transfer.result_view.centre_id == centres["MOP"]
    stays = admission.resident_stays(db, manager, first)
    assert [s.departure_reason for s in stays] == [DepartureReason.TRANSFER, None]

    page.refresh()
    assert not page.select_resident(first)
    assert page.select_resident(second)
    out = CheckOutDialog(page.ctx, page.selected_resident(), page)
    out.reason_combo.set_value(DepartureReason.OTHER)
    assert not out.submit() and out.errors.message("note")
    out.note.setPlainText("Hospitalisé à Gao")
    assert out.submit()
    page.refresh()
    assert present_residents(db, manager, gao) == []
    assert "Hospitalisé" in admission.resident_stays(db, manager, second)[0].departure_note


def test_buttons_open_dialogs_and_refresh(page, db, setup, monkeypatch):
    """The page's buttons open the right dialog; an accepted dialog refreshes the tree."""
    from PySide6.QtWidgets import QDialog

    from transit_centre.ui.shelter import dialogs as shelter_dialogs

    manager, beds, gao = setup
    rid = add_resident(db, gao, "Moussa", "Traoré")
    admission.check_in(db, manager, rid, centre_id=gao, bed_id=beds["M1"])
    page.refresh()
    page.select_resident(rid)
    opened = []

    def fake_exec(dialog):
        opened.append(dialog.objectName())
        if dialog.objectName() == "checkOutDialog":
            dialog.reason_combo.set_value(DepartureReason.RETURN)
            return QDialog.DialogCode.Accepted if dialog.submit() else QDialog.DialogCode.Rejected
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(shelter_dialogs._ServiceDialog, "exec", fake_exec)
    page.move_button.click()
    page.transfer_button.click()
    page.check_out_button.click()
    page.check_in_button.click()
    assert opened == ["moveBedDialog", "transferDialog", "checkOutDialog", "checkInDialog"]
    assert page.residents == {}  # refreshed after the check-out


def test_rooms_and_beds_dialog(qtbot, qsettings_isolated, db, setup):
    from transit_centre.ui.common.context import UiContext
    from transit_centre.ui.shelter.rooms import RoomsAdminDialog

    manager, beds, gao = setup
    rid = add_resident(db, gao, "Moussa", "Traoré")
    admission.check_in(db, manager, rid, centre_id=gao, bed_id=beds["M1"])
    dialog = RoomsAdminDialog(UiContext(db, manager, "GAO", "Gao"), gao)
    qtbot.addWidget(dialog)
    dialog.new_room_name.setText("  ")
    assert not dialog.add_room()
    assert dialog.errors.message("name")
    dialog.new_room_name.setText("Famille 2")
    assert dialog.add_room()
    assert dialog.selected()[0] == "room"
    dialog.bed_count.setValue(3)
    dialog.bed_kind.set_value(BedKind.FAMILY)
    dialog.bed_prefix.setText("F2-")
    assert dialog.add_beds()
    room = next(r for r in rooms.list_rooms(db, manager, gao) if r.name == "Famille 2")
    assert [b.label for b in room.beds] == ["F2-1", "F2-2", "F2-3"]
    # rename the room, then a bed can't be deactivated while someone is in it
    dialog.edit_name.setText("Famille deux")
    assert dialog.save_selected()
    dialog.reload(select=beds["M1"])
    assert dialog.selected() == ("bed", beds["M1"])
    assert not dialog.toggle_active()
    assert "Traoré" in dialog.errors.general_label().text()
    dialog.reload(select=beds["M2"])
    dialog.edit_kind.set_value(BedKind.FAMILY)
    dialog.edit_name.setText("M2-bis")
    assert dialog.save_selected()
    assert dialog.toggle_active()
    listed = {b.label: b for r in rooms.list_rooms(db, manager, gao) for b in r.beds}
    assert listed["M2-bis"].kind == BedKind.FAMILY and not listed["M2-bis"].active
    assert dialog.changed


def test_readers_see_the_page_without_actions(qtbot, qsettings_isolated, db, setup, make_actor, centres):
    from transit_centre.ui.common.context import UiContext
    from transit_centre.ui.shelter.page import ShelterPage

    page = ShelterPage(UiContext(db, make_actor(Role.MEDICAL), "GAO", "Gao"))
    qtbot.addWidget(page)
    assert not page.check_in_button.isEnabled() and page.rooms_button.isHidden()
    hq = ShelterPage(UiContext(db, make_actor(Role.HQ, centre=None), "", ""))
    qtbot.addWidget(hq)
    assert hq.centre.isVisibleTo(hq) and hq.centre.count() > 1
    hq.centre.setCurrentIndex(hq.centre.findData(str(centres["GAO"])))
    assert hq.tree.topLevelItem(0).text(0) == "Dortoir A"
    assert not hq.check_in_button.isEnabled() and hq.rooms_button.isHidden()


def test_bed_nights_dialog(qtbot, qsettings_isolated, db, setup):
    from PySide6.QtCore import QDate

    from transit_centre.ui.common.context import UiContext
    from transit_centre.ui.shelter.dialogs import BedNightsDialog

    manager, beds, gao = setup
    today = dt.date.today()
    rid = add_resident(db, gao, "Moussa", "Traoré", case="GAO-2026-00077")
    admission.check_in(db, manager, rid, centre_id=gao, bed_id=beds["M1"], arrival_date=today - dt.timedelta(days=40))
    dialog = BedNightsDialog(UiContext(db, manager, "GAO", "Gao"), gao)
    qtbot.addWidget(dialog)
    start = today - dt.timedelta(days=9)
    dialog.start.setDate(QDate(start.year, start.month, start.day))
    assert dialog.load()
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 0).text() == "GAO-2026-00077"
    assert dialog.table.item(0, 2).data(0) == 10
    dialog.start.setDate(QDate(today.year + 0, today.month, today.day).addDays(1))
    dialog.end.setDate(QDate(today.year, today.month, today.day))
    assert not dialog.load() and dialog.errors.general_label().text()


def test_find_in_the_list_and_another_night(page, db, setup):
    from PySide6.QtCore import QDate

    manager, beds, gao = setup
    today = dt.date.today()
    first = add_resident(db, gao, "Aïssata", "Traoré", Sex.FEMALE)
    second = add_resident(db, gao, "Ibrahim", "Keïta")
    admission.check_in(db, manager, first, centre_id=gao, bed_id=beds["W1"], arrival_date=today - dt.timedelta(days=5))
    stay = admission.check_in(db, manager, second, centre_id=gao, bed_id=beds["M1"],
                              arrival_date=today - dt.timedelta(days=5))
    admission.check_out(db, manager, stay.id, reason=DepartureReason.RETURN, day=today - dt.timedelta(days=1))
    page.refresh()
    page.focus_search()
    page.filter.setText("traore")
    assert page.apply_filter() == 1
    room = page.tree.topLevelItem(0)
    visible = [room.child(j).text(2) for j in range(room.childCount()) if not room.child(j).isHidden()]
    assert visible == ["Aïssata Traoré"]
    page.filter.clear()
    assert page.apply_filter() == 5
    yesterday = today - dt.timedelta(days=2)
    page.night.setDate(QDate(yesterday.year, yesterday.month, yesterday.day))
    assert {p.full_name for p in page.residents.values()} == {"Aïssata Traoré", "Ibrahim Keïta"}
    assert not page.check_in_button.isEnabled()  # actions are for tonight only
    page.select_resident(second)
    assert not page.check_out_button.isEnabled()


def test_admitting_one_member_offers_the_rest_of_the_household(qtbot, page, db, setup, monkeypatch):
    from PySide6.QtWidgets import QDialog, QMessageBox

    from transit_centre.db.models import Household, Resident
    from transit_centre.security.permissions import Actor
    from transit_centre.ui.shelter import dialogs as shelter_dialogs

    manager, beds, gao = setup
    today = dt.date.today()
    mother = add_resident(db, gao, "Awa", "Diallo", Sex.FEMALE)
    child = add_resident(db, gao, "Fanta", "Diallo", Sex.FEMALE, dob=today.replace(year=today.year - 8))
    father = add_resident(db, gao, "Oumar", "Diallo", Sex.MALE)
    with db.transaction(Actor.system()) as s:
        family = Household(centre_id=gao, name="Diallo")
        s.add(family)
        s.flush()
        for rid in (mother, child, father):
            s.get(Resident, rid).household_id = family.id
    admission.check_in(db, manager, father, centre_id=gao, bed_id=beds["M1"])  # already here
    questions = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: questions.append(a[2]) or QMessageBox.StandardButton.Yes)
    proposed = []

    def fake_exec(dialog):
        if dialog.objectName() != "checkInDialog":
            return QDialog.DialogCode.Rejected
        if dialog.selected_resident() is None:  # the first dialog: the user finds the mother
            pick_resident(qtbot, dialog.picker, "awa diallo")
            dialog.bed.setCurrentIndex(dialog.bed.findData(str(beds["W1"])))
        else:
            proposed.append(dialog.selected_resident())
            dialog.bed.setCurrentIndex(dialog.bed.findData(str(beds["F1"])))
            dialog.reason.setText("Avec sa mère")
        return QDialog.DialogCode.Accepted if dialog.submit() else QDialog.DialogCode.Rejected

    monkeypatch.setattr(shelter_dialogs._ServiceDialog, "exec", fake_exec)
    page.check_in()
    assert len(questions) == 1 and "Fanta" in questions[0] and "Oumar" not in questions[0]
    assert proposed == [child]
    beds_now = {p.resident_id: p.bed_label for p in present_residents(db, manager, gao)}
    assert beds_now == {father: "M1", mother: "W1", child: "F1"}

"""Residents screens: register through the form (a rejected invalid form first), find the resident
by typing without accents, the duplicate warning, the lazy table and the resident's file."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from support.qt import wait_loaded
from transit_centre.enums import Role, Sex
from transit_centre.registry.residents import ResidentInput, get_resident, register_resident
from transit_centre.registry.search import ResidentFilter, count_residents
from transit_centre.ui.common.context import UiContext


@pytest.fixture
def ctx(db, make_actor):
    return UiContext(db=db, actor=make_actor(Role.CASEWORKER, centre="GAO"), centre_code="GAO", centre_name="Gao")


@pytest.fixture
def page(qtbot, qsettings_isolated, ctx):
    from transit_centre.ui.residents.page import ResidentsPage

    widget = ResidentsPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1280, 640)
    wait_loaded(qtbot, widget.model)
    return widget


def fill_identity(form, first="Aïssata", last="Traoré", phone="76 12 34 56"):
    form.first_name.setText(first)
    form.last_name.setText(last)
    form.sex.set_value(Sex.FEMALE)
    form.dob.setDate(QDate(1995, 3, 4))
    form.nationality.set_code("ML")
    form.phone.setText(phone)


def test_register_through_the_form_after_a_rejected_attempt_then_find_without_accents(qtbot, page, ctx):
    from transit_centre.ui.residents.form import ResidentForm

    form = ResidentForm(ctx, parent=page)
    qtbot.addWidget(form)
    # Invalid: no names, no sex, a phone that is not one, an expiry before the issue date.
    form.phone.setText("12")
    row = form.add_document_row()
    form.documents.cellWidget(row, 3).set_date(dt.date(2022, 1, 1))
    form.documents.cellWidget(row, 4).set_date(dt.date(2021, 1, 1))
    form.save_button.click()
    assert form.result() == 0 and form.saved is None
    for field in ("first_name", "last_name", "sex", "phone", "documents"):
        assert form.errors.message(field), field
        assert not form.errors.labels[field].isHidden()
    assert count_residents(ctx.db, ctx.actor, ResidentFilter()) == 0

    fill_identity(form)
    form.documents.cellWidget(row, 4).set_date(dt.date(2027, 1, 1))
    form.documents.setItem(row, 1, form.documents.item(row, 1).__class__("P1234567"))
    form.vulnerability_checks[next(iter(form.vulnerability_checks))][0].setChecked(True)
    form.consent.setChecked(True)
    form.save_button.click()
    assert form.saved is not None, form.errors.labels
    assert not form.errors.message("phone")
    assert form.saved.case_number.startswith("GAO-") and form.saved.phone == "+22376123456"

    page.refresh()
    wait_loaded(qtbot, page.model)
    qtbot.keyClicks(page.search, "traore")
    qtbot.waitUntil(lambda: page.filter.text == "traore", timeout=2000)
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 1
    assert page.model.data(page.model.index(0, 1)) == "Traoré"
    page.search.setText("p1234")
    page.apply_filter()
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 1
    page.search.setText("traore moussa")
    page.apply_filter()
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 0


def test_duplicate_dialog_open_existing_or_register_anyway(qtbot, page, ctx):
    from transit_centre.ui.residents.form import DuplicateDialog, ResidentForm

    existing = register_resident(ctx.db, ctx.actor, ResidentInput(
        first_name="Aissata", last_name="Traore", sex=Sex.FEMALE, date_of_birth=dt.date(1996, 1, 1),
        nationality="ML"))
    seen = []

    def answer(button_name):
        def click():
            dialog = QApplication.activeModalWidget()
            if isinstance(dialog, DuplicateDialog):
                seen.append([c.case_number for c in dialog.candidates])
                getattr(dialog, button_name).click()
            else:  # the dialog is not up yet
                QTimer.singleShot(20, click)
        QTimer.singleShot(0, click)

    form = ResidentForm(ctx, parent=page)
    qtbot.addWidget(form)
    fill_identity(form)
    answer("open_button")
    form.save_button.click()
    assert seen == [[existing.case_number]]
    assert form.open_existing_id == existing.id and form.saved is None
    assert count_residents(ctx.db, ctx.actor, ResidentFilter()) == 1

    form = ResidentForm(ctx, parent=page)
    qtbot.addWidget(form)
    fill_identity(form)
    answer("register_button")
    form.save_button.click()
    assert form.saved is not None and form.saved.id != existing.id
    assert count_residents(ctx.db, ctx.actor, ResidentFilter()) == 2


def test_lazy_table_pages_sorts_and_remembers_columns(qtbot, qsettings_isolated, ctx):
    from transit_centre.ui.residents import page as module

    for i in range(45):
        register_resident(ctx.db, ctx.actor, ResidentInput(
            first_name=f"Prénom{i:02d}", last_name=f"Nom{44 - i:02d}", sex=Sex.MALE, estimated_age=20 + i % 30,
            nationality="GN"))
    old = module.PAGE_SIZE
    module.PAGE_SIZE = 20
    try:
        page = module.ResidentsPage(ctx)
        qtbot.addWidget(page)
        wait_loaded(qtbot, page.model)
        assert page.model.rowCount() == 20 and page.model.canFetchMore()
        page.model.fetchMore()
        wait_loaded(qtbot, page.model)
        page.model.fetchMore()
        wait_loaded(qtbot, page.model)
        assert page.model.rowCount() == 45 and not page.model.canFetchMore()
        page.table.horizontalHeader().setSortIndicator(1, Qt.SortOrder.AscendingOrder)
        wait_loaded(qtbot, page.model)
        assert page.model.sort_key == "last_name" and page.model.rowCount() == 20
        assert page.model.data(page.model.index(0, 1)) == "Nom00"
        page.table.horizontalHeader().setSortIndicator(1, Qt.SortOrder.DescendingOrder)
        wait_loaded(qtbot, page.model)
        assert page.model.data(page.model.index(0, 1)) == "Nom44"
        qtbot.waitUntil(lambda: page.count_label.text().startswith("45"))
        page.table.setColumnWidth(1, 321)  # the user widens a column: kept, with the sort
    finally:
        module.PAGE_SIZE = old
    from transit_centre.ui.common import memory

    assert memory.value("headers/lists/residentsTable") is not None
    again = module.ResidentsPage(ctx)
    qtbot.addWidget(again)
    assert again.table.columnWidth(1) == 321
    assert again.model.sort_key == "last_name" and again.model.descending  # the sort the user left
    wait_loaded(qtbot, again.model)
    assert again.model.data(again.model.index(0, 1)) == "Nom44"
    assert again.table.columnWidth(1) == 321  # the first page did not fit the columns over the user's widths


def test_each_user_finds_their_own_layout(qtbot, qsettings_isolated, ctx):
    from transit_centre.ui.common import memory
    from transit_centre.ui.residents import page as module

    register_resident(ctx.db, ctx.actor, ResidentInput(first_name="Awa", last_name="Traoré", sex=Sex.FEMALE,
                                                       estimated_age=30, nationality="ML"))
    try:
        memory.set_user("awa")
        page = module.ResidentsPage(ctx)
        qtbot.addWidget(page)
        wait_loaded(qtbot, page.model)
        page.table.setColumnWidth(2, 333)
        memory.set_user("issa")
        other = module.ResidentsPage(ctx)
        qtbot.addWidget(other)
        wait_loaded(qtbot, other.model)
        assert other.table.columnWidth(2) != 333  # fitted to its content, not Awa's width
        memory.set_user("awa")
        again = module.ResidentsPage(ctx)
        qtbot.addWidget(again)
        assert again.table.columnWidth(2) == 333
    finally:
        memory.set_user("")


def test_filters_and_detail_dialog(qtbot, page, ctx, tmp_path):
    from transit_centre.ui.residents.detail import ResidentDetailDialog

    view = register_resident(ctx.db, ctx.actor, ResidentInput(
        first_name="Chinedu", last_name="Okafor", sex=Sex.MALE, date_of_birth=dt.date(1990, 5, 5), nationality="NG",
        new_household_name="Famille Okafor", household_role="head", consent_given=True))
    register_resident(ctx.db, ctx.actor, ResidentInput(
        first_name="Awa", last_name="Diarra", sex=Sex.FEMALE, estimated_age=30, nationality="ML"))
    page.refresh()
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 2
    page.sex.setCurrentIndex(page.sex.findData("M"))
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 1
    page.sex.setCurrentIndex(0)
    wait_loaded(qtbot, page.model)
    page.nationality.set_code("ML")
    wait_loaded(qtbot, page.model)
    assert [r.last_name for r in page.model.rows] == ["Diarra"]
    page.nationality.set_code(None)
    wait_loaded(qtbot, page.model)
    page.presence.setCurrentIndex(page.presence.findData("present"))
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 0
    page.presence.setCurrentIndex(page.presence.findData("all"))
    wait_loaded(qtbot, page.model)

    dialog = ResidentDetailDialog(ctx, view.id, parent=page)
    qtbot.addWidget(dialog)
    assert "Okafor" in dialog.title.text()
    assert dialog.household_label.text().startswith("Famille Okafor")
    assert dialog.members.rowCount() == 1
    assert dialog.timeline.rowCount() >= 2
    picture = tmp_path / "p.png"
    from PySide6.QtGui import QColor, QImage

    image = QImage(40, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("#336699"))
    image.save(str(picture))
    dialog.change_photo(str(picture))
    assert dialog.photo.pixmap() is not None and not dialog.photo.pixmap().isNull()
    dialog.resize(1000, 600)
    dialog.grab().save(str(tmp_path / "detail.png"))


def test_detail_documents_household_and_consent(qtbot, page, ctx, monkeypatch):
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    from transit_centre.registry.households import create_household
    from transit_centre.ui.residents.detail import DocumentDialog, ResidentDetailDialog

    view = register_resident(ctx.db, ctx.actor, ResidentInput(
        first_name="Awa", last_name="Diarra", sex=Sex.FEMALE, estimated_age=30, nationality="ML"))
    family = create_household(ctx.db, ctx.actor, "Famille Diarra")
    dialog = ResidentDetailDialog(ctx, view.id, parent=page)
    qtbot.addWidget(dialog)

    doc = DocumentDialog(ctx, view.id, dialog)
    qtbot.addWidget(doc)
    doc.number.setText("N-1")
    doc.country.set_code("ML")
    doc.issued.set_date(dt.date(2024, 1, 1))
    doc.expires.set_date(dt.date(2023, 1, 1))
    doc.submit()
    assert doc.result() == 0 and doc.errors.message("document")
    assert get_resident(ctx.db, ctx.actor, view.id).documents == []
    doc.expires.set_date(dt.date(2029, 1, 1))
    doc.submit()
    assert doc.result() == QDialog.DialogCode.Accepted
    dialog.reload()
    assert dialog.documents.rowCount() == 1
    dialog.documents.setCurrentCell(0, 0)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("erreur de saisie", True)))
    dialog.void_document()
    assert dialog.detail.documents[0].voided

    dialog.join_household.setCurrentIndex(dialog.join_household.findData(str(family.id)))
    dialog.join()
    assert dialog.detail.household_name == "Famille Diarra" and dialog.members.rowCount() == 1
    dialog.leave()
    assert dialog.detail.household_name is None

    assert dialog.consent_button.isVisibleTo(dialog)
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    dialog.record_consent()
    assert dialog.detail.resident.consent_given and not dialog.consent_button.isVisibleTo(dialog)
    assert dialog.changed



def test_register_a_family_of_three_through_the_form(qtbot, page, ctx):
    from transit_centre.ui.residents.form import NEW_HOUSEHOLD, ResidentForm

    def register(first, sex, born, household, role, name=None):
        form = ResidentForm(ctx, parent=page)
        qtbot.addWidget(form)
        fill_identity(form, first=first, last="Coulibaly", phone="")
        form.sex.set_value(sex)
        form.dob.setDate(QDate(born.year, born.month, born.day))
        form.household.setCurrentIndex(form.household.findData(household))
        if name:
            form.household_name.setText(name)
        form.household_role.set_value(role)
        form.consent.setChecked(True)
        form.save_button.click()
        assert form.saved is not None, {k: form.errors.message(k) for k in form.errors.labels}
        return form.saved

    head = register("Bakary", Sex.MALE, dt.date(1980, 2, 2), NEW_HOUSEHOLD, "head", "Famille Coulibaly")
    family = str(head.household_id)
    register("Kadiatou", Sex.FEMALE, dt.date(1985, 3, 3), family, "spouse")
    child = register("Sekou", Sex.MALE, dt.date(2018, 4, 4), family, "child")
    detail = get_resident(ctx.db, ctx.actor, child.id)
    assert detail.household_name == "Famille Coulibaly"
    assert sorted(m.full_name for m in detail.members) == ["Bakary Coulibaly", "Kadiatou Coulibaly",
                                                           "Sekou Coulibaly"]
    page.search.setText("coulibaly")
    page.apply_filter()
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 3


def test_a_double_click_opens_the_file_once(qtbot, page, ctx, monkeypatch):
    """A double-click (which also activates the line) opens one window of the file, not two."""
    from transit_centre.ui.residents import detail

    register_resident(ctx.db, ctx.actor, ResidentInput(
        first_name="Awa", last_name="Diarra", sex=Sex.FEMALE, estimated_age=30, nationality="ML"))
    page.refresh()
    wait_loaded(qtbot, page.model)
    opened = []
    monkeypatch.setattr(detail, "open_resident_file", lambda ctx_, parent, rid: opened.append(rid) or False)
    page.show()
    rect = page.table.visualRect(page.model.index(0, 1))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # a double-click:
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # press, then again
    qtbot.wait(50)
    assert len(opened) == 1

"""The screens: Transfer to another centre (a resident's file) and Receive a transfer (Residents)."""
from __future__ import annotations

import datetime as dt
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from support.transfers import actor, centre_database, centre_id, exchange_keys
from transit_centre.db.models import Resident, Stay
from transit_centre.enums import DepartureReason, Role, Sex
from transit_centre.i18n import set_language
from transit_centre.protection.consent import record_consent
from transit_centre.registry.inputs import ResidentInput
from transit_centre.registry.residents import register_resident
from transit_centre.shelter.admission import check_in
from transit_centre.ui.common.context import UiContext

pytestmark = pytest.mark.usefixtures("qsettings_isolated")


@pytest.fixture(autouse=True)
def english():
    set_language("en")


@pytest.fixture
def boxes(monkeypatch):
    said = []

    def record(kind):  # noqa: ANN001, ANN202
        def box(parent, title, text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            said.append((kind, text))
            return QMessageBox.StandardButton.Yes
        return box

    for kind in ("information", "warning", "critical", "question"):
        monkeypatch.setattr(QMessageBox, kind, record(kind))
    return said


@pytest.fixture
def two_centres(tmp_path):
    gao, bko = centre_database(tmp_path, "gao"), centre_database(tmp_path, "bamako")
    exchange_keys(gao, "GAO", bko, "BKO")
    yield gao, bko
    gao.dispose()
    bko.dispose()


def _resident(db, first: str = "Awa"):  # noqa: ANN001, ANN202
    worker, manager = actor(db, "GAO", Role.CASEWORKER), actor(db, "GAO", Role.MANAGER)
    r = register_resident(db, worker, ResidentInput(first_name=first, last_name="Coulibaly", sex=Sex.FEMALE,
                                                    date_of_birth=dt.date(1998, 3, 4), nationality="ML"))
    check_in(db, manager, r.id, centre_id=centre_id(db, "GAO"))
    return r


def _ctx(db, code: str, *roles: Role) -> UiContext:  # noqa: ANN001
    return UiContext(db=db, actor=actor(db, code, *roles, name="moussa"), centre_code=code, centre_name=code)


def test_the_transfer_dialog_offers_centres_with_a_key_says_what_goes_and_makes_the_file(qtbot, two_centres, tmp_path,
                                                                                       boxes):
    from transit_centre.ui.residents.detail import ResidentDetailDialog
    from transit_centre.ui.residents.transfer import TransferOutDialog

    gao, _bko = two_centres
    r = _resident(gao)
    ctx = _ctx(gao, "GAO", Role.MANAGER)
    detail = ResidentDetailDialog(ctx, r.id)
    qtbot.addWidget(detail)
    assert detail.findChild(type(detail.edit_button), "transferOutButton").isVisibleTo(detail)

    dialog = TransferOutDialog(ctx, r.id, centre_id(gao, "GAO"))
    qtbot.addWidget(dialog)
    codes = {dialog.centre.itemData(i): dialog.centre.model().item(i).isEnabled() for i in range(dialog.centre.count())}
    assert codes["BKO"] is True and codes["KAY"] is False and "GAO" not in codes  # a key, no key, not itself
    assert dialog.to_code() == "BKO"
    assert "not included" in dialog.notes.text()
    record_consent(gao, actor(gao, "GAO", Role.CASEWORKER), r.id, "Centre de transit de Bamako 1")
    dialog.update_preview()
    assert "included – the consent" in dialog.notes.text()
    assert dialog.people.rowCount() == 1 and dialog.people.item(0, 1).text() == "Awa Coulibaly"
    dialog.path.setText(str(tmp_path / "awa.tctransfer"))
    assert dialog.submit()
    assert (tmp_path / "awa.tctransfer").is_file()
    assert any("only BKO can open it" in text for _kind, text in boxes)
    with gao.transaction(None, readonly=True) as s:
        assert s.scalars(select(Stay).where(Stay.resident_id == r.id)).one().departure_reason == \
            DepartureReason.TRANSFER


def test_a_refused_transfer_keeps_the_dialog_open_with_the_reason(qtbot, two_centres, tmp_path, boxes):
    from transit_centre.protection import flags
    from transit_centre.ui.residents.transfer import TransferOutDialog

    gao, _bko = two_centres
    r = _resident(gao)
    manager = actor(gao, "GAO", Role.MANAGER)
    flag_type = next(t for t in flags.list_flag_types(gao, manager) if t.code == "not_transferable")
    flags.set_flag(gao, manager, r.id, flag_type.id, reason="Assessment pending")
    dialog = TransferOutDialog(_ctx(gao, "GAO", Role.MANAGER), r.id, centre_id(gao, "GAO"))
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / "x.tctransfer"))
    assert not dialog.submit()
    assert "Transfer is refused" in dialog.errors.general_label().text() or any(
        "Transfer is refused" in text for _k, text in boxes)
    assert not (tmp_path / "x.tctransfer").exists()


def test_receiving_shows_the_file_first_then_stores_it_and_gives_the_new_number(qtbot, two_centres, tmp_path, boxes):
    from transit_centre.transfers.service import transfer_out
    from transit_centre.ui.residents.page import ResidentsPage
    from transit_centre.ui.residents.transfer import ReceiveTransferDialog

    gao, bko = two_centres
    r = _resident(gao)
    out = transfer_out(gao, actor(gao, "GAO", Role.MANAGER), [r.id], "BKO", tmp_path / "awa.tctransfer")
    ctx = _ctx(bko, "BKO", Role.MANAGER)
    page = ResidentsPage(ctx)
    qtbot.addWidget(page)
    assert page.receive_button.isVisibleTo(page)

    dialog = ReceiveTransferDialog(ctx, None, str(out.path))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10_000)
    assert "From GAO" in dialog.summary.text() and "not included" in dialog.summary.text()
    assert dialog.people.item(0, 0).text() == r.case_number and dialog.receive_button.isEnabled()
    dialog.receive()
    qtbot.waitUntil(lambda: dialog.result_view is not None, timeout=10_000)
    with bko.transaction(None, readonly=True) as s:
        stored = s.get(Resident, r.id)
        assert stored.case_number.startswith("BKO-") and stored.other_case_numbers == r.case_number
    assert any("is now BKO-" in text for _k, text in boxes)

    again = ReceiveTransferDialog(ctx, None, str(out.path))
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.preview is not None, timeout=10_000)
    assert "already received" in again.summary.text() and not again.receive_button.isEnabled()


def test_a_file_for_another_centre_is_refused_on_screen(qtbot, two_centres, tmp_path, boxes):
    from transit_centre.transfers.service import transfer_out
    from transit_centre.ui.residents.transfer import ReceiveTransferDialog

    gao, bko = two_centres
    kay = centre_database(tmp_path, "kayes")
    exchange_keys(gao, "GAO", kay, "KAY")
    r = _resident(gao)
    out = transfer_out(gao, actor(gao, "GAO", Role.MANAGER), [r.id], "KAY", tmp_path / "for-kay.tctransfer")
    dialog = ReceiveTransferDialog(_ctx(bko, "BKO", Role.MANAGER), None, str(out.path))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "cannot be received" in dialog.summary.text(), timeout=10_000)
    assert "for centre KAY" in dialog.summary.text() and not dialog.receive_button.isEnabled()
    kay.dispose()


def test_a_centre_administrator_registers_another_centre_s_key_for_transfers(qtbot, tmp_path, boxes):
    from transit_centre.ui.reports.keys import KeysDialog, can_open

    gao, bko = centre_database(tmp_path, "gao"), centre_database(tmp_path, "bamako")
    manager = _ctx(gao, "GAO", Role.MANAGER)
    saving = KeysDialog(manager)
    qtbot.addWidget(saving)
    fingerprint = saving.save_centre_key(str(tmp_path / "gao-key.json"))
    assert fingerprint and fingerprint in saving.status.text()

    admin = UiContext(db=bko, actor=actor(bko, None, Role.ADMIN, name="admin"), centre_code="BKO", centre_name="BKO")
    assert can_open(admin)
    dialog = KeysDialog(admin)
    qtbot.addWidget(dialog)
    assert dialog.table is not None and dialog.findChild(type(dialog.status), "keysStatus") is not None
    assert not dialog.register_centre(str(tmp_path / "gao-key.json"), "0000 0000 0000 0000")  # misheard: refused
    assert dialog.register_centre(str(tmp_path / "gao-key.json"), fingerprint)
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 0).text() == "GAO"
    assert "transfer files" in dialog.status.text()
    gao.dispose()
    bko.dispose()

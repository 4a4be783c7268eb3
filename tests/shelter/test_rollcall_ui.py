"""Roll-call with the keyboard: 40 residents marked with single key presses and a scan."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from transit_centre.db.models import Resident, Stay
from transit_centre.enums import Role, Sex
from transit_centre.ui.common.context import UiContext

from support.casework import add_resident


def test_roll_call_of_40_by_keyboard(qtbot, qsettings_isolated, db, centres, make_actor, monkeypatch):
    gao = centres["GAO"]
    ids = [add_resident(db, gao, f"Prénom{i:02d}", f"Nom{i:02d}", sex=Sex.MALE,
                        arrival=dt.date.today()) for i in range(40)]
    absent_long = add_resident(db, gao, "Parti", "Depuis", arrival=dt.date.today() - dt.timedelta(days=9))
    manager = make_actor(Role.MANAGER)
    from transit_centre.ui.shelter.rollcall import RollCallPage
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page = RollCallPage(UiContext(db=db, actor=manager, centre_name="GAO"))
    qtbot.addWidget(page)
    page.show()
    # The long-absent resident is listed for the manager (never checked out automatically).
    assert page.absent_table.rowCount() == 1 and "Parti" in page.absent_table.item(0, 1).text()

    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    assert page.table.rowCount() == 41
    # Scan the badge of the last resident listed into the scan field.
    names = [page.table.item(row, 1).text() for row in range(41)]
    assert "Parti" not in names[-1]
    last_case = page.table.item(40, 0).text()
    qtbot.keyClicks(page.scan, f"TC|{last_case}")
    qtbot.keyClick(page.scan, Qt.Key.Key_Return)
    assert page.call.present_count == 1 and page.scan.text() == ""
    # The rest with the keyboard: P for present, A for the one who is not there.
    page.table.setFocus()
    page.table.selectRow(0)
    for row in range(40):
        qtbot.keyClick(page.table, Qt.Key.Key_A if "Parti" in names[row] else Qt.Key.Key_P)
    assert page.call.present_count == 40 and page.call.absent_count == 1 and page.call.unmarked_count == 0
    qtbot.mouseClick(page.close_button, Qt.MouseButton.LeftButton)
    assert page.call.closed_at is not None and not page.scan.isEnabled()

    # The manager checks out the long-absent resident as "left on own".
    page.absent_table.selectRow(0)
    qtbot.mouseClick(page.check_out_button, Qt.MouseButton.LeftButton)
    with db.transaction(None, readonly=True) as s:
        stay = s.query(Stay).filter(Stay.resident_id == absent_long).one()
        assert stay.departure_date == dt.date.today() and stay.departure_reason.value == "left_on_own"
        assert all(s.get(Resident, rid).last_seen_at is not None for rid in ids)
    assert page.absent_table.rowCount() == 0

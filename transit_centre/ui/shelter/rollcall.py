"""Roll-call page: tonight's list ticked present or absent with the keyboard or a badge scanner.

Keys on the list: P or Space = present, A = absent (the cursor moves to the next line).
In the scan field: scan a badge (the scanner types its text and Enter) or type a case number
or a name and press Enter. Residents not seen for several days are listed below, for the
manager to check out as "left on own" — never automatically.
"""
from __future__ import annotations

import uuid

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from transit_centre.ui.common import theme
from transit_centre.casework import rollcall
from transit_centre.common import fold
from transit_centre.enums import DepartureReason
from transit_centre.errors import DomainError
from transit_centre.i18n import _, format_datetime, ngettext
from transit_centre.security.permissions import Permission
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.tables import RowTable
from transit_centre.ui.common.page import Page
from transit_centre.ui.common.errors import show_error



def _name_list(headers: list[str], name: str) -> QTableWidget:
    """A list of residents: the name takes the room, the other columns fit their text."""
    table = RowTable(name, headers, stretch=-1)
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    return table


class RollCallPage(Page):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="rollCallPage")
        self.call: rollcall.RollCallView | None = None

        self.title = QLabel()
        self.title.setObjectName("rollCallTitle")
        self.counts = QLabel()
        self.counts.setObjectName("rollCallCounts")
        self.start_button = QPushButton(_("Start or resume tonight's roll-call"))
        self.start_button.setObjectName("rollCallStart")
        self.start_button.clicked.connect(self.start)

        self.scan = QLineEdit()
        self.scan.setObjectName("rollCallScan")
        self.scan.setPlaceholderText(_("Scan a badge, or type a case number or a name, then Enter"))
        self.scan.textChanged.connect(self._filter)
        self.scan.returnPressed.connect(self._scan_entered)

        self.table = _name_list([_("Case number"), _("Name"), _("Bed"), _("Status")], "rollCallList")
        self.table.installEventFilter(self)

        self.present_button = QPushButton(_("Present (P)"))
        self.present_button.setObjectName("rollCallPresent")
        self.present_button.clicked.connect(lambda: self.mark_current(True))
        self.absent_button = QPushButton(_("Absent (A)"))
        self.absent_button.setObjectName("rollCallAbsent")
        self.absent_button.clicked.connect(lambda: self.mark_current(False))
        self.rest_button = QPushButton(_("Mark the others absent"))
        self.rest_button.setObjectName("rollCallAbsentRest")
        self.rest_button.clicked.connect(self.mark_rest_absent)
        self.close_button = QPushButton(_("Close the roll-call"))
        self.close_button.setObjectName("rollCallClose")
        self.close_button.clicked.connect(self.close_call)

        self.absent_table = _name_list([_("Case number"), _("Name"), _("Last seen"), _("Days")], "absentList")
        self.check_out_button = QPushButton(_("Check out as left on own…"))
        self.check_out_button.setObjectName("absentCheckOut")
        self.check_out_button.clicked.connect(self.check_out_selected)
        self.check_out_button.setEnabled(ctx.can(Permission.SHELTER_WRITE))
        self.absent: list[rollcall.AbsentResident] = []

        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.start_button)
        buttons = QHBoxLayout()
        for b in (self.present_button, self.absent_button, self.rest_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        absent_box = QGroupBox(_("Not seen for several days"))
        absent_layout = QVBoxLayout(absent_box)
        absent_layout.addWidget(self.absent_table)
        absent_layout.addWidget(self.check_out_button, 0, Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.counts)
        layout.addWidget(self.scan)
        layout.addWidget(self.table, 3)
        layout.addLayout(buttons)
        layout.addWidget(absent_box, 2)
        self._update_state()
        self.refresh()

    # -- data --------------------------------------------------------------------------
    def refresh(self) -> None:
        centre = self.ctx.centre_id
        self.title.setText(_("Roll-call – {centre}").format(centre=self.ctx.centre_name or _("no centre chosen")))
        if centre is None:
            self.absent = []
        else:
            try:
                self.absent = rollcall.absent_residents(self.ctx.db, self.ctx.actor, centre)
            except DomainError as exc:
                show_error(self, exc)
                self.absent = []
        self._fill_absent()

    def start(self) -> None:
        if self.ctx.centre_id is None:
            QMessageBox.information(self, _("Roll-call"), _("Sign in to a centre to take its roll-call."))
            return
        try:
            self.call = rollcall.start_roll_call(self.ctx.db, self.ctx.actor, self.ctx.centre_id)
        except DomainError as exc:
            show_error(self, exc)
            return
        self._fill()
        self.table.setFocus()
        if self.table.rowCount():
            self.table.selectRow(0)

    def _fill(self) -> None:
        lines = self.call.lines if self.call else ()
        current = self.table.currentRow()
        self.table.setRowCount(len(lines))
        for row, line in enumerate(lines):
            status = _("Present") if line.present else _("Absent") if line.present is False else ""
            for col, text in enumerate((line.case_number, line.name, line.bed_label, status)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, str(line.resident_id))
                if line.present is not None:
                    item.setBackground(theme.colour("good_bg") if line.present else theme.colour("warn_bg"))
                self.table.setItem(row, col, item)
        if 0 <= current < len(lines):
            self.table.selectRow(current)
        self._filter(self.scan.text())
        self._update_state()

    def _fill_absent(self) -> None:
        self.absent_table.setRowCount(len(self.absent))
        for row, a in enumerate(self.absent):
            seen = format_datetime(a.last_seen_at, "short") if a.last_seen_at else _("never since arrival")
            for col, text in enumerate((a.case_number, a.name, seen, str(a.days_absent))):
                self.absent_table.setItem(row, col, QTableWidgetItem(text))
        self.check_out_button.setEnabled(bool(self.absent) and self.ctx.can(Permission.SHELTER_WRITE))

    def _update_state(self) -> None:
        active = self.call is not None and self.call.closed_at is None
        for widget in (self.scan, self.present_button, self.absent_button, self.rest_button, self.close_button):
            widget.setEnabled(active)
        if self.call is None:
            self.counts.setText(_("Press the button to list the residents who should be present tonight."))
        else:
            self.counts.setText(_("{present} present, {absent} absent, {left} not yet marked").format(
                present=self.call.present_count, absent=self.call.absent_count, left=self.call.unmarked_count))

    # -- marking -----------------------------------------------------------------------
    def _resident_at(self, row: int) -> uuid.UUID | None:
        item = self.table.item(row, 0)
        return uuid.UUID(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def _mark(self, resident_id: uuid.UUID, present: bool) -> bool:
        assert self.call is not None
        try:
            self.call = rollcall.mark(self.ctx.db, self.ctx.actor, self.call.id, resident_id, present)
        except DomainError as exc:
            show_error(self, exc)
            return False
        self._fill()
        return True

    def mark_current(self, present: bool) -> None:
        row = self.table.currentRow()
        resident_id = self._resident_at(row)
        if self.call is None or resident_id is None:
            return
        if self._mark(resident_id, present):
            for next_row in range(row + 1, self.table.rowCount()):
                if not self.table.isRowHidden(next_row):
                    self.table.selectRow(next_row)
                    break

    def mark_rest_absent(self) -> None:
        if self.call is None:
            return
        for line in self.call.lines:
            if line.present is None and not self._mark(line.resident_id, False):
                return

    def close_call(self) -> None:
        if self.call is None:
            return
        if self.call.unmarked_count:
            answer = QMessageBox.question(self, _("Roll-call"), ngettext(
                "{n} resident is not marked yet. Close the roll-call anyway?",
                "{n} residents are not marked yet. Close the roll-call anyway?",
                self.call.unmarked_count).format(n=self.call.unmarked_count))
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            self.call = rollcall.close_roll_call(self.ctx.db, self.ctx.actor, self.call.id)
        except DomainError as exc:
            show_error(self, exc)
            return
        self._fill()
        self.refresh()

    def _visible_unmarked_rows(self) -> list[int]:
        return [r for r in range(self.table.rowCount())
                if not self.table.isRowHidden(r) and not self.table.item(r, 3).text()]

    def _scan_entered(self) -> None:
        text = self.scan.text().strip()
        if not text or self.call is None:
            return
        rows = self._visible_unmarked_rows()
        if len(rows) == 1:
            resident_id = self._resident_at(rows[0])
            if resident_id is not None and self._mark(resident_id, True):
                self.scan.clear()
            return
        try:
            rollcall.mark_scanned(self.ctx.db, self.ctx.actor, self.call.id, text)
        except DomainError as exc:
            show_error(self, exc)
            self.scan.selectAll()
            return
        self.call = rollcall.start_roll_call(self.ctx.db, self.ctx.actor, self.call.centre_id)
        self.scan.clear()
        self._fill()

    def _filter(self, text: str) -> None:
        needle = fold(text)
        for row in range(self.table.rowCount()):
            haystack = fold(" ".join(self.table.item(row, c).text() for c in (0, 1, 2)))
            self.table.setRowHidden(row, bool(needle) and needle not in haystack)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt name
        if watched is self.table and event.type() == QEvent.Type.KeyPress and self.call is not None:
            key = QKeyEvent(event).key() if not isinstance(event, QKeyEvent) else event.key()
            if key in (Qt.Key.Key_P, Qt.Key.Key_Space):
                self.mark_current(True)
                return True
            if key == Qt.Key.Key_A:
                self.mark_current(False)
                return True
        return super().eventFilter(watched, event)

    # -- long absences -----------------------------------------------------------------
    def check_out_selected(self) -> None:
        from transit_centre.shelter.admission import check_out

        row = self.absent_table.currentRow()
        if not 0 <= row < len(self.absent):
            QMessageBox.information(self, _("Roll-call"), _("Select a resident in the list first."))
            return
        absent = self.absent[row]
        answer = QMessageBox.question(self, _("Check out"), _(
            "Check out {name} ({case}) as having left on their own?").format(name=absent.name, case=absent.case_number))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            check_out(self.ctx.db, self.ctx.actor, absent.stay_id, reason=DepartureReason.LEFT_ON_OWN,
                      note=_("Not seen at roll-call for {n} days").format(n=absent.days_absent),
                      expected_version=absent.stay_version)
        except DomainError as exc:
            show_error(self, exc)
            return
        self.refresh()

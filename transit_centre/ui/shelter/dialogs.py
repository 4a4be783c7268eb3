"""Shelter dialogs: check-in, bed move, transfer and check-out.

Each dialog validates through its service: nothing is saved until the service accepts, and
the service's messages are shown next to the fields. A refused bed choice (a minor outside a
minors' bed...) points at the "reason" field so the user can override with a reason.
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from transit_centre.ui.common import theme
from transit_centre.admin.centres import list_centres
from transit_centre.protection.flags import advice as flag_advice
from transit_centre.enums import FlagEffect
from transit_centre.enums import DepartureReason
from transit_centre.errors import DomainError
from transit_centre.i18n import _, format_date, format_number, format_percent
from transit_centre.security.permissions import Permission
from transit_centre.shelter import admission, occupancy
from transit_centre.shelter.stays import PresentResident
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.tables import RowTable
from transit_centre.ui.common.form_dialog import FormDialog
from transit_centre.ui.common.resident_picker import Choice, ResidentPicker, resident_search
from transit_centre.ui.shelter.household_leaving import LeavingTogether
from transit_centre.ui.common.widgets import EnumCombo, FieldErrors, date_edit, required


def bed_text(slot: occupancy.BedSlot, room: str) -> str:
    """ "Chambre 3 – lit 3-A (Femmes)": the room's own name, never "Chambre Chambre 3"."""
    return _("{room} – bed {bed} ({kind})").format(room=room, bed=slot.label, kind=slot.kind.label)


def fill_free_beds(combo: QComboBox, ctx: UiContext, centre_id: uuid.UUID, *, none_text: str,
                   select: uuid.UUID | None = None) -> None:
    """Fill a combo with "no bed" then the centre's free beds, grouped by room."""
    combo.clear()
    combo.addItem(none_text, None)
    view = occupancy.occupancy(ctx.db, ctx.actor, centre_id)
    for room in view.rooms:
        for slot in room.beds:
            if slot.occupant is None:
                combo.addItem(bed_text(slot, room.name), str(slot.bed_id))
    if select is not None:
        combo.setCurrentIndex(max(combo.findData(str(select)), 0))


def _bed_id(combo: QComboBox) -> uuid.UUID | None:
    data = combo.currentData()
    return uuid.UUID(data) if data else None


class _ServiceDialog(FormDialog):
    """A stay's dialog (check-in, move, transfer, check-out): OK calls the shelter service; the
    resident's flags that matter here are shown above the fields."""

    def __init__(self, ctx: UiContext, parent: QWidget | None, title: str, name: str) -> None:
        super().__init__(parent, title=title, name=name, save_button=QDialogButtonBox.StandardButton.Ok,
                         minimum_width=520)
        self.ctx = ctx
        self.advice = QLabel()
        self.advice.setObjectName("flagAdvice")
        self.advice.setWordWrap(True)
        self.advice.setStyleSheet(theme.style("advice"))
        self.advice.hide()
        self.extras.addWidget(self.advice)

    def show_flags(self, resident_id: uuid.UUID | None, *groups: tuple[FlagEffect, str]) -> None:
        """The resident's flags that matter here (advice, or an action the service will refuse)."""
        lines: list[str] = []
        if resident_id is not None:
            for effect, heading in groups:
                found = flag_advice(self.ctx.db, self.ctx.actor, resident_id, effect)
                if found:
                    lines.append(heading)
                    lines.extend("• " + line for line in found)
        self.advice.setText("\n".join(lines))
        self.advice.setVisible(bool(lines))

    def _reason_field(self) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName("overrideReason")
        edit.setPlaceholderText(_("Only when the bed does not suit the person (a child with a parent...)"))
        self.errors.add_row(self.form, _("Reason for this bed"), "override_reason", edit)
        return edit


class CheckInDialog(_ServiceDialog):
    """Admission: find the resident by name or case number, choose a bed, arrival date."""

    def __init__(self, ctx: UiContext, centre_id: uuid.UUID, parent: QWidget | None = None, *,
                 bed_id: uuid.UUID | None = None, search: Callable[[str], list[Choice]] | None = None,
                 preset: tuple[uuid.UUID, str] | None = None) -> None:
        super().__init__(ctx, parent, _("Check in a resident"), "checkInDialog")
        self.centre_id = centre_id
        self.picker = ResidentPicker(search or resident_search(ctx, presence="departed", centre_id=centre_id, limit=30))
        self.errors.add_row(self.form, required(_("Resident")), "resident", self.picker)
        self.bed = QComboBox()
        self.bed.setObjectName("bedCombo")
        fill_free_beds(self.bed, ctx, centre_id, none_text=_("No bed yet"), select=bed_id)
        self.errors.add_row(self.form, _("Bed"), "bed_id", self.bed)
        self.arrival = date_edit()
        self.arrival.setObjectName("arrivalDate")
        self.errors.add_row(self.form, required(_("Arrival date")), "arrival_date", self.arrival)
        self.arrived_from = QLineEdit()
        self.arrived_from.setObjectName("arrivedFrom")
        self.arrived_from.setPlaceholderText(_("Town, border post or organisation that referred them"))
        self.errors.add_row(self.form, _("Arrived from"), "arrived_from", self.arrived_from)
        self.reason = self._reason_field()
        self.set_header(_("Admission to {centre}. Residents already present somewhere are not listed.")
                            .format(centre=ctx.centre_name or ""))
        self.picker.chosen.connect(
            lambda rid: self.show_flags(rid, (FlagEffect.ADVISE_CHECK_IN, _("Advice:"))))
        self.picker.edit.setFocus()
        if preset is not None:  # a household member proposed after the previous admission
            self.picker.set_choice(Choice(preset[0], preset[1]))
            self.bed.setFocus()

    def selected_resident(self) -> uuid.UUID | None:
        return self.picker.resident_id

    def save_record(self) -> admission.StayView:
        resident_id = self.selected_resident()
        if resident_id is None:
            raise DomainError(_("Find the resident and choose them in the list."), field="resident")
        return admission.check_in(
            self.ctx.db, self.ctx.actor, resident_id, centre_id=self.centre_id,
            arrival_date=self.arrival.date().toPython(), bed_id=_bed_id(self.bed),
            arrived_from=self.arrived_from.text(), override_reason=self.reason.text())


def _who(resident: PresentResident) -> str:
    bed = (_("bed {bed} ({room})").format(bed=resident.bed_label, room=resident.room_name)
           if resident.bed_label else _("no bed"))
    return _("{name} ({case}), since {date}, {bed}").format(
        name=resident.full_name, case=resident.case_number, date=format_date(resident.arrival_date), bed=bed)


class MoveBedDialog(_ServiceDialog):
    def __init__(self, ctx: UiContext, centre_id: uuid.UUID, resident: PresentResident,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, _("Move to another bed"), "moveBedDialog")
        self.resident = resident
        self.set_header(_who(resident))
        self.bed = QComboBox()
        self.bed.setObjectName("bedCombo")
        fill_free_beds(self.bed, ctx, centre_id, none_text=_("No bed (free this bed)"))
        if self.bed.count() > 1:
            self.bed.setCurrentIndex(1)
        self.errors.add_row(self.form, required(_("New bed")), "bed_id", self.bed)
        self.reason = self._reason_field()

    def save_record(self) -> admission.StayView:
        return admission.move_bed(self.ctx.db, self.ctx.actor, self.resident.stay_id, _bed_id(self.bed),
                                  override_reason=self.reason.text())


class TransferDialog(_ServiceDialog):
    """Transfer: the receiving centre, the date and (if the user works there) a bed."""

    def __init__(self, ctx: UiContext, centre_id: uuid.UUID, resident: PresentResident,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, _("Transfer to another centre"), "transferDialog")
        self.resident = resident
        self.set_header(_who(resident))
        self.show_flags(resident.resident_id,
                        (FlagEffect.BLOCK_TRANSFER, _("Transfer is refused while these flags are set:")))
        self.centre = QComboBox()
        self.centre.setObjectName("centreCombo")
        self.centre.addItem("", None)
        for c in list_centres(ctx.db, ctx.actor, only_visible=False):
            if c.id != centre_id:
                self.centre.addItem(c.display, str(c.id))
        self.centre.currentIndexChanged.connect(self._centre_changed)
        self.errors.add_row(self.form, required(_("To centre")), "to_centre_id", self.centre)
        self.day = date_edit()
        self.day.setObjectName("transferDate")
        self.errors.add_row(self.form, required(_("Transfer date")), "day", self.day)
        self.bed = QComboBox()
        self.bed.setObjectName("bedCombo")
        self.errors.add_row(self.form, _("Bed there"), "bed_id", self.bed)
        self.note = QLineEdit()
        self.note.setObjectName("transferNote")
        self.errors.add_row(self.form, _("Note"), "note", self.note)
        self.reason = self._reason_field()
        self.together = LeavingTogether(ctx, resident.stay_id, self.form, self.errors, self)
        self._centre_changed()

    def _target(self) -> uuid.UUID | None:
        data = self.centre.currentData()
        return uuid.UUID(data) if data else None

    def _centre_changed(self) -> None:
        target = self._target()
        self.bed.clear()
        if target is not None and self.ctx.actor.can(Permission.SHELTER_WRITE, target):
            try:
                fill_free_beds(self.bed, self.ctx, target, none_text=_("Assigned on arrival"))
            except DomainError:
                self.bed.addItem(_("Assigned on arrival"), None)
            self.bed.setEnabled(True)
        else:
            self.bed.addItem(_("Assigned on arrival by the receiving centre"), None)
            self.bed.setEnabled(False)

    def save_record(self) -> admission.StayView:
        target = self._target()
        if target is None:
            raise DomainError(_("Choose the centre the resident goes to."), field="to_centre_id")
        return admission.transfer(self.ctx.db, self.ctx.actor, self.resident.stay_id, target,
                                  day=self.day.date().toPython(), bed_id=_bed_id(self.bed),
                                  note=self.note.text(), override_reason=self.reason.text(),
                                  companions=self.together.companions(), separation_reason=self.together.reason())


class CheckOutDialog(_ServiceDialog):
    def __init__(self, ctx: UiContext, resident: PresentResident, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, _("Check out"), "checkOutDialog")
        self.resident = resident
        self.set_header(_who(resident))
        self.reason_combo = EnumCombo(DepartureReason, members=admission.CHECK_OUT_REASONS)
        self.reason_combo.setObjectName("departureReason")
        self.errors.add_row(self.form, required(_("Reason")), "reason", self.reason_combo)
        self.day = date_edit()
        self.day.setObjectName("departureDate")
        self.errors.add_row(self.form, required(_("Departure date")), "day", self.day)
        self.note = QPlainTextEdit()
        self.note.setObjectName("departureNote")
        self.note.setFixedHeight(70)
        self.errors.add_row(self.form, _("Note (required for “Other”)"), "note", self.note)
        self.together = LeavingTogether(ctx, resident.stay_id, self.form, self.errors, self)
        self.show_flags(resident.resident_id, (FlagEffect.ADVISE_CHECK_OUT, _("Advice:")),
                        (FlagEffect.BLOCK_CHECK_OUT, _("Check-out is refused while these flags are set:")))

    def save_record(self) -> admission.StayView:
        return admission.check_out(self.ctx.db, self.ctx.actor, self.resident.stay_id,
                                   reason=self.reason_combo.value(), day=self.day.date().toPython(),
                                   note=self.note.toPlainText(), companions=self.together.companions(),
                                   separation_reason=self.together.reason())


class BedNightsDialog(QDialog):
    """Bed-nights of the centre over a period, per resident, with the occupancy rate."""

    def __init__(self, ctx: UiContext, centre_id: uuid.UUID, parent: QWidget | None = None) -> None:
        from PySide6.QtWidgets import QHBoxLayout, QPushButton

        super().__init__(parent)
        self.ctx, self.centre_id = ctx, centre_id
        self.setObjectName("bedNightsDialog")
        self.setWindowTitle(_("Bed-nights"))
        today = dt.date.today()
        self.start = date_edit(today.replace(day=1))
        self.start.setObjectName("periodStart")
        self.end = date_edit(today)
        self.end.setObjectName("periodEnd")
        self.show_button = QPushButton(_("Show"))
        self.show_button.setObjectName("showBedNights")
        self.show_button.clicked.connect(lambda _c=False: self.load())
        period = QHBoxLayout()
        period.addWidget(QLabel(_("First night")))
        period.addWidget(self.start)
        period.addWidget(QLabel(_("Last night")))
        period.addWidget(self.end)
        period.addWidget(self.show_button)
        period.addStretch(1)
        self.total = QLabel()
        self.total.setObjectName("bedNightsTotal")
        self.total.setWordWrap(True)
        self.table = RowTable("bedNightsTable", [_("Case number"), _("Name"), _("Bed-nights")], stretch=1)
        self.table.setSortingEnabled(True)
        self.errors = FieldErrors()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(period)
        layout.addWidget(self.errors.general_label())
        layout.addWidget(self.total)
        layout.addWidget(self.table, 1)
        layout.addWidget(close)
        self.resize(640, 520)
        self.load()

    def load(self) -> bool:
        from PySide6.QtWidgets import QTableWidgetItem

        self.errors.clear()
        try:
            result = occupancy.bed_nights(self.ctx.db, self.ctx.actor, self.centre_id,
                                          self.start.date().toPython(), self.end.date().toPython())
        except DomainError as exc:
            self.errors.show(exc)
            return False
        rate = result.occupancy_rate
        self.total.setText(_("{nights} bed-nights over {days} nights for {beds} beds: occupancy {rate}").format(
            nights=format_number(result.bed_nights), days=format_number(result.nights_in_period),
            beds=format_number(result.capacity), rate=format_percent(rate) if rate is not None else "–"))
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(result.per_resident))
        for row, r in enumerate(result.per_resident):
            nights = QTableWidgetItem()
            nights.setData(Qt.ItemDataRole.DisplayRole, r.nights)
            for col, item in enumerate((QTableWidgetItem(r.case_number), QTableWidgetItem(r.name), nights)):
                self.table.setItem(row, col, item)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        return True

"""Shelter page: tonight's occupancy (room > bed > resident or "free"), free beds by kind,
capacity against present, and the admission actions (check in, move bed, transfer, check out).

Users who see several centres (headquarters, administrators) choose the centre in a list;
everyone else sees their current centre.
"""
from __future__ import annotations

import datetime as dt
import uuid

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from transit_centre.ui.common import theme
from transit_centre.ui.common import memory
from transit_centre.admin.centres import list_centres
from transit_centre.common import fold
from transit_centre.enums import BedKind
from transit_centre.i18n import _, format_date, format_number, format_percent, ngettext
from transit_centre.security.permissions import Permission
from transit_centre.shelter import occupancy
from transit_centre.ages import age_on
from transit_centre.shelter.stays import PresentResident
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.page import Page
from transit_centre.ui.common.errors import show_error
from transit_centre.ui.common.print_preview import choose_and_print, print_button

ROLE = Qt.ItemDataRole.UserRole
SETTINGS_KEY = "shelter/occupancyHeader"
COLUMNS = 6


class ShelterPage(Page):
    offers_search = True
    offers_print = True

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="shelterPage")
        self.view: occupancy.Occupancy | None = None
        self.residents: dict[str, PresentResident] = {}

        self.title = QLabel()
        self.title.setObjectName("shelterTitle")
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.centre = QComboBox()
        self.centre.setObjectName("centreCombo")
        self.centre.setMinimumWidth(260)
        for c in list_centres(ctx.db, ctx.actor):
            self.centre.addItem(c.display, str(c.id))
        if ctx.centre_id is not None:
            self.centre.setCurrentIndex(max(self.centre.findData(str(ctx.centre_id)), 0))
        self.centre.setVisible(ctx.centre_id is None or self.centre.count() > 1)
        self.centre.currentIndexChanged.connect(lambda _i: self.refresh())

        self.night = QDateEdit()
        self.night.setObjectName("nightDate")
        self.night.setCalendarPopup(True)
        self.night.setDisplayFormat("dd/MM/yyyy")
        self.night.setDate(QDate.currentDate())
        self.night.setMaximumDate(QDate.currentDate())
        self.night.setToolTip(_("Show the occupancy of another night; actions are for tonight only."))
        self.night.dateChanged.connect(lambda _d: self.refresh())
        self.filter = QLineEdit()
        self.filter.setObjectName("occupancyFilter")
        self.filter.setPlaceholderText(_("Find a resident or a bed in the list"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(lambda _t: self.apply_filter())

        self.summary = QLabel()
        self.summary.setObjectName("occupancySummary")
        self.summary.setWordWrap(True)
        self.free_label = QLabel()
        self.free_label.setObjectName("freeBedsByKind")
        self.free_label.setWordWrap(True)
        self.month_label = QLabel()
        self.month_label.setObjectName("bedNightsSummary")
        self.month_label.setWordWrap(True)

        self.tree = QTreeWidget()
        self.tree.setObjectName("occupancyView")
        self.tree.setColumnCount(COLUMNS)
        self.tree.setHeaderLabels([_("Room / bed"), _("Kind"), _("Resident"), _("Case number"),
                                   _("Age"), _("Since")])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setStretchLastSection(False)
        self.tree.currentItemChanged.connect(lambda *_a: self._update_buttons())
        self.tree.itemDoubleClicked.connect(lambda *_a: self._double_clicked())

        self.check_in_button = self._button(_("Check in…"), "checkInButton", self.check_in)
        self.move_button = self._button(_("Move bed…"), "moveBedButton", self.move_bed)
        self.transfer_button = self._button(_("Transfer…"), "transferButton", self.transfer)
        self.check_out_button = self._button(_("Check out…"), "checkOutButton", self.check_out)
        self.nights_button = self._button(_("Bed-nights…"), "bedNightsButton", self.show_bed_nights)
        self.rooms_button = self._button(_("Rooms and beds…"), "roomsAdminButton", self.rooms_admin)
        self.refresh_button = self._button(_("Refresh"), "refreshButton", self.refresh)

        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(QLabel(_("Night of")))
        top.addWidget(self.night)
        top.addWidget(self.centre)
        actions = QHBoxLayout()
        for button in (self.check_in_button, self.move_button, self.transfer_button, self.check_out_button):
            actions.addWidget(button)
        actions.addSpacing(12)
        actions.addWidget(self.filter, 1)
        actions.addWidget(self.nights_button)
        actions.addWidget(self.rooms_button)
        actions.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.free_label)
        layout.addWidget(self.month_label)
        actions.addWidget(print_button(self, self.ctx, self.print_choices, "shelterPrintButton"))
        layout.addLayout(actions)
        layout.addWidget(self.tree, 1)

        self._sized = memory.remember_header(self.tree.header(), SETTINGS_KEY)
        self.refresh()

    def _button(self, text: str, name: str, slot) -> QPushButton:  # noqa: ANN001
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    # -- state ------------------------------------------------------------------------
    def print_choices(self) -> list:
        centre_id = self.centre_id()
        night = self.night.date().toPython()
        resident = self.selected_resident()
        choices = [(_("Occupancy sheet"), "occupancy", centre_id, night),
                   (_("Cards of everyone present"), "badge", centre_id, night)]
        if resident is not None:
            choices.append((_("Resident card"), "badge", resident.resident_id))
        return choices

    def print_current(self) -> None:
        choose_and_print(self, self.ctx, self.print_choices())

    def centre_id(self) -> uuid.UUID | None:
        data = self.centre.currentData()
        return uuid.UUID(data) if data else None


    def _current(self) -> tuple[str, str]:
        item = self.tree.currentItem()
        data = item.data(0, ROLE) if item is not None else None
        kind, _sep, ident = (data or ":").partition(":")
        return kind, ident

    def selected_resident(self) -> PresentResident | None:
        kind, ident = self._current()
        return self.residents.get(ident) if kind == "resident" else None

    def selected_free_bed(self) -> uuid.UUID | None:
        kind, ident = self._current()
        return uuid.UUID(ident) if kind == "free" else None

    def _update_buttons(self) -> None:
        centre_id = self.centre_id()
        tonight = self.night.date().toPython() == dt.date.today()
        write = tonight and centre_id is not None and self.ctx.actor.can(Permission.SHELTER_WRITE, centre_id)
        chosen = self.selected_resident() is not None
        self.check_in_button.setEnabled(write)
        self.nights_button.setEnabled(centre_id is not None)
        self.move_button.setEnabled(write and chosen)
        self.transfer_button.setEnabled(write and chosen)
        self.check_out_button.setEnabled(write and chosen)
        self.rooms_button.setVisible(centre_id is not None and self.ctx.actor.can(Permission.SHELTER_ADMIN, centre_id))

    # -- display ----------------------------------------------------------------------
    def refresh(self) -> None:
        centre_id = self.centre_id()
        self.tree.clear()
        self.residents.clear()
        if centre_id is None:
            self.title.setText(_("Shelter"))
            self.summary.setText(_("Choose a centre."))
            self._update_buttons()
            return
        try:
            self.view = view = occupancy.occupancy(self.ctx.db, self.ctx.actor, centre_id,
                                                   self.night.date().toPython())
            month = self._month_bed_nights(centre_id)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        self.title.setText(_("Shelter – {centre} – night of {date}").format(
            centre=view.centre_name, date=format_date(view.day)))
        self._fill_tree(view)
        if self.filter.text():
            self.apply_filter()
        self._fill_summary(view, month)
        self._update_buttons()

    def focus_search(self) -> None:
        """Ctrl+F: find a resident or a bed in tonight's list."""
        self.filter.setFocus()
        self.filter.selectAll()

    def apply_filter(self) -> int:
        """Hide the beds whose bed label, resident name or case number do not match; returns matches."""
        words = fold(self.filter.text()).split()
        shown = 0
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            visible_children = 0
            for j in range(top.childCount()):
                child = top.child(j)
                haystack = fold(" ".join(child.text(c) for c in (0, 2, 3)) + " " + top.text(0))
                match = all(w in haystack for w in words)
                child.setHidden(not match)
                visible_children += match
            top.setHidden(bool(words) and visible_children == 0)
            shown += visible_children
        return shown

    def _month_bed_nights(self, centre_id: uuid.UUID) -> occupancy.BedNights:
        today = dt.date.today()
        return occupancy.bed_nights(self.ctx.db, self.ctx.actor, centre_id, today.replace(day=1), today)

    def _resident_item(self, parent: QTreeWidgetItem | QTreeWidget, first: str, kind: str,
                       resident: PresentResident) -> QTreeWidgetItem:
        age = age_on(resident.date_of_birth, self.view.day if self.view else dt.date.today())
        item = QTreeWidgetItem(parent, [first, kind, resident.full_name, resident.case_number,
                                        format_number(age) if age is not None else "",
                                        format_date(resident.arrival_date, "short")])
        key = str(resident.stay_id)
        item.setData(0, ROLE, "resident:" + key)
        self.residents[key] = resident
        return item

    def _fill_tree(self, view: occupancy.Occupancy) -> None:
        for room in view.rooms:
            held = sum(1 for b in room.beds if b.occupant is not None)
            room_item = QTreeWidgetItem(self.tree, [
                room.name, "",
                ngettext("{held} of {beds} beds taken", "{held} of {beds} beds taken", held).format(
                    held=held, beds=len(room.beds))])
            room_item.setData(0, ROLE, "room:" + str(room.room_id))
            bold = QFont(room_item.font(0))
            bold.setBold(True)
            room_item.setFont(0, bold)
            for slot in room.beds:
                if slot.occupant is not None:
                    self._resident_item(room_item, slot.label, slot.kind.label, slot.occupant)
                else:
                    item = QTreeWidgetItem(room_item, [slot.label, slot.kind.label, _("free"), "", "", ""])
                    item.setData(0, ROLE, "free:" + str(slot.bed_id))
                    item.setForeground(2, theme.brush("success"))
            room_item.setExpanded(True)
        if view.without_bed:
            group = QTreeWidgetItem(self.tree, [_("Present without a bed"), "",
                                                format_number(len(view.without_bed))])
            group.setForeground(0, theme.brush("error"))
            group.setData(0, ROLE, "group:")
            for resident in view.without_bed:
                self._resident_item(group, "–", "", resident)
            group.setExpanded(True)
        if not view.rooms:
            hint = QTreeWidgetItem(self.tree, [_("No rooms yet: add rooms and beds with “Rooms and beds…”.")])
            hint.setData(0, ROLE, "hint:")
            hint.setFirstColumnSpanned(True)
        if not self._sized and self.tree.topLevelItemCount():
            with memory.fitting(self.tree.header()):
                for column in (0, 1, 3, 4, 5):
                    self.tree.resizeColumnToContents(column)
                    self.tree.setColumnWidth(column, self.tree.columnWidth(column) + 16)
            self._sized = True

    def _fill_summary(self, view: occupancy.Occupancy, month: occupancy.BedNights) -> None:
        present = ngettext("{n} resident present", "{n} residents present", view.present).format(
            n=format_number(view.present))
        beds = ngettext("{n} bed in use", "{n} beds in use", view.capacity).format(n=format_number(view.capacity))
        text = _("{present} · {beds} · {free} free · capacity on record {declared}").format(
            present=present, beds=beds, free=format_number(view.free),
            declared=format_number(view.declared_capacity))
        if view.present > view.capacity:
            text += " · " + _("more residents than beds")
        self.summary.setText(text)
        parts = [_("{kind}: {free} of {total}").format(kind=kind.label, free=format_number(view.free_by_kind[kind]),
                                                       total=format_number(view.beds_by_kind[kind]))
                 for kind in BedKind if view.beds_by_kind.get(kind)]
        self.free_label.setText(_("Free beds by kind – {parts}").format(parts=", ".join(parts)) if parts
                                else _("No beds in use."))
        rate = month.occupancy_rate
        self.month_label.setText(_("This month so far: {nights} bed-nights, occupancy {rate}").format(
            nights=format_number(month.bed_nights), rate=format_percent(rate) if rate is not None else "–"))

    # -- actions ----------------------------------------------------------------------
    def _open(self, dialog: QDialog) -> bool:
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        if accepted:
            self.refresh()
        return accepted

    def _double_clicked(self) -> None:
        if self.selected_free_bed() is not None and self.check_in_button.isEnabled():
            self.check_in()

    def check_in_dialog(self, preset: tuple[uuid.UUID, str] | None = None) -> QDialog:
        from transit_centre.ui.shelter.dialogs import CheckInDialog

        return CheckInDialog(self.ctx, self.centre_id(), self, bed_id=None if preset else self.selected_free_bed(),
                             preset=preset)

    def check_in(self) -> None:
        if self.centre_id() is None:
            return
        dialog = self.check_in_dialog()
        if self._open(dialog) and dialog.result_view is not None:
            self.admit_household(dialog.result_view.resident_id)

    def admit_household(self, resident_id: uuid.UUID) -> int:
        """After an admission, offer to admit the household members not yet present, one by one."""
        from transit_centre.shelter.search import household_members_to_admit

        try:
            members = household_members_to_admit(self.ctx.db, self.ctx.actor, resident_id)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return 0
        if not members:
            return 0
        names = "\n".join(m.display for m in members)
        answer = QMessageBox.question(self, _("Household"), ngettext(
            "Also check in the other member of the household?\n{names}",
            "Also check in the {n} other members of the household?\n{names}", len(members)).format(
            n=len(members), names=names))
        if answer != QMessageBox.StandardButton.Yes:
            return 0
        admitted = 0
        for member in members:
            if not self._open(self.check_in_dialog(preset=(member.id, member.display))):
                break
            admitted += 1
        return admitted

    def move_bed(self) -> None:
        from transit_centre.ui.shelter.dialogs import MoveBedDialog

        resident = self.selected_resident()
        if resident is not None:
            self._open(MoveBedDialog(self.ctx, self.centre_id(), resident, self))

    def transfer(self) -> None:
        from transit_centre.ui.shelter.dialogs import TransferDialog

        resident = self.selected_resident()
        if resident is not None:
            self._open(TransferDialog(self.ctx, self.centre_id(), resident, self))

    def check_out(self) -> None:
        from transit_centre.ui.shelter.dialogs import CheckOutDialog

        resident = self.selected_resident()
        if resident is not None:
            self._open(CheckOutDialog(self.ctx, resident, self))

    def show_bed_nights(self) -> None:
        from transit_centre.ui.shelter.dialogs import BedNightsDialog

        if self.centre_id() is not None:
            BedNightsDialog(self.ctx, self.centre_id(), self).exec()

    def rooms_admin(self) -> None:
        from transit_centre.ui.shelter.rooms import RoomsAdminDialog

        if self.centre_id() is None:
            return
        dialog = RoomsAdminDialog(self.ctx, self.centre_id(), self)
        dialog.exec()
        if dialog.changed:
            self.refresh()

    def select_resident(self, resident_id: uuid.UUID) -> bool:
        """Select the line of a present resident (used by tests and other pages)."""
        for key, resident in self.residents.items():
            if resident.resident_id == resident_id:
                for top in (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())):
                    for j in range(top.childCount()):
                        child = top.child(j)
                        if child.data(0, ROLE) == "resident:" + key:
                            self.tree.setCurrentItem(child)
                            return True
        return False

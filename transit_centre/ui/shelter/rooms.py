"""Rooms and beds administration: add, rename, relabel, change a bed's kind, (de)activate.

The tree on the left lists rooms and their beds (inactive ones in grey); the panel on the
right edits what is selected. Every change goes through ``transit_centre.shelter.rooms``.
"""
from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from transit_centre.ui.common import theme
from transit_centre.enums import BedKind
from transit_centre.errors import DomainError, ValidationError
from transit_centre.i18n import _
from transit_centre.shelter import rooms
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.errors import show_error
from transit_centre.ui.common.widgets import EnumCombo, FieldErrors

ROLE = Qt.ItemDataRole.UserRole


class RoomsAdminDialog(QDialog):
    def __init__(self, ctx: UiContext, centre_id: uuid.UUID, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.centre_id = centre_id
        self.changed = False
        self.setObjectName("roomsAdminDialog")
        self.setWindowTitle(_("Rooms and beds"))
        self.rooms: list[rooms.RoomView] = []

        self.tree = QTreeWidget()
        self.tree.setObjectName("roomsTree")
        self.tree.setHeaderLabels([_("Room / bed"), _("Kind"), _("Status")])
        self.tree.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setStretchLastSection(True)
        self.tree.setColumnWidth(0, 150)
        self.tree.setColumnWidth(1, 90)
        self.tree.currentItemChanged.connect(lambda *_a: self._selection_changed())

        self.errors = FieldErrors()
        new_room = QGroupBox(_("New room"))
        self.new_room_name = QLineEdit()
        self.new_room_name.setObjectName("newRoomName")
        self.new_room_name.setPlaceholderText(_("Room name, e.g. Dortoir A"))
        self.add_room_button = QPushButton(_("Add room"))
        self.add_room_button.setObjectName("addRoomButton")
        self.add_room_button.clicked.connect(self.add_room)
        row = QHBoxLayout(new_room)
        row.addWidget(self.errors.field("name", self.new_room_name), 1)
        row.addWidget(self.add_room_button)

        self.selected_box = QGroupBox(_("Selected room or bed"))
        form = QFormLayout(self.selected_box)
        self.edit_name = QLineEdit()
        self.edit_name.setObjectName("editName")
        form.addRow(_("Name or label"), self.errors.field("label", self.edit_name))
        self.edit_kind = EnumCombo(BedKind)
        self.edit_kind.setObjectName("editKind")
        form.addRow(_("Kind of bed"), self.errors.field("kind", self.edit_kind))
        buttons = QHBoxLayout()
        self.save_button = QPushButton(_("Save"))
        self.save_button.setObjectName("saveButton")
        self.save_button.clicked.connect(self.save_selected)
        self.toggle_button = QPushButton(_("Deactivate"))
        self.toggle_button.setObjectName("toggleActiveButton")
        self.toggle_button.clicked.connect(self.toggle_active)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.toggle_button)
        form.addRow(buttons)

        self.beds_box = QGroupBox(_("Add beds to the selected room"))
        beds_form = QFormLayout(self.beds_box)
        self.bed_count = QSpinBox()
        self.bed_count.setObjectName("bedCount")
        self.bed_count.setRange(1, 200)
        beds_form.addRow(_("Number of beds"), self.errors.field("count", self.bed_count))
        self.bed_kind = EnumCombo(BedKind)
        self.bed_kind.setObjectName("bedKind")
        beds_form.addRow(_("Kind of bed"), self.bed_kind)
        self.bed_prefix = QLineEdit()
        self.bed_prefix.setObjectName("bedPrefix")
        self.bed_prefix.setPlaceholderText(_("Optional, e.g. A-"))
        beds_form.addRow(_("Label prefix"), self.errors.field("prefix", self.bed_prefix))
        self.add_beds_button = QPushButton(_("Add beds"))
        self.add_beds_button.setObjectName("addBedsButton")
        self.add_beds_button.clicked.connect(self.add_beds)
        beds_form.addRow(self.add_beds_button)

        right = QVBoxLayout()
        right.addWidget(new_room)
        right.addWidget(self.selected_box)
        right.addWidget(self.beds_box)
        right.addWidget(self.errors.general_label())
        right.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.tree, 3)
        body.addLayout(right, 2)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(close)
        self.resize(900, 560)
        self.reload()

    # -- data -------------------------------------------------------------------------
    def reload(self, select: uuid.UUID | None = None) -> None:
        self.rooms = rooms.list_rooms(self.ctx.db, self.ctx.actor, self.centre_id)
        self.tree.clear()
        chosen = None
        for room in self.rooms:
            item = QTreeWidgetItem([room.name, "", _("Active") if room.active else _("Inactive")])
            item.setData(0, ROLE, "room:" + str(room.id))
            self.tree.addTopLevelItem(item)
            if not room.active:
                for col in range(3):
                    item.setForeground(col, theme.brush("muted"))
            chosen = item if room.id == select else chosen
            for bed in room.beds:
                status = _("Inactive") if not bed.active else (bed.occupant or _("Free"))
                child = QTreeWidgetItem([bed.label, bed.kind.label, status])
                child.setData(0, ROLE, "bed:" + str(bed.id))
                if not bed.active or not room.active:
                    for col in range(3):
                        child.setForeground(col, theme.brush("muted"))
                item.addChild(child)
                chosen = child if bed.id == select else chosen
            item.setExpanded(True)
        if chosen is not None:
            self.tree.setCurrentItem(chosen)
        self._selection_changed()

    def selected(self) -> tuple[str, uuid.UUID] | tuple[None, None]:
        item = self.tree.currentItem()
        if item is None:
            return None, None
        kind, _sep, ident = str(item.data(0, ROLE)).partition(":")
        return kind, uuid.UUID(ident)

    def _room(self, room_id: uuid.UUID) -> rooms.RoomView | None:
        return next((r for r in self.rooms if r.id == room_id), None)

    def _bed(self, bed_id: uuid.UUID) -> rooms.BedView | None:
        return next((b for r in self.rooms for b in r.beds if b.id == bed_id), None)

    def _selection_changed(self) -> None:
        kind, ident = self.selected()
        self.selected_box.setEnabled(kind is not None)
        self.edit_kind.setEnabled(kind == "bed")
        self.beds_box.setEnabled(kind == "room")
        if kind == "room":
            room = self._room(ident)
            self.edit_name.setText(room.name)
            self.toggle_button.setText(_("Deactivate") if room.active else _("Reactivate"))
        elif kind == "bed":
            bed = self._bed(ident)
            self.edit_name.setText(bed.label)
            self.edit_kind.set_value(bed.kind)
            self.toggle_button.setText(_("Deactivate") if bed.active else _("Reactivate"))
        else:
            self.edit_name.clear()

    # -- actions ----------------------------------------------------------------------
    def _run(self, action, select=None, remap: dict[str, str] | None = None) -> bool:  # noqa: ANN001
        self.errors.clear()
        try:
            result = action()
        except ValidationError as exc:
            self.errors.show(ValidationError({(remap or {}).get(k, k): v for k, v in exc.errors.items()}))
            return False
        except DomainError as exc:
            self.errors.show(exc)
            return False
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return False
        self.changed = True
        self.reload(select(result) if select else None)
        return True

    def add_room(self) -> bool:
        done = self._run(lambda: rooms.add_room(self.ctx.db, self.ctx.actor, self.centre_id,
                                                self.new_room_name.text()), lambda r: r.id)
        if done:
            self.new_room_name.clear()
        return done

    def save_selected(self) -> bool:
        kind, ident = self.selected()
        if kind == "room":
            room = self._room(ident)
            return self._run(lambda: rooms.rename_room(self.ctx.db, self.ctx.actor, ident, self.edit_name.text(),
                                                       expected_version=room.version), lambda r: r.id,
                             {"name": "label"})
        if kind == "bed":
            bed = self._bed(ident)
            return self._run(lambda: rooms.update_bed(self.ctx.db, self.ctx.actor, ident, label=self.edit_name.text(),
                                                      kind=self.edit_kind.value(), expected_version=bed.version),
                             lambda b: b.id)
        return False

    def toggle_active(self) -> bool:
        kind, ident = self.selected()
        if kind == "room":
            room = self._room(ident)
            return self._run(lambda: rooms.set_room_active(self.ctx.db, self.ctx.actor, ident, not room.active,
                                                           expected_version=room.version), lambda r: r.id)
        if kind == "bed":
            bed = self._bed(ident)
            return self._run(lambda: rooms.set_bed_active(self.ctx.db, self.ctx.actor, ident, not bed.active,
                                                          expected_version=bed.version), lambda b: b.id)
        return False

    def add_beds(self) -> bool:
        kind, ident = self.selected()
        if kind != "room":
            return False
        return self._run(lambda: rooms.add_beds(self.ctx.db, self.ctx.actor, ident, self.bed_count.value(),
                                                self.bed_kind.value(), prefix=self.bed_prefix.text()),
                         lambda _beds: ident)

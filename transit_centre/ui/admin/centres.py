"""Centres (Administration > Centres): correct names, towns, capacity, kind; retire a centre.

Names shipped as placeholders (not known from the sources) are highlighted until an
administrator corrects them. Saving a copy someone else changed meanwhile is refused.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from transit_centre.ui.common import theme
from transit_centre.admin.centres import CentreView, list_centres, update_centre
from transit_centre.enums import CentreKind
from transit_centre.errors import ConflictError, DomainError
from transit_centre.i18n import _, format_number
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.tables import RowTable
from transit_centre.ui.common.errors import show_error
from transit_centre.ui.common.widgets import EnumCombo, FieldErrors, required



class CentresAdmin(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("centresAdmin")
        self.centres: list[CentreView] = []
        self.current: CentreView | None = None

        self.table = RowTable("centresTable", [_("Code"), _("Name"), _("Town"), _("Capacity"), _("Kind"), _("Status")],
                              stretch=-1)
        self.table.itemSelectionChanged.connect(self._load_selected)
        legend = QLabel(_("Highlighted names are placeholders: correct them with the real name of the centre."))
        legend.setObjectName("centresLegend")
        legend.setStyleSheet(theme.style("notice"))
        legend.setWordWrap(True)

        self.errors = FieldErrors()
        self.name = QLineEdit()
        self.name.setObjectName("centreName")
        self.town = QLineEdit()
        self.town.setObjectName("centreTown")
        self.region = QLineEdit()
        self.region.setObjectName("centreRegion")
        self.capacity = QSpinBox()
        self.capacity.setObjectName("centreCapacity")
        self.capacity.setRange(0, 10000)
        self.kind = EnumCombo(CentreKind)
        self.kind.setObjectName("centreKind")
        self.active = QCheckBox(_("Active (open; shown in the lists)"))
        self.active.setObjectName("centreActive")
        form = QFormLayout()
        self.errors.add_row(form, required(_("Name")), "name", self.name)
        self.errors.add_row(form, required(_("Town")), "town", self.town)
        self.errors.add_row(form, required(_("Region")), "region", self.region)
        self.errors.add_row(form, _("Capacity (beds)"), "capacity", self.capacity)
        self.errors.add_row(form, _("Kind"), "kind", self.kind)
        form.addRow("", self.active)
        self.save_button = QPushButton(_("Save"))
        self.save_button.setObjectName("centreSave")
        self.save_button.clicked.connect(self.save)
        self.form_box = QGroupBox(_("Centre"))
        box_layout = QVBoxLayout(self.form_box)
        box_layout.addLayout(form)
        box_layout.addWidget(self.errors.general_label())
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_button)
        box_layout.addLayout(row)
        box_layout.addStretch(1)
        self.form_box.setEnabled(False)
        self.form_box.setMaximumWidth(420)

        left = QVBoxLayout()
        left.addWidget(legend)
        left.addWidget(self.table, 1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addWidget(self.form_box)
        self.refresh()

    def refresh(self) -> None:
        keep = self.current.id if self.current else None
        self.centres = list_centres(self.ctx.db, self.ctx.actor, include_inactive=True, only_visible=False)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.centres))
        for row, c in enumerate(self.centres):
            values = (c.code, c.name, c.town, format_number(c.capacity), c.kind.label,
                      _("Active") if c.active else _("Closed"))
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if col == 1 and not c.name_confirmed:
                    item.setBackground(theme.colour("notice_bg"))
                    item.setToolTip(_("Placeholder name: please correct it."))
                if col == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        self.table.blockSignals(False)
        self.table.fit_columns()
        if keep is not None:
            self.select(keep)

    def select(self, centre_id) -> None:  # noqa: ANN001 - uuid
        for row, c in enumerate(self.centres):
            if c.id == centre_id:
                self.table.selectRow(row)
                self._load(c)

    def _load_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows and rows[0].row() < len(self.centres):
            self._load(self.centres[rows[0].row()])

    def _load(self, c: CentreView) -> None:
        self.current = c
        self.errors.clear()
        self.form_box.setTitle(_("Centre {code}").format(code=c.code))
        self.name.setText(c.name)
        self.town.setText(c.town)
        self.region.setText(c.region)
        self.capacity.setValue(c.capacity)
        self.kind.set_value(c.kind)
        self.active.setChecked(c.active)
        self.form_box.setEnabled(True)

    def save(self) -> None:
        if self.current is None:
            return
        self.errors.clear()
        try:
            saved = update_centre(self.ctx.db, self.ctx.actor, self.current.id, name=self.name.text(),
                                  town=self.town.text(), region=self.region.text(),
                                  capacity=self.capacity.value(), kind=self.kind.value(),
                                  active=self.active.isChecked(), expected_version=self.current.version)
        except ConflictError as exc:
            show_error(self, exc)
            self.refresh()  # reload the saved values; the user makes the change again
            return
        except DomainError as exc:
            self.errors.show(exc)
            return
        self.current = saved
        self.refresh()

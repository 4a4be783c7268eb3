"""Arrival-list import dialog: choose the file, map its columns, preview (invalid rows with the
reason, likely duplicates), then import the valid rows in one step."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
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
from transit_centre.ui.common import memory
from transit_centre.errors import DomainError
from transit_centre.i18n import _, ngettext
from transit_centre.reports.arrivals import FIELDS, ArrivalList, PreviewRow, guess_mapping, import_rows, preview, read_list
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.errors import show_error
from transit_centre.ui.common.widgets import FieldErrors



class ArrivalImportDialog(QDialog):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("arrivalImportDialog")
        self.setWindowTitle(_("Arrival-list import"))
        self.table_data: ArrivalList | None = None
        self.rows: tuple[PreviewRow, ...] = ()
        self.errors = FieldErrors()

        self.path = QLineEdit()
        self.path.setObjectName("arrivalFile")
        self.path.setReadOnly(True)
        choose = QPushButton(_("Choose the list…"))
        choose.setObjectName("arrivalChoose")
        choose.clicked.connect(self._choose)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(choose)
        self.registered = QDateEdit(QDate.currentDate())
        self.registered.setObjectName("arrivalDate")
        self.registered.setCalendarPopup(True)
        self.registered.setMaximumDate(QDate.currentDate())

        self.mapping_box = QGroupBox(_("Columns"))
        self.mapping_grid = QGridLayout(self.mapping_box)
        self.combos: dict[str, QComboBox] = {}
        for i, (field, (label, _words)) in enumerate(FIELDS.items()):
            combo = QComboBox()
            combo.setObjectName(f"map_{field}")
            self.combos[field] = combo
            self.mapping_grid.addWidget(QLabel(_(label)), i // 3, (i % 3) * 2)
            self.mapping_grid.addWidget(combo, i // 3, (i % 3) * 2 + 1)

        self.preview_button = QPushButton(_("Preview"))
        self.preview_button.setObjectName("arrivalPreview")
        self.preview_button.clicked.connect(self.run_preview)
        self.summary = QLabel()
        self.summary.setObjectName("arrivalSummary")
        self.grid = QTableWidget(0, 4)
        self.grid.setObjectName("arrivalGrid")
        self.grid.setHorizontalHeaderLabels([_("Line"), _("Person"), _("Status"), _("Possible duplicates")])
        self.grid.verticalHeader().setVisible(False)
        self.grid.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.grid.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.include_duplicates = QCheckBox(_("Also import likely duplicates"))
        self.include_duplicates.setObjectName("arrivalIncludeDuplicates")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.import_button = buttons.addButton(_("Import the valid rows"), QDialogButtonBox.ButtonRole.ActionRole)
        self.import_button.setObjectName("arrivalImport")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.run_import)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(_("List (XLSX or CSV)"), file_row)
        form.addRow(_("Registration date"), self.registered)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.mapping_box)
        layout.addWidget(self.errors.general_label())
        row = QHBoxLayout()
        row.addWidget(self.preview_button)
        row.addWidget(self.summary, 1)
        layout.addLayout(row)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.include_duplicates)
        layout.addWidget(buttons)
        self.resize(900, 620)

    # -- steps ------------------------------------------------------------------------------------
    def _choose(self) -> None:
        folder = str(memory.value("reports/arrival_folder", str(Path.home())))
        path, _f = QFileDialog.getOpenFileName(self, _("Arrival list"), folder,
                                               _("Lists (*.xlsx *.csv);;All files (*)"))
        if path:
            memory.set_value("reports/arrival_folder", str(Path(path).parent))
            self.load_file(Path(path))

    def load_file(self, path: Path) -> None:
        self.errors.clear()
        try:
            self.table_data = read_list(path)
        except DomainError as exc:
            self.errors.show(exc)
            return
        self.path.setText(str(path))
        guess = guess_mapping(self.table_data.headers)
        for field, combo in self.combos.items():
            combo.clear()
            combo.addItem(_("(not in the list)"), -1)
            for i, header in enumerate(self.table_data.headers):
                combo.addItem(header or _("Column {n}").format(n=i + 1), i)
            combo.setCurrentIndex(combo.findData(guess.get(field, -1)))
        self.rows = ()
        self.grid.setRowCount(0)
        self.import_button.setEnabled(False)
        self.summary.setText(ngettext("{n} row in the list", "{n} rows in the list",
                                      len(self.table_data.rows)).format(n=len(self.table_data.rows)))

    def mapping(self) -> dict[str, int]:
        return {f: c.currentData() for f, c in self.combos.items() if c.currentData() is not None
                and c.currentData() >= 0}

    def run_preview(self) -> None:
        self.errors.clear()
        if self.table_data is None:
            self.errors.show(DomainError(_("Choose the list first.")))
            return
        day = self.registered.date().toPython()
        try:
            self.rows = preview(self.ctx.db, self.ctx.actor, self.table_data, self.mapping(), self.ctx.centre_id,
                                day if isinstance(day, dt.date) else None)
        except DomainError as exc:
            self.errors.show(exc)
            return
        self.grid.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            name = " ".join(x for x in (row.values.get("first_name"), row.values.get("last_name")) if x)
            status = "; ".join(row.errors) if row.errors else _("Valid")
            cells = [str(row.line), name, status, "; ".join(row.duplicates)]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if row.errors:
                    item.setBackground(theme.colour("warn_bg"))
                elif row.duplicates:
                    item.setBackground(theme.colour("notice_bg"))
                self.grid.setItem(r, c, item)
        self.grid.resizeColumnsToContents()
        valid = sum(1 for r in self.rows if r.valid)
        duplicates = sum(1 for r in self.rows if r.valid and r.duplicates)
        self.summary.setText(_("{valid} valid rows (of which {dup} likely duplicates), {bad} invalid rows.").format(
            valid=valid, dup=duplicates, bad=len(self.rows) - valid))
        self.import_button.setEnabled(valid > 0)

    def run_import(self) -> None:
        try:
            result = import_rows(self.ctx.db, self.ctx.actor, self.rows, self.ctx.centre_id,
                                 include_duplicates=self.include_duplicates.isChecked())
        except DomainError as exc:
            show_error(self, exc)
            return
        self.import_button.setEnabled(False)
        self.result = result
        QMessageBox.information(self, _("Arrival-list import"), ngettext(
            "{n} resident registered.", "{n} residents registered.", result.imported).format(n=result.imported))

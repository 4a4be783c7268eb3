"""Reports page: monthly export (centre), import of centre exports and consolidated report
(headquarters), arrival-list import. Long work runs off the GUI thread with a progress dialog."""
from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from transit_centre.ui.common import theme
from transit_centre.ui.common import memory
from transit_centre.admin.centres import list_centres
from transit_centre.errors import DomainError
from transit_centre.i18n import _
from transit_centre.reports.consolidate import consolidated_report, import_packages
from transit_centre.reports.coverage import MISSING, RECEIVED, export_coverage
from transit_centre.reports.export import monthly_export
from transit_centre.security.permissions import Permission
from transit_centre.ui.reports import keys as keys_dialog
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.page import Page
from transit_centre.ui.common.errors import show_error
from transit_centre.ui.common.widgets import FieldErrors
from transit_centre.ui.common.operations import run_op


def _path_row(edit: QLineEdit, browse) -> QWidget:  # noqa: ANN001 - a slot
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(edit, 1)
    button = QPushButton(_("Browse…"))
    button.setObjectName(edit.objectName() + "Browse")
    button.clicked.connect(browse)
    row.addWidget(button)
    return box


def _last_month() -> QDate:
    first = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    return QDate(first.year, first.month, 1)


class ExportDialog(QDialog):
    """Choose centre, month, folder and (optionally) headquarters' public key, then export."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("exportDialog")
        self.setWindowTitle(_("Monthly export"))
        self.result_export = None
        self.task = None
        settings = memory
        self.errors = FieldErrors()
        form = QFormLayout()
        self.centre = QComboBox()
        self.centre.setObjectName("exportCentre")
        for c in list_centres(ctx.db, ctx.actor):
            self.centre.addItem(c.display, str(c.id))
        if ctx.centre_id is not None:
            self.centre.setCurrentIndex(max(self.centre.findData(str(ctx.centre_id)), 0))
        self.errors.add_row(form, _("Centre"), "centre", self.centre)
        self.month = QDateEdit(_last_month())
        self.month.setObjectName("exportMonth")
        self.month.setDisplayFormat("yyyy-MM")
        self.month.setCalendarPopup(False)
        self.errors.add_row(form, _("Month"), "month", self.month)
        self.folder = QLineEdit(str(settings.value("reports/export_folder", str(Path.home()))))
        self.folder.setObjectName("exportFolder")
        self.errors.add_row(form, _("Folder"), "folder", _path_row(self.folder, self._browse_folder))
        self.encrypt = QCheckBox(_("Encrypt the data package for headquarters"))
        self.encrypt.setObjectName("exportEncrypt")
        self.key = QLineEdit(str(settings.value("reports/hq_public_key", "")))
        self.key.setObjectName("exportKey")
        self.encrypt.setChecked(bool(self.key.text()))
        form.addRow("", self.encrypt)
        self.errors.add_row(form, _("Headquarters public key"), "key", _path_row(self.key, self._browse_key))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton(_("Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("exportOk")
        buttons.accepted.connect(self.start)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("The workbook is for people; the data package (zip) is what headquarters "
                                  "imports. It holds no names, phone numbers, document numbers or notes.")))
        layout.addLayout(form)
        layout.addWidget(self.errors.general_label())
        layout.addWidget(buttons)

    def _browse_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Folder for the export"), self.folder.text())
        if folder:
            self.folder.setText(folder)

    def _browse_key(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, _("Headquarters public key"), self.key.text(),
                                               _("Keys (*.pem)"))
        if path:
            self.key.setText(path)
            self.encrypt.setChecked(True)

    def start(self) -> None:
        self.errors.clear()
        folder = Path(self.folder.text().strip() or ".")
        if not folder.is_dir():
            self.errors.show(DomainError(_("Choose an existing folder."), "folder"))
            return
        key = Path(self.key.text().strip()) if self.encrypt.isChecked() else None
        if self.encrypt.isChecked() and not self.key.text().strip():
            self.errors.show(DomainError(_("Choose headquarters' public key file."), "key"))
            return
        centre_id = uuid.UUID(self.centre.currentData()) if self.centre.currentData() else None
        month = self.month.date().toString("yyyy-MM")
        db, actor = self.ctx.db, self.ctx.actor
        settings = memory
        settings.set_value("reports/export_folder", str(folder))
        if key is not None:
            settings.set_value("reports/hq_public_key", str(key))
        self.ok.setEnabled(False)
        self.task = run_op(self, lambda report: monthly_export(db, actor, month, centre_id, folder,
                                                               encrypt_for=key, progress=report),
                           self._done, failed=self._failed, progress=_("Exporting {month}…").format(month=month))

    def _done(self, result) -> None:  # noqa: ANN001 - ExportResult
        self.result_export = result
        self.ok.setEnabled(True)
        QMessageBox.information(self, _("Monthly export"), _(
            "Export written:\n{xlsx}\n{package}").format(xlsx=result.xlsx_path, package=result.package_path))
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok.setEnabled(True)
        if isinstance(exc, DomainError):
            self.errors.show(exc)
        else:
            show_error(self, exc)


class ImportDialog(QDialog):
    """Headquarters: choose package files (and the private key for encrypted ones), import them."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("importDialog")
        self.setWindowTitle(_("Import centre exports"))
        self.results = []
        self.task = None
        self.files = QListWidget()
        self.files.setObjectName("importFiles")
        add = QPushButton(_("Add files…"))
        add.setObjectName("importAdd")
        add.clicked.connect(self._add)
        self.key = QLineEdit(str(memory.value("reports/hq_private_key", "")))
        self.key.setObjectName("importKey")
        self.password = QLineEdit()
        self.password.setObjectName("importPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(_("Private key (encrypted packages)"), _path_row(self.key, self._browse_key))
        form.addRow(_("Key password"), self.password)
        self.outcome = QListWidget()
        self.outcome.setObjectName("importOutcome")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.ok = buttons.addButton(_("Import"), QDialogButtonBox.ButtonRole.ActionRole)
        self.ok.setObjectName("importOk")
        self.ok.clicked.connect(self.start)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Each package is checked completely, then imported in one step. The same "
                                  "package twice changes nothing; a newer export of a centre and month "
                                  "replaces the older one.")))
        layout.addWidget(self.files)
        layout.addWidget(add)
        layout.addLayout(form)
        layout.addWidget(QLabel(_("Result")))
        layout.addWidget(self.outcome)
        layout.addWidget(buttons)
        self.resize(640, 480)

    def add_files(self, paths: list[str]) -> None:
        for path in paths:
            self.files.addItem(path)

    def _add(self) -> None:
        paths, _f = QFileDialog.getOpenFileNames(self, _("Centre exports"), "",
                                                 _("Data packages (*.zip *.enc);;All files (*)"))
        self.add_files(paths)

    def _browse_key(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, _("Headquarters private key"), self.key.text(),
                                               _("Keys (*.pem)"))
        if path:
            self.key.setText(path)

    def start(self) -> None:
        paths = [Path(self.files.item(i).text()) for i in range(self.files.count())]
        if not paths:
            QMessageBox.information(self, _("Import centre exports"), _("Add the package files first."))
            return
        key = Path(self.key.text().strip()) if self.key.text().strip() else None
        if key is not None:
            memory.set_value("reports/hq_private_key", str(key))
        password = self.password.text()
        db, actor = self.ctx.db, self.ctx.actor
        self.ok.setEnabled(False)
        self.task = run_op(self, lambda report: import_packages(db, actor, paths, key_path=key, password=password,
                                                                progress=report),
                           self._done, failed=self._failed, progress=_("Importing…"))

    def _done(self, results) -> None:  # noqa: ANN001 - list[ImportResult]
        self.results = results
        coverage = getattr(self.parent(), "coverage", None)
        if coverage is not None:
            coverage.load()
        self.ok.setEnabled(True)
        self.outcome.clear()
        for r in results:
            self.outcome.addItem(("✔ " if r.ok else "✖ ") + r.message)
        self.files.clear()

    def _failed(self, exc: BaseException) -> None:
        self.ok.setEnabled(True)
        show_error(self, exc)


class AnnualReportDialog(QDialog):
    """Headquarters: the consolidated report of a year (or a month), for all centres or one."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("annualReportDialog")
        self.setWindowTitle(_("Consolidated report"))
        self.result_path: Path | None = None
        self.task = None
        form = QFormLayout()
        self.year = QSpinBox()
        self.year.setObjectName("reportYear")
        self.year.setRange(2000, 2100)
        self.year.setValue(dt.date.today().year)
        form.addRow(_("Year"), self.year)
        self.month = QComboBox()
        self.month.setObjectName("reportMonth")
        self.month.addItem(_("Whole year"), 0)
        for m in range(1, 13):
            self.month.addItem(dt.date(2000, m, 1).strftime("%m"), m)
        form.addRow(_("Month"), self.month)
        self.centre = QComboBox()
        self.centre.setObjectName("reportCentre")
        self.centre.addItem(_("All centres"), "")
        for c in list_centres(ctx.db, ctx.actor, only_visible=False):
            self.centre.addItem(c.display, c.code)
        form.addRow(_("Centres"), self.centre)
        self.folder = QLineEdit(str(memory.value("reports/export_folder", str(Path.home()))))
        self.folder.setObjectName("reportFolder")
        form.addRow(_("Folder"), _path_row(self.folder, self._browse))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton(_("Make the report"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("reportOk")
        buttons.accepted.connect(self.start)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Folder for the report"), self.folder.text())
        if folder:
            self.folder.setText(folder)

    def start(self) -> None:
        folder = Path(self.folder.text().strip() or ".")
        if not folder.is_dir():
            QMessageBox.warning(self, _("Consolidated report"), _("Choose an existing folder."))
            return
        year, month = self.year.value(), self.month.currentData() or None
        centre = self.centre.currentData() or None
        db, actor = self.ctx.db, self.ctx.actor
        self.ok.setEnabled(False)
        self.task = run_op(self, lambda report: consolidated_report(db, actor, folder, year, month, centre,
                                                                    progress=report),
                           self._done, failed=self._failed, progress=_("Making the report…"))

    def _done(self, path: Path) -> None:
        self.result_path = path
        self.ok.setEnabled(True)
        QMessageBox.information(self, _("Consolidated report"), _("Report written:\n{path}").format(path=path))
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok.setEnabled(True)
        show_error(self, exc)




class CoverageBox(QGroupBox):
    """Headquarters at a glance: which centres sent the export of each month of a year, which did not."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(_("Exports received"), parent)
        self.ctx = ctx
        self.setObjectName("coverageBox")
        self.year = QSpinBox()
        self.year.setObjectName("coverageYear")
        self.year.setRange(2000, 2100)
        self.year.setValue(dt.date.today().year)
        self.year.valueChanged.connect(self.load)
        self.summary = QLabel()
        self.summary.setObjectName("coverageSummary")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 0)
        self.table.setObjectName("coverageTable")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setMinimumHeight(200)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Year")))
        top.addWidget(self.year)
        top.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.coverage = None
        self.load()

    def load(self) -> None:
        try:
            cov = export_coverage(self.ctx.db, self.ctx.actor, self.year.value())
        except DomainError as exc:
            show_error(self, exc)
            return
        self.coverage = cov
        self.table.clear()
        self.table.setRowCount(len(cov.centres))
        self.table.setColumnCount(len(cov.months))
        self.table.setHorizontalHeaderLabels([m[5:] for m in cov.months])
        self.table.setVerticalHeaderLabels([code for code, _name in cov.centres])
        marks = {RECEIVED: "✓", MISSING: _("missing")}
        for r, (code, name) in enumerate(cov.centres):
            for c, month in enumerate(cov.months):
                state = cov.state(code, month)
                item = QTableWidgetItem(marks.get(state, ""))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setToolTip(f"{code} – {name} – {month}")
                if state in (RECEIVED, MISSING):
                    item.setBackground(theme.colour("good_bg") if state == RECEIVED else theme.colour("warn_bg"))
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        missing = cov.missing
        received = len(cov.received & {(c, m) for c, _n in cov.centres for m in cov.due})
        self.summary.setText(_("{n} of {expected} centre-months received; missing: {missing}").format(
            n=received, expected=cov.expected,
            missing=", ".join(f"{code} {month}" for code, month in missing[:12]) + (" …" if len(missing) > 12 else "")
            if missing else _("none")))


class ReportsPage(Page):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="reportsPage")
        layout = QVBoxLayout(self)
        sections = [
            (Permission.EXPORT, "monthlyExportButton", _("Monthly export"), _(
                "The month's workbook (arrivals, occupancy, residents, services, returns, cash) and the data "
                "package to send to headquarters, encrypted with headquarters' key."), self.monthly_export),
            (Permission.CONSOLIDATE, "importExportsButton", _("Import centre exports"), _(
                "Headquarters: read the centres' monthly packages into the consolidated database."),
             self.import_exports),
            (Permission.CONSOLIDATE, "annualReportButton", _("Annual report"), _(
                "Headquarters: consolidated workbook of a year or a month, all centres or one, with the "
                "figures published each year."), self.annual_report),
            (Permission.RESIDENT_WRITE, "arrivalImportButton", _("Arrival-list import"), _(
                "Register a group of arrivals from a partner's list (XLSX or CSV): map the columns, check the "
                "preview, import the valid rows."), self.arrival_import),
        ]
        self.buttons: dict[str, QPushButton] = {}
        for permission, name, title, text, slot in sections:
            if not ctx.can(permission):
                continue
            box = QGroupBox(title)
            row = QHBoxLayout(box)
            label = QLabel(text)
            label.setWordWrap(True)
            row.addWidget(label, 1)
            button = QPushButton(title + "…")
            button.setObjectName(name)
            button.clicked.connect(slot)
            row.addWidget(button)
            self.buttons[name] = button
            layout.addWidget(box)
        if keys_dialog.can_open(ctx):
            box = QGroupBox(_("Keys"))
            row = QHBoxLayout(box)
            label = QLabel(_("The keys that sign and encrypt the packages: give this centre's key to "
                             "headquarters, register headquarters' key, or (headquarters) the centres' keys."))
            label.setWordWrap(True)
            row.addWidget(label, 1)
            button = QPushButton(_("Keys") + "…")
            button.setObjectName("keysButton")
            button.clicked.connect(lambda _c=False: self._open(keys_dialog.KeysDialog(self.ctx, self)))
            row.addWidget(button)
            self.buttons["keysButton"] = button
            layout.addWidget(box)
        if not self.buttons:
            layout.addWidget(QLabel(_("Your role has no report to make here.")))
        self.coverage: CoverageBox | None = None
        if ctx.can(Permission.CONSOLIDATE):
            self.coverage = CoverageBox(ctx, self)
            layout.addWidget(self.coverage, 1)
        else:
            layout.addStretch(1)
        self.dialog: QDialog | None = None

    def _open(self, dialog: QDialog) -> QDialog:
        self.dialog = dialog
        dialog.open()
        return dialog

    def monthly_export(self) -> QDialog:
        return self._open(ExportDialog(self.ctx, self))

    def import_exports(self) -> QDialog:
        return self._open(ImportDialog(self.ctx, self))

    def annual_report(self) -> QDialog:
        return self._open(AnnualReportDialog(self.ctx, self))

    def arrival_import(self) -> QDialog:
        from transit_centre.ui.reports.arrival_import import ArrivalImportDialog

        return self._open(ArrivalImportDialog(self.ctx, self))

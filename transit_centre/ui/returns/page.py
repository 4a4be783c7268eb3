"""Returns page: the list of return cases (status filter, search) and the selected case with
its workflow, what is missing, and the buttons that move it forward, hold or cancel it."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from transit_centre.ui.common import theme
from transit_centre.avrr import cases as svc
from transit_centre.enums import CancelReason, ReturnStatus, ReturnStep, ReturnType
from transit_centre.errors import DomainError
from transit_centre.i18n import N_, _, country_name, format_date
from transit_centre.security.permissions import Permission
from transit_centre.ui.common.dialogs import ReasonDialog
from transit_centre.ui.common.resident_picker import ResidentPicker, resident_search
from transit_centre.ui.common.tables import RowTable
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.form_dialog import FormDialog
from transit_centre.ui.common.lazy_table import Column, LazyTable, LazyTableModel
from transit_centre.ui.common.page import Page
from transit_centre.ui.common.errors import show_error
from transit_centre.ui.common.print_preview import choose_and_print, print_button
from transit_centre.ui.common.widgets import CountryCombo, EnumCombo, date_edit, required

PAGE_SIZE = 100
DOCUMENT_KINDS = (("passport", "Passport"), ("laissez_passer", "Laissez-passer"),
                  ("consular_letter", "Consular letter"))


def _document_kinds() -> list[tuple[str, str]]:
    from transit_centre.enums import DocumentKind

    return [(k, DocumentKind(k).label) for k, _label in DOCUMENT_KINDS]


def _fit_label(status: str) -> str:
    return {"fit": _("fit"), "not_fit": _("not fit"), "fit_with_escort": _("fit with an escort")}.get(status, status)


def _destination(row: svc.CaseSummary) -> str:
    destination = country_name(row.destination_country)
    if row.destination_region:
        destination = _("{country}, {region}").format(country=destination, region=row.destination_region)
    return destination


CASE_COLUMNS: list[Column[svc.CaseSummary]] = [
    Column("case", N_("Return case"), lambda r: r.case_reference),
    Column("name", N_("Name"), lambda r: r.resident_name),
    Column("destination", N_("Destination"), _destination),
    Column("step", N_("Step"), lambda r: r.current_step.label),
    Column("status", N_("Status"), lambda r: r.status.label),
    Column("flags", N_("Flags"), lambda r: " ".join(f for f, on in ((_("UAM"), r.is_uam), (_("VoT"), r.is_vot)) if on)),
]


class StepDialog(FormDialog):
    """Records the next step: its date, and the travel document for the document steps."""

    def __init__(self, ctx: UiContext, case: svc.CaseDetail, step: ReturnStep, parent: QWidget | None = None) -> None:
        super().__init__(parent, title=_("Record: {step}").format(step=step.label), name="stepDialog",
                         save_button=QDialogButtonBox.StandardButton.Ok)
        self.ctx = ctx
        self.case = case
        self.step = step
        self.result_case: svc.CaseDetail | None = None
        self.day = date_edit()
        self.day.setObjectName("stepDate")
        self.add_field(required(_("Date")), "done_on", self.day)
        self.kind = QComboBox()
        self.kind.setObjectName("stepDocumentKind")
        for value, label in _document_kinds():
            self.kind.addItem(label, value)
        self.number = QLineEdit()
        self.number.setObjectName("stepDocumentNumber")
        self.expiry = date_edit(dt.date.today() + dt.timedelta(days=90))
        self.expiry.setObjectName("stepDocumentExpiry")
        if step in (ReturnStep.DOCUMENTS_REQUESTED, ReturnStep.DOCUMENTS_OBTAINED):
            self.add_field(required(_("Kind of document")), "kind", self.kind)
        if step == ReturnStep.DOCUMENTS_OBTAINED:
            self.add_field(required(_("Document number")), "number", self.number)
            self.add_field(required(_("Expiry date")), "expiry", self.expiry)
        if step == ReturnStep.FIT_TO_TRAVEL:
            self.form.addRow(QLabel(_("The result is taken from the latest fit-to-travel in the medical record.")))
        self.note = QLineEdit()
        self.note.setObjectName("stepNote")
        self.add_field(_("Note"), "note", self.note)

    def save_record(self) -> Any:
        self.result_case = svc.record_step(
            self.ctx.db, self.ctx.actor, self.case.summary.id, self.step, done_on=self.day.date().toPython(),
            details=self.details(), note=self.note.text(), expected_version=self.case.summary.version)
        return self.result_case

    def details(self) -> dict:
        if self.step == ReturnStep.DOCUMENTS_REQUESTED:
            return {"kind": self.kind.currentData()}
        if self.step == ReturnStep.DOCUMENTS_OBTAINED:
            return {"kind": self.kind.currentData(), "number": self.number.text(),
                    "expiry": self.expiry.date().toPython()}
        return {}


class NewCaseDialog(FormDialog):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent, title=_("New return case"), name="newCaseDialog")
        self.ctx = ctx
        self.result_case: svc.CaseDetail | None = None
        self.picker = ResidentPicker(resident_search(ctx))
        self.add_field(required(_("Resident")), "resident_id", self.picker)
        self.return_type = EnumCombo(ReturnType)
        self.return_type.setObjectName("caseReturnType")
        self.add_field(required(_("Type of return")), "return_type", self.return_type)
        self.country = CountryCombo()
        self.country.setObjectName("caseCountry")
        self.add_field(required(_("Destination country")), "destination_country", self.country)
        self.region = QLineEdit()
        self.region.setObjectName("caseRegion")
        self.add_field(_("Region of return (Malians)"), "destination_region", self.region)
        self.commune = QLineEdit()
        self.commune.setObjectName("caseCommune")
        self.add_field(_("Commune"), "destination_commune", self.commune)
        self.return_type.currentIndexChanged.connect(self._type_changed)
        self._type_changed()

    def _type_changed(self) -> None:
        malian = self.return_type.value() == ReturnType.MALIAN_HOME
        if malian:
            self.country.set_code("ML")
        self.region.setEnabled(malian)
        self.commune.setEnabled(malian)

    def save_record(self) -> Any:
        resident_id = self.picker.resident_id
        if resident_id is None:
            raise DomainError(_("Choose the resident."), "resident_id")
        data = svc.CaseInput(resident_id, self.return_type.value(), self.country.code(), self.region.text(),
                             self.commune.text())
        self.result_case = svc.open_case(self.ctx.db, self.ctx.actor, data)
        return self.result_case


class CaseDetailPanel(QWidget):
    """The selected case: header, steps, what is missing, and the actions."""

    def __init__(self, page: "ReturnsPage") -> None:
        super().__init__(page)
        self.page = page
        self.ctx = page.ctx
        self.case: svc.CaseDetail | None = None
        self.header = QLabel(_("Choose a return case in the list."))
        self.header.setObjectName("caseHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.steps = RowTable("caseSteps", [_("Step"), _("State"), _("Date"), _("By"), _("Details")], stretch=4,
                              widths={0: 250})
        self.steps.setWordWrap(False)
        self.steps.verticalHeader().setDefaultSectionSize(26)
        self.missing = QLabel()
        self.missing.setObjectName("caseMissing")
        self.missing.setWordWrap(True)
        self.missing.setStyleSheet(theme.style("warning_text"))
        missing_box = QGroupBox(_("What is missing"))
        QVBoxLayout(missing_box).addWidget(self.missing)
        # Three rows, so that the pane stays narrow enough for the list beside it at 1366 px in
        # French: the steps of the workflow, the note and a pause, the end of the case and printing.
        steps_row, note_row, status_row = QHBoxLayout(), QHBoxLayout(), QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for row, key, text, slot in (
            (steps_row, "record", _("Record next step…"), self.record_next),
            (steps_row, "skip", _("Skip step…"), self.skip_next),
            (steps_row, "undo", _("Undo last step…"), self.undo_last),
            (note_row, "note", _("Best-interest note…"), self.edit_note),
            (note_row, "hold", _("Put on hold…"), self.hold),
            (note_row, "resume", _("Resume"), self.resume),
            (status_row, "cancel", _("Cancel case…"), self.cancel),
        ):
            button = QPushButton(text)
            button.setObjectName(f"case_{key}")
            button.clicked.connect(slot)
            row.addWidget(button)
            self.buttons[key] = button
        for row in (steps_row, note_row, status_row):
            row.addStretch(1)
        status_row.addWidget(print_button(self, self.ctx, self.print_choices, "casePrintButton"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.steps, 1)
        layout.addWidget(missing_box)
        for row in (steps_row, note_row, status_row):
            layout.addLayout(row)
        self.show_case(None)

    def print_choices(self) -> list:
        case_id = self.case.summary.id if self.case is not None else None
        resident = getattr(self.case.summary, "resident_id", None) if self.case is not None else None
        return [(_("Return application and voluntary return declaration"), "return-declaration", case_id),
                (_("Travel letter"), "travel-letter", case_id),
                (_("Fit-to-travel certificate"), "fit-to-travel", resident)]

    def show_case(self, case: svc.CaseDetail | None) -> None:
        self.case = case
        can_write = self.ctx.can(Permission.RETURN_WRITE)
        if case is None:
            self.header.setText(_("Choose a return case in the list."))
            self.steps.set_rows([])
            self.missing.setText("")
            for button in self.buttons.values():
                button.setEnabled(False)
            return
        s = case.summary
        flags = []
        if s.is_uam:
            flags.append(_("Unaccompanied minor"))
        if s.is_vot:
            flags.append(_("Victim of trafficking"))
        destination = country_name(s.destination_country)
        if s.destination_region:
            destination = ", ".join(x for x in (destination, s.destination_region, case.destination_commune) if x)
        self.header.setText(_("<b>{ref}</b> – {name} ({number})<br>{type}: {destination}<br>Status: {status}{flags}"
                              "{movement}").format(
            ref=s.case_reference, name=s.resident_name, number=s.resident_case_number, type=s.return_type.label,
            destination=destination, status=s.status.label,
            flags=(" – <span style='color:" + theme.current().error + "'>" + ", ".join(flags) + "</span>") if flags else "",
            movement=("<br>" + _("Movement: {ref}").format(ref=case.movement_reference))
            if case.movement_reference else ""))
        rows = []
        for step in case.steps:
            state = {"done": _("Done"), "skipped": _("Skipped"), "pending": ""}[step.state]
            detail = step.skip_reason or ""
            if step.details.get("number"):
                detail = _("{kind} {number}, expires {date}").format(
                    kind=dict(_document_kinds()).get(step.details.get("kind"), ""), number=step.details["number"],
                    date=format_date(dt.date.fromisoformat(step.details["expiry"])) if step.details.get("expiry") else "")
            elif step.details.get("kind"):
                detail = dict(_document_kinds()).get(step.details["kind"], "")
            elif step.details.get("status"):
                valid = step.details.get("valid_until")
                detail = _("Medical record: {status}, valid until {date}").format(
                    status=_fit_label(step.details["status"]),
                    date=format_date(dt.date.fromisoformat(valid)) if valid else "—")
            elif step.details.get("movement"):
                detail = step.details["movement"]
            colour = theme.colour("good_bg") if step.state == "done" else theme.colour("void_bg") if step.state == "skipped" else None
            rows.append((step.step.value, [step.step.label, state, format_date(step.done_on, "short"), step.done_by_name,
                                           detail], colour))
        self.steps.set_rows(rows)
        self.missing.setText("\n".join("• " + m for m in case.missing) or _("Nothing: the case is up to date."))
        is_open = s.status in (ReturnStatus.ACTIVE, ReturnStatus.ON_HOLD)
        manual_next = case.next_step is not None and case.next_step not in svc.rules.AUTOMATIC_STEPS
        active = s.status == ReturnStatus.ACTIVE
        self.buttons["record"].setEnabled(can_write and active and manual_next)
        self.buttons["skip"].setEnabled(can_write and active and manual_next)
        self.buttons["undo"].setEnabled(can_write and active and s.current_step not in svc.rules.AUTOMATIC_STEPS)
        self.buttons["note"].setEnabled(can_write and is_open)
        self.buttons["hold"].setEnabled(can_write and active)
        self.buttons["resume"].setEnabled(can_write and s.status == ReturnStatus.ON_HOLD)
        self.buttons["cancel"].setEnabled(can_write and is_open)

    def _run(self, fn, *args, **kwargs) -> bool:  # noqa: ANN001
        try:
            detail = fn(self.ctx.db, self.ctx.actor, self.case.summary.id, *args, **kwargs)
        except DomainError as exc:
            show_error(self, exc)
            return False
        self.show_case(detail)
        self.page.case_changed(detail)
        return True

    def record_next(self) -> None:
        if self.case is None or self.case.next_step is None:
            return
        dialog = StepDialog(self.ctx, self.case, self.case.next_step, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result_case is not None:
            self.show_case(dialog.result_case)
            self.page.case_changed(dialog.result_case)

    def skip_next(self) -> None:
        if self.case is None or self.case.next_step is None:
            return
        dialog = ReasonDialog(_("Skip: {step}").format(step=self.case.next_step.label),
                              _("Why is this step skipped?"), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._run(svc.skip_step, self.case.next_step, dialog.text(), expected_version=self.case.summary.version)

    def undo_last(self) -> None:
        dialog = ReasonDialog(_("Undo the last step"), _("Why is the step undone?"), self)
        if self.case and dialog.exec() == QDialog.DialogCode.Accepted:
            self._run(svc.undo_step, dialog.text(), expected_version=self.case.summary.version)

    def edit_note(self) -> None:
        if self.case is None:
            return
        try:
            current = svc.read_best_interest_note(self.ctx.db, self.ctx.actor, self.case.summary.id) \
                if self.case.has_best_interest_note else ""
        except DomainError as exc:
            show_error(self, exc)
            return
        dialog = ReasonDialog(_("Best-interest / family tracing note"),
                              _("Best-interest determination and family tracing (confidential)"), self)
        dialog.reason.setPlainText(current or "")
        dialog.reason.setFixedHeight(160)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._run(svc.set_best_interest_note, dialog.text(), expected_version=self.case.summary.version)

    def hold(self) -> None:
        dialog = ReasonDialog(_("Put the case on hold"), _("Why?"), self)
        if self.case and dialog.exec() == QDialog.DialogCode.Accepted:
            self._run(svc.hold_case, dialog.text(), expected_version=self.case.summary.version)

    def resume(self) -> None:
        if self.case:
            self._run(svc.resume_case, expected_version=self.case.summary.version)

    def cancel(self) -> None:
        dialog = ReasonDialog(_("Cancel the return case"), _("Details"), self, choices=CancelReason.choices(),
                              reason_required=False)
        if self.case and dialog.exec() == QDialog.DialogCode.Accepted:
            self._run(svc.cancel_case, dialog.value(), dialog.text(), expected_version=self.case.summary.version)


class ReturnsPage(Page):
    offers_new = True
    offers_search = True
    offers_print = True

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="returnsPage")
        self.status = QComboBox()
        self.status.setObjectName("returnsStatusFilter")
        self.status.addItem(_("Open cases"), "open")
        for member in ReturnStatus:
            self.status.addItem(member.label, member.value)
        self.status.addItem(_("All cases"), "all")
        self.status.currentIndexChanged.connect(self.refresh)
        self.search = QLineEdit()
        self.search.setObjectName("returnsSearch")
        self.search.setPlaceholderText(_("Search a name, case number or return case…"))
        self.search.returnPressed.connect(self.refresh)
        self.new_button = QPushButton(_("New return case…"))
        self.new_button.setObjectName("returnsNew")
        self.new_button.clicked.connect(self.new_record)
        self.new_button.setEnabled(ctx.can(Permission.RETURN_WRITE))
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Show")))
        top.addWidget(self.status)
        top.addWidget(self.search, 1)
        top.addWidget(self.new_button)

        self.case_filter = svc.CaseFilter(centre_id=ctx.centre_id, only_open=True)
        self.pending_case: uuid.UUID | None = None
        self.model: LazyTableModel[svc.CaseSummary] = LazyTableModel(
            CASE_COLUMNS, lambda offset, limit, _sort, _desc: svc.page_cases(self.ctx.db, self.ctx.actor,
                                                                             self.case_filter, offset, limit),
            page_size=PAGE_SIZE, parent=self)
        self.model.loaded.connect(self._list_loaded)
        self.table = LazyTable("returnsList", self.model, stretch="name")
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.detail = CaseDetailPanel(self)

        self.splitter = self.set_body(self.table, self.detail, filters=top, name="returns", sizes=(520, 840),
                                      state_key="avrr/returns/splitter")
        self.refresh()

    def _filter(self) -> svc.CaseFilter:
        value = self.status.currentData()
        statuses: tuple[ReturnStatus, ...] = ()
        if value not in ("open", "all"):
            statuses = (ReturnStatus(value),)
        return svc.CaseFilter(centre_id=self.ctx.centre_id, statuses=statuses, only_open=value == "open",
                              search=self.search.text().strip() or None)

    def print_current(self) -> None:
        choose_and_print(self, self.ctx, self.detail.print_choices())

    def refresh(self) -> None:
        self.pending_case = self.detail.case.summary.id if self.detail.case else None
        self.case_filter = self._filter()
        self.model.reload()

    def _list_loaded(self, _first: bool) -> None:
        if self.pending_case is not None:
            case_id, self.pending_case = self.pending_case, None
            self.select_case(case_id)

    def select_case(self, case_id: uuid.UUID) -> None:
        row = self.model.row_of(case_id)
        if row is not None:
            self.table.selectRow(row)
            return
        self._show(case_id)

    def _selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row_at(current.row()) if current.isValid() else None
        if row is not None:
            self._show(row.id)

    def _show(self, case_id: uuid.UUID) -> None:
        try:
            self.detail.show_case(svc.get_case(self.ctx.db, self.ctx.actor, case_id))
        except DomainError as exc:
            show_error(self, exc)

    def case_changed(self, detail: svc.CaseDetail) -> None:
        self.model.replace_row(detail.summary)

    def new_record(self) -> None:
        if not self.ctx.can(Permission.RETURN_WRITE):
            return
        dialog = NewCaseDialog(self.ctx, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result_case is not None:
            self.case_filter = self._filter()
            self.pending_case = dialog.result_case.summary.id
            self.model.reload()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

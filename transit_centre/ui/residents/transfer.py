"""Transfer files between centres that do not share a database: "Transfer to another centre…"
in a resident's file makes one, "Receive a transfer…" (Residents page, File menu) reads one.

Sending: the receiving centre (only those whose key is registered can be chosen), the household
if the person travels with it, who goes, whether the medical and MHPSS notes go (the person's
consent to share with that centre), and where to write the file. The stay closes as a transfer.
Receiving: the file is checked and shown first (who, from where, what it holds, who here may be
the same person); Receive stores it in one transaction and gives the new case numbers.
"""
from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from transit_centre.errors import DomainError, PermissionDenied
from transit_centre.i18n import N_, _, country_name, format_date, format_number, ngettext
from transit_centre.transfers import service as transfers
from transit_centre.ui.common import memory, theme
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.errors import show_error
from transit_centre.ui.common.form_dialog import FormDialog
from transit_centre.ui.common.operations import run_op
from transit_centre.ui.common.tables import RowTable

RECORD_LABELS = {
    "resident": N_("people"), "identity_document": N_("identity documents"), "vulnerability": N_("vulnerabilities"),
    "resident_flag": N_("flags"), "sharing_consent": N_("consents"), "stay": N_("stays"),
    "return_case": N_("return cases"), "return_step": N_("return steps"), "cash_grant": N_("grants"),
    "disbursement": N_("payments"), "receipt": N_("receipts"), "reintegration_assistance": N_("reintegration"),
    "service_record": N_("services"), "household": N_("households"),
}


def _records_text(records: dict[str, int]) -> str:
    return ", ".join(_("{label}: {n}").format(label=_(RECORD_LABELS.get(k, k)), n=format_number(n))
                     for k, n in records.items())


def _people_table(name: str) -> RowTable:
    return RowTable(name, [_("Case number"), _("Name"), _("Sex"), _("Date of birth"), _("Nationality")], stretch=1)


def _person_cells(p: transfers.TransferPerson) -> list[str]:
    from transit_centre.enums import Sex

    return [p.case_number, p.full_name, Sex(p.sex).label, format_date(p.date_of_birth, "short") if p.date_of_birth else "",
            country_name(p.nationality) if p.nationality else ""]


class TransferOutDialog(FormDialog):
    """Make the transfer file of a resident (with their household) for another centre."""

    def __init__(self, ctx: UiContext, resident_id: uuid.UUID, centre_id: uuid.UUID,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, title=_("Transfer to another centre"), name="transferOutDialog",
                         save_text=_("Make the transfer file"), minimum_width=620)
        self.ctx, self.resident_id = ctx, resident_id
        self.result_view: transfers.TransferOut | None = None
        self.set_header(_("The person's file goes to the receiving centre in an encrypted file that only that "
                          "centre can open. Their stay here closes as a transfer."))
        self.centre = QComboBox()
        self.centre.setObjectName("transferCentre")
        for d in transfers.destinations(ctx.db, ctx.actor, centre_id):
            text = f"{d.code} – {d.name}" if d.has_key else _("{centre} (key not registered)").format(
                centre=f"{d.code} – {d.name}")
            self.centre.addItem(text, d.code)
            if not d.has_key:  # no key, no file: registered under Reports > Keys after a phone check
                self.centre.model().item(self.centre.count() - 1).setEnabled(False)
        first = next((i for i in range(self.centre.count()) if self.centre.model().item(i).isEnabled()), -1)
        self.centre.setCurrentIndex(first)
        self.add_field(_("Receiving centre"), "to", self.centre)
        self.household = QCheckBox(_("With everyone of their household"))
        self.household.setObjectName("transferHousehold")
        self.add_field("", "household", self.household)
        self.path = QLineEdit()
        self.path.setObjectName("transferPath")
        browse = QPushButton(_("Choose…"))
        browse.setObjectName("transferBrowse")
        browse.clicked.connect(self.choose_path)
        row = QWidget()
        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(self.path, 1)
        row_layout.addWidget(browse)
        self.add_field(_("File"), "out", row)
        self.people = self.add_below_form(_people_table("transferPeople"), 1)
        self.notes = QLabel()
        self.notes.setObjectName("transferNotes")
        self.notes.setWordWrap(True)
        self.add_below_form(self.notes)
        self.no_key = QLabel(_("No centre's key is registered here yet: ask the receiving centre for its centre key "
                               "(Reports > Keys), compare its fingerprint by phone and register it."))
        self.no_key.setObjectName("transferNoKey")
        self.no_key.setWordWrap(True)
        self.no_key.setStyleSheet(theme.style("warning_text"))
        self.no_key.setVisible(first < 0)
        self.add_below_form(self.no_key)
        self.centre.currentIndexChanged.connect(lambda _i: self.update_preview())
        self.household.toggled.connect(lambda _c: self.update_preview())
        self.update_preview()

    def to_code(self) -> str:
        return str(self.centre.currentData() or "")

    def update_preview(self) -> None:
        try:
            people = transfers.transfer_people(self.ctx.db, self.ctx.actor, [self.resident_id],
                                               with_household=self.household.isChecked())
        except Exception as exc:  # noqa: BLE001 - shown, the dialog stays
            show_error(self, exc)
            return
        self.people.set_rows([(p.id, _person_cells(p), None) for p in people])
        code = self.to_code()
        self.save_button.setEnabled(bool(code))
        if not code:
            self.notes.setText("")
            return
        consented = transfers.consent_to_share(self.ctx.db, self.ctx.actor, [p.id for p in people], code)
        if consented:
            text = _("Medical and MHPSS notes: included – the consent to share with {centre} is recorded.")
        else:
            text = _("Medical and MHPSS notes: not included – no consent to share with {centre} is recorded "
                     "(Record consent… in the file, partner: the centre's name).")
        self.notes.setText(text.format(centre=code))
        if not self.path.text() or self.path.text().endswith(transfers.FILE_SUFFIX):
            folder = Path(str(memory.value("transfers/folder", str(Path.home()))))
            self.path.setText(str(folder / transfers.transfer_file_name(people, code)))

    def choose_path(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(self, _("Transfer file"), self.path.text(),
                                                    _("Transfer files (*{suffix})").format(suffix=transfers.FILE_SUFFIX))
        if path:
            self.path.setText(path if path.endswith(transfers.FILE_SUFFIX) else path + transfers.FILE_SUFFIX)

    def save_record(self) -> transfers.TransferOut:
        result = transfers.transfer_out(self.ctx.db, self.ctx.actor, [self.resident_id], self.to_code(),
                                        Path(self.path.text().strip()), with_household=self.household.isChecked())
        memory.set_value("transfers/folder", str(result.path.parent))
        return result

    def submit(self) -> bool:
        if self.path.text().strip() == "":
            self.errors.show({"out": _("Choose where to write the file.")})
            return False
        done = super().submit()
        if done and self.result_view is not None:
            r = self.result_view
            closed = ngettext("The stay here is closed as a transfer.", "{n} stays here are closed as transfers.",
                              len(r.people)).format(n=format_number(len(r.people)))
            QMessageBox.information(self.parentWidget() or self, _("Transfer file made"), _(
                "The transfer file for {centre} is written:\n{path}\n\nTake it to {centre} (USB stick, e-mail): "
                "only {centre} can open it. {closed}").format(centre=r.to_code, path=r.path, closed=closed))
        return done


class ReceiveTransferDialog(QDialog):
    """Read a transfer file, show what it holds and who here may be the same person, then receive it."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None, path: str | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("receiveTransferDialog")
        self.setWindowTitle(_("Receive a transfer"))
        self.preview: transfers.TransferPreview | None = None
        self.result_view: transfers.TransferIn | None = None
        self.path = QLineEdit(path or "")
        self.path.setObjectName("receivePath")
        self.path.setReadOnly(True)
        browse = QPushButton(_("Choose the file…"))
        browse.setObjectName("receiveBrowse")
        browse.clicked.connect(self.choose_file)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Transfer file")))
        top.addWidget(self.path, 1)
        top.addWidget(browse)
        self.summary = QLabel(_("Choose the transfer file a centre gave you."))
        self.summary.setObjectName("receiveSummary")
        self.summary.setWordWrap(True)
        self.people = _people_table("receivePeople")
        self.matches = QLabel()
        self.matches.setObjectName("receiveMatches")
        self.matches.setWordWrap(True)
        self.matches.setStyleSheet(theme.style("warning_text"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.receive_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.receive_button.setObjectName("receiveButton")
        self.receive_button.setText(_("Receive"))
        self.receive_button.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Close"))
        self.buttons.accepted.connect(self.receive)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.people, 1)
        layout.addWidget(self.matches)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(640)
        if path:
            self.read(path)

    def choose_file(self) -> None:
        folder = str(memory.value("transfers/folder", str(Path.home())))
        path, _filter = QFileDialog.getOpenFileName(self, _("Transfer file"), folder, _(
            "Transfer files (*{suffix});;All files (*)").format(suffix=transfers.FILE_SUFFIX))
        if path:
            self.read(path)

    def read(self, path: str) -> None:
        self.path.setText(path)
        self.receive_button.setEnabled(False)
        self.summary.setText(_("Checking the file…"))
        self.people.set_rows([])
        self.matches.setText("")
        db, actor = self.ctx.db, self.ctx.actor
        self._task = run_op(self, lambda: transfers.preview_transfer(db, actor, Path(path)), self._shown,
                            failed=self._refused)

    def _refused(self, exc: BaseException) -> None:
        self.summary.setText(_("This file cannot be received: {reason}").format(reason=str(exc)))
        self.summary.setStyleSheet(theme.style("error"))
        if not isinstance(exc, (DomainError, PermissionDenied)):
            show_error(self, exc)  # unexpected: logged, and said in the one way

    def _shown(self, preview: transfers.TransferPreview) -> None:
        self.preview = preview
        self.summary.setStyleSheet("")
        made = format_date(preview.made_on)
        lines = [_("From {centre}, made on {day} by {who}. It holds: {records}.").format(
            centre=f"{preview.from_code} – {preview.from_name}".strip(" –"), day=made, who=preview.made_by,
            records=_records_text(preview.records)),
            _("Medical and MHPSS notes are included (the person consented).") if preview.confidential_included
            else _("Medical and MHPSS notes are not included (no consent to share them with this centre).")]
        if preview.received_at is not None:
            lines.append(_("This file was already received on {day}: receiving it again changes nothing.").format(
                day=format_date(preview.received_at.date())))
        self.summary.setText("\n".join(lines))
        self.people.set_rows([(p.id, _person_cells(p), None) for p in preview.people])
        warnings = []
        for person in preview.people:
            for match in preview.matches.get(person.id, []):
                warnings.append(_("{name} may already be registered here: {case} {other} ({centre}).").format(
                    name=person.full_name, case=match.case_number, other=match.full_name, centre=match.centre_code))
        if warnings:
            warnings.append(_("Check with the person before receiving: receiving makes another record."))
        self.matches.setText("\n".join(warnings))
        self.receive_button.setEnabled(preview.received_at is None)

    def receive(self) -> None:
        if self.preview is None:
            return
        if self.preview.matches and QMessageBox.question(
                self, _("Receive a transfer"), _("Someone in this file may already be registered here. Receive the "
                                                 "file anyway?")) != QMessageBox.StandardButton.Yes:
            return
        self.receive_button.setEnabled(False)
        db, actor, path = self.ctx.db, self.ctx.actor, Path(self.path.text())
        self._task = run_op(self, lambda _report: transfers.receive_transfer(db, actor, path), self._received,
                            failed=self._not_received, progress=_("Receiving the transfer…"))

    def _not_received(self, exc: BaseException) -> None:
        self.receive_button.setEnabled(True)  # nothing was stored: one transaction
        show_error(self, exc)

    def _received(self, result: transfers.TransferIn) -> None:
        self.result_view = result
        memory.set_value("transfers/folder", str(Path(self.path.text()).parent))
        numbers = "\n".join(_("{first} is now {number}").format(first=first, number=number)
                            for _rid, number, first in result.people)
        QMessageBox.information(self, _("Transfer received"), _(
            "The transfer is received: {records}.\n\n{numbers}\n\nCheck the person in on the Shelter page when "
            "they arrive.").format(records=_records_text(result.records), numbers=numbers)
            if not result.already_received else _("This file was already received: nothing changed."))
        self.accept()


def transfer_out(ctx: UiContext, parent: QWidget | None, resident_id: uuid.UUID, centre_id: uuid.UUID) -> bool:
    dialog = TransferOutDialog(ctx, resident_id, centre_id, parent)
    return dialog.exec() == QDialog.DialogCode.Accepted


def receive_transfer(ctx: UiContext, parent: QWidget | None) -> transfers.TransferIn | None:
    dialog = ReceiveTransferDialog(ctx, parent)
    dialog.choose_file()
    if not dialog.path.text():
        return None
    return dialog.result_view if dialog.exec() == QDialog.DialogCode.Accepted else None


__all__ = ["ReceiveTransferDialog", "TransferOutDialog", "receive_transfer", "transfer_out"]

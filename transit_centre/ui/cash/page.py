"""Cash page: grants to approve, grants to disburse (the receipt number is shown at once),
void and reissue of receipts, and the cash book with totals and reconciliation."""
from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from transit_centre.ui.common import theme
from transit_centre.avrr import cash as svc
from transit_centre.avrr.cashbook import CashBook, cash_book
from transit_centre.enums import GrantKind, GrantStatus, PaymentMethod, ReceiptVoidReason, RecipientRole
from transit_centre.errors import DomainError
from transit_centre.i18n import _, format_date, format_xof, ngettext
from transit_centre.security.permissions import Permission
from transit_centre.ui.common.dialogs import ReasonDialog
from transit_centre.ui.common.resident_picker import ResidentPicker, resident_search
from transit_centre.ui.common.tables import RowTable
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.form_dialog import FormDialog
from transit_centre.ui.common.page import Page
from transit_centre.ui.common.errors import show_error
from transit_centre.ui.common.print_preview import choose_and_print, print_button, print_document, print_receipts_of_day
from transit_centre.ui.common.widgets import EnumCombo, date_edit, required


def _amount_box(value: int = 0) -> QSpinBox:
    box = QSpinBox()
    box.setRange(0, svc.MAX_AMOUNT)
    box.setSingleStep(1000)
    box.setGroupSeparatorShown(True)
    box.setSuffix(" F CFA")
    box.setValue(value)
    return box


def _kind_text(g) -> str:  # noqa: ANN001
    if g.tranche_count:
        return _("{kind} (tranche {n} of {m})").format(kind=g.kind.label, n=g.tranche_number, m=g.tranche_count)
    return g.kind.label


class PlanGrantDialog(FormDialog):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent, title=_("Plan a grant"), name="planGrantDialog")
        self.ctx = ctx
        self.result_grant: svc.GrantView | None = None
        try:
            self.defaults = svc.default_amounts(ctx.db)
        except DomainError:
            self.defaults = dict(svc.DEFAULT_AMOUNTS)
        self.picker = ResidentPicker(resident_search(ctx))
        self.add_field(required(_("Resident")), "resident_id", self.picker)
        self.kind = EnumCombo(GrantKind)
        self.kind.setObjectName("grantKind")
        self.add_field(required(_("Kind")), "kind", self.kind)
        self.amount = _amount_box(self.defaults[GrantKind.POCKET_MONEY])
        self.amount.setObjectName("grantAmount")
        self.add_field(required(_("Amount")), "amount", self.amount)
        self.tranche = QSpinBox()
        self.tranche.setRange(1, svc.MAX_TRANCHES)
        self.tranche.setObjectName("grantTranche")
        self.tranches = QSpinBox()
        self.tranches.setRange(1, svc.MAX_TRANCHES)
        self.tranches.setObjectName("grantTranches")
        row = QHBoxLayout()
        row.addWidget(self.tranche)
        row.addWidget(QLabel(_("of")))
        row.addWidget(self.tranches)
        holder = QWidget()
        holder.setLayout(row)
        self.add_field(_("Tranche"), "tranche_number", holder)
        self.day = date_edit()
        self.day.setObjectName("grantPlannedOn")
        self.add_field(required(_("Date")), "planned_on", self.day)
        self.note = QLineEdit()
        self.add_field(_("Note"), "note", self.note)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self) -> None:
        kind = self.kind.value()
        self.amount.setValue(self.defaults.get(kind, 0))
        reintegration = kind == GrantKind.REINTEGRATION
        self.tranche.setEnabled(reintegration)
        self.tranches.setEnabled(reintegration)

    def save_record(self) -> Any:
        resident_id = self.picker.resident_id
        if resident_id is None:
            raise DomainError(_("Choose the resident."), "resident_id")
        reintegration = self.kind.value() == GrantKind.REINTEGRATION
        data = svc.GrantInput(resident_id, self.kind.value(), self.amount.value(),
                              tranche_number=self.tranche.value() if reintegration else None,
                              tranche_count=self.tranches.value() if reintegration else None,
                              planned_on=self.day.date().toPython(), note=self.note.text())
        self.result_grant = svc.plan_grant(self.ctx.db, self.ctx.actor, data)
        return self.result_grant


class DisburseDialog(FormDialog):
    """Pay an approved grant (or reissue a voided receipt); shows the receipt number when done."""

    def __init__(self, ctx: UiContext, grant: svc.GrantView, parent: QWidget | None = None, *,
                 voided_receipt: svc.ReceiptView | None = None) -> None:
        title = (_("Reissue receipt {number}").format(number=voided_receipt.number) if voided_receipt
                 else _("Disburse a grant"))
        super().__init__(parent, title=title, name="disburseDialog", save_button=QDialogButtonBox.StandardButton.Ok)
        self.ctx = ctx
        self.grant = grant
        self.voided_receipt = voided_receipt
        self.receipt: svc.ReceiptView | None = None
        self.form.addRow(_("Resident"), QLabel(f"{grant.resident_name} ({grant.resident_case_number})"))
        self.form.addRow(_("Grant"), QLabel(_kind_text(grant)))
        self.form.addRow(_("Approved"), QLabel(format_xof(grant.approved_amount)))
        self.day = date_edit()
        self.day.setObjectName("disburseDate")
        self.add_field(required(_("Date")), "disbursed_on", self.day)
        self.method = EnumCombo(PaymentMethod)
        self.method.setObjectName("disburseMethod")
        self.add_field(required(_("Method")), "method", self.method)
        self.reference = QLineEdit()
        self.reference.setObjectName("disburseReference")
        self.add_field(_("Mobile money reference"), "mobile_money_reference", self.reference)
        self.amount = _amount_box(grant.approved_amount or 0)
        self.amount.setObjectName("disburseAmount")
        self.add_field(required(_("Amount paid")), "amount", self.amount)
        self.method.currentIndexChanged.connect(
            lambda: self.reference.setEnabled(self.method.value() == PaymentMethod.MOBILE_MONEY))
        self.reference.setEnabled(False)
        # Money for a minor goes to a parent, guardian or escort, who signs the receipt.
        self.minor_note = QLabel(_("{name} is a minor: the money is handed to a parent, guardian or escort, who "
                                   "signs the receipt.").format(name=grant.resident_name))
        self.minor_note.setObjectName("disburseMinorNote")
        self.minor_note.setWordWrap(True)
        self.minor_note.setStyleSheet(theme.style("advice"))
        self.form.addRow(self.minor_note)
        self.recipient = QComboBox()
        self.recipient.setObjectName("disburseRecipient")
        self.recipient.setEditable(True)
        self.recipient_role = EnumCombo(RecipientRole, allow_empty=True)
        self.recipient_role.setObjectName("disburseRecipientRole")
        try:
            for name, role in svc.recipient_suggestions(ctx.db, ctx.actor, grant.id):
                self.recipient.addItem(name, role.value)
        except DomainError:
            pass
        self.recipient.setCurrentIndex(-1)
        self.recipient.currentIndexChanged.connect(self._recipient_chosen)
        self.recipient_row = self.errors.field("received_by_name", self.recipient)
        self.role_row = self.errors.field("received_by_role", self.recipient_role)
        self.form.addRow(required(_("Received by")), self.recipient_row)
        self.form.addRow(required(_("Who they are")), self.role_row)
        self.day.dateChanged.connect(lambda _d: self._minor_changed())
        self._minor_changed()
        self.done_label = QLabel()
        self.done_label.setObjectName("disburseReceiptNumber")
        self.body.insertWidget(self.body.count() - 1, self.done_label)  # above the buttons

    def _minor_changed(self) -> None:
        minor = self.grant.minor_on(self.day.date().toPython())
        for row in (self.minor_note, self.recipient_row, self.role_row):
            self.form.setRowVisible(row, minor)

    def _recipient_chosen(self, index: int) -> None:
        role = self.recipient.itemData(index) if index >= 0 else None
        if role:
            self.recipient_role.set_value(RecipientRole(role))

    def save_record(self) -> Any:
        minor = self.grant.minor_on(self.day.date().toPython())
        data = svc.DisbursementInput(self.day.date().toPython(), self.method.value(), self.reference.text(),
                                     self.amount.value(),
                                     received_by_name=self.recipient.currentText() if minor else None,
                                     received_by_role=self.recipient_role.value() if minor else None)
        if self.voided_receipt is not None:
            self.receipt = svc.reissue_receipt(self.ctx.db, self.ctx.actor, self.voided_receipt.id, data)
        else:
            self.receipt = svc.disburse(self.ctx.db, self.ctx.actor, self.grant.id, data, self.grant.version)
        self.done_label.setText(_("Receipt number: {number}").format(number=self.receipt.number))
        return self.receipt


class CashPage(Page):
    offers_new = True
    offers_print = True

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="cashPage")
        self.book: CashBook | None = None
        self.tabs = QTabWidget()
        self.tabs.setObjectName("cashTabs")
        headers = [_("Resident"), _("Case number"), _("Grant"), _("Planned"), _("Approved"), _("Planned on")]

        # grants to approve
        self.to_approve = RowTable("cashToApprove", headers, stretch=0)
        approve_box = QWidget()
        al = QVBoxLayout(approve_box)
        al.addWidget(self.to_approve, 1)
        ab = QHBoxLayout()
        self.plan_button = self._button("cashPlan", _("Plan a grant…"), self.new_record, Permission.GRANT_PLAN, ab)
        self.approve_button = self._button("cashApprove", _("Approve"), self.approve, Permission.GRANT_APPROVE, ab)
        self.cancel_button = self._button("cashCancelGrant", _("Cancel grant…"), self.cancel_grant,
                                          Permission.GRANT_PLAN, ab)
        ab.addStretch(1)
        al.addLayout(ab)
        self.tabs.addTab(approve_box, _("To approve"))

        # grants to disburse
        self.to_disburse = RowTable("cashToDisburse", headers, stretch=0)
        disburse_box = QWidget()
        dl = QVBoxLayout(disburse_box)
        dl.addWidget(self.to_disburse, 1)
        db_ = QHBoxLayout()
        self.disburse_button = self._button("cashDisburse", _("Disburse…"), self.disburse, Permission.GRANT_DISBURSE, db_)
        db_.addStretch(1)
        dl.addLayout(db_)
        self.tabs.addTab(disburse_box, _("To disburse"))

        # cash book
        self.date_from = date_edit(dt.date.today().replace(day=1))
        self.date_from.setObjectName("cashFrom")
        self.date_to = date_edit(dt.date.today())
        self.date_to.setObjectName("cashTo")
        show = QPushButton(_("Show"))
        show.setObjectName("cashShowBook")
        show.clicked.connect(self.load_book)
        period = QHBoxLayout()
        period.addWidget(QLabel(_("From")))
        period.addWidget(self.date_from)
        period.addWidget(QLabel(_("to")))
        period.addWidget(self.date_to)
        period.addWidget(show)
        period.addStretch(1)
        self.receipts = RowTable("cashReceipts", [_("Receipt"), _("Date"), _("Resident"), _("Grant"), _("Amount"),
                                                  _("Method"), _("Cash officer"), _("Void"), _("Replaced by")],
                                 stretch=2)
        rb = QHBoxLayout()
        self.void_button = self._button("cashVoid", _("Void receipt…"), self.void, Permission.RECEIPT_VOID, rb)
        self.reissue_button = self._button("cashReissue", _("Reissue…"), self.reissue, Permission.GRANT_DISBURSE, rb)
        rb.addWidget(print_button(self, self.ctx, self.print_choices, "cashPrintButton"))
        self.print_day_button = self._button("cashPrintDay", _("Print the day's receipts…"), self.print_day,
                                             Permission.PRINT, rb)
        rb.addStretch(1)
        self.totals = RowTable("cashTotals", [_("Grant"), _("Receipts"), _("Total")], stretch=0,
                               widths={1: 60, 2: 110})
        self.months = RowTable("cashMonths", [_("Month"), _("Receipts"), _("Total")], stretch=0,
                               widths={1: 60, 2: 110})
        self.reconciliation = RowTable("cashReconciliation", [_("Grant"), _("Approved"), _("Disbursed"),
                                                              _("Outstanding"), _("Waiting")], stretch=0,
                                       widths={1: 120, 2: 120, 3: 120, 4: 70})
        self.summary = QLabel()
        self.summary.setObjectName("cashSummary")
        lower = QHBoxLayout()
        for title, table in ((_("Totals by kind"), self.totals), (_("By month"), self.months),
                             (_("Reconciliation"), self.reconciliation)):
            group = QGroupBox(title)
            QVBoxLayout(group).addWidget(table)
            lower.addWidget(group, 2 if table is self.reconciliation else 1)
        book_box = QWidget()
        bl = QVBoxLayout(book_box)
        bl.addLayout(period)
        bl.addWidget(self.receipts, 3)
        bl.addLayout(rb)
        bl.addWidget(self.summary)
        bl.addLayout(lower, 2)
        self.tabs.addTab(book_box, _("Cash book"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.refresh()

    def _button(self, name: str, text: str, slot, permission: Permission, layout: QHBoxLayout) -> QPushButton:  # noqa: ANN001
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        button.setVisible(self.ctx.can(permission))
        layout.addWidget(button)
        return button

    # -- data ------------------------------------------------------------------------------
    def refresh(self) -> None:
        try:
            planned = svc.list_grants(self.ctx.db, self.ctx.actor, self.ctx.centre_id, statuses=(GrantStatus.PLANNED,))
            approved = svc.list_grants(self.ctx.db, self.ctx.actor, self.ctx.centre_id,
                                       statuses=(GrantStatus.APPROVED,))
        except DomainError as exc:
            show_error(self, exc)
            planned, approved = [], []

        def rows(grants):  # noqa: ANN001, ANN202
            return [(g, [g.resident_name, g.resident_case_number, _kind_text(g), format_xof(g.planned_amount),
                         format_xof(g.approved_amount), format_date(g.planned_on, "short")], None) for g in grants]

        self.to_approve.set_rows(rows(planned))
        self.to_disburse.set_rows(rows(approved))
        self.tabs.setTabText(0, _("To approve ({n})").format(n=len(planned)))
        self.tabs.setTabText(1, _("To disburse ({n})").format(n=len(approved)))
        self.load_book()

    def load_book(self) -> None:
        if self.ctx.centre_id is None:
            self.summary.setText(_("Choose a centre to see its cash book."))
            return
        try:
            self.book = cash_book(self.ctx.db, self.ctx.actor, self.ctx.centre_id,
                                  self.date_from.date().toPython(), self.date_to.date().toPython())
        except DomainError as exc:
            show_error(self, exc)
            return
        b = self.book
        self.receipts.set_rows([
            (line.receipt_id, [line.number, format_date(line.day, "short"), line.resident_name, line.kind.label,
                               format_xof(line.amount), line.method.label, line.cash_officer,
                               _("Void: {reason}").format(reason=line.void_reason) if line.voided else "",
                               line.replaced_by_number or ""], theme.colour("void_bg") if line.voided else None)
            for line in b.lines])
        self.totals.set_rows([(t.kind, [t.kind.label, str(t.count), format_xof(t.total)], None) for t in b.by_kind])
        self.months.set_rows([(m.period, [m.period, str(m.count), format_xof(m.total)], None) for m in b.by_month])
        self.reconciliation.set_rows([
            (r.kind, [r.kind.label, format_xof(r.approved), format_xof(r.disbursed), format_xof(r.outstanding),
                      str(r.grants_waiting)], None) for r in b.reconciliation])
        self.summary.setText(ngettext("{count} receipt ({voided} void). Total disbursed: {total}.",
                                      "{count} receipts ({voided} void). Total disbursed: {total}.",
                                      b.receipt_count).format(
            count=b.receipt_count, voided=len(b.voided), total=format_xof(b.total_disbursed)))

    # -- actions ---------------------------------------------------------------------------
    def new_record(self) -> None:
        if not self.ctx.can(Permission.GRANT_PLAN):
            return
        dialog = PlanGrantDialog(self.ctx, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh()

    def approve(self) -> None:
        grant = self.to_approve.current_payload()
        if grant is None:
            return
        approved_on = None
        if grant.planned_on < dt.date.today():  # a grant entered after the fact: approved that day too?
            answer = QMessageBox.question(self, _("Approve the grant"), _(
                "This grant was planned on {date}. Was it approved on that day (a paper approval entered "
                "now)? No: approved today.").format(date=format_date(grant.planned_on)))
            approved_on = grant.planned_on if answer == QMessageBox.StandardButton.Yes else None
        try:
            svc.approve_grant(self.ctx.db, self.ctx.actor, grant.id, None, grant.version, approved_on=approved_on)
        except DomainError as exc:
            show_error(self, exc)
        self.refresh()

    def cancel_grant(self) -> None:
        grant = self.to_approve.current_payload() if self.tabs.currentIndex() == 0 else \
            self.to_disburse.current_payload()
        if grant is None:
            return
        dialog = ReasonDialog(_("Cancel the grant"), _("Why?"), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                svc.cancel_grant(self.ctx.db, self.ctx.actor, grant.id, dialog.text(), grant.version)
            except DomainError as exc:
                show_error(self, exc)
            self.refresh()

    def disburse(self) -> None:
        grant = self.to_disburse.current_payload()
        if grant is None:
            return
        dialog = DisburseDialog(self.ctx, grant, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.receipt is not None:
            self.refresh()
            self.show_receipt_number(dialog.receipt)

    def show_receipt_number(self, receipt: svc.ReceiptView) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, _("Receipt issued"),
                          _("Receipt {number} for {amount}.").format(number=receipt.number,
                                                                     amount=format_xof(receipt.amount)),
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("receiptIssuedBox")
        if self.ctx.can(Permission.PRINT):
            printing = box.addButton(_("Print the receipt…"), QMessageBox.ButtonRole.ActionRole)
            printing.setObjectName("printIssuedReceipt")
            printing.clicked.connect(
                lambda _checked=False, rid=receipt.id: print_document(self, self.ctx, "receipt", rid))
        box.open()

    def print_choices(self) -> list:
        return [(_("Cash receipt"), "receipt", self.receipts.current_payload())]

    def print_current(self) -> None:
        choose_and_print(self, self.ctx, self.print_choices())

    def print_day(self) -> None:
        """Every receipt of the last day of the period shown, one per page (in the background)."""
        if self.ctx.centre_id is not None:
            print_receipts_of_day(self, self.ctx, self.date_to.date().toPython())

    def void(self) -> None:
        receipt_id = self.receipts.current_payload()
        if receipt_id is None:
            return
        dialog = ReasonDialog(_("Void the receipt"), _("Details"), self, choices=ReceiptVoidReason.choices())
        if dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                svc.void_receipt(self.ctx.db, self.ctx.actor, receipt_id, dialog.text(), code=dialog.value())
            except DomainError as exc:
                show_error(self, exc)
            self.refresh()

    def reissue(self) -> None:
        receipt_id = self.receipts.current_payload()
        if receipt_id is None:
            return
        try:
            receipt = svc.get_receipt(self.ctx.db, self.ctx.actor, receipt_id)
            grant = svc.get_grant(self.ctx.db, self.ctx.actor, receipt.grant_id)
        except DomainError as exc:
            show_error(self, exc)
            return
        dialog = DisburseDialog(self.ctx, grant, self, voided_receipt=receipt)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.receipt is not None:
            self.refresh()
            self.show_receipt_number(dialog.receipt)

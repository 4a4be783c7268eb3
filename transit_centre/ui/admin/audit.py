"""The audit log viewer (Administration > Audit log): filters and a lazily fetched table.

The log grows with every change, so the list reads one page at a time in the background and
never loads the whole table. Read-only by design. It reads in words: the record's name (a
resident's name and case number, a centre, an account), the field's label, a new record's
fields one by one, yes and no.
"""
from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from transit_centre.ui.common import theme
from transit_centre.enums import AuditAction
from transit_centre.errors import DomainError
from transit_centre.i18n import N_, _, format_datetime, format_number, ngettext
from transit_centre.security.audit_log import (
    AuditFilter,
    AuditRow,
    ChainStatus,
    audit_count,
    audit_entities,
    audit_page,
    audit_usernames,
    check_audit_chain,
)
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.lazy_table import Column, LazyTable, LazyTableModel
from transit_centre.ui.common.errors import show_error
from transit_centre.ui.common.widgets import FieldErrors, OptionalDateEdit
from transit_centre.ui.common.operations import run_op

PAGE_SIZE = 200

# Readable names of the kinds of record (table names); unknown ones are shown as they are.
ENTITY_LABELS: dict[str, str] = {
    "resident": N_("Resident"), "stay": N_("Stay"), "bed": N_("Bed"), "room": N_("Room"),
    "centre": N_("Centre"), "household": N_("Household"), "identity_document": N_("Identity document"),
    "vulnerability": N_("Vulnerability"), "service_record": N_("Service"),
    "service_participant": N_("Service participant"), "return_case": N_("Return case"),
    "return_step": N_("Return step"), "movement": N_("Movement"), "movement_case": N_("Traveller on a movement"),
    "cash_grant": N_("Cash grant"), "disbursement": N_("Disbursement"), "receipt": N_("Receipt"),
    "app_user": N_("User account"), "role": N_("Role"), "setting": N_("Setting"), "database": N_("Database"),
    "resident_flag": N_("Flag"), "flag_type": N_("Kind of flag"), "roll_call": N_("Roll-call"),
    "follow_up": N_("Follow-up"), "sharing_consent": N_("Consent to share"), "partner": N_("Partner"),
    "distribution_rule": N_("Distribution rule"), "imported_package": N_("Imported package"),
}


def entity_label(entity: str) -> str:
    return _(ENTITY_LABELS[entity]) if entity in ENTITY_LABELS else entity


# The fields a manager meets most, in words; any other reads as its name with spaces.
FIELD_LABELS: dict[str, str] = {
    "first_name": N_("First name"), "last_name": N_("Last name"), "sex": N_("Sex"),
    "date_of_birth": N_("Date of birth"), "dob_estimated": N_("Date of birth estimated"),
    "nationality": N_("Nationality"), "phone": N_("Phone"), "case_number": N_("Case number"),
    "household_id": N_("Household"), "household_role": N_("Role in the household"), "status": N_("Status"),
    "name": N_("Name"), "town": N_("Town"), "region": N_("Region"), "capacity": N_("Capacity"), "kind": N_("Kind"),
    "active": N_("Active"), "code": N_("Code"), "amount": N_("Amount"), "approved_amount": N_("Approved amount"),
    "planned_on": N_("Planned on"), "note": N_("Note"), "reason": N_("Reason"), "bed_id": N_("Bed"),
    "arrival_date": N_("Arrival date"), "departure_date": N_("Departure date"), "departure_reason": N_("Reason for leaving"),
    "due_date": N_("Due date"), "owner_id": N_("Owner"), "title": N_("Task"), "rule": N_("Made by the rule"),
    "full_name": N_("Full name"), "username": N_("User name"), "language": N_("Language"), "roles": N_("Roles"),
    "must_change_password": N_("Must change the password"), "returnee_group": N_("Returnee group"),
    "destination_country": N_("Destination country"), "destination_region": N_("Region of return"),
    "best_interest_note": N_("Best-interest note"), "value": N_("Value"), "name_confirmed": N_("Name confirmed"),
}


# Values stored as codes that a manager reads in words: the follow-up rules.
VALUE_LABELS: dict[str, str] = {
    "unaccompanied_minor": N_("Best-interest assessment of an unaccompanied minor"),
    "fit_to_travel_expiry": N_("Fit-to-travel that expires before the departure"),
}
FIELD_LABELS.update({"rules": N_("Made by the rules"), **VALUE_LABELS})


def field_label(field: str | None) -> str:
    if not field:
        return ""
    return _(FIELD_LABELS[field]) if field in FIELD_LABELS else field.replace("_", " ")


def _internal(field: str) -> bool:
    """Columns kept for the machine (links, search keys, versions): not shown in a new record's words."""
    return field.endswith(("_id", "_folded")) or field in ("id", "search_text", "version")


def in_words(value: str | None) -> str:
    """A stored value as a manager reads it: the fields of a new record one by one ("Name: Gao 1;
    Capacity: 40"), yes and no for true and false; other values as they are."""
    if not value:
        return ""
    text = value.strip()
    if text.startswith("{") and text.endswith("}"):
        try:
            record = json.loads(text)
        except ValueError:
            return value
        if isinstance(record, dict):
            return "; ".join(f"{field_label(k)}: {in_words(str(v))}" for k, v in record.items()
                             if v not in (None, "") and not _internal(k))
    if text in VALUE_LABELS:
        return _(VALUE_LABELS[text])
    if text in ("True", "true"):
        return _("yes")
    if text in ("False", "false"):
        return _("no")
    return value


def _cut(value: str | None) -> str:
    value = value or ""
    return value if len(value) <= 120 else value[:117] + "…"


AUDIT_COLUMNS: list[Column[AuditRow]] = [
    Column("at", N_("When"), lambda r: format_datetime(r.at, "short")),
    Column("user", N_("User"), lambda r: r.username),
    Column("action", N_("Action"), lambda r: r.action.label),
    Column("entity", N_("Record"), lambda r: " – ".join(x for x in (entity_label(r.entity), r.record) if x),
           tooltip=lambda r: " – ".join(x for x in (entity_label(r.entity), r.record or str(r.entity_id or "")) if x)),
    Column("field", N_("Field"), lambda r: field_label(r.field)),
    Column("old", N_("Old value"), lambda r: _cut(in_words(r.old_value)), tooltip=lambda r: in_words(r.old_value)),
    Column("new", N_("New value"), lambda r: _cut(in_words(r.new_value)), tooltip=lambda r: in_words(r.new_value)),
    Column("detail", N_("Detail"), lambda r: _cut(r.detail), tooltip=lambda r: r.detail),
]


class AuditViewer(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("auditViewer")
        self.errors = FieldErrors()
        self.user = QComboBox()
        self.user.setObjectName("auditUser")
        self.user.setEditable(True)
        self.user.addItem("", None)
        for name in audit_usernames(ctx.db, ctx.actor):
            self.user.addItem(name, name)
        self.entity = QComboBox()
        self.entity.setObjectName("auditEntity")
        self.entity.addItem(_("All records"), None)
        for name in sorted(audit_entities(ctx.db, ctx.actor), key=entity_label):
            self.entity.addItem(entity_label(name), name)
        self.record = QLineEdit()
        self.record.setObjectName("auditRecord")
        self.record.setPlaceholderText(_("case number or record id"))
        self.action = QComboBox()
        self.action.setObjectName("auditAction")
        self.action.addItem(_("All actions"), None)
        for action in AuditAction:
            self.action.addItem(action.label, action.value)
        self.date_from = OptionalDateEdit()
        self.date_from.setObjectName("auditFrom")
        self.date_to = OptionalDateEdit()
        self.date_to.setObjectName("auditTo")
        apply = QPushButton(_("Search"))
        apply.setObjectName("auditSearch")
        apply.setDefault(True)
        apply.clicked.connect(self.apply_filter)
        self.record.returnPressed.connect(self.apply_filter)

        form1, form2, form3 = QFormLayout(), QFormLayout(), QFormLayout()
        form1.addRow(_("User"), self.user)
        form1.addRow(_("Record kind"), self.entity)
        form2.addRow(_("Record"), self.record)
        form2.addRow(_("Action"), self.action)
        form3.addRow(_("From"), self.date_from)
        form3.addRow(_("To"), self.errors.field("date_to", self.date_to))
        filters = QHBoxLayout()
        for form in (form1, form2, form3):
            filters.addLayout(form, 1)
        filters.addWidget(apply, 0, Qt.AlignmentFlag.AlignBottom)

        self.audit_filter = AuditFilter()
        self.total = 0
        self.model: LazyTableModel[AuditRow] = LazyTableModel(AUDIT_COLUMNS, self._fetch, page_size=PAGE_SIZE,
                                                              on_error=self._list_failed, parent=self)
        self.model.loaded.connect(self._loaded)
        self.table = LazyTable("auditTable", self.model)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._show_detail(cur.row()))
        self.chain = QLabel(_("Checking the audit log…"))
        self.chain.setObjectName("auditChainStatus")
        self.chain.setWordWrap(True)
        self.count = QLabel()
        self.count.setObjectName("auditCount")
        self.detail = QTextEdit()
        self.detail.setObjectName("auditDetail")
        self.detail.setReadOnly(True)
        self.detail.setMaximumHeight(110)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.chain)
        layout.addWidget(self.errors.general_label())
        layout.addWidget(self.count)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        self.apply_filter()
        self.check_chain()

    def check_chain(self) -> None:
        """The hash chain is walked off the GUI thread; the first broken link shows in red."""
        def done(status: ChainStatus) -> None:
            if isValid(self.chain):  # the screen may have been closed meanwhile
                self.chain.setText(status.message)
                self.chain.setStyleSheet(theme.style("success") if status.ok else theme.style("alarm"))

        def failed(exc: BaseException) -> None:
            if isValid(self.chain):
                self.chain.setText("")
            if not isinstance(exc, DomainError):
                show_error(None, exc)

        self._chain_task = run_op(self, lambda: check_audit_chain(self.ctx.db, self.ctx.actor), done, failed=failed)

    def current_filter(self) -> AuditFilter:
        user = self.user.currentText().strip() or None
        action = self.action.currentData()
        return AuditFilter(user=user, entity=self.entity.currentData(), record=self.record.text().strip() or None,
                           action=AuditAction(action) if action else None,
                           date_from=self.date_from.date(), date_to=self.date_to.date())

    def _fetch(self, offset: int, limit: int, _sort: str | None, _descending: bool) -> list[AuditRow]:
        """One page, read in the background (the model's operation); the first comes with the count.
        A wrong filter (dates the wrong way round) raises ``DomainError`` before anything is read."""
        flt = self.audit_filter
        if offset == 0:
            self.total = audit_count(self.ctx.db, self.ctx.actor, flt)
        return audit_page(self.ctx.db, self.ctx.actor, flt, offset, limit)

    def apply_filter(self) -> None:
        self.errors.clear()
        self.audit_filter = self.current_filter()
        self.model.reload()

    def _loaded(self, first: bool) -> None:
        self.count.setText(ngettext("{n} entry", "{n} entries", self.total).format(n=format_number(self.total)))
        if first:  # a new filter: the entry shown below may no longer be listed
            self.detail.clear()

    def _list_failed(self, exc: BaseException) -> None:
        if isinstance(exc, DomainError):
            self.errors.show(exc)
        else:
            show_error(self, exc)

    def refresh(self) -> None:
        self.apply_filter()

    def focus_search(self) -> None:
        self.record.setFocus()

    def _show_detail(self, row: int) -> None:
        r = self.model.row_at(row)
        if r is None:
            self.detail.clear()
            return
        record = " ".join(x for x in (entity_label(r.entity), r.record, f"[{r.entity_id}]" if r.entity_id else "") if x)
        lines = [f"{format_datetime(r.at)} – {r.username} – {r.action.label}",
                 _("Record: {entity} {id}").format(entity=record, id="").strip()]
        if r.field:
            lines.append(_("Field: {field}").format(field=field_label(r.field)))
        if r.old_value is not None:
            lines.append(_("Old value: {value}").format(value=in_words(r.old_value)))
        if r.new_value is not None:
            lines.append(_("New value: {value}").format(value=in_words(r.new_value)))
        if r.detail:
            lines.append(_("Detail: {value}").format(value=r.detail))
        self.detail.setPlainText("\n".join(lines))


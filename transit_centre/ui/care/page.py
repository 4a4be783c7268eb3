"""Services page: distribute meals and NFI kits to everyone present in two clicks, record medical,
MHPSS and counselling services and referrals, and browse (and void) the centre's recent services.

Confidential notes are never shown in lists; staff of the matching profession open one with
"Read note", and each reading is written to the audit log by the service.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from transit_centre.ui.common import theme
from transit_centre.ui.common import memory
from transit_centre.care import distribution, records, referrals
from transit_centre.care.enums import MealType, NfiKit, ReferralOutcome
from transit_centre.enums import ServiceKind
from transit_centre.i18n import N_, _, format_date, ngettext
from transit_centre.security.permissions import Permission
from transit_centre.shelter.stays import present_residents
from transit_centre.ui.care.widgets import CheckList
from transit_centre.ui.common.resident_picker import Choice, resident_search
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.lazy_table import Column, LazyTable, LazyTableModel
from transit_centre.ui.common.page import Page
from transit_centre.ui.common.errors import show_error
from transit_centre.ui.care.forms import CounsellingTab, MedicalTab, MhpssTab, attempt
from transit_centre.ui.common.widgets import EnumCombo, FieldErrors, date_edit

PAGE_SIZE = 100
SETTINGS_TAB = "services/tab"


class DistributionTab(QWidget):
    """Meals or NFI kits for everyone present on a day (all ticked), or the ticked few."""

    def __init__(self, ctx: UiContext, page: "ServicesPage") -> None:
        super().__init__()
        self.ctx, self.page = ctx, page
        self.setObjectName("distributionTab")
        self.errors = FieldErrors()
        self.day = date_edit()
        self.day.setObjectName("distributionDate")
        self.kind = EnumCombo(ServiceKind, members=distribution.DISTRIBUTION_KINDS)
        self.kind.setObjectName("distributionKind")
        self.subtype = QComboBox()
        self.subtype.setObjectName("distributionSubtype")
        self.quantity = QSpinBox()
        self.quantity.setObjectName("distributionQuantity")
        self.quantity.setRange(1, 100)
        self.present = CheckList(name="presentList")
        self.button = QPushButton(_("Distribute"))
        self.button.setObjectName("distributeButton")
        self.button.setDefault(True)
        self.status = QLabel()
        self.status.setObjectName("distributionStatus")
        self.status.setStyleSheet(theme.style("success"))
        self.status.setWordWrap(True)
        form = QFormLayout()
        self.errors.add_row(form, _("Date"), "day", self.day)
        self.errors.add_row(form, _("What"), "kind", self.kind)
        self.errors.add_row(form, _("Type"), "subtype", self.subtype)
        self.errors.add_row(form, _("Quantity per person"), "quantity", self.quantity)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(self.errors.general_label())
        left.addWidget(self.button)
        left.addWidget(self.status)
        left.addStretch(1)
        box = QGroupBox(_("Residents present (untick those who do not receive)"))
        QVBoxLayout(box).addWidget(self.errors.field("residents", self.present))
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addWidget(box, 2)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.day.dateChanged.connect(lambda _d: self.load())
        self.present.changed.connect(self._update_button)
        self.button.clicked.connect(self.distribute)
        self._kind_changed()

    def _kind_changed(self) -> None:
        vocabulary = MealType if self.kind.value() == ServiceKind.MEAL else NfiKit
        self.subtype.clear()
        for member in vocabulary:
            self.subtype.addItem(member.label, member.value)

    def load(self) -> None:
        try:
            self.present.set_items(self.page.present_choices(self.day.date().toPython()), checked=True)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)

    def _update_button(self) -> None:
        n = len(self.present.checked_ids())
        self.button.setText(ngettext("Distribute to {n} resident", "Distribute to {n} residents", n).format(n=n))
        self.button.setEnabled(n > 0)

    def confirm_repeats(self, preview: distribution.DistributionPreview) -> str | None:
        """Ask what to do with residents who already received the same thing that day:
        "skip", "record" (anyway) or None (cancel)."""
        names = "\n".join(f"• {r.name} ({r.case_number}) – {r.reason}" for r in preview.repeats[:15])
        if len(preview.repeats) > 15:
            names += "\n…"
        box = QMessageBox(self)
        box.setObjectName("repeatDialog")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(_("Already received today"))
        box.setText(ngettext("{n} resident already received this today:", "{n} residents already received this today:",
                             len(preview.repeats)).format(n=len(preview.repeats)) + "\n" + names)
        skip = box.addButton(_("Skip them"), QMessageBox.ButtonRole.AcceptRole)
        again = box.addButton(_("Record for them too"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        return "skip" if clicked is skip else "record" if clicked is again else None

    def distribute(self) -> None:
        ids = self.present.checked_ids()
        args: dict[str, Any] = dict(kind=self.kind.value(), subtype=self.subtype.currentData(),
                                    day=self.day.date().toPython(), resident_ids=ids, quantity=self.quantity.value())
        preview = attempt(self, self.errors, self.status, lambda: distribution.preview_distribution(
            self.ctx.db, self.ctx.actor, self.ctx.centre_id, **args))
        if preview is None:
            return
        skip = True
        if preview.has_repeats:
            answer = self.confirm_repeats(preview)
            if answer is None:
                return
            skip = answer == "skip"
        result = attempt(self, self.errors, self.status, lambda: distribution.record_distribution(
            self.ctx.db, self.ctx.actor, self.ctx.centre_id, skip_repeats=skip, **args))
        if result is None:
            return
        text = ngettext("Recorded for {n} resident.", "Recorded for {n} residents.", result.recorded).format(
            n=result.recorded)
        if result.skipped_repeats:
            text += " " + ngettext("{n} skipped (already received).", "{n} skipped (already received).",
                                   len(result.skipped_repeats)).format(n=len(result.skipped_repeats))
        if result.rule_skips:
            text += " " + _("Refused by the distribution rules: {names}.").format(
                names=", ".join(f"{r.name} ({r.reason})" for r in result.rule_skips))
        self.status.setText(text)
        self.page.recorded()


def _who(v: records.ServiceView) -> str:
    if v.resident_id:
        return f"{v.resident_name} ({v.case_number})"
    return ngettext("{n} participant", "{n} participants", v.participant_count).format(n=v.participant_count)


def _greyed(v: records.ServiceView) -> QColor | None:
    return theme.colour("muted") if v.voided else None


SERVICE_COLUMNS: list[Column[records.ServiceView]] = [
    Column("date", N_("Date"), lambda v: format_date(v.service_date, "short"), foreground=_greyed),
    Column("service", N_("Service"), lambda v: v.kind.label, foreground=_greyed),
    Column("type", N_("Type"), lambda v: v.subtype_label, foreground=_greyed),
    Column("resident", N_("Resident"), _who, foreground=_greyed,
           tooltip=lambda v: "\n".join(f"{a.name} ({a.case_number})" for a in v.participants) or None),
    Column("details", N_("Details"), lambda v: v.summary, foreground=_greyed),
    Column("provider", N_("Provider"), lambda v: v.provider or "", foreground=_greyed),
    Column("note", N_("Note"), lambda v: _("Confidential note") if v.has_note else "", foreground=_greyed),
    Column("status", N_("Status"), lambda v: _("Voided: {reason}").format(reason=v.void_reason) if v.voided else "",
           foreground=_greyed),
]


class RecentTab(QWidget):
    """The centre's services for a period, with Void, Read note and referral outcome."""

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("recentTab")
        self.date_from = date_edit(dt.date.today() - dt.timedelta(days=7))
        self.date_from.setObjectName("recentFrom")
        self.date_to = date_edit()
        self.date_to.setObjectName("recentTo")
        self.kind = EnumCombo(ServiceKind, allow_empty=True, members=[k for k in ServiceKind if k != ServiceKind.SHELTER])
        self.kind.setObjectName("recentKind")
        self.voided = QCheckBox(_("Show voided"))
        self.voided.setObjectName("recentShowVoided")
        self.voided.setChecked(True)
        self.count = QLabel()
        self.count.setObjectName("recentCount")
        self.query = records.ServiceQuery()
        self.total = 0
        self.model: LazyTableModel[records.ServiceView] = LazyTableModel(SERVICE_COLUMNS, self._fetch,
                                                                         page_size=PAGE_SIZE, parent=self)
        self.model.loaded.connect(self._loaded)
        self.table = LazyTable("recentServices", self.model)
        self.void_button = QPushButton(_("Void…"))
        self.void_button.setObjectName("voidButton")
        self.note_button = QPushButton(_("Read note"))
        self.note_button.setObjectName("readNoteButton")
        self.outcome_button = QPushButton(_("Referral outcome…"))
        self.outcome_button.setObjectName("outcomeButton")
        filters = QHBoxLayout()
        for label, widget in ((_("From"), self.date_from), (_("To"), self.date_to), (_("Service"), self.kind)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.voided)
        filters.addStretch(1)
        filters.addWidget(self.count)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.note_button, self.outcome_button, self.void_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        for signal in (self.date_from.dateChanged, self.date_to.dateChanged, self.kind.currentIndexChanged,
                       self.voided.toggled):
            signal.connect(lambda *_a: self.load())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.void_button.clicked.connect(self.void_selected)
        self.note_button.clicked.connect(self.read_note)
        self.outcome_button.clicked.connect(self.update_outcome)
        self._update_buttons()


    def _fetch(self, offset: int, limit: int, _sort: str | None, _descending: bool) -> list[records.ServiceView]:
        """One page, read in the background (the model's operation); the total comes with it."""
        if self.ctx.centre_id is None:
            return []
        page = records.page_services(self.ctx.db, self.ctx.actor, self.ctx.centre_id, self.query, offset, limit)
        self.total = page.total
        return list(page.rows)

    def load(self) -> None:
        kind = self.kind.value()
        self.query = records.ServiceQuery(date_from=self.date_from.date().toPython(),
                                          date_to=self.date_to.date().toPython(), kinds=(kind,) if kind else (),
                                          include_voided=self.voided.isChecked())
        self.model.reload()

    def _loaded(self, _first: bool) -> None:
        if self.ctx.centre_id is None:
            self.count.setText(_("Choose a centre to see its services."))
        else:
            self.count.setText(ngettext("{n} service", "{n} services", self.total).format(n=self.total))
        self._update_buttons()

    def selected(self) -> records.ServiceView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        v = self.selected()
        self.void_button.setEnabled(v is not None and not v.voided
                                    and self.ctx.actor.can(records.record_permission(v.kind), v.centre_id))
        self.note_button.setEnabled(v is not None and v.can_read_note)
        self.outcome_button.setEnabled(v is not None and not v.voided and v.kind == ServiceKind.REFERRAL
                                       and self.ctx.can(Permission.SERVICE_RECORD))

    def ask_text(self, title: str, label: str) -> str | None:
        text, ok = QInputDialog.getText(self, title, label)
        return text if ok else None

    def void_selected(self) -> None:
        v = self.selected()
        if v is None:
            return
        reason = self.ask_text(_("Void a service"), _("Why is «{what}» voided?").format(what=v.summary))
        if reason is None:
            return
        try:
            records.void_service(self.ctx.db, self.ctx.actor, v.id, reason, expected_version=v.version)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
        self.load()

    def show_note(self, title: str, text: str) -> None:
        box = QMessageBox(self)
        box.setObjectName("confidentialNoteDialog")
        box.setWindowTitle(title)
        box.setText(text)
        box.exec()

    def read_note(self) -> None:
        v = self.selected()
        if v is None:
            return
        try:
            note = records.read_confidential_note(self.ctx.db, self.ctx.actor, v.id)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        self.show_note(_("Confidential note – {what}").format(what=v.summary), note or "")

    def update_outcome(self) -> None:
        v = self.selected()
        if v is None:
            return
        labels = [o.label for o in ReferralOutcome]
        label, ok = QInputDialog.getItem(self, _("Referral outcome"), _("Outcome:"), labels, 0, False)
        if not ok:
            return
        outcome = list(ReferralOutcome)[labels.index(label)]
        try:
            referrals.update_referral_outcome(self.ctx.db, self.ctx.actor, v.id, outcome=outcome,
                                              expected_version=v.version)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
        self.load()


class ServicesPage(Page):
    offers_new = True
    offers_search = True

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="servicesPage")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("servicesTabs")
        self.distribution = self.medical = self.mhpss = self.counselling = None
        if ctx.can(Permission.SERVICE_RECORD):
            self.distribution = DistributionTab(ctx, self)
            self.tabs.addTab(self.distribution, _("Distribution"))
        if ctx.can(Permission.MEDICAL_RECORD):
            self.medical = MedicalTab(ctx, resident_search(ctx, presence="present"))
            self.tabs.addTab(self.medical, _("Medical"))
        if ctx.can(Permission.MHPSS_RECORD):
            self.mhpss = MhpssTab(ctx, resident_search(ctx, presence="present"), self.present_choices)
            self.tabs.addTab(self.mhpss, _("MHPSS"))
        if ctx.can(Permission.SERVICE_RECORD):
            self.counselling = CounsellingTab(ctx, resident_search(ctx, presence="present"), self.present_choices)
            self.tabs.addTab(self.counselling, _("Counselling and referrals"))
        self.recent = RecentTab(ctx)
        self.tabs.addTab(self.recent, _("Recent services"))
        for tab in (self.medical, self.mhpss, self.counselling):
            if tab is not None:
                tab.saved.connect(lambda _v: self.recorded())
        title = QLabel(_("Services – {centre}").format(centre=ctx.centre_name or ctx.centre_code))
        title.setObjectName("servicesTitle")
        title.setStyleSheet("font-size: 15px; font-weight: bold;")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)
        saved = memory.value(SETTINGS_TAB)
        try:
            index = int(saved) if saved is not None else 0
        except (TypeError, ValueError):
            index = 0
        self.tabs.setCurrentIndex(index if 0 <= index < self.tabs.count() else 0)
        self.tabs.currentChanged.connect(lambda i: memory.set_value(SETTINGS_TAB, i))
        self.refresh()

    # -- data the tabs need (service calls) ----------------------------------------------
    def present_choices(self, day: dt.date) -> list[Choice]:
        if self.ctx.centre_id is None:
            return []
        people = present_residents(self.ctx.db, self.ctx.actor, self.ctx.centre_id, day)
        return [Choice(p.resident_id, f"{p.last_name} {p.first_name} – {p.case_number}",
                       " ".join(x for x in (p.room_name, p.bed_label) if x)) for p in people]

    # -- page protocol -----------------------------------------------------------------
    def refresh(self) -> None:
        for tab in (self.distribution, self.mhpss, self.counselling):
            if tab is not None:
                tab.load()
        self.recent.load()

    def recorded(self) -> None:
        self.recent.load()

    def new_record(self) -> None:
        self.tabs.setCurrentIndex(0)

    def focus_search(self) -> None:
        current = self.tabs.currentWidget()
        if current is self.distribution:
            self.distribution.present.filter.setFocus()
        elif current is self.medical:
            self.medical.picker.edit.setFocus()



__all__ = ["ServicesPage"]

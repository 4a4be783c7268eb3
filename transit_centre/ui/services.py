"""Services page: distribute meals and NFI kits to everyone present in two clicks, record medical,
MHPSS and counselling services and referrals, and browse (and void) the centre's recent services.

Confidential notes are never shown in lists; staff of the matching profession open one with
"Read note", and each reading is written to the audit log by the service.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSettings, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from transit_centre.care import distribution, records, referrals
from transit_centre.care.enums import MealType, NfiKit, ReferralOutcome
from transit_centre.enums import ServiceKind
from transit_centre.i18n import N_, _, format_date, ngettext
from transit_centre.registry.search import ResidentFilter, resident_page
from transit_centre.security.permissions import Permission
from transit_centre.shelter.stays import present_residents
from transit_centre.ui.care_widgets import CheckList, Choice
from transit_centre.ui.context import UiContext
from transit_centre.ui.errors import show_error
from transit_centre.ui.services_forms import OK_STYLE, CounsellingTab, MedicalTab, MhpssTab, attempt
from transit_centre.ui.widgets import EnumCombo, FieldErrors, date_edit

PAGE_SIZE = 100
SETTINGS_TAB = "services/tab"
SETTINGS_HEADER = "services/recentHeader"


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
        self.status.setStyleSheet(OK_STYLE)
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


class ServicesModel(QAbstractTableModel):
    """The centre's services, fetched a page at a time from ``records.page_services``."""

    HEADERS = (N_("Date"), N_("Service"), N_("Type"), N_("Resident"), N_("Details"), N_("Provider"), N_("Note"),
               N_("Status"))

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.query = records.ServiceQuery()
        self.rows: list[records.ServiceView] = []
        self.total = 0

    def reload(self, query: records.ServiceQuery | None = None) -> None:
        self.beginResetModel()
        self.query = query or self.query
        self.rows, self.total = [], 0
        if self.ctx.centre_id is not None:
            page = records.page_services(self.ctx.db, self.ctx.actor, self.ctx.centre_id, self.query, 0, PAGE_SIZE)
            self.rows, self.total = list(page.rows), page.total
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: N802, B008
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: N802, B008
        if parent.isValid() or self.ctx.centre_id is None:
            return
        page = records.page_services(self.ctx.db, self.ctx.actor, self.ctx.centre_id, self.query,
                                     len(self.rows), PAGE_SIZE)
        if not page.rows:
            self.total = len(self.rows)
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(page.rows) - 1)
        self.rows.extend(page.rows)
        self.total = page.total
        self.endInsertRows()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(self.HEADERS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        v = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            name = f"{v.resident_name} ({v.case_number})" if v.resident_id else ngettext(
                "{n} participant", "{n} participants", v.participant_count).format(n=v.participant_count)
            status = _("Voided: {reason}").format(reason=v.void_reason) if v.voided else ""
            return (format_date(v.service_date), v.kind.label, v.subtype_label, name, v.summary, v.provider or "",
                    _("Confidential note") if v.has_note else "", status)[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and v.voided:
            return QColor("#888888")
        if role == Qt.ItemDataRole.ToolTipRole and v.participants:
            return "\n".join(f"{a.name} ({a.case_number})" for a in v.participants)
        return None

    def view_at(self, row: int) -> records.ServiceView | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None


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
        self.model = ServicesModel(ctx)
        self.table = QTableView()
        self.table.setObjectName("recentServices")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
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
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        for column, width in enumerate((95, 110, 170, 230, 260, 150, 120)):
            self.table.setColumnWidth(column, width)
        header = QSettings().value(SETTINGS_HEADER)
        if header is not None:
            self.table.horizontalHeader().restoreState(header)
        self._update_buttons()

    def save_settings(self) -> None:
        QSettings().setValue(SETTINGS_HEADER, self.table.horizontalHeader().saveState())

    def load(self) -> None:
        kind = self.kind.value()
        query = records.ServiceQuery(date_from=self.date_from.date().toPython(), date_to=self.date_to.date().toPython(),
                                     kinds=(kind,) if kind else (), include_voided=self.voided.isChecked())
        try:
            self.model.reload(query)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
        if self.ctx.centre_id is None:
            self.count.setText(_("Choose a centre to see its services."))
        else:
            self.count.setText(ngettext("{n} service", "{n} services", self.model.total).format(n=self.model.total))
        self._update_buttons()

    def selected(self) -> records.ServiceView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.view_at(rows[0].row()) if rows else None

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


class ServicesPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("servicesPage")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("servicesTabs")
        self.distribution = self.medical = self.mhpss = self.counselling = None
        if ctx.can(Permission.SERVICE_RECORD):
            self.distribution = DistributionTab(ctx, self)
            self.tabs.addTab(self.distribution, _("Distribution"))
        if ctx.can(Permission.MEDICAL_RECORD):
            self.medical = MedicalTab(ctx, self.search_residents)
            self.tabs.addTab(self.medical, _("Medical"))
        if ctx.can(Permission.MHPSS_RECORD):
            self.mhpss = MhpssTab(ctx, self.search_residents, self.present_choices)
            self.tabs.addTab(self.mhpss, _("MHPSS"))
        if ctx.can(Permission.SERVICE_RECORD):
            self.counselling = CounsellingTab(ctx, self.search_residents, self.present_choices)
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
        saved = QSettings().value(SETTINGS_TAB)
        try:
            index = int(saved) if saved is not None else 0
        except (TypeError, ValueError):
            index = 0
        self.tabs.setCurrentIndex(index if 0 <= index < self.tabs.count() else 0)
        self.tabs.currentChanged.connect(lambda i: QSettings().setValue(SETTINGS_TAB, i))
        self.refresh()

    # -- data the tabs need (service calls) ----------------------------------------------
    def present_choices(self, day: dt.date) -> list[Choice]:
        if self.ctx.centre_id is None:
            return []
        people = present_residents(self.ctx.db, self.ctx.actor, self.ctx.centre_id, day)
        return [Choice(p.resident_id, f"{p.last_name} {p.first_name} – {p.case_number}",
                       " ".join(x for x in (p.room_name, p.bed_label) if x)) for p in people]

    def search_residents(self, text: str) -> list[Choice]:
        rows = resident_page(self.ctx.db, self.ctx.actor, ResidentFilter(text=text, presence="present"),
                             sort_key="last_name", limit=20)
        return [Choice(r.id, f"{r.last_name} {r.first_name} – {r.case_number}",
                       _("{age} years").format(age=r.age_on()) if r.age_on() is not None else "") for r in rows]

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

    def hideEvent(self, event: Any) -> None:  # noqa: N802 - Qt name
        self.recent.save_settings()
        super().hideEvent(event)


__all__ = ["ServicesPage"]

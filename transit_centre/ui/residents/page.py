"""Residents page: the registry of the centre (or of every centre for headquarters) with
search-as-you-type and filters over a lazy table that reads 200 rows at a time.

The list is the window's lazy model (``ui.common.lazy_table``): pages of ``resident_page`` read
in the background, the next one when the view scrolls near the end; sorting by a header reads
again from the first page. The count of matches follows in the background when typing pauses.
"""
from __future__ import annotations

import datetime as dt
import uuid

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from transit_centre.ui.common import theme
from transit_centre.enums import Sex, VulnerabilityKind
from transit_centre.i18n import N_, _, country_name, format_date, format_number, ngettext, pgettext
from transit_centre.registry.search import ResidentFilter, ResidentRow, count_residents, resident_page
from transit_centre.security.permissions import Permission
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.lazy_table import Column, LazyTable, LazyTableModel
from transit_centre.ui.common.operations import Latest
from transit_centre.ui.common.page import Page
from transit_centre.ui.common.print_preview import choose_and_print, print_button
from transit_centre.ui.common.widgets import CountryCombo, EnumCombo, OptionalDateEdit

PAGE_SIZE = 200
DEBOUNCE_MS = 200

def _age_text(row: ResidentRow, today: dt.date | None = None) -> str:
    age = row.age_on(today or dt.date.today())
    if age is None:
        return ""
    return _("about {age}").format(age=age) if row.dob_estimated else str(age)


def _birth_tooltip(row: ResidentRow) -> str | None:
    if not row.date_of_birth:
        return None
    text = format_date(row.date_of_birth)
    return _("{date} (estimated)").format(date=text) if row.dob_estimated else text


COLUMNS: list[Column[ResidentRow]] = [
    Column("case_number", N_("Case number"), lambda r: r.case_number, "case_number"),
    Column("last_name", N_("Last name"), lambda r: r.last_name, "last_name"),
    Column("first_name", N_("First name"), lambda r: r.first_name, "first_name"),
    Column("sex", N_("Sex"), lambda r: Sex(r.sex).label, "sex"),
    Column("age", N_("Age"), _age_text, "date_of_birth", tooltip=_birth_tooltip),
    Column("nationality", N_("Nationality"), lambda r: country_name(r.nationality), "nationality"),
    Column("registered_on", N_("Registered"), lambda r: format_date(r.registered_on, "short"), "registered_on"),
    Column("present", N_("In the centre"), lambda r: _("Present") if r.present else _("Departed"),
           foreground=lambda r: theme.brush("success") if r.present else None),
    Column("centre", N_("Centre"), lambda r: r.centre_code, "centre"),
]


class ResidentsPage(Page):
    """The registry: search field, filters, the lazy table and the count of matches."""

    offers_new = True
    offers_search = True
    offers_print = True

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="residentsPage")
        self.filter = ResidentFilter()

        self.search = QLineEdit()
        self.search.setObjectName("residentSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(_("Search: name, case number, document or phone…"))
        self.search.setMinimumWidth(280)
        self.search.setMaxLength(200)
        self.presence = QComboBox()
        self.presence.setObjectName("presenceFilter")
        for value, label in (("present", _("In the centre now")), ("departed", _("Departed")),
                             ("all", _("All residents"))):
            self.presence.addItem(label, value)
        self.presence.setCurrentIndex(2)
        self.sex = QComboBox()
        self.sex.setObjectName("sexFilter")
        self.sex.addItem(_("Both sexes"), None)
        for member in Sex:
            self.sex.addItem(member.label, member.value)
        self.nationality = CountryCombo()
        self.nationality.setObjectName("nationalityFilter")
        self.nationality.lineEdit().setPlaceholderText(_("All nationalities"))
        self.nationality.setMinimumWidth(150)
        self.vulnerability = EnumCombo(VulnerabilityKind, allow_empty=True)
        self.vulnerability.setObjectName("vulnerabilityFilter")
        self.vulnerability.setItemText(0, _("Any vulnerability"))
        self.vulnerability.setMaximumWidth(220)
        self.date_from = OptionalDateEdit()
        self.date_from.setObjectName("registeredFrom")
        self.date_from.setToolTip(_("Registered on or after"))
        self.date_to = OptionalDateEdit()
        self.date_to.setObjectName("registeredTo")
        self.date_to.setToolTip(_("Registered on or before"))
        self.all_centres = QCheckBox(_("All centres"))
        self.all_centres.setObjectName("allCentres")
        self.all_centres.setVisible(ctx.actor.all_centres)
        self.all_centres.setChecked(ctx.actor.all_centres and ctx.centre_id is None)
        self.new_button = QPushButton(_("New resident…"))
        self.new_button.setObjectName("newResidentButton")
        self.new_button.setVisible(ctx.can(Permission.RESIDENT_WRITE) and ctx.centre_id is not None)
        self.new_button.clicked.connect(self.new_record)
        self.receive_button = QPushButton(_("Receive a transfer…"))
        self.receive_button.setObjectName("receiveTransferButton")
        self.receive_button.setToolTip(_("Register a person whose file another centre sent in a transfer file"))
        self.receive_button.setVisible(ctx.can(Permission.RESIDENT_WRITE) and ctx.can(Permission.SHELTER_WRITE)
                                       and ctx.centre_id is not None)
        self.receive_button.clicked.connect(self.receive_transfer)
        self.open_button = QPushButton(pgettext("action", "Open"))
        self.open_button.setObjectName("openResidentButton")
        self.open_button.clicked.connect(self.open_selected)
        self.count_label = QLabel()
        self.count_label.setObjectName("residentCount")

        top = QHBoxLayout()
        top.addWidget(self.search, 3)
        top.addWidget(self.presence)
        top.addWidget(self.sex)
        top.addWidget(self.nationality, 1)
        top.addWidget(self.vulnerability, 1)
        self.vulnerability.setVisible(ctx.can(Permission.PROTECTION_READ))  # protection data: not every role
        second = QHBoxLayout()
        second.addWidget(QLabel(_("Registered from")))
        second.addWidget(self.date_from)
        second.addWidget(QLabel(_("to")))
        second.addWidget(self.date_to)
        second.addWidget(self.all_centres)
        second.addStretch(1)
        second.addWidget(self.count_label)
        second.addWidget(self.open_button)
        second.addWidget(print_button(self, self.ctx, self._print_choices))
        second.addWidget(self.receive_button)
        second.addWidget(self.new_button)

        self.filter = self.current_filter()
        self.model: LazyTableModel[ResidentRow] = LazyTableModel(COLUMNS, self._fetch, page_size=PAGE_SIZE,
                                                                 sort_key="case_number", parent=self)
        self.model.loaded.connect(self._page_arrived)
        self.table = LazyTable("residentsTable", self.model, sortable=True)
        self.table.setColumnHidden(self.model.column("centre"), not self._showing_all())
        # ``activated`` is a double-click (or a click, where the platform says so) and Enter: once each.
        self.table.activated.connect(lambda index: self.open_resident(self.model.row_at(index.row())))

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self.timer.start())
        for combo in (self.presence, self.sex, self.vulnerability):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.nationality.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.date_from.changed.connect(self.apply_filter)
        self.date_to.changed.connect(self.apply_filter)
        self.all_centres.toggled.connect(lambda _on: self.apply_filter())
        # The count waits until typing pauses: the first page is what the user is waiting for.
        self.count_timer = QTimer(self)
        self.count_timer.setSingleShot(True)
        self.count_timer.setInterval(2 * DEBOUNCE_MS)
        self.count_timer.timeout.connect(self._update_count)

        self.counts = Latest(self)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(second)
        layout.addWidget(self.table, 1)
        self.apply_filter()

    # -- querying ---------------------------------------------------------------------
    def _showing_all(self) -> bool:
        return self.all_centres.isChecked() or self.ctx.centre_id is None

    def current_filter(self) -> ResidentFilter:
        nationality = self.nationality.code()
        vulnerability = self.vulnerability.value()
        return ResidentFilter(
            text=self.search.text(), presence=self.presence.currentData(), sex=self.sex.currentData(),
            nationality=nationality if nationality and nationality != "?" else None,
            vulnerability=vulnerability.value if vulnerability else None,
            registered_from=self.date_from.date(), registered_to=self.date_to.date(),
            all_centres=self._showing_all(),
        )

    def _fetch(self, offset: int, limit: int, sort_key: str | None, descending: bool) -> list[ResidentRow]:
        """One page, read in the background (the model's operation)."""
        if sort_key == "date_of_birth":  # the column shows the age: youngest first is ascending
            descending = not descending
        return resident_page(self.ctx.db, self.ctx.actor, self.filter, sort_key or "case_number", descending,
                             offset, limit)

    def apply_filter(self) -> None:
        """Re-query with the current search text and filters (the first page only)."""
        self.timer.stop()
        self.filter = self.current_filter()
        self.table.setColumnHidden(self.model.column("centre"), not self.filter.all_centres)
        self.counts.cancel()
        self.model.reload()

    def _page_arrived(self, first: bool) -> None:
        if self.model.complete:
            self._show_count(len(self.model.rows))
        elif first:  # a new first page: count in the background when typing pauses
            self.count_label.setText(_("{n}+ residents").format(n=format_number(len(self.model.rows))))
            self.count_timer.start()

    def _update_count(self) -> None:
        flt = self.filter
        self.counts.run(lambda: count_residents(self.ctx.db, self.ctx.actor, flt), self._show_count,
                        lambda _exc: self._show_count(len(self.model.rows)))

    def _show_count(self, total: int) -> None:
        self.count_timer.stop()
        self.count_label.setText(ngettext("{n} resident", "{n} residents", total).format(n=format_number(total)))

    # -- page actions (main window shortcuts) ----------------------------------------
    def refresh(self) -> None:
        self.apply_filter()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def receive_transfer(self) -> None:
        from transit_centre.ui.residents.transfer import receive_transfer

        result = receive_transfer(self.ctx, self)
        if result is not None and result.people:
            self.apply_filter()
            self.open_resident_id(result.people[0][0])

    def new_record(self) -> None:
        from transit_centre.ui.residents.form import ResidentForm

        if not self.ctx.can(Permission.RESIDENT_WRITE) or self.ctx.centre_id is None:
            return
        form = ResidentForm(self.ctx, parent=self)
        if form.exec():
            if form.open_existing_id is not None:
                self.open_resident_id(form.open_existing_id)
                return
            self.apply_filter()
            if form.saved is not None:
                self.open_resident_id(form.saved.id)

    def _print_choices(self) -> list:
        row = self.selected_row()
        rid = row.id if row is not None else None
        choices = [(_("Registration form"), "registration", rid), (_("Consent to the processing of personal data"),
                   "consent", rid), (_("Resident card"), "badge", rid), (_("Fit-to-travel certificate"),
                   "fit-to-travel", rid)]
        if self.ctx.centre_code:
            choices += [(_("Cards of everyone present"), "badge", self.ctx.centre_code),
                        (_("Occupancy sheet"), "occupancy", self.ctx.centre_code)]
        return choices

    def print_current(self) -> None:
        choose_and_print(self, self.ctx, self._print_choices())

    def selected_row(self) -> ResidentRow | None:
        indexes = self.table.selectionModel().selectedRows()
        return self.model.row_at(indexes[0].row()) if indexes else None

    def open_selected(self) -> None:
        self.open_resident(self.selected_row())

    def open_resident(self, row: ResidentRow | None) -> None:
        if row is not None:
            self.open_resident_id(row.id)

    def open_resident_id(self, resident_id: uuid.UUID) -> None:
        from transit_centre.ui.residents.detail import open_resident_file

        if open_resident_file(self.ctx, self, resident_id):
            self.apply_filter()


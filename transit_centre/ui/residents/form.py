"""Registration and edit form for a resident, and the duplicate warning shown before a new
registration is saved. Messages appear next to their fields; nothing is saved until valid."""
from __future__ import annotations

import datetime as dt
import uuid

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from transit_centre.ui.common import theme
from transit_centre.enums import DocumentKind, HouseholdKind, HouseholdRole, Sex, VulnerabilityKind
from transit_centre.errors import DomainError, ValidationError
from transit_centre.i18n import _, country_name, format_date, ngettext
from transit_centre.registry.duplicates import DuplicateCandidate, find_duplicates
from transit_centre.registry.households import list_households
from transit_centre.registry.inputs import DocumentInput, ResidentInput, VulnerabilityInput, validate_resident
from transit_centre.registry.residents import ResidentDetail, ResidentView, register_resident, update_resident
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.errors import show_error
from transit_centre.ui.common.widgets import CountryCombo, EnumCombo, FieldErrors, OptionalDateEdit, date_edit, required

NEW_HOUSEHOLD = "__new__"
# Which tab holds each field, to show the first tab with a problem.
BIRTH_DATE, BIRTH_YEAR, BIRTH_AGE = "date", "year", "age"
EMPTY_DATE = QDate(1900, 1, 1)
FIELD_TABS = {"documents": 1, "vulnerabilities": 2, "household": 3, "household_role": 3, "consent_date": 3}


class DuplicateDialog(QDialog):
    """Lists residents who may be the same person; the user opens one or registers anyway."""

    OPEN, REGISTER = 1, 2

    def __init__(self, candidates: list[DuplicateCandidate], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("duplicateDialog")
        self.setWindowTitle(_("Possible duplicates"))
        self.candidates = candidates
        self.choice = 0
        self.chosen: DuplicateCandidate | None = None
        intro = QLabel(_("These residents look like the person you are registering (similar name, same sex, "
                         "close date of birth, same nationality). Open the existing record if it is the same "
                         "person; register a new one only if it is not."))
        intro.setWordWrap(True)
        self.table = QTableWidget(len(candidates), 6)
        self.table.setObjectName("duplicateTable")
        self.table.setHorizontalHeaderLabels([_("Case number"), _("Name"), _("Sex"), _("Date of birth"),
                                              _("Nationality"), _("Similarity")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        for row, c in enumerate(candidates):
            values = [c.case_number, c.full_name, Sex(c.sex).label, format_date(c.date_of_birth, "short"),
                      country_name(c.nationality), f"{c.score} %"]
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.resizeColumnsToContents()
        if candidates:
            self.table.selectRow(0)
        self.table.doubleClicked.connect(lambda _i: self.open_existing())
        self.open_button = QPushButton(_("Open the existing record"))
        self.open_button.setObjectName("openExistingButton")
        self.open_button.clicked.connect(self.open_existing)
        self.register_button = QPushButton(_("Register anyway"))
        self.register_button.setObjectName("registerAnywayButton")
        self.register_button.clicked.connect(self.register_anyway)
        cancel = QPushButton(_("Back to the form"))
        cancel.setObjectName("backToFormButton")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.register_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(760, 360)

    def open_existing(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        self.chosen = self.candidates[rows[0].row()]
        self.choice = self.OPEN
        self.accept()

    def register_anyway(self) -> None:
        self.choice = self.REGISTER
        self.accept()


class ResidentForm(QDialog):
    """New resident (all tabs) or correction of an existing one's biodata (``detail`` given)."""

    def __init__(self, ctx: UiContext, detail: ResidentDetail | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail = detail
        self.saved: ResidentView | None = None
        self.open_existing_id: uuid.UUID | None = None
        self.errors = FieldErrors()
        self.setObjectName("residentForm")
        self.setWindowTitle(_("Edit resident") if detail else _("New resident"))

        self.tabs = QTabWidget()
        self.tabs.setObjectName("residentFormTabs")
        self.tabs.addTab(self._identity_tab(), _("Identity"))
        if detail is None:
            self.tabs.addTab(self._documents_tab(), _("Documents"))
            self.tabs.addTab(self._vulnerabilities_tab(), _("Vulnerabilities"))
            self.tabs.addTab(self._household_tab(), _("Household and consent"))
        else:
            self._fill(detail)

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(_("Save"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        cancel = buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("cancelButton")
        self.save_button.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.errors.general_label())
        layout.addWidget(QLabel(_("Fields marked * are required.")))
        layout.addWidget(buttons)
        self.resize(720, 600)

    # -- tabs -------------------------------------------------------------------------
    def _identity_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.first_name = QLineEdit()
        self.first_name.setObjectName("firstName")
        self.first_name.setMaxLength(150)
        self.last_name = QLineEdit()
        self.last_name.setObjectName("lastName")
        self.last_name.setMaxLength(150)
        self.other_names = QLineEdit()
        self.other_names.setObjectName("otherNames")
        self.sex = EnumCombo(Sex, allow_empty=True)
        self.sex.setObjectName("sex")
        # Nothing is pre-filled: a date that was never typed must not be saved as someone's birthday.
        self.birth_mode = QComboBox()
        self.birth_mode.setObjectName("birthMode")
        for mode, text in ((BIRTH_DATE, _("Date of birth")), (BIRTH_YEAR, _("Year of birth only")),
                           (BIRTH_AGE, _("Estimated age"))):
            self.birth_mode.addItem(text, mode)
        self.dob = QDateEdit()
        self.dob.setObjectName("dateOfBirth")
        self.dob.setCalendarPopup(True)
        self.dob.setDisplayFormat("dd/MM/yyyy")
        self.dob.setMinimumDate(EMPTY_DATE)
        self.dob.setSpecialValueText(" ")  # the minimum shows as an empty field
        self.dob.setDate(EMPTY_DATE)
        self.birth_year = QSpinBox()
        self.birth_year.setObjectName("birthYear")
        self.birth_year.setRange(dt.date.today().year - 111, dt.date.today().year)
        self.birth_year.setSpecialValueText(" ")
        self.birth_year.setValue(self.birth_year.minimum())
        self.age = QSpinBox()
        self.age.setObjectName("estimatedAge")
        self.age.setRange(-1, 110)  # -1 shows empty; 0 is a baby's age
        self.age.setSpecialValueText(" ")
        self.age.setValue(-1)
        self.age.setSuffix(_(" years"))
        birth = QWidget()
        row = QHBoxLayout(birth)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.birth_mode)
        row.addWidget(self.dob)
        row.addWidget(self.birth_year)
        row.addWidget(self.age)
        row.addStretch(1)
        self.birth_mode.currentIndexChanged.connect(lambda _i: self._birth_mode_changed())
        self._birth_mode_changed()
        self.nationality = CountryCombo()
        self.nationality.setObjectName("nationality")
        self.place_of_birth = QLineEdit()
        self.place_of_birth.setObjectName("placeOfBirth")
        self.languages = QLineEdit()
        self.languages.setObjectName("languages")
        self.languages.setPlaceholderText(_("for example: bambara, français"))
        self.phone = QLineEdit()
        self.phone.setObjectName("phone")
        self.phone.setPlaceholderText("+223 76 12 34 56")
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("notes")
        self.notes.setFixedHeight(70)
        e = self.errors
        e.add_row(form, required(_("First name")), "first_name", self.first_name)
        e.add_row(form, required(_("Last name")), "last_name", self.last_name)
        e.add_row(form, _("Other names"), "other_names", self.other_names)
        e.add_row(form, required(_("Sex")), "sex", self.sex)
        form.addRow(required(_("Birth")), e.field("date_of_birth", birth))
        form.addRow("", e.field("estimated_age", QWidget()))
        form.addRow("", e.field("birth_year", QWidget()))
        e.add_row(form, required(_("Nationality")), "nationality", self.nationality)
        e.add_row(form, _("Place of birth"), "place_of_birth", self.place_of_birth)
        e.add_row(form, _("Languages"), "languages", self.languages)
        e.add_row(form, _("Phone"), "phone", self.phone)
        e.add_row(form, _("Notes"), "notes", self.notes)
        return page

    def _documents_tab(self) -> QWidget:
        page = QWidget()
        self.documents = QTableWidget(0, 5)
        self.documents.setObjectName("documentsTable")
        self.documents.setHorizontalHeaderLabels([_("Kind"), _("Number"), _("Issuing country"), _("Issued on"),
                                                  _("Expires on")])
        self.documents.verticalHeader().setVisible(False)
        self.documents.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((150, 110, 140, 140)):
            self.documents.setColumnWidth(column, width)
        add = QPushButton(_("Add a document"))
        add.setObjectName("addDocumentButton")
        add.clicked.connect(lambda: self.add_document_row())
        remove = QPushButton(_("Remove the selected document"))
        remove.clicked.connect(lambda: self.documents.removeRow(self.documents.currentRow()))
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(self.errors.field("documents", self.documents), 1)
        layout.addLayout(buttons)
        return page

    def add_document_row(self, kind: DocumentKind = DocumentKind.PASSPORT) -> int:
        row = self.documents.rowCount()
        self.documents.insertRow(row)
        combo = EnumCombo(DocumentKind)
        combo.set_value(kind)
        self.documents.setCellWidget(row, 0, combo)
        self.documents.setItem(row, 1, QTableWidgetItem(""))
        self.documents.setCellWidget(row, 2, CountryCombo())
        self.documents.setCellWidget(row, 3, OptionalDateEdit())
        self.documents.setCellWidget(row, 4, OptionalDateEdit())
        self.documents.setRowHeight(row, 30)
        return row

    def _vulnerabilities_tab(self) -> QWidget:
        page = QWidget()
        grid = QGridLayout()
        self.vulnerability_checks: dict[VulnerabilityKind, tuple[QCheckBox, QDateEdit]] = {}
        grid.addWidget(QLabel(_("Identified on")), 0, 1)
        for row, kind in enumerate(VulnerabilityKind, start=1):
            check = QCheckBox(kind.label)
            check.setObjectName(f"vulnerability_{kind.value}")
            day = date_edit()
            day.setEnabled(False)
            check.toggled.connect(day.setEnabled)
            grid.addWidget(check, row, 0)
            grid.addWidget(day, row, 1)
            self.vulnerability_checks[kind] = (check, day)
        grid.setColumnStretch(2, 1)
        layout = QVBoxLayout(page)
        layout.addLayout(grid)
        layout.addWidget(self.errors.field("vulnerabilities", QWidget()))
        layout.addStretch(1)
        return page

    def _birth_mode_changed(self) -> None:
        mode = self.birth_mode.currentData()
        self.dob.setVisible(mode == BIRTH_DATE)
        self.birth_year.setVisible(mode == BIRTH_YEAR)
        self.age.setVisible(mode == BIRTH_AGE)

    def _household_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.household = QComboBox()
        self.household.setObjectName("householdCombo")
        self.household.addItem(_("Alone (no household)"), None)
        self.household.addItem(_("New household…"), NEW_HOUSEHOLD)
        try:
            for h in list_households(self.ctx.db, self.ctx.actor, self.ctx.centre_id, limit=300):
                self.household.addItem(ngettext("{name} ({n} member)", "{name} ({n} members)", h.members).format(name=h.name, n=h.members), str(h.id))
        except DomainError as exc:
            show_error(self, exc)
        self.household_name = QLineEdit()
        self.household_name.setObjectName("householdName")
        self.household_name.setPlaceholderText(_("for example: Traoré family"))
        self.household_kind = EnumCombo(HouseholdKind)
        self.household_kind.setObjectName("householdKind")
        self.household_role = EnumCombo(HouseholdRole, allow_empty=True)
        self.household_role.setObjectName("householdRole")
        self.household.currentIndexChanged.connect(lambda _i: self._household_changed())
        self.consent = QCheckBox(_("The resident consents to the processing of their personal data"))
        self.consent.setObjectName("consentCheck")
        self.consent_date = date_edit()
        self.consent_date.setObjectName("consentDate")
        self.consent_date.setEnabled(False)
        self.consent.toggled.connect(self.consent_date.setEnabled)
        self.registered_on = date_edit()
        self.registered_on.setObjectName("registeredOn")
        e = self.errors
        e.add_row(form, _("Household"), "household", self.household)
        form.addRow(_("Name of the new household"), self.household_name)
        form.addRow(_("Kind"), self.household_kind)
        e.add_row(form, _("Role in the household"), "household_role", self.household_role)
        form.addRow(self.consent)
        e.add_row(form, _("Consent given on"), "consent_date", self.consent_date)
        e.add_row(form, _("Registered on"), "registered_on", self.registered_on)
        self._household_changed()
        return page

    def _household_changed(self) -> None:
        new = self.household.currentData() == NEW_HOUSEHOLD
        self.household_name.setEnabled(new)
        self.household_kind.setEnabled(new)
        self.household_role.setEnabled(self.household.currentData() is not None)

    # -- values -----------------------------------------------------------------------
    def _fill(self, detail: ResidentDetail) -> None:
        r = detail.resident
        self.first_name.setText(r.first_name)
        self.last_name.setText(r.last_name)
        self.other_names.setText(r.other_names or "")
        self.sex.set_value(r.sex)
        if r.date_of_birth is not None and r.dob_estimated:  # kept as a year: edited as a year
            self.birth_year.setValue(r.date_of_birth.year)
            self.birth_mode.setCurrentIndex(self.birth_mode.findData(BIRTH_YEAR))
        elif r.date_of_birth is not None:
            self.dob.setDate(QDate(r.date_of_birth.year, r.date_of_birth.month, r.date_of_birth.day))
        self.nationality.set_code(r.nationality)
        self.place_of_birth.setText(r.place_of_birth or "")
        self.languages.setText(r.languages or "")
        self.phone.setText(r.phone or "")
        self.notes.setPlainText(r.notes or "")

    def _documents(self) -> list[DocumentInput]:
        result = []
        for row in range(self.documents.rowCount()):
            item = self.documents.item(row, 1)
            country = self.documents.cellWidget(row, 2).code()
            result.append(DocumentInput(
                kind=self.documents.cellWidget(row, 0).value(), number=item.text() if item else None,
                issuing_country=country, issue_date=self.documents.cellWidget(row, 3).date(),
                expiry_date=self.documents.cellWidget(row, 4).date()))
        return result

    def collect(self) -> ResidentInput:
        sex = self.sex.value()
        mode = self.birth_mode.currentData()
        dob = self.dob.date()
        common = dict(
            first_name=self.first_name.text(), last_name=self.last_name.text(), other_names=self.other_names.text(),
            sex=sex.value if sex else None,
            date_of_birth=dob.toPython() if mode == BIRTH_DATE and dob != EMPTY_DATE else None,
            birth_year=self.birth_year.value() if mode == BIRTH_YEAR and
            self.birth_year.value() != self.birth_year.minimum() else None,
            estimated_age=self.age.value() if mode == BIRTH_AGE and self.age.value() >= 0 else None,
            nationality=self.nationality.code(), place_of_birth=self.place_of_birth.text(),
            languages=self.languages.text(), phone=self.phone.text(), notes=self.notes.toPlainText(),
        )
        if self.detail is not None:
            return ResidentInput(**common)
        household = self.household.currentData()
        role = self.household_role.value()
        return ResidentInput(
            **common,
            documents=self._documents(),
            vulnerabilities=[VulnerabilityInput(kind, day.date().toPython())
                             for kind, (check, day) in self.vulnerability_checks.items() if check.isChecked()],
            household_id=uuid.UUID(household) if household not in (None, NEW_HOUSEHOLD) else None,
            household_role=role.value if role and household is not None else None,
            new_household_name=self.household_name.text() if household == NEW_HOUSEHOLD else None,
            new_household_kind=self.household_kind.value() or HouseholdKind.FAMILY,
            consent_given=self.consent.isChecked(),
            consent_date=self.consent_date.date().toPython() if self.consent.isChecked() else None,
            registered_on=self.registered_on.date().toPython(),
        )

    # -- saving -----------------------------------------------------------------------
    def _show_errors(self, exc: DomainError) -> None:
        self.errors.show(exc)
        bar = self.tabs.tabBar()
        for index in range(self.tabs.count()):
            bar.setTabTextColor(index, bar.palette().color(bar.foregroundRole()))
        if isinstance(exc, ValidationError):
            tabs = [FIELD_TABS.get(field, 0) if self.tabs.count() > 1 else 0 for field in exc.errors]
            for index in set(tabs):  # every tab holding a message shows in red
                bar.setTabTextColor(index, theme.colour("error"))
            self.tabs.setCurrentIndex(tabs[0])

    def confirm_duplicates(self, candidates: list[DuplicateCandidate]) -> bool:
        """True to go on registering; False to stay in the form (or when a record was opened)."""
        dialog = DuplicateDialog(candidates, self)
        dialog.exec()
        if dialog.choice == DuplicateDialog.OPEN and dialog.chosen is not None:
            self.open_existing_id = dialog.chosen.resident_id
            self.accept()
            return False
        return dialog.choice == DuplicateDialog.REGISTER

    def save(self) -> None:
        self.errors.clear()
        data = self.collect()
        try:
            clean = validate_resident(data)
            if self.detail is not None:
                r = self.detail.resident
                self.saved = update_resident(self.ctx.db, self.ctx.actor, r.id, data, r.version)
            else:
                candidates = find_duplicates(self.ctx.db, self.ctx.actor, clean.first_name, clean.last_name,
                                             clean.sex, clean.date_of_birth, clean.nationality)
                if candidates and not self.confirm_duplicates(candidates):
                    return
                self.saved = register_resident(self.ctx.db, self.ctx.actor, data)
        except DomainError as exc:
            self._show_errors(exc)
            return
        except Exception as exc:  # noqa: BLE001 - shown, logged, the form stays open
            show_error(self, exc)
            return
        self.accept()


"""A resident's file: biodata with photo, documents, vulnerabilities, household and the
timeline of everything recorded about them. Edit and change photo from here."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QLineEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from transit_centre.ui.common import theme
from transit_centre.enums import DocumentKind, HouseholdRole, ReturneeGroup, VulnerabilityKind
from transit_centre.errors import DomainError
from transit_centre.i18n import _, country_name, format_date, ngettext
from transit_centre.registry import households, records
from transit_centre.registry.residents import set_returnee_group
from transit_centre.registry.inputs import DocumentInput, VulnerabilityInput
from transit_centre.registry.residents import ResidentDetail, get_resident, record_consent, set_photo
from transit_centre.registry.timeline import resident_timeline
from transit_centre.security.permissions import Permission
from transit_centre.ui.residents.casework_tab import CaseworkTab
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.form_dialog import FormDialog
from transit_centre.ui.common.errors import show_error
from transit_centre.ui.common.print_preview import print_button
from transit_centre.ui.residents.reintegration_tab import ReintegrationTab
from transit_centre.ui.common.tables import RowTable
from transit_centre.ui.common.widgets import CountryCombo, EnumCombo, OptionalDateEdit

PHOTO_SIZE = 160



def _fill(table: QTableWidget, rows: list[list[str]], ids: list[uuid.UUID] | None = None) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem(value)
            if ids is not None:
                item.setData(Qt.ItemDataRole.UserRole, str(ids[r]))
            table.setItem(r, c, item)
    table.fit_columns()


class DocumentDialog(FormDialog):
    """Add an identity document to a resident's file (checked by the service)."""

    def __init__(self, ctx: UiContext, resident_id: uuid.UUID, parent: QWidget | None = None) -> None:
        super().__init__(parent, title=_("Add a document"), name="documentDialog")
        self.ctx, self.resident_id = ctx, resident_id
        self.kind = EnumCombo(DocumentKind)
        self.number = QLineEdit()
        self.number.setObjectName("documentNumber")
        self.number.setMaxLength(64)
        self.country = CountryCombo()
        self.issued = OptionalDateEdit()
        self.expires = OptionalDateEdit()
        self.form.addRow(_("Kind"), self.kind)
        self.form.addRow(_("Number"), self.number)
        self.form.addRow(_("Issuing country"), self.country)
        self.form.addRow(_("Issued on"), self.issued)
        self.form.addRow(_("Expires on"), self.expires)
        self.form.addRow(self.errors.field("document", QWidget()))  # what is wrong with the document as a whole

    def save_record(self) -> Any:
        kind = self.kind.value()
        records.add_document(self.ctx.db, self.ctx.actor, self.resident_id, DocumentInput(
            kind.value if kind else None, self.number.text(), self.country.code(), self.issued.date(),
            self.expires.date()))


class ResidentDetailDialog(QDialog):
    def __init__(self, ctx: UiContext, resident_id: uuid.UUID, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.resident_id = resident_id
        self.changed = False
        self.detail: ResidentDetail = get_resident(ctx.db, ctx.actor, resident_id)
        self.setObjectName("residentDetail")
        self.can_write = ctx.actor.can(Permission.RESIDENT_WRITE, self.detail.resident.centre_id)

        self.title = QLabel()
        self.title.setObjectName("residentTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("residentTabs")
        self.tabs.addTab(self._biodata_tab(), _("Biodata"))
        self.documents = RowTable("documentsTable", [_("Kind"), _("Number"), _("Issuing country"), _("Issued on"), _("Expires on"),
                                 _("Status")], stretch=-1)
        self.tabs.addTab(self._with_buttons(self.documents, [
            (_("Add…"), "addDocumentButton", self.add_document),
            (_("Void…"), "voidDocumentButton", self.void_document)]), _("Documents"))
        vulnerabilities = self._vulnerabilities_tab()
        if ctx.can(Permission.PROTECTION_READ):  # protection data: not for every role
            self.tabs.addTab(vulnerabilities, _("Vulnerabilities"))
        self.members = RowTable("membersTable", [_("Case number"), _("Name"), _("Role"), _("Date of birth")], stretch=-1)
        household_page = QWidget()
        household_layout = QVBoxLayout(household_page)
        self.household_label = QLabel()
        self.household_label.setObjectName("householdLabel")
        household_layout.addWidget(self.household_label)
        household_layout.addWidget(self.members, 1)
        join = QHBoxLayout()
        self.join_household = QComboBox()
        self.join_household.setObjectName("joinHouseholdCombo")
        self.join_role = EnumCombo(HouseholdRole)
        self.join_role.setObjectName("joinRoleCombo")
        join_button = QPushButton(_("Join this household"))
        join_button.setObjectName("joinHouseholdButton")
        join_button.clicked.connect(self.join)
        leave_button = QPushButton(_("Leave the household"))
        leave_button.setObjectName("leaveHouseholdButton")
        leave_button.clicked.connect(self.leave)
        join.addWidget(self.join_household, 1)
        join.addWidget(self.join_role)
        join.addWidget(join_button)
        join.addWidget(leave_button)
        if self.can_write:
            household_layout.addLayout(join)
        self.tabs.addTab(household_page, _("Household"))
        self.casework = CaseworkTab(ctx, resident_id, self.detail.resident.centre_id)
        self.tabs.addTab(self.casework, _("Flags and follow-ups"))
        self.reintegration = None
        if ctx.actor.can(Permission.RETURN_READ):
            self.reintegration = ReintegrationTab(ctx, resident_id, self.detail.resident.centre_id)
            self.tabs.addTab(self.reintegration, _("Reintegration"))
        self.timeline = RowTable("timelineTable", [_("Date"), _("Event"), _("Detail")], stretch=-1)
        self.tabs.addTab(self.timeline, _("Timeline"))

        self.edit_button = QPushButton(_("Edit…"))
        self.edit_button.setObjectName("editResidentButton")
        self.edit_button.clicked.connect(self.edit)
        self.photo_button = QPushButton(_("Change photo…"))
        self.photo_button.setObjectName("changePhotoButton")
        self.photo_button.clicked.connect(self.change_photo)
        self.consent_button = QPushButton(_("Record consent…"))
        self.consent_button.setObjectName("recordConsentButton")
        self.consent_button.clicked.connect(self.record_consent)
        self.group_button = QPushButton(_("Returnee group…"))
        self.group_button.setObjectName("returneeGroupButton")
        self.group_button.clicked.connect(self.change_group)
        self.transfer_button = QPushButton(_("Transfer to another centre…"))
        self.transfer_button.setObjectName("transferOutButton")
        self.transfer_button.setToolTip(_("A centre that does not share this database: make the person's transfer "
                                          "file and close their stay here"))
        self.transfer_button.clicked.connect(self.transfer_out)
        for button in (self.edit_button, self.photo_button, self.consent_button, self.group_button):
            button.setVisible(self.can_write)
        self.transfer_button.setVisible(self.can_write and ctx.actor.can(
            Permission.SHELTER_WRITE, self.detail.resident.centre_id))
        close = QPushButton(_("Close"))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.photo_button)
        buttons.addWidget(self.consent_button)
        buttons.addWidget(self.group_button)
        buttons.addWidget(self.transfer_button)
        buttons.addStretch(1)
        buttons.addWidget(print_button(self, self.ctx, self._print_choices))
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        self.resize(820, 560)
        self.show_detail()

    # -- tabs -------------------------------------------------------------------------
    def _biodata_tab(self) -> QWidget:
        page = QWidget()
        self.photo = QLabel()
        self.photo.setObjectName("residentPhoto")
        self.photo.setFixedSize(PHOTO_SIZE, PHOTO_SIZE)
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo.setStyleSheet(theme.style("photo"))
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, label in (("case_number", _("Case number")), ("names", _("Name")), ("other_names", _("Other names")),
                           ("sex", _("Sex")), ("birth", _("Date of birth")), ("nationality", _("Nationality")),
                           ("returnee_group", _("Returnee group")),
                           ("place_of_birth", _("Place of birth")), ("languages", _("Languages")),
                           ("phone", _("Phone")), ("registered", _("Registered")), ("stay", _("In the centre")),
                           ("consent", _("Consent to data processing")), ("notes", _("Notes"))):
            value = QLabel()
            value.setObjectName(f"field_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = value
            form.addRow(label, value)
        layout = QHBoxLayout(page)
        layout.addWidget(self.photo, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(form, 1)
        return page

    def _vulnerabilities_tab(self) -> QWidget:
        page = QWidget()
        self.vulnerabilities = RowTable("vulnerabilitiesTable", [_("Vulnerability"), _("Identified on"), _("Resolved on"), _("Status")], stretch=-1)
        add = QPushButton(_("Add…"))
        add.setObjectName("addVulnerabilityButton")
        add.clicked.connect(self.add_vulnerability)
        resolve = QPushButton(_("Resolved"))
        resolve.setObjectName("resolveVulnerabilityButton")
        resolve.clicked.connect(self.resolve_vulnerability)
        void = QPushButton(_("Void…"))
        void.setObjectName("voidVulnerabilityButton")
        void.clicked.connect(self.void_vulnerability)
        buttons = QHBoxLayout()
        for button in (add, resolve, void):
            button.setVisible(self.can_write)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(self.vulnerabilities, 1)
        layout.addLayout(buttons)
        return page

    def _with_buttons(self, table: QTableWidget, actions: list[tuple[str, str, object]]) -> QWidget:
        page = QWidget()
        row = QHBoxLayout()
        for text, name, slot in actions:
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            button.setVisible(self.can_write)
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(table, 1)
        layout.addLayout(row)
        return page

    # -- showing ----------------------------------------------------------------------
    def reload(self) -> None:
        self.detail = get_resident(self.ctx.db, self.ctx.actor, self.resident_id)
        self.changed = True
        self.show_detail()

    def show_detail(self) -> None:
        d = self.detail
        r = d.resident
        self.setWindowTitle(_("Resident {number}").format(number=r.case_number))
        self.title.setText(f"{r.full_name} – {r.case_number}")
        age = r.age_on()
        birth = format_date(r.date_of_birth)
        if r.dob_estimated and age is not None:
            birth = _("estimated: about {age} years").format(age=age)
        elif age is not None:
            birth = _("{date} ({age} years)").format(date=birth, age=age)
        stay = _("No (no open stay)")
        if d.current_stay is not None:
            s = d.current_stay
            place = " – ".join(p for p in (s.room_name, s.bed_label) if p)
            stay = _("Since {date}, {centre} {place}").format(date=format_date(s.arrival_date), centre=s.centre_code,
                                                              place=place).strip()
        consent = (_("Given on {date}").format(date=format_date(r.consent_date)) if r.consent_given
                   else _("Not recorded"))
        values = {
            "case_number": f"{r.case_number} ({d.centre_name})" + (
                " – " + _("before: {numbers}").format(numbers=r.other_case_numbers) if r.other_case_numbers else ""),
            "names": r.full_name,
            "other_names": r.other_names or "", "sex": r.sex.label, "birth": birth,
            "nationality": country_name(r.nationality), "returnee_group": self._group_text(),
            "place_of_birth": r.place_of_birth or "",
            "languages": r.languages or "", "phone": r.phone or "", "registered": format_date(r.registered_on),
            "stay": stay, "consent": consent, "notes": r.notes or "",
        }
        for key, value in values.items():
            self.fields[key].setText(value)
        if d.photo_file is not None:
            pixmap = QPixmap(str(d.photo_file))
            if not pixmap.isNull():
                self.photo.setPixmap(pixmap.scaled(PHOTO_SIZE, PHOTO_SIZE, Qt.AspectRatioMode.KeepAspectRatio,
                                                   Qt.TransformationMode.SmoothTransformation))
        else:
            self.photo.setText(_("No photo"))
        self.consent_button.setVisible(self.can_write and not r.consent_given)
        self._fill_households()
        _fill(self.documents, [[doc.kind.label, doc.number or "", country_name(doc.issuing_country),
                                format_date(doc.issue_date, "short"), format_date(doc.expiry_date, "short"),
                                _("Voided: {reason}").format(reason=doc.void_reason or "") if doc.voided
                                else self._validity(doc.expiry_date)] for doc in d.documents],
              [doc.id for doc in d.documents])
        _fill(self.vulnerabilities, [[v.kind.label, format_date(v.identified_on, "short"),
                                      format_date(v.resolved_on, "short"),
                                      _("Voided") if v.voided else (_("Resolved") if v.resolved_on else _("Current"))]
                                     for v in d.vulnerabilities], [v.id for v in d.vulnerabilities])
        if d.household_name:
            self.household_label.setText(_("{name} ({kind})").format(name=d.household_name,
                                                                      kind=d.household_kind.label if d.household_kind else ""))
        else:
            self.household_label.setText(_("Not in a household."))
        _fill(self.members, [[m.case_number, m.full_name, m.role.label if m.role else "", format_date(m.date_of_birth, "short")]
                             for m in d.members])
        try:
            events = resident_timeline(self.ctx.db, self.ctx.actor, self.resident_id)
        except Exception as exc:  # noqa: BLE001 - a broken source must not hide the resident's file
            show_error(self, exc)
            events = []
        _fill(self.timeline, [[format_date(e.day, "short"), e.title + (" " + _("(voided)") if e.voided else ""), e.detail]
                              for e in events])

    def _group_text(self) -> str:
        r = self.detail.resident
        if r.returnee_group is None:
            return _("Not known (no nationality, no return case)")
        how = (_("set by a caseworker") if r.returnee_group_manual
               else _("derived from the nationality and the return destination"))
        return _("{group} ({how})").format(group=r.returnee_group.label, how=how)

    def change_group(self, choice: str | None = None) -> None:
        """Set the returnee group (an internally displaced person is always set here), or let it be derived."""
        derived = _("Derive it from the nationality and the return destination")
        labels = [derived] + [g.label for g in ReturneeGroup]
        current = self.detail.resident.returnee_group
        index = labels.index(current.label) if current is not None and self.detail.resident.returnee_group_manual else 0
        if choice is None:
            choice, ok = QInputDialog.getItem(self, _("Returnee group"), _("Returnee group"), labels, index, False)
            if not ok:
                return
        group = None if choice == derived else list(ReturneeGroup)[labels.index(choice) - 1]
        try:
            set_returnee_group(self.ctx.db, self.ctx.actor, self.resident_id, group, self.detail.resident.version)
            self.reload()
        except DomainError as exc:
            show_error(self, exc)

    @staticmethod
    def _validity(expiry: dt.date | None) -> str:
        if expiry is None:
            return ""
        return _("Expired") if expiry < dt.date.today() else _("Valid")

    # -- actions ----------------------------------------------------------------------
    def transfer_out(self) -> None:
        from transit_centre.ui.residents.transfer import transfer_out

        if transfer_out(self.ctx, self, self.resident_id, self.detail.resident.centre_id):
            self.reload()

    def edit(self) -> None:
        from transit_centre.ui.residents.form import ResidentForm

        form = ResidentForm(self.ctx, self.detail, parent=self)
        if form.exec():
            self.reload()

    def change_photo(self, path: str | None = None) -> None:
        if not path:
            path, _filter = QFileDialog.getOpenFileName(
                self, _("Choose a photo"), "", _("Pictures (*.jpg *.jpeg *.png *.bmp *.gif *.webp)"))
        if not path:
            return
        try:
            set_photo(self.ctx.db, self.ctx.actor, self.resident_id, path, self.detail.resident.version)
            self.reload()
        except DomainError as exc:
            show_error(self, exc)

    def _print_choices(self) -> list:
        rid = self.resident_id
        return [(_("Registration form"), "registration", rid),
                (_("Consent to the processing of personal data"), "consent", rid),
                (_("Resident card"), "badge", rid), (_("Fit-to-travel certificate"), "fit-to-travel", rid),
                (_("Return application and voluntary return declaration"), "return-declaration", rid),
                (_("Travel letter"), "travel-letter", rid)]

    def _selected_vulnerability(self) -> uuid.UUID | None:
        row = self.vulnerabilities.currentRow()
        item = self.vulnerabilities.item(row, 0) if row >= 0 else None
        return uuid.UUID(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def add_vulnerability(self) -> None:
        labels = [k.label for k in VulnerabilityKind]
        label, ok = QInputDialog.getItem(self, _("Add a vulnerability"), _("Vulnerability"), labels, 0, False)
        if not ok:
            return
        kind = list(VulnerabilityKind)[labels.index(label)]
        try:
            records.add_vulnerability(self.ctx.db, self.ctx.actor, self.resident_id, VulnerabilityInput(kind))
            self.reload()
        except DomainError as exc:
            show_error(self, exc)

    def resolve_vulnerability(self) -> None:
        vid = self._selected_vulnerability()
        if vid is None:
            return
        version = next(v.version for v in self.detail.vulnerabilities if v.id == vid)
        try:
            records.resolve_vulnerability(self.ctx.db, self.ctx.actor, vid, None, version)
            self.reload()
        except DomainError as exc:
            show_error(self, exc)

    def void_vulnerability(self) -> None:
        vid = self._selected_vulnerability()
        if vid is None:
            return
        reason, ok = QInputDialog.getText(self, _("Void a vulnerability"), _("Reason"))
        if not ok:
            return
        version = next(v.version for v in self.detail.vulnerabilities if v.id == vid)
        try:
            records.void_vulnerability(self.ctx.db, self.ctx.actor, vid, reason, version)
            self.reload()
        except DomainError as exc:
            QMessageBox.warning(self, _("Transit Centre"), str(exc))

    def _fill_households(self) -> None:
        self.join_household.clear()
        if not self.can_write:
            return
        try:
            for h in households.list_households(self.ctx.db, self.ctx.actor, self.detail.resident.centre_id, limit=300):
                if h.id != self.detail.resident.household_id:
                    self.join_household.addItem(ngettext("{name} ({n} member)", "{name} ({n} members)", h.members).format(name=h.name, n=h.members), str(h.id))
        except DomainError as exc:
            show_error(self, exc)

    def join(self) -> None:
        data = self.join_household.currentData()
        role = self.join_role.value()
        if not data or role is None:
            return
        try:
            households.add_member(self.ctx.db, self.ctx.actor, uuid.UUID(data), self.resident_id, role,
                                  self.detail.resident.version)
            self.reload()
        except DomainError as exc:
            show_error(self, exc)

    def leave(self) -> None:
        try:
            households.remove_member(self.ctx.db, self.ctx.actor, self.resident_id, self.detail.resident.version)
            self.reload()
        except DomainError as exc:
            show_error(self, exc)

    def record_consent(self) -> None:
        answer = QMessageBox.question(self, _("Consent to data processing"), _(
            "Has the resident been informed of how their data is used, and do they consent to its processing today?"))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            record_consent(self.ctx.db, self.ctx.actor, self.resident_id, True, None, self.detail.resident.version)
            self.reload()
        except DomainError as exc:
            show_error(self, exc)

    def add_document(self) -> None:
        dialog = DocumentDialog(self.ctx, self.resident_id, self)
        if dialog.exec():
            self.reload()

    def void_document(self) -> None:
        row = self.documents.currentRow()
        item = self.documents.item(row, 0) if row >= 0 else None
        if item is None:
            return
        doc_id = uuid.UUID(item.data(Qt.ItemDataRole.UserRole))
        reason, ok = QInputDialog.getText(self, _("Void a document"), _("Reason"))
        if not ok:
            return
        version = next(d.version for d in self.detail.documents if d.id == doc_id)
        try:
            records.void_document(self.ctx.db, self.ctx.actor, doc_id, reason, version)
            self.reload()
        except DomainError as exc:
            show_error(self, exc)


def open_resident_file(ctx: UiContext, parent: QWidget | None, resident_id: uuid.UUID) -> bool:
    """Open a resident's file (modal); True when something in it changed."""
    try:
        dialog = ResidentDetailDialog(ctx, resident_id, parent=parent)
    except DomainError as exc:
        show_error(parent, exc)
        return False
    dialog.exec()
    return bool(dialog.changed)

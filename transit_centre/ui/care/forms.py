"""The recording forms of the services page: medical (consultation, fit-to-travel), MHPSS
(individual session, group activity with attendance, referral), counselling and referrals."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from transit_centre.ui.common import theme
from transit_centre.care import medical, mhpss, referrals
from transit_centre.care.enums import (
    MHPSS_GROUP,
    MHPSS_INDIVIDUAL,
    ConsultationType,
    CounsellingType,
    FitStatus,
    MhpssType,
    PartnerSector,
    ReferralArea,
    VaccineKind,
)
from transit_centre.errors import DomainError, NeedsConfirmation
from transit_centre.i18n import _, format_date
from transit_centre.security.permissions import Permission
from transit_centre.ui.care.widgets import CheckList
from transit_centre.ui.common.resident_picker import Choice, ResidentPicker
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.errors import confirm, show_error
from transit_centre.ui.common.widgets import EnumCombo, FieldErrors, date_edit, required



def attempt(parent: QWidget, errors: FieldErrors, status: QLabel, fn: Callable[[], Any]) -> Any:
    """Call a service; field messages next to the fields, other failures in a dialog."""
    errors.clear()
    status.clear()
    try:
        return fn()
    except DomainError as exc:
        errors.show(exc)
    except Exception as exc:  # noqa: BLE001 - never crash the screen
        show_error(parent, exc)
    return None


def record(parent: QWidget, errors: FieldErrors, status: QLabel, button: QPushButton,
           fn: Callable[[bool], Any]) -> Any:
    """Record once per click: the button is off while the service works, and the service's
    question (the same service already recorded that day) is asked before a second record.
    ``fn(confirmed)`` calls the recording service."""
    button.setEnabled(False)
    try:
        try:
            errors.clear()
            status.clear()
            return fn(False)
        except NeedsConfirmation as question:
            if not confirm(parent, _("Record"), str(question), "duplicateServiceQuestion"):
                return None
            return attempt(parent, errors, status, lambda: fn(True))
        except DomainError as exc:
            errors.show(exc)
        except Exception as exc:  # noqa: BLE001 - never crash the screen
            show_error(parent, exc)
        return None
    finally:
        button.setEnabled(True)


def note_edit(name: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(_("Confidential: only staff of the same profession can read it"))
    edit.setMaximumHeight(70)
    return edit


def _status_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setStyleSheet(theme.style("success"))
    label.setWordWrap(True)
    return label


class _Form(QGroupBox):
    """A titled form with its own error labels, status line and Save button."""

    saved = Signal(object)

    def __init__(self, title: str, ctx: UiContext, button_name: str, button_text: str | None = None) -> None:
        super().__init__(title)
        self.ctx = ctx
        self.errors = FieldErrors()
        self.form = QFormLayout()
        self.status = _status_label(button_name + "Status")
        self.button = QPushButton(button_text or _("Save"))
        self.button.setObjectName(button_name)
        self.button.clicked.connect(self.save)
        outer = QVBoxLayout(self)
        self.body = QHBoxLayout()
        left = QVBoxLayout()
        left.addLayout(self.form)
        left.addStretch(1)
        self.body.addLayout(left, 1)
        outer.addLayout(self.body, 1)
        outer.addWidget(self.errors.general_label())
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.button)
        outer.addLayout(row)

    def provider_edit(self, name: str) -> QLineEdit:
        edit = QLineEdit(self.ctx.actor.full_name or self.ctx.actor.username)
        edit.setObjectName(name)
        return edit

    def done(self, view: Any, message: str) -> None:
        self.status.setText(message)
        self.saved.emit(view)

    def record(self, fn: Callable[[bool], Any]) -> Any:
        return record(self, self.errors, self.status, self.button, fn)

    def save(self) -> None:  # overridden
        raise NotImplementedError


class ConsultationForm(_Form):
    def __init__(self, ctx: UiContext, picker: ResidentPicker) -> None:
        super().__init__(_("Consultation"), ctx, "saveConsultationButton")
        self.picker = picker
        self.day = date_edit()
        self.day.setObjectName("consultationDate")
        self.type = EnumCombo(ConsultationType, members=medical.CONSULTATION_TYPES)
        self.type.setObjectName("consultationType")
        self.provider = self.provider_edit("consultationProvider")
        self.vaccine_kind = EnumCombo(VaccineKind, allow_empty=True)
        self.vaccine_kind.setObjectName("vaccineKind")
        self.vaccine = QLineEdit()
        self.vaccine.setObjectName("vaccine")
        self.vaccine.setPlaceholderText(_("Name of the vaccine (optional when the kind is chosen)"))
        self.dose = QLineEdit()
        self.dose.setObjectName("vaccineDose")
        self.dose.setMaximumWidth(80)
        self.facility = QLineEdit()
        self.facility.setObjectName("healthFacility")
        self.note = note_edit("consultationNote")
        vaccine_row = QHBoxLayout()  # the kind and the dose; the vaccine's name on a row of its own
        vaccine_row.addWidget(self.errors.field("vaccine_kind", self.vaccine_kind), 1)
        vaccine_row.addWidget(QLabel(_("Dose")))
        vaccine_row.addWidget(self.errors.field("dose", self.dose))
        f = self.form
        self.errors.add_row(f, required(_("Date")), "day", self.day)
        self.errors.add_row(f, required(_("Type")), "consultation_type", self.type)
        self.errors.add_row(f, required(_("Provider")), "provider", self.provider)
        f.addRow(_("Vaccine"), vaccine_row)
        self.errors.add_row(f, _("Vaccine name"), "vaccine", self.vaccine)
        self.errors.add_row(f, _("Health facility"), "facility", self.facility)
        self.errors.add_row(f, _("Clinical note"), "note", self.note)
        self.type.currentIndexChanged.connect(self._type_changed)
        self._type_changed()

    def _type_changed(self) -> None:
        kind = self.type.value()
        self.vaccine.setEnabled(kind == ConsultationType.VACCINATION)
        self.vaccine_kind.setEnabled(kind == ConsultationType.VACCINATION)
        self.dose.setEnabled(kind == ConsultationType.VACCINATION)
        self.facility.setEnabled(kind == ConsultationType.REFERRAL_HEALTH)

    def save(self) -> None:
        if self.picker.resident_id is None:
            self.errors.show(DomainError(_("Choose the resident."), "resident"))
            return
        view = self.record(lambda confirmed: medical.record_consultation(
            self.ctx.db, self.ctx.actor, self.picker.resident_id, consultation_type=self.type.value(),
            day=self.day.date().toPython(), provider=self.provider.text(), vaccine=self.vaccine.text(),
            vaccine_kind=self.vaccine_kind.value(), dose=self.dose.text(), facility=self.facility.text(),
            note=self.note.toPlainText(), confirmed=confirmed))
        if view is not None:
            self.note.clear()
            self.vaccine.clear()
            self.vaccine_kind.setCurrentIndex(0)
            self.dose.clear()
            self.facility.clear()
            self.done(view, _("Recorded: {what} for {name}.").format(what=view.summary, name=view.resident_name))


class FitToTravelForm(_Form):
    def __init__(self, ctx: UiContext, picker: ResidentPicker) -> None:
        super().__init__(_("Fit-to-travel assessment"), ctx, "saveFitButton")
        self.picker = picker
        self.day = date_edit()
        self.day.setObjectName("fitDate")
        self.fit_status = EnumCombo(FitStatus)
        self.fit_status.setObjectName("fitStatus")
        self.valid_until = date_edit(dt.date.today() + dt.timedelta(days=14))
        self.valid_until.setObjectName("fitValidUntil")
        self.provider = self.provider_edit("fitProvider")
        self.note = note_edit("fitNote")
        self.latest = QLabel()
        self.latest.setObjectName("latestFit")
        self.latest.setWordWrap(True)
        f = self.form
        f.addRow(_("Latest result"), self.latest)
        self.errors.add_row(f, required(_("Date")), "day", self.day)
        self.errors.add_row(f, required(_("Result")), "status", self.fit_status)
        self.errors.add_row(f, _("Valid until"), "valid_until", self.valid_until)
        self.errors.add_row(f, required(_("Provider")), "provider", self.provider)
        self.errors.add_row(f, _("Clinical note"), "note", self.note)
        self.fit_status.currentIndexChanged.connect(
            lambda _i: self.valid_until.setEnabled(self.fit_status.value() != FitStatus.NOT_FIT))
        picker.chosen.connect(lambda _rid: self.show_latest())

    def show_latest(self) -> None:
        rid = self.picker.resident_id
        if rid is None:
            self.latest.setText("")
            return
        try:
            fit = medical.fit_to_travel(self.ctx.db, self.ctx.actor, rid)
        except DomainError as exc:
            self.latest.setText(str(exc))
            return
        if fit is None:
            self.latest.setText(_("No assessment yet"))
        elif fit.valid_until:
            self.latest.setText(_("{status} on {date}, valid until {until}").format(
                status=fit.status.label, date=format_date(fit.assessed_on), until=format_date(fit.valid_until)))
        else:
            self.latest.setText(_("{status} on {date}").format(status=fit.status.label,
                                                               date=format_date(fit.assessed_on)))

    def save(self) -> None:
        if self.picker.resident_id is None:
            self.errors.show(DomainError(_("Choose the resident."), "resident"))
            return
        status = self.fit_status.value()
        until = self.valid_until.date().toPython() if status != FitStatus.NOT_FIT else None
        view = self.record(lambda confirmed: medical.record_fit_to_travel(
            self.ctx.db, self.ctx.actor, self.picker.resident_id, status=status, valid_until=until,
            day=self.day.date().toPython(), provider=self.provider.text(), note=self.note.toPlainText(),
            confirmed=confirmed))
        if view is not None:
            self.note.clear()
            self.show_latest()
            self.done(view, _("Recorded: {what} for {name}.").format(what=view.summary, name=view.resident_name))


class MedicalTab(QWidget):
    saved = Signal(object)

    def __init__(self, ctx: UiContext, search: Callable[[str], list[Choice]]) -> None:
        super().__init__()
        self.setObjectName("medicalTab")
        self.picker = ResidentPicker(search)
        self.picker.setObjectName("medicalResident")
        self.consultation = ConsultationForm(ctx, self.picker)
        self.fit = FitToTravelForm(ctx, self.picker)
        box = QGroupBox(_("Resident"))
        QVBoxLayout(box).addWidget(self.picker)
        forms = QHBoxLayout()
        forms.addWidget(self.consultation, 1)
        forms.addWidget(self.fit, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addLayout(forms)
        layout.addStretch(1)
        for form in (self.consultation, self.fit):
            form.saved.connect(self.saved)


class MhpssSessionForm(_Form):
    def __init__(self, ctx: UiContext, search: Callable[[str], list[Choice]]) -> None:
        super().__init__(_("Individual session"), ctx, "saveMhpssSessionButton")
        self.picker = ResidentPicker(search)
        self.picker.setObjectName("mhpssResident")
        self.type = EnumCombo(MhpssType, members=MHPSS_INDIVIDUAL)
        self.type.setObjectName("mhpssSessionType")
        self.day = date_edit()
        self.provider = self.provider_edit("mhpssProvider")
        self.referred_to = QLineEdit()
        self.referred_to.setObjectName("mhpssReferredTo")
        self.referred_to.setPlaceholderText(_("Fill in to record a referral for specialised care instead"))
        self.note = note_edit("mhpssNote")
        f = self.form
        self.errors.add_row(f, required(_("Resident")), "resident", self.picker)
        self.errors.add_row(f, required(_("Type")), "session_type", self.type)
        self.errors.add_row(f, required(_("Date")), "day", self.day)
        self.errors.add_row(f, required(_("Provider")), "provider", self.provider)
        self.errors.add_row(f, _("Referred to"), "referred_to", self.referred_to)
        self.errors.add_row(f, _("Confidential note"), "note", self.note)

    def save(self) -> None:
        if self.picker.resident_id is None:
            self.errors.show(DomainError(_("Choose the resident."), "resident"))
            return
        args = dict(day=self.day.date().toPython(), provider=self.provider.text(), note=self.note.toPlainText())
        if self.referred_to.text().strip():
            call = lambda confirmed: mhpss.record_mhpss_referral(  # noqa: E731
                self.ctx.db, self.ctx.actor, self.picker.resident_id, referred_to=self.referred_to.text(),
                confirmed=confirmed, **args)
        else:
            call = lambda confirmed: mhpss.record_mhpss_session(  # noqa: E731
                self.ctx.db, self.ctx.actor, self.picker.resident_id, session_type=self.type.value(),
                confirmed=confirmed, **args)
        view = self.record(call)
        if view is not None:
            self.note.clear()
            self.referred_to.clear()
            self.done(view, _("Recorded: {what} for {name}.").format(what=view.summary, name=view.resident_name))


class GroupForm(_Form):
    """A group activity (MHPSS group or recreational, or group counselling) with attendance."""

    def __init__(self, ctx: UiContext, title: str, button_name: str, *, mhpss_group: bool,
                 present: Callable[[dt.date], list[Choice]]) -> None:
        super().__init__(title, ctx, button_name)
        self.mhpss_group = mhpss_group
        self._present = present
        prefix = "group" if mhpss_group else "counsellingGroup"
        self.day = date_edit()
        self.day.setObjectName(prefix + "Date")
        self.type = EnumCombo(MhpssType, members=MHPSS_GROUP)
        self.type.setObjectName(prefix + "Type")
        self.title = QLineEdit()
        self.title.setObjectName(prefix + "Title")
        self.provider = self.provider_edit(prefix + "Provider")
        self.attendance = CheckList(name="attendanceList" if mhpss_group else "counsellingAttendance")
        self.note = note_edit(prefix + "Note") if mhpss_group else QPlainTextEdit()
        f = self.form
        self.errors.add_row(f, required(_("Date")), "day", self.day)
        if mhpss_group:
            self.errors.add_row(f, required(_("Activity")), "session_type", self.type)
            self.errors.add_row(f, required(_("Title")), "title", self.title)
        self.errors.add_row(f, required(_("Provider")), "provider", self.provider)
        right = QGroupBox(required(_("Participants")))
        QVBoxLayout(right).addWidget(self.errors.field("attendees", self.attendance))
        self.body.addWidget(right, 1)
        if mhpss_group:
            self.errors.add_row(f, _("Confidential note"), "note", self.note)
        else:
            self.note.setMaximumHeight(60)
            self.note.setObjectName("counsellingTopics")
            self.errors.add_row(f, _("Topics discussed"), "topics", self.note)
        self.day.dateChanged.connect(lambda _d: self.load())

    def load(self) -> None:
        try:
            self.attendance.set_items(self._present(self.day.date().toPython()), checked=False)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)

    def save(self) -> None:
        ids = self.attendance.checked_ids()
        day = self.day.date().toPython()
        if self.mhpss_group:
            call = lambda: mhpss.record_group_activity(  # noqa: E731
                self.ctx.db, self.ctx.actor, activity_type=self.type.value(), title=self.title.text(),
                attendee_ids=ids, day=day, provider=self.provider.text(), note=self.note.toPlainText())
        else:
            call = lambda: referrals.record_counselling(  # noqa: E731
                self.ctx.db, self.ctx.actor, counselling_type=CounsellingType.GROUP, attendee_ids=ids, day=day,
                provider=self.provider.text(), topics=self.note.toPlainText())
        view = self.record(lambda _confirmed: call())
        if view is not None:
            self.note.clear()
            self.title.clear()
            self.attendance.set_all(False)
            self.done(view, _("Recorded: {what}.").format(what=view.summary))


class MhpssTab(QTabWidget):
    saved = Signal(object)

    def __init__(self, ctx: UiContext, search: Callable[[str], list[Choice]],
                 present: Callable[[dt.date], list[Choice]]) -> None:
        super().__init__()
        self.setObjectName("mhpssTab")
        self.session = MhpssSessionForm(ctx, search)
        self.group = GroupForm(ctx, _("Group or recreational activity"), "saveGroupButton", mhpss_group=True,
                               present=present)
        self.addTab(self.session, _("Individual session or referral"))
        self.addTab(self.group, _("Group activity"))
        for form in (self.session, self.group):
            form.saved.connect(self.saved)

    def load(self) -> None:
        self.group.load()


class CounsellingForm(_Form):
    def __init__(self, ctx: UiContext, search: Callable[[str], list[Choice]]) -> None:
        super().__init__(_("Individual counselling on return options"), ctx, "saveCounsellingButton")
        self.picker = ResidentPicker(search)
        self.picker.setObjectName("counsellingResident")
        self.day = date_edit()
        self.provider = self.provider_edit("counsellingProvider")
        self.topics = QPlainTextEdit()
        self.topics.setObjectName("counsellingTopicsIndividual")
        self.topics.setMaximumHeight(60)
        f = self.form
        self.errors.add_row(f, required(_("Resident")), "resident", self.picker)
        self.errors.add_row(f, required(_("Date")), "day", self.day)
        self.errors.add_row(f, required(_("Provider")), "provider", self.provider)
        self.errors.add_row(f, _("Topics discussed"), "topics", self.topics)

    def save(self) -> None:
        view = self.record(lambda confirmed: referrals.record_counselling(
            self.ctx.db, self.ctx.actor, counselling_type=CounsellingType.INDIVIDUAL,
            resident_id=self.picker.resident_id, day=self.day.date().toPython(), provider=self.provider.text(),
            topics=self.topics.toPlainText(), confirmed=confirmed))
        if view is not None:
            self.topics.clear()
            self.done(view, _("Recorded: {what} for {name}.").format(what=view.summary, name=view.resident_name))


class ReferralForm(_Form):
    def __init__(self, ctx: UiContext, search: Callable[[str], list[Choice]]) -> None:
        super().__init__(_("Referral to a partner (national referral mechanism)"), ctx, "saveReferralButton")
        self.picker = ResidentPicker(search)
        self.picker.setObjectName("referralResident")
        self.partner = QComboBox()
        self.partner.setObjectName("referralPartner")
        self.new_partner = QPushButton(_("New partner…"))
        self.new_partner.setObjectName("newPartnerButton")
        self.new_partner.clicked.connect(self.add_partner)
        partner_row = QHBoxLayout()
        partner_row.addWidget(self.partner, 1)
        partner_row.addWidget(self.new_partner)
        partner_box = QWidget()
        partner_box.setLayout(partner_row)
        partner_row.setContentsMargins(0, 0, 0, 0)
        self.area = EnumCombo(ReferralArea)
        self.area.setObjectName("referralArea")
        self.reason = QLineEdit()
        self.reason.setObjectName("referralReason")
        self.day = date_edit()
        self.override = QLineEdit()
        self.override.setObjectName("referralOverride")
        self.override.setPlaceholderText(_("Only if the resident's consent is missing (managers)"))
        f = self.form
        self.errors.add_row(f, required(_("Resident")), "resident", self.picker)
        self.errors.add_row(f, required(_("Partner")), "partner", partner_box)
        self.errors.add_row(f, required(_("Area")), "area", self.area)
        self.errors.add_row(f, required(_("Reason")), "reason", self.reason)
        self.errors.add_row(f, required(_("Date")), "day", self.day)
        if ctx.can(Permission.OVERRIDE):
            self.errors.add_row(f, _("Override reason"), "override", self.override)
        self.load_partners()

    def load_partners(self, select_id: Any = None) -> None:
        try:
            partners = referrals.list_partners(self.ctx.db, self.ctx.actor)
        except DomainError as exc:
            self.errors.show(exc)
            return
        self.partner.clear()
        self.partner.addItem("", None)
        for p in partners:
            self.partner.addItem(p.name, str(p.id))  # str: QComboBox.findData cannot match a UUID
        if select_id is not None:
            self.partner.setCurrentIndex(max(0, self.partner.findData(str(select_id))))

    def add_partner(self) -> None:
        name, ok = QInputDialog.getText(self, _("New partner"), _("Name of the partner organisation:"))
        if not ok or not name.strip():
            return
        view = attempt(self, self.errors, self.status, lambda: referrals.save_partner(
            self.ctx.db, self.ctx.actor, name=name, sector=PartnerSector.OTHER))
        if view is not None:
            self.load_partners(view.id)

    def save(self) -> None:
        if self.picker.resident_id is None:
            self.errors.show(DomainError(_("Choose the resident."), "resident"))
            return
        view = self.record(lambda confirmed: referrals.record_referral(
            self.ctx.db, self.ctx.actor, self.picker.resident_id, partner_id=self.partner.currentData(),
            area=self.area.value(), reason=self.reason.text(), day=self.day.date().toPython(),
            override_reason=self.override.text() or None, confirmed=confirmed))
        if view is not None:
            self.reason.clear()
            self.override.clear()
            self.done(view, _("Recorded: {what} for {name}.").format(what=view.summary, name=view.resident_name))


class CounsellingTab(QTabWidget):
    saved = Signal(object)

    def __init__(self, ctx: UiContext, search: Callable[[str], list[Choice]],
                 present: Callable[[dt.date], list[Choice]]) -> None:
        super().__init__()
        self.setObjectName("counsellingTab")
        self.individual = CounsellingForm(ctx, search)
        self.group = GroupForm(ctx, _("Group information session on return options"), "saveCounsellingGroupButton",
                               mhpss_group=False, present=present)
        self.referral = ReferralForm(ctx, search)
        self.addTab(self.individual, _("Individual counselling"))
        self.addTab(self.group, _("Group session"))
        self.addTab(self.referral, _("Referral"))
        for form in (self.individual, self.group, self.referral):
            form.saved.connect(self.saved)

    def load(self) -> None:
        self.group.load()


__all__ = ["CounsellingTab", "MedicalTab", "MhpssTab"]

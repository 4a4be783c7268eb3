"""Movements page: plan a departure, check which cases are ready for it (with the reasons the
others are not), add them, mark the movement departed or arrived, and see its manifest."""
from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from transit_centre.ui.common import theme
from transit_centre.avrr import movements as svc
from transit_centre.avrr.documents import manifest_view
from transit_centre.enums import MovementMode, MovementStatus
from transit_centre.errors import DomainError
from transit_centre.i18n import _, country_name, format_date, ngettext
from transit_centre.security.permissions import Permission
from transit_centre.shelter.guardians import SeparationNeeded
from transit_centre.ui.common.dialogs import ReasonDialog
from transit_centre.ui.common.tables import RowTable, yes
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.form_dialog import FormDialog
from transit_centre.ui.common.page import Page
from transit_centre.ui.common.errors import show_error
from transit_centre.ui.common.print_preview import choose_and_print, print_button
from transit_centre.ui.common.widgets import CountryCombo, EnumCombo, date_edit, required


class MovementDialog(FormDialog):
    """Plan a new movement or edit a planned one."""

    def __init__(self, ctx: UiContext, movement: svc.MovementView | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent, title=_("Edit movement") if movement else _("Plan a movement"), name="movementDialog")
        self.ctx = ctx
        self.movement = movement
        self.result_movement: svc.MovementView | None = None
        self.day = date_edit(movement.departure_date if movement else None)
        self.day.setObjectName("movementDate")
        self.add_field(required(_("Departure date")), "departure_date", self.day)
        self.mode = EnumCombo(MovementMode)
        self.mode.setObjectName("movementMode")
        self.add_field(required(_("Mode")), "mode", self.mode)
        self.country = CountryCombo()
        self.country.setObjectName("movementCountry")
        self.add_field(_("Destination country"), "destination_country", self.country)
        self.route = QLineEdit()
        self.route.setObjectName("movementRoute")
        self.add_field(_("Route"), "route", self.route)
        self.legs = QPlainTextEdit()
        self.legs.setObjectName("movementLegs")
        self.legs.setPlaceholderText(_("One leg per line, e.g. Bamako → Conakry"))
        self.legs.setFixedHeight(60)
        self.add_field(_("Legs"), "legs", self.legs)
        self.carrier = QLineEdit()
        self.carrier.setObjectName("movementCarrier")
        self.add_field(_("Carrier"), "carrier", self.carrier)
        self.flight = QLineEdit()
        self.flight.setObjectName("movementFlight")
        self.add_field(_("Flight number"), "flight_number", self.flight)
        self.escorts = QPlainTextEdit()
        self.escorts.setObjectName("movementEscorts")
        self.escorts.setPlaceholderText(_("One escort per line"))
        self.escorts.setFixedHeight(50)
        self.add_field(_("Escorts"), "escorts", self.escorts)
        if movement is not None:
            self.mode.set_value(movement.mode)
            self.country.set_code(movement.destination_country)
            self.route.setText(movement.route or "")
            self.legs.setPlainText("\n".join(movement.legs))
            self.carrier.setText(movement.carrier or "")
            self.flight.setText(movement.flight_number or "")
            self.escorts.setPlainText("\n".join(movement.escorts))

    def data(self) -> svc.MovementInput:
        def lines(edit: QPlainTextEdit) -> tuple[str, ...]:
            return tuple(line for line in edit.toPlainText().splitlines() if line.strip())

        return svc.MovementInput(self.day.date().toPython(), self.mode.value(), self.country.code(),
                                 self.route.text(), lines(self.legs), self.carrier.text(), self.flight.text(),
                                 lines(self.escorts), centre_id=self.ctx.centre_id)

    def save_record(self) -> Any:
        if self.movement is None:
            self.result_movement = svc.create_movement(self.ctx.db, self.ctx.actor, self.data())
        else:
            self.result_movement = svc.update_movement(self.ctx.db, self.ctx.actor, self.movement.id,
                                                       self.data(), self.movement.version)
        return self.result_movement


def _fit_text(state: str) -> str:
    return {"valid": _("Valid"), "expired": _("Expired on the departure date"), "not_fit": _("Not fit to travel"),
            "missing": _("None for the departure date")}.get(state, state)


class MovementsPage(Page):
    offers_new = True
    offers_print = True

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="movementsPage")
        self.current: svc.MovementView | None = None
        self.status = QComboBox()
        self.status.setObjectName("movementsStatusFilter")
        self.status.addItem(_("Planned"), MovementStatus.PLANNED.value)
        self.status.addItem(_("All movements"), "")
        for member in (MovementStatus.DEPARTED, MovementStatus.ARRIVED, MovementStatus.CANCELLED):
            self.status.addItem(member.label, member.value)
        self.status.currentIndexChanged.connect(self.refresh)
        can_write = ctx.can(Permission.MOVEMENT_WRITE)
        self.actions: dict[str, QPushButton] = {}
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Show")))
        top.addWidget(self.status)
        top.addStretch(1)
        for key, text, slot in (("new", _("Plan a movement…"), self.new_record), ("edit", _("Edit…"), self.edit),
                                ("departed", _("Mark departed"), self.mark_departed),
                                ("arrived", _("Mark arrived"), self.mark_arrived),
                                ("cancel", _("Cancel movement…"), self.cancel)):
            button = QPushButton(text)
            button.setObjectName(f"movement_{key}")
            button.clicked.connect(slot)
            button.setVisible(can_write)
            top.addWidget(button)
            self.actions[key] = button
        top.addWidget(print_button(self, self.ctx, self.print_choices, "movementPrintButton"))

        self.list = RowTable("movementsList", [_("Movement"), _("Date"), _("Mode"), _("Destination"), _("Travellers"),
                                               _("Status")], stretch=3,
                             widths={0: 140, 1: 100, 2: 110, 4: 70})
        self.list.itemSelectionChanged.connect(self._selected)
        self.header = QLabel()
        self.header.setObjectName("movementHeader")
        self.header.setWordWrap(True)

        self.readiness = RowTable("movementReadiness", [_("Return case"), _("Name"), _("Ready"), _("On movement"),
                                                        _("Escort"), _("Reasons")], stretch=5,
                                  widths={0: 150, 1: 150, 2: 70, 3: 90, 4: 60})
        self.add_button = QPushButton(_("Add to the movement"))
        self.add_button.setObjectName("movementAddCase")
        self.add_button.clicked.connect(self.add_case)
        self.remove_button = QPushButton(_("Take off the movement…"))
        self.remove_button.setObjectName("movementRemoveCase")
        self.remove_button.clicked.connect(self.remove_case)
        readiness_box = QWidget()
        rl = QVBoxLayout(readiness_box)
        rl.addWidget(QLabel(_("Cases of this centre: ready ones can be added; the others say what is missing.")))
        rl.addWidget(self.readiness, 1)
        rb = QHBoxLayout()
        rb.addWidget(self.add_button)
        rb.addWidget(self.remove_button)
        rb.addStretch(1)
        rl.addLayout(rb)
        self.manifest = RowTable("movementManifest", [_("Name"), _("Sex"), _("Date of birth"), _("Nationality"),
                                                      _("Document"), _("Minor"), _("Escort"), _("VoT"),
                                                      _("Fit to travel")], stretch=0,
                                 widths={1: 70, 2: 110, 3: 110, 4: 130, 5: 60, 6: 60, 7: 50, 8: 130})
        self.tabs = QTabWidget()
        self.tabs.setObjectName("movementTabs")
        self.tabs.addTab(readiness_box, _("Readiness check"))
        self.tabs.addTab(self.manifest, _("Manifest"))
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.header)
        right_layout.addWidget(self.tabs, 1)
        self.splitter = self.set_body(self.list, right, filters=top, name="movements", sizes=(480, 880),
                                      state_key="avrr/movements/splitter")
        self.refresh()

    # -- data ------------------------------------------------------------------------------
    def print_choices(self) -> list:
        movement = self.current
        if movement is None:
            return []
        choices = [(_("Movement manifest"), "manifest", movement.id)]
        for traveller in movement.travellers:
            name = traveller.resident_name or traveller.case_reference
            choices.append((_("Travel letter – {name}").format(name=name), "travel-letter", traveller.return_case_id))
        return choices

    def print_current(self) -> None:
        choose_and_print(self, self.ctx, self.print_choices())

    def refresh(self) -> None:
        value = self.status.currentData()
        statuses = (MovementStatus(value),) if value else ()
        try:
            movements = svc.list_movements(self.ctx.db, self.ctx.actor, self.ctx.centre_id, statuses)
        except DomainError as exc:
            show_error(self, exc)
            movements = []
        self.list.set_rows([
            (m.id, [m.reference, format_date(m.departure_date, "short"), m.mode.label, country_name(m.destination_country),
                    str(len(m.travellers)), m.status.label], None)
            for m in movements])
        if self.current is not None:
            self.list.select_payload(self.current.id)
        self._show(self.current.id if self.current else None)

    def _selected(self) -> None:
        payload = self.list.current_payload()
        if payload is not None and (self.current is None or payload != self.current.id):
            self._show(payload)

    def select_movement(self, movement_id: uuid.UUID) -> None:
        self.list.select_payload(movement_id)
        self._show(movement_id)

    def _show(self, movement_id: uuid.UUID | None) -> None:
        self.current = None
        if movement_id is not None:
            try:
                self.current = svc.get_movement(self.ctx.db, self.ctx.actor, movement_id)
            except DomainError as exc:
                show_error(self, exc)
        m = self.current
        planned = m is not None and m.status == MovementStatus.PLANNED
        for key in ("edit", "departed", "cancel"):
            self.actions[key].setEnabled(planned)
        self.actions["arrived"].setEnabled(m is not None and m.status == MovementStatus.DEPARTED)
        self.add_button.setEnabled(planned and self.ctx.can(Permission.MOVEMENT_WRITE))
        self.remove_button.setEnabled(planned and self.ctx.can(Permission.MOVEMENT_WRITE))
        if m is None:
            self.header.setText(_("Choose a movement, or plan a new one."))
            self.readiness.set_rows([])
            self.manifest.set_rows([])
            return
        travel = " – ".join(x for x in (m.carrier, m.flight_number) if x)
        self.header.setText(_("{ref}: {mode} on {date} to {country}. {route} {travel}\nEscorts: {escorts}. {count}").format(
            ref=m.reference, mode=m.mode.label, date=format_date(m.departure_date),
            country=country_name(m.destination_country) or "—", route=" / ".join(m.legs) or (m.route or ""),
            travel=travel, escorts=", ".join(m.escorts) or _("none"),
            count=ngettext("{n} traveller", "{n} travellers", len(m.travellers)).format(n=len(m.travellers))))
        try:
            rows = svc.readiness(self.ctx.db, self.ctx.actor, m.id) if planned else []
            manifest = manifest_view(self.ctx.db, self.ctx.actor, m.id)
        except DomainError as exc:
            show_error(self, exc)
            return
        self.readiness.set_rows([
            (r.return_case_id, [r.case_reference, r.resident_name, _("Ready") if r.ready else _("Not ready"),
                                yes(r.on_movement), yes(r.escort_required), " ".join(r.reasons)],
             theme.colour("good_bg") if r.ready else theme.colour("warn_bg"))
            for r in rows])
        self.manifest.set_rows([
            (t.resident_id, [f"{t.last_name.upper()} {t.first_name}", t.sex.label, format_date(t.date_of_birth, "short"),
                             country_name(t.nationality), t.document_number or "", yes(t.is_minor),
                             yes(t.escort_required), yes(t.is_vot), _fit_text(t.fit_state)],
             theme.colour("warn_bg") if t.is_vot or t.is_uam or t.fit_state != "valid" else None)
            for t in manifest.travellers])

    # -- actions ---------------------------------------------------------------------------
    def new_record(self) -> None:
        if not self.ctx.can(Permission.MOVEMENT_WRITE):
            return
        dialog = MovementDialog(self.ctx, None, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result_movement is not None:
            self.current = dialog.result_movement
            self.status.setCurrentIndex(0)
            self.refresh()

    def edit(self) -> None:
        if self.current is None:
            return
        dialog = MovementDialog(self.ctx, self.current, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh()

    def _do(self, fn, *args, **kwargs) -> bool:  # noqa: ANN001
        try:
            try:
                self.current = fn(self.ctx.db, self.ctx.actor, self.current.id, *args, **kwargs)
            except SeparationNeeded as exc:  # the guardian rule: the reason, or nothing happens
                dialog = ReasonDialog(_("A child separated from their family"), _("Reason for the separation"),
                                      self, message=str(exc))
                if dialog.exec() != QDialog.DialogCode.Accepted:
                    return False
                self.current = fn(self.ctx.db, self.ctx.actor, self.current.id, *args,
                                  separation_reason=dialog.text(), **kwargs)
        except DomainError as exc:
            show_error(self, exc)
            return False
        self.refresh()
        return True

    def add_case(self) -> None:
        case_id = self.readiness.current_payload()
        if self.current is not None and case_id is not None:
            self._do(svc.add_case, case_id)

    def remove_case(self) -> None:
        case_id = self.readiness.current_payload()
        if self.current is None or case_id is None:
            return
        dialog = ReasonDialog(_("Take the case off the movement"), _("Why?"), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._do(svc.remove_case, case_id, dialog.text())

    def mark_departed(self) -> None:
        if self.current is None:
            return
        answer = QMessageBox.question(self, _("Mark departed"), _(
            "Mark movement {ref} as departed? The travellers are checked out of the centre.").format(
            ref=self.current.reference))
        if answer == QMessageBox.StandardButton.Yes:
            self.confirm_departed()

    def confirm_departed(self) -> bool:
        return self._do(svc.mark_departed, None, self.current.version)

    def mark_arrived(self) -> None:
        if self.current is not None:
            self._do(svc.mark_arrived, None, self.current.version)

    def cancel(self) -> None:
        if self.current is None:
            return
        dialog = ReasonDialog(_("Cancel the movement"), _("Why?"), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._do(svc.cancel_movement, dialog.text(), self.current.version)

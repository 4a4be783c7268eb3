"""The "Follow-up" tab of a resident's file: flags that act (set / remove with a reason), tasks with
a due date and an owner, and the resident's consents to share data with partners."""
from __future__ import annotations

import datetime as dt
import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from transit_centre.ui.common import theme
from transit_centre.care.referrals import list_partners
from transit_centre.casework import followups
from transit_centre.protection import consent, flags
from transit_centre.enums import FollowUpKind, FollowUpStatus
from transit_centre.errors import DomainError, ValidationError
from transit_centre.i18n import _, format_date
from transit_centre.security.permissions import Permission
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.form_dialog import FormDialog
from transit_centre.ui.common.errors import show_error
from transit_centre.ui.common.tables import RowTable
from transit_centre.ui.common.widgets import EnumCombo, date_edit, required




def _fill(table: QTableWidget, rows: list[tuple[object, list[str]]], colour_rows: set[int] = frozenset()) -> None:
    """Rows of (payload, texts); the payload sits on the first cell."""
    table.setRowCount(len(rows))
    for r, (payload, texts) in enumerate(rows):
        for c, text in enumerate(texts):
            item = QTableWidgetItem(text)
            if c == 0:
                item.setData(Qt.ItemDataRole.UserRole, payload)
            if r in colour_rows:
                item.setBackground(theme.colour("warn_bg"))
            table.setItem(r, c, item)
    table.fit_columns()


def _selected(table: QTableWidget) -> object | None:
    item = table.item(table.currentRow(), 0) if table.currentRow() >= 0 else None
    return item.data(Qt.ItemDataRole.UserRole) if item else None


def _buttons(actions: list[tuple[str, str, object]], visible: bool) -> tuple[QHBoxLayout, list[QPushButton]]:
    row, made = QHBoxLayout(), []
    for text, name, slot in actions:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        button.setVisible(visible)
        row.addWidget(button)
        made.append(button)
    row.addStretch(1)
    return row, made


class SetFlagDialog(FormDialog):
    """Choose a flag type and say why; the service refuses an empty reason."""

    def __init__(self, ctx: UiContext, resident_id: uuid.UUID, parent: QWidget | None = None) -> None:
        super().__init__(parent, title=_("Set a flag"), name="setFlagDialog")
        self.ctx, self.resident_id = ctx, resident_id
        self.kind = QComboBox()
        self.kind.setObjectName("flagTypeCombo")
        for t in flags.list_flag_types(ctx.db, ctx.actor):
            effects = ", ".join(e.label for e in t.effects)
            self.kind.addItem(t.name, t.id)
            self.kind.setItemData(self.kind.count() - 1, effects, Qt.ItemDataRole.ToolTipRole)
        self.effects = QLineEdit()
        self.effects.setReadOnly(True)
        self.effects.setObjectName("flagEffects")
        self.kind.currentIndexChanged.connect(self._show_effects)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("flagReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(70)
        self.add_field(_("Flag"), "flag_type", self.kind)
        self.form.addRow(_("What it does"), self.effects)
        self.add_field(required(_("Reason")), "reason", self.reason)
        self._show_effects()

    def _show_effects(self) -> None:
        self.effects.setText(str(self.kind.currentData(Qt.ItemDataRole.ToolTipRole) or ""))

    def save_record(self) -> flags.ResidentFlagView:
        if self.kind.currentData() is None:
            raise ValidationError({"flag_type": _("Choose the flag.")})
        return flags.set_flag(self.ctx.db, self.ctx.actor, self.resident_id, self.kind.currentData(),
                              self.reason.toPlainText())


class FollowUpDialog(FormDialog):
    """A task on the resident: kind, what to do, due date, who does it."""

    def __init__(self, ctx: UiContext, resident_id: uuid.UUID, parent: QWidget | None = None) -> None:
        super().__init__(parent, title=_("New follow-up"), name="followUpDialog")
        self.ctx, self.resident_id = ctx, resident_id
        self.kind = EnumCombo(FollowUpKind)
        self.kind.setObjectName("followUpKind")
        self.title = QLineEdit()
        self.title.setObjectName("followUpTitle")
        self.title.setMaxLength(300)
        self.kind.currentIndexChanged.connect(self._default_title)
        self.due = date_edit(dt.date.today() + dt.timedelta(days=7))
        self.due.setObjectName("followUpDue")
        self.owner = QComboBox()
        self.owner.setObjectName("followUpOwner")
        for user_id, name in followups.possible_owners(ctx.db, ctx.actor):
            self.owner.addItem(name, user_id)
        mine = self.owner.findData(ctx.actor.user_id)
        self.owner.setCurrentIndex(max(mine, 0))
        self.note = QPlainTextEdit()
        self.note.setObjectName("followUpNote")
        self.note.setFixedHeight(60)
        self.form.addRow(_("Kind"), self.kind)
        self.add_field(required(_("Task")), "title", self.title)
        self.add_field(required(_("Due date")), "due_date", self.due)
        self.form.addRow(_("Owner"), self.owner)
        self.add_field(_("Note"), "note", self.note)
        self._default_title()

    def _default_title(self) -> None:
        labels = {k.label for k in FollowUpKind}
        if not self.title.text() or self.title.text() in labels:
            kind = self.kind.value()
            self.title.setText("" if kind == FollowUpKind.OTHER else kind.label)

    def save_record(self) -> followups.FollowUpView:
        return followups.create_follow_up(
            self.ctx.db, self.ctx.actor, self.resident_id, kind=self.kind.value(), title=self.title.text(),
            due_date=self.due.date().toPython(), owner_id=self.owner.currentData(), note=self.note.toPlainText())


class CaseworkTab(QWidget):
    def __init__(self, ctx: UiContext, resident_id: uuid.UUID, centre_id: uuid.UUID,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.resident_id = ctx, resident_id
        self.setObjectName("caseworkTab")
        can_flag = ctx.actor.can(Permission.FLAG_WRITE, centre_id)
        can_write = ctx.actor.can(Permission.RESIDENT_WRITE, centre_id)

        self.flags_table = RowTable("flagsTable", [_("Flag"), _("Reason"), _("Since"), _("Set by"), _("What it does")], stretch=-1)
        flag_row, _made = _buttons([(_("Set a flag…"), "setFlagButton", self.set_flag),
                                    (_("Remove…"), "removeFlagButton", self.remove_flag)], can_flag)
        self.tasks_table = RowTable("followUpsTable", [_("Task"), _("Due date"), _("Owner"), _("Status")], stretch=-1)
        task_row, _made = _buttons([(_("New follow-up…"), "addFollowUpButton", self.add_follow_up),
                                    (_("Done"), "doneFollowUpButton", self.done_follow_up),
                                    (_("Cancel…"), "cancelFollowUpButton", self.cancel_follow_up)], True)
        _made[0].setVisible(can_write)
        self.consents_table = RowTable("consentsTable", [_("Partner"), _("Given on"), _("Recorded by"), _("Status")], stretch=-1)
        consent_row, _made = _buttons([(_("Record a consent…"), "addSharingConsentButton", self.add_consent),
                                       (_("Withdraw…"), "withdrawConsentButton", self.withdraw_consent)],
                                      can_write)
        layout = QVBoxLayout(self)
        for title, table, row in ((_("Flags"), self.flags_table, flag_row),
                                  (_("Follow-ups"), self.tasks_table, task_row),
                                  (_("Consent to share data with partners"), self.consents_table, consent_row)):
            box = QGroupBox(title)
            inner = QVBoxLayout(box)
            inner.addWidget(table, 1)
            inner.addLayout(row)
            layout.addWidget(box, 1)
        self.refresh()

    def refresh(self) -> None:
        db, actor = self.ctx.db, self.ctx.actor
        _fill(self.flags_table, [(f, [f.name, f.reason, format_date(f.set_on, "short"), f.set_by_name,
                                      ", ".join(e.label for e in f.effects)])
                                 for f in flags.resident_flags(db, actor, self.resident_id)])
        tasks = followups.follow_ups(db, actor, resident_id=self.resident_id, include_closed=True)
        _fill(self.tasks_table, [(t, [followups.title_text(t), format_date(t.due_date, "short"), t.owner_name,
                                      _("Overdue") if t.overdue() else t.status.label]) for t in tasks],
              {i for i, t in enumerate(tasks) if t.overdue()})
        _fill(self.consents_table, [(c, [c.partner, format_date(c.given_on, "short"), c.recorded_by_name,
                                         _("Withdrawn") if c.withdrawn else _("Given")])
                                    for c in consent.consents(db, actor, self.resident_id)])

    def _run(self, call) -> None:  # noqa: ANN001 - a service call
        try:
            call()
        except DomainError as exc:
            show_error(self, exc)
        self.refresh()

    def _reason(self, title: str, label: str) -> str | None:
        text, ok = QInputDialog.getText(self, title, label)
        return text if ok else None

    # -- flags --------------------------------------------------------------------------
    def set_flag(self) -> None:
        if SetFlagDialog(self.ctx, self.resident_id, self).exec() == QDialog.DialogCode.Accepted:
            self.refresh()

    def remove_flag(self) -> None:
        flag = _selected(self.flags_table)
        if flag is None:
            return
        reason = self._reason(_("Remove the flag"), _("Why is the flag removed?"))
        if reason is not None:
            self._run(lambda: flags.remove_flag(self.ctx.db, self.ctx.actor, flag.id, reason, flag.version))

    # -- follow-ups ---------------------------------------------------------------------
    def add_follow_up(self) -> None:
        if FollowUpDialog(self.ctx, self.resident_id, self).exec() == QDialog.DialogCode.Accepted:
            self.refresh()

    def _open_task(self) -> followups.FollowUpView | None:
        task = _selected(self.tasks_table)
        return task if task is not None and task.status == FollowUpStatus.OPEN else None

    def done_follow_up(self) -> None:
        task = self._open_task()
        if task is not None:
            self._run(lambda: followups.close_follow_up(self.ctx.db, self.ctx.actor, task.id,
                                                        expected_version=task.version))

    def cancel_follow_up(self) -> None:
        task = self._open_task()
        if task is None:
            return
        note = self._reason(_("Cancel the follow-up"), _("Why is it cancelled?"))
        if note is not None:
            self._run(lambda: followups.close_follow_up(self.ctx.db, self.ctx.actor, task.id, done=False,
                                                        note=note, expected_version=task.version))

    # -- consents -----------------------------------------------------------------------
    def add_consent(self) -> None:
        partners = [p.name for p in list_partners(self.ctx.db, self.ctx.actor)] \
            if self.ctx.actor.can(Permission.SERVICE_READ) else []
        partner, ok = QInputDialog.getItem(self, _("Record a consent"),
                                           _("The resident agrees to share their data with:"), partners, 0, True)
        if ok:
            self._run(lambda: consent.record_consent(self.ctx.db, self.ctx.actor, self.resident_id, partner))

    def withdraw_consent(self) -> None:
        given = _selected(self.consents_table)
        if given is None or given.withdrawn:
            return
        reason = self._reason(_("Withdraw the consent"), _("Reason"))
        if reason is not None:
            self._run(lambda: consent.withdraw_consent(self.ctx.db, self.ctx.actor, given.id, reason))

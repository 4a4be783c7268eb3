"""Administration tabs of casework: the kinds of flag (what each one does) and the distribution
rules (minimum interval, maxima, kits that exclude each other, per household).

Each tab is a list on the left and the selected entry's form on the right; "New" empties the
form, "Save" creates or updates through the service (which validates and audits).
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from transit_centre.care.enums import SUBTYPES, subtype_label
from transit_centre.care.distribution import DISTRIBUTION_KINDS
from transit_centre.care import distribution_rules as distribution
from transit_centre.protection import flags
from transit_centre.enums import FlagEffect
from transit_centre.enums import ServiceKind
from transit_centre.errors import DomainError
from transit_centre.i18n import _
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.tables import RowTable
from transit_centre.ui.common.errors import show_error
from transit_centre.ui.common.widgets import EnumCombo, FieldErrors, required


class _ListEditor(QWidget):
    """A table of entries and a form; subclasses fill the form and call their service."""

    headers: list[str] = []

    def __init__(self, ctx: UiContext, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName(name)
        self.entries: list = []
        self.current = None
        self.table = RowTable(f"{name}Table", self.headers, stretch=-1)
        self.table.itemSelectionChanged.connect(self._selected)
        self.errors = FieldErrors()
        self.form = QFormLayout()
        self.box = QGroupBox()
        new = QPushButton(_("New"))
        new.setObjectName("newButton")
        new.clicked.connect(self.new)
        self.save_button = QPushButton(_("Save"))
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addWidget(new)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        inner = QVBoxLayout(self.box)
        inner.addWidget(self.errors.general_label())
        inner.addLayout(self.form)
        inner.addStretch(1)
        inner.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.box, 2)

    def build(self) -> None:
        """Call at the end of the subclass's __init__, once the form exists."""
        self.refresh()
        self.new()

    # -- subclass hooks --------------------------------------------------------------------
    def load_entries(self) -> list:  # pragma: no cover - overridden
        raise NotImplementedError

    def row(self, entry) -> list[str]:  # noqa: ANN001  # pragma: no cover - overridden
        raise NotImplementedError

    def show_entry(self, entry) -> None:  # noqa: ANN001  # pragma: no cover - overridden
        raise NotImplementedError

    def store(self):  # noqa: ANN201  # pragma: no cover - overridden
        raise NotImplementedError

    # -- behaviour -------------------------------------------------------------------------
    def refresh(self) -> None:
        try:
            self.entries = self.load_entries()
        except DomainError as exc:
            show_error(self, exc)
            return
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.entries))
        for r, entry in enumerate(self.entries):
            for c, text in enumerate(self.row(entry)):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.fit_columns()  # to the content, the long texts giving up room when it runs out
        self.table.blockSignals(False)

    def _selected(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.entries):
            self.errors.clear()
            self.current = self.entries[row]
            self.show_entry(self.current)

    def new(self) -> None:
        self.errors.clear()
        self.current = None
        self.table.clearSelection()
        self.show_entry(None)

    def save(self) -> bool:
        self.errors.clear()
        try:
            saved = self.store()
        except DomainError as exc:  # a field's message next to it, others above the form
            self.errors.show(exc)
            return False
        self.refresh()
        for r, entry in enumerate(self.entries):
            if entry.id == saved.id:
                self.table.selectRow(r)
        return True


class FlagTypesAdmin(_ListEditor):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        self.headers = [_("Code"), _("Name"), _("What it does"), _("Status")]
        super().__init__(ctx, "flagTypesAdmin", parent)
        self.box.setTitle(_("Kind of flag"))
        self.code = QLineEdit()
        self.code.setObjectName("flagCode")
        self.code.setMaxLength(40)
        self.name_fr = QLineEdit()
        self.name_fr.setObjectName("flagNameFr")
        self.name_en = QLineEdit()
        self.name_en.setObjectName("flagNameEn")
        self.effects: dict[FlagEffect, QCheckBox] = {}
        effects_box = QWidget()
        effects_layout = QVBoxLayout(effects_box)
        effects_layout.setContentsMargins(0, 0, 0, 0)
        for effect in FlagEffect:
            check = QCheckBox(effect.label)
            check.setObjectName(f"effect_{effect.value}")
            self.effects[effect] = check
            effects_layout.addWidget(check)
        self.active = QCheckBox(_("In use"))
        self.active.setObjectName("flagActive")
        self.errors.add_row(self.form, required(_("Code")), "code", self.code)
        self.errors.add_row(self.form, required(_("Name in French")), "name_fr", self.name_fr)
        self.errors.add_row(self.form, required(_("Name in English")), "name_en", self.name_en)
        self.errors.add_row(self.form, _("What it does"), "effects", effects_box)
        self.form.addRow("", self.active)
        self.build()

    def load_entries(self) -> list:
        return flags.list_flag_types(self.ctx.db, self.ctx.actor, include_inactive=True)

    def row(self, entry: flags.FlagTypeView) -> list[str]:
        return [entry.code, entry.name, ", ".join(e.label for e in entry.effects),
                _("In use") if entry.active else _("Retired")]

    def show_entry(self, entry: flags.FlagTypeView | None) -> None:
        self.code.setText(entry.code if entry else "")
        self.name_fr.setText(entry.name_fr if entry else "")
        self.name_en.setText(entry.name_en if entry else "")
        for effect, check in self.effects.items():
            check.setChecked(bool(entry) and effect in entry.effects)
        self.active.setChecked(entry.active if entry else True)

    def store(self) -> flags.FlagTypeView:
        current = self.current
        return flags.save_flag_type(
            self.ctx.db, self.ctx.actor, code=self.code.text(), name_fr=self.name_fr.text(),
            name_en=self.name_en.text(), effects=[e for e, c in self.effects.items() if c.isChecked()],
            active=self.active.isChecked(), flag_type_id=current.id if current else None,
            expected_version=current.version if current else None)


def _optional_spin(name: str, low: int, high: int) -> QSpinBox:
    """A number that may be left empty: the lowest value shows as "no limit"."""
    spin = QSpinBox()
    spin.setObjectName(name)
    spin.setRange(low - 1, high)
    spin.setSpecialValueText(_("no limit"))
    return spin


def _spin_value(spin: QSpinBox) -> int | None:
    return None if spin.value() == spin.minimum() else spin.value()


class DistributionRulesAdmin(_ListEditor):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        self.headers = [_("Service"), _("Type"), _("Minimum interval (days)"), _("Maximum per day"),
                        _("Maximum per period"), _("Status")]
        super().__init__(ctx, "distributionRulesAdmin", parent)
        self.box.setTitle(_("Distribution rule"))
        self.kind = EnumCombo(ServiceKind, members=DISTRIBUTION_KINDS)
        self.kind.setObjectName("ruleKind")
        self.subtype = QComboBox()
        self.subtype.setObjectName("ruleSubtype")
        self.interval = QSpinBox()
        self.interval.setObjectName("ruleInterval")
        self.interval.setRange(0, 365)
        self.interval.setSuffix(" " + _("days"))
        self.per_day = _optional_spin("ruleMaxPerDay", 1, 100)
        self.per_period = _optional_spin("ruleMaxPerPeriod", 1, 1000)
        self.period = _optional_spin("rulePeriodDays", 1, 366)
        self.excludes = QListWidget()
        self.excludes.setObjectName("ruleExcludes")
        self.excludes.setMaximumHeight(110)
        self.per_household = QCheckBox(_("Count per household (a family is served at once)"))
        self.per_household.setObjectName("rulePerHousehold")
        self.active = QCheckBox(_("In use"))
        self.active.setObjectName("ruleActive")
        self.kind.currentIndexChanged.connect(lambda _i: self._fill_subtypes())
        self.errors.add_row(self.form, required(_("Service")), "kind", self.kind)
        self.errors.add_row(self.form, _("Type"), "subtype", self.subtype)
        self.errors.add_row(self.form, _("Minimum interval"), "min_interval_days", self.interval)
        self.errors.add_row(self.form, _("Maximum per day"), "max_per_day", self.per_day)
        self.errors.add_row(self.form, _("Maximum per period"), "max_per_period", self.per_period)
        self.errors.add_row(self.form, _("Period (days)"), "period_days", self.period)
        self.errors.add_row(self.form, _("Not on the same days as"), "excludes", self.excludes)
        self.form.addRow("", self.per_household)
        self.form.addRow("", self.active)
        self.build()

    def _fill_subtypes(self, selected: str = "", excluded: tuple[str, ...] = ()) -> None:
        kind = self.kind.value()
        vocabulary = SUBTYPES.get(kind) if kind else None
        members = list(vocabulary) if vocabulary else []
        self.subtype.clear()
        self.subtype.addItem(_("Every type"), "")
        self.excludes.clear()
        for member in members:
            self.subtype.addItem(member.label, member.value)
            item = QListWidgetItem(member.label)
            item.setData(Qt.ItemDataRole.UserRole, member.value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if member.value in excluded else Qt.CheckState.Unchecked)
            self.excludes.addItem(item)
        self.subtype.setCurrentIndex(max(self.subtype.findData(selected), 0))

    def load_entries(self) -> list:
        return distribution.list_rules(self.ctx.db, self.ctx.actor)

    def row(self, entry: distribution.RuleView) -> list[str]:
        def limit(value: int | None) -> str:
            return str(value) if value else "–"

        period = _("{n} in {days} days").format(n=entry.max_per_period, days=entry.period_days) \
            if entry.max_per_period else "–"
        return [entry.kind.label, subtype_label(entry.kind, entry.subtype) or _("Every type"),
                limit(entry.min_interval_days), limit(entry.max_per_day), period,
                _("In use") if entry.active else _("Retired")]

    def show_entry(self, entry: distribution.RuleView | None) -> None:
        self.kind.blockSignals(True)
        self.kind.set_value(entry.kind if entry else DISTRIBUTION_KINDS[0])
        self.kind.blockSignals(False)
        self._fill_subtypes(entry.subtype if entry else "", entry.excludes if entry else ())
        self.interval.setValue(entry.min_interval_days if entry else 0)
        set_spin: Callable[[QSpinBox, int | None], None] = \
            lambda spin, value: spin.setValue(value if value is not None else spin.minimum())
        set_spin(self.per_day, entry.max_per_day if entry else None)
        set_spin(self.per_period, entry.max_per_period if entry else None)
        set_spin(self.period, entry.period_days if entry else None)
        self.per_household.setChecked(entry.per_household if entry else False)
        self.active.setChecked(entry.active if entry else True)

    def store(self) -> distribution.RuleView:
        current = self.current
        excluded = [self.excludes.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.excludes.count())
                    if self.excludes.item(i).checkState() == Qt.CheckState.Checked]
        return distribution.save_rule(
            self.ctx.db, self.ctx.actor, kind=self.kind.value(), subtype=self.subtype.currentData() or "",
            min_interval_days=self.interval.value(), max_per_day=_spin_value(self.per_day),
            max_per_period=_spin_value(self.per_period), period_days=_spin_value(self.period),
            excludes=excluded, per_household=self.per_household.isChecked(), active=self.active.isChecked(),
            rule_id=current.id if current else None, expected_version=current.version if current else None)

"""Settings (Administration > Settings): every registered setting, edited by the kind of its default.

Text becomes a line edit (a file chooser for a logo, a folder chooser for a folder), whole
numbers a spin box, yes/no a tick box. Every setting is declared in
``db.settings.DEFAULTS`` and may give them a label in ``SETTING_LABELS``.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from transit_centre.admin.settings import DEFAULTS, get_settings, set_setting
from transit_centre.errors import DomainError, ValidationError
from transit_centre.i18n import N_, _
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.storage_warning import show_location_warning, warning_label
from transit_centre.ui.common.widgets import FieldErrors


SETTING_LABELS: dict[str, str] = {
    "organisation.name": N_("Organisation name (French)"),
    "organisation.name_en": N_("Organisation name (English)"),
    "organisation.address": N_("Address on printed documents"),
    "organisation.logo_path": N_("Logo on printed documents (PNG or JPEG file)"),
    "security.lock_minutes": N_("Lock the window after this many minutes without activity (0: never)"),
    "backup.folder": N_("Backup folder (empty: the backups folder in the data folder)"),
    "site.centre_code": N_("Centre of this computer (code)"),
    "records.backdate_days": N_("Services, returns, grants and reintegration may be dated this many days back "
                                "(entered after the fact, audited as back-dated)"),
    "organisation.phone": N_("Office telephone (on the letters shown to officials)"),
    "organisation.email": N_("Office e-mail (on the letters shown to officials)"),
    "badge.validity_days": N_("A resident card is valid this many days after it is printed"),
    "rollcall.absent_days": N_("Roll-call: list residents not seen for this many days"),
    "security.hq_public_key": N_("Headquarters' public key (monthly exports are encrypted for it)"),
    "grant.default.pocket_money": N_("Default amount of pocket money at departure (XOF)"),
    "grant.default.transport": N_("Default amount of a transport grant (XOF)"),
    "grant.default.reintegration": N_("Default amount of a reintegration grant (XOF)"),
    "grant.default.emergency": N_("Default amount of an emergency grant (XOF)"),
}


LABEL_WIDTH = 440  # px: the labels' column; a longer label wraps


def _label(key: str) -> str:
    return _(SETTING_LABELS[key]) if key in SETTING_LABELS else key


class _PathEdit(QWidget):
    def __init__(self, value: str, folder: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        self.edit = QLineEdit(value)
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self.choose)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(browse)

    def choose(self) -> None:
        if self.folder:
            path = QFileDialog.getExistingDirectory(self, _("Choose a folder"), self.edit.text())
        else:
            path, _filter = QFileDialog.getOpenFileName(self, _("Choose a file"), self.edit.text(),
                                                        _("Images (*.png *.jpg *.jpeg)"))
        if path:
            self.edit.setText(path)

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:  # noqa: N802 - same name as QLineEdit
        self.edit.setText(text)


class SettingsAdmin(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("settingsAdmin")
        self.errors = FieldErrors()
        self.editors: dict[str, QWidget] = {}
        self.values: dict[str, Any] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key in sorted(DEFAULTS):
            editor = self._editor(key, DEFAULTS[key])
            if editor is None:
                continue
            editor.setObjectName(f"setting_{key}")
            editor.setToolTip(key)
            self.editors[key] = editor
            label = QLabel(_label(key))
            if label.sizeHint().width() > LABEL_WIDTH:  # a long label takes two lines, the fields keep their room
                label.setWordWrap(True)
                label.setFixedWidth(LABEL_WIDTH)
            form.addRow(label, self.errors.field(key, editor))
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.addLayout(form)
        inner_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        self.save_button = QPushButton(_("Save settings"))
        self.save_button.setObjectName("settingsSave")
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        self.status.setObjectName("settingsStatus")
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.save_button)
        self.location_warning = warning_label("settingsDatabaseLocationWarning")  # network drive, OneDrive...
        layout = QVBoxLayout(self)
        layout.addWidget(self.location_warning)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.errors.general_label())
        layout.addLayout(bottom)
        self.refresh()

    def _editor(self, key: str, default: Any) -> QWidget | None:
        if isinstance(default, bool):
            return QCheckBox()
        if isinstance(default, int):
            spin = QSpinBox()
            spin.setRange(0 if default >= 0 else -1_000_000_000, 1_000_000_000)
            spin.setGroupSeparatorShown(True)
            return spin
        if isinstance(default, float):
            spin = QDoubleSpinBox()
            spin.setRange(-1e9, 1e9)
            spin.setDecimals(2)
            return spin
        if isinstance(default, str):
            if key.endswith(("logo_path", "_file")):
                return _PathEdit(default, folder=False)
            if key.endswith(("folder", "_dir")):
                return _PathEdit(default, folder=True)
            return QLineEdit()
        return None  # lists and mappings are edited by their own screens

    def _get(self, key: str) -> Any:
        editor = self.editors[key]
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        if isinstance(editor, (QSpinBox, QDoubleSpinBox)):
            return editor.value()
        return editor.text()

    def _set(self, key: str, value: Any) -> None:
        editor = self.editors[key]
        if isinstance(editor, QCheckBox):
            editor.setChecked(bool(value))
        elif isinstance(editor, QSpinBox):
            editor.setValue(int(value or 0))
        elif isinstance(editor, QDoubleSpinBox):
            editor.setValue(float(value or 0))
        else:
            editor.setText("" if value is None else str(value))

    def refresh(self) -> None:
        self.values = get_settings(self.ctx.db)
        for key in self.editors:
            self._set(key, self.values.get(key, DEFAULTS[key]))
        self.errors.clear()
        self.status.clear()
        path = self.ctx.db.sqlite_path
        show_location_warning(self.location_warning, path.parent if path else None)

    def save(self) -> None:
        self.errors.clear()
        problems: dict[str, str] = {}
        saved = 0
        for key in self.editors:
            value = self._get(key)
            if value == self.values.get(key):
                continue
            try:
                set_setting(self.ctx.db, self.ctx.actor, key, value)
                saved += 1
            except DomainError as exc:
                problems[key] = str(exc)
        if problems:
            self.errors.show(ValidationError(problems))
        self.values = get_settings(self.ctx.db)
        for key in self.editors:
            if key not in problems:
                self._set(key, self.values.get(key, DEFAULTS[key]))
        self.status.setText(_("Settings saved.") if saved and not problems else "")

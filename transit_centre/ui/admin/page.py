"""The Administration page: one tab per administrative task, each shown only to the roles that
may use it. Another capability adds a tab with one line in ``ADMIN_TABS``.

A tab is a ``QWidget`` built as ``Tab(ctx, parent)``; like pages it may define ``refresh()``.
Tabs are built when first shown, so an unused tab costs nothing.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from transit_centre.ui.common import memory
from transit_centre.i18n import N_, _
from transit_centre.security.permissions import Actor, Permission
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.page import Page
from transit_centre.ui.common.errors import show_error


@dataclass(frozen=True)
class AdminTab:
    key: str
    title: str  # marked with N_
    factory: str  # "module:Class"
    visible: Callable[[Actor], bool]

    def load(self) -> type:
        module, name = self.factory.split(":")
        return getattr(importlib.import_module(module), name)


def _perm(permission: Permission) -> Callable[[Actor], bool]:
    return lambda actor: actor.can(permission)


ADMIN_TABS: list[AdminTab] = [
    AdminTab("users", N_("Users"), "transit_centre.ui.admin.users:UsersAdmin", _perm(Permission.USER_ADMIN)),
    AdminTab("centres", N_("Centres"), "transit_centre.ui.admin.centres:CentresAdmin",
             _perm(Permission.CENTRE_ADMIN)),
    AdminTab("settings", N_("Settings"), "transit_centre.ui.admin.settings:SettingsAdmin",
             _perm(Permission.SETTINGS_ADMIN)),
    AdminTab("flag_types", N_("Flags"), "transit_centre.ui.admin.casework:FlagTypesAdmin",
             _perm(Permission.FLAG_ADMIN)),
    AdminTab("distribution_rules", N_("Distribution rules"), "transit_centre.ui.admin.casework:DistributionRulesAdmin",
             _perm(Permission.SETTINGS_ADMIN)),
    AdminTab("audit", N_("Audit log"), "transit_centre.ui.admin.audit:AuditViewer", _perm(Permission.AUDIT_READ)),
    AdminTab("backups", N_("Backups"), "transit_centre.ui.admin.backups:BackupsAdmin", _perm(Permission.BACKUP)),
]

ADMIN_PERMISSIONS = (Permission.USER_ADMIN, Permission.CENTRE_ADMIN, Permission.SETTINGS_ADMIN,
                     Permission.FLAG_ADMIN, Permission.AUDIT_READ, Permission.BACKUP)


def administration_visible(actor: Actor) -> bool:
    """The page appears for administrators, managers (audit, backups) and headquarters (audit)."""
    return any(tab.visible(actor) for tab in ADMIN_TABS)


class AdministrationPage(Page):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="administrationPage")
        self.specs = [t for t in ADMIN_TABS if t.visible(ctx.actor)]
        self.tabs = QTabWidget()
        self.tabs.setObjectName("administrationTabs")
        self.widgets: dict[str, QWidget] = {}
        for spec in self.specs:
            placeholder = QWidget()
            placeholder.setObjectName(f"pendingTab_{spec.key}")
            self.tabs.addTab(placeholder, _(spec.title))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs)
        last = str(memory.value("administration/tab", ""))
        keys = self.tab_keys()
        self.tabs.currentChanged.connect(self._show_index)
        if last in keys:
            self.tabs.setCurrentIndex(keys.index(last))
        if self.specs:
            self._show_index(self.tabs.currentIndex())

    def tab_keys(self) -> list[str]:
        return [s.key for s in self.specs]

    def _show_index(self, index: int) -> None:
        if index < 0:
            return
        spec = self.specs[index]
        if spec.key not in self.widgets:
            try:
                widget = spec.load()(self.ctx, self)
            except Exception as exc:  # noqa: BLE001 - a broken tab must not break the page
                show_error(self, exc)
                return
            self.widgets[spec.key] = widget
            self.tabs.blockSignals(True)
            old = self.tabs.widget(index)
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, widget, _(spec.title))
            self.tabs.setCurrentIndex(index)
            self.tabs.blockSignals(False)
            old.deleteLater()
        memory.set_value("administration/tab", spec.key)

    def show_tab(self, key: str) -> QWidget | None:
        keys = self.tab_keys()
        if key not in keys:
            return None
        self.tabs.setCurrentIndex(keys.index(key))
        self._show_index(keys.index(key))
        return self.widgets.get(key)

    def refresh(self) -> None:
        widget = self.tabs.currentWidget()
        if hasattr(widget, "refresh"):
            widget.refresh()

    def save_state(self) -> None:
        for widget in self.widgets.values():
            if hasattr(widget, "save_state"):
                widget.save_state()

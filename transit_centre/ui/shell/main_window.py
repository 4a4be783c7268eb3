"""The main window: the navigation bar (pages grouped, with icons, Ctrl+1 … Ctrl+0 and count
badges), menus and shortcuts, a status bar. It only assembles pages (``ui/shell/pages.py``);
each page does its own work."""
from __future__ import annotations

import logging

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from transit_centre import __version__
from transit_centre.i18n import _
from transit_centre.ui.common import memory, theme
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.errors import show_error
from transit_centre.ui.common.page import Page, PageSpec
from transit_centre.ui.common.operations import Latest
from transit_centre.ui.shell.navigation import NavigationBar, shortcut_of
from transit_centre.ui.shell.pages import PAGES

log = logging.getLogger(__name__)

BADGE_REFRESH_MS = 120_000


def connection_kind(db) -> str:  # noqa: ANN001 - Database
    """What the status bar says of the database: where it is and whether it is encrypted."""
    if not db.is_sqlite:
        return _("on a shared server (PostgreSQL)")
    return _("on this computer, encrypted") if db.encrypted else _("on this computer, not encrypted")


class MainWindow(QMainWindow):
    language_changed = Signal(str)
    signed_out = Signal()  # File > Sign out, or Switch user on the lock: the application asks who is next

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        memory.set_user(ctx.actor.username)  # this user's layout: sizes, columns, splitters
        if ctx.open_resident is None:  # any page may open a resident's file
            from transit_centre.ui.residents.detail import open_resident_file

            ctx.open_resident = lambda parent, resident_id: open_resident_file(ctx, parent, resident_id)
        self.setObjectName("mainWindow")
        self.specs: list[PageSpec] = [p for p in PAGES if p.visible(ctx.actor)]
        self.pages: dict[str, Page] = {}

        self.sidebar = NavigationBar(self.specs)
        self.stack = QStackedWidget()
        self.stack.setObjectName("pageStack")
        for spec in self.specs:
            placeholder = QWidget()
            placeholder.setObjectName(f"pending_{spec.key}")
            self.stack.addWidget(placeholder)
        self.sidebar.page_chosen.connect(lambda key: self.show_page_at(self.page_keys().index(key)))
        splitter = QSplitter()
        splitter.setObjectName("mainSplitter")
        splitter.addWidget(self.sidebar)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        memory.remember_splitter(splitter, "mainWindow", [self.sidebar.minimumWidth(), 10_000])
        self.setCentralWidget(splitter)

        self._build_menus()
        self._build_status_bar()
        self._update_title()
        self._restore_geometry()
        if self.specs:
            self.sidebar.select(self.specs[0].key)
        # The badges: what waits for the user, read in the background now and every two minutes.
        self.attention = Latest(self, owner=self)
        self.badge_timer = QTimer(self)
        self.badge_timer.setInterval(BADGE_REFRESH_MS)
        self.badge_timer.timeout.connect(self.refresh_badges)
        self.badge_timer.start()
        QTimer.singleShot(0, self.refresh_badges)

    # -- pages ------------------------------------------------------------------------
    def page_keys(self) -> list[str]:
        return [s.key for s in self.specs]

    def show_page(self, key: str) -> Page | None:
        if key not in self.page_keys():
            return None
        if self.sidebar.current_key() == key:
            self.show_page_at(self.page_keys().index(key))
        else:
            self.sidebar.select(key)
        return self.pages.get(key)

    def show_page_at(self, row: int) -> None:
        if row < 0:
            return
        spec = self.specs[row]
        if spec.key not in self.pages:
            try:
                page = spec.load()(self.ctx, self)
            except Exception as exc:  # noqa: BLE001 - a broken page must not close the app
                show_error(self, exc)
                return
            page.setObjectName(page.objectName() or f"page_{spec.key}")
            old = self.stack.widget(row)
            self.stack.insertWidget(row, page)
            self.stack.removeWidget(old)
            old.deleteLater()
            self.pages[spec.key] = page
        self.stack.setCurrentIndex(row)
        self._page_shown(self.pages[spec.key])

    def current_page(self) -> Page | None:
        key = self.sidebar.current_key()
        return self.pages.get(key) if key else None

    def current_spec(self) -> PageSpec | None:
        key = self.sidebar.current_key()
        return next((s for s in self.specs if s.key == key), None)

    # -- badges ---------------------------------------------------------------------------
    def refresh_badges(self) -> None:
        from transit_centre.casework.attention import attention

        db, actor = self.ctx.db, self.ctx.actor
        self.attention.run(lambda: attention(db, actor), self._badges_arrived,
                           lambda exc: log.info("badges not refreshed: %s", exc))

    def _badges_arrived(self, counts) -> None:  # noqa: ANN001 - Attention
        for spec in self.specs:
            if spec.badge:
                self.sidebar.set_badge(spec.key, getattr(counts, spec.badge, 0))

    def _call_page(self, method: str, offer: str | None = None, fallback_page: str | None = None) -> None:
        """F5, Ctrl+N, Ctrl+F, Ctrl+P on the current page; where the page does not ``offer`` it, on
        the fallback page (the residents page: a new resident, a resident search)."""
        page = self.current_page()
        if (page is None or (offer and not getattr(page, offer))) and fallback_page:
            page = self.show_page(fallback_page)
        if page is None or (offer and not getattr(page, offer)):
            return
        try:
            getattr(page, method)()
        except Exception as exc:  # noqa: BLE001 - shown; the window stays usable
            show_error(self, exc)

    def _page_shown(self, page: Page) -> None:
        self.print_action.setEnabled(page.offers_print)

    def refresh(self) -> None:
        """F5: the current page reads again, and so do the badges."""
        self._call_page("refresh")
        self.refresh_badges()

    # -- menus ------------------------------------------------------------------------
    def _action(self, text: str, name: str, shortcut: QKeySequence | str | None, slot) -> QAction:  # noqa: ANN001
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(_("&File"))
        file_menu.addAction(self._action(_("&New resident"), "actionNew", QKeySequence.StandardKey.New,
                                         lambda: self._call_page("new_record", "offers_new", "residents")))
        self.print_action = self._action(_("&Print…"), "actionPrint", QKeySequence.StandardKey.Print,
                                         lambda: self._call_page("print_current", "offers_print"))
        file_menu.addAction(self.print_action)
        file_menu.addSeparator()
        file_menu.addAction(self._action(_("Sign &out / switch user…"), "actionSignOut", None, self.sign_out))
        file_menu.addAction(self._action(_("&Quit"), "actionQuit", QKeySequence("Ctrl+Q"), self.close))
        edit_menu = bar.addMenu(_("&Edit"))
        edit_menu.addAction(self._action(_("&Find"), "actionFind", QKeySequence.StandardKey.Find,
                                         lambda: self._call_page("focus_search", "offers_search", "residents")))
        view_menu = bar.addMenu(_("&View"))
        view_menu.addAction(self._action(_("&Refresh"), "actionRefresh", QKeySequence("F5"), self.refresh))
        view_menu.addSeparator()
        for position, spec in enumerate(self.specs):  # Ctrl+1 … Ctrl+0, as the navigation bar shows
            shortcut = shortcut_of(position)
            view_menu.addAction(self._action(_(spec.title), f"actionPage_{spec.key}", shortcut or None,
                                             lambda _checked=False, key=spec.key: self.show_page(key)))
        settings_menu = bar.addMenu(_("&Settings"))
        lang_menu = settings_menu.addMenu(_("&Language"))
        for code, label in (("fr", "Français"), ("en", "English")):
            action = QAction(label, self)
            action.setObjectName(f"actionLanguage_{code}")
            action.triggered.connect(lambda _checked=False, c=code: self.change_language(c))
            lang_menu.addAction(action)
        colours_menu = settings_menu.addMenu(_("&Colours"))
        group = QActionGroup(self)
        for key, label in theme.CHOICES:
            action = QAction(_(label), self)
            action.setObjectName(f"actionColours_{key}")
            action.setCheckable(True)
            action.setChecked(theme.chosen() == key)
            action.triggered.connect(lambda _checked=False, k=key: self.change_colours(k))
            group.addAction(action)
            colours_menu.addAction(action)
        settings_menu.addSeparator()
        settings_menu.addAction(self._action(_("Change my &password…"), "actionChangePassword", None,
                                             self.change_password))
        settings_menu.addAction(self._action(_("&Lock the window now"), "actionLockNow", None, self.lock_now))
        help_menu = bar.addMenu(_("&Help"))
        help_menu.addAction(self._action(_("&Help on this screen"), "actionHelp", QKeySequence("F1"), self.show_help))
        help_menu.addAction(self._action(_("&About Transit Centre"), "actionAbout", None, self.show_about))

    def _build_status_bar(self) -> None:
        """The centre and the kind of connection; the file's path is in Help > About."""
        self.db_label = QLabel(_("{centre} · database {connection}").format(
            centre=self.ctx.centre_name or _("All centres"), connection=connection_kind(self.ctx.db)))
        self.db_label.setObjectName("statusDatabase")
        self.db_label.setToolTip(_("Help > About shows where the data is kept."))
        self.user_label = QLabel(_("Signed in: {name} ({user})").format(
            name=self.ctx.actor.full_name, user=self.ctx.actor.username))
        self.user_label.setObjectName("statusUser")
        self.statusBar().addWidget(self.db_label, 1)
        self.statusBar().addPermanentWidget(self.user_label)

    def _update_title(self) -> None:
        centre = self.ctx.centre_name or _("All centres")
        self.setWindowTitle(_("Transit Centre – {centre}").format(centre=centre))

    # -- help, about, language ------------------------------------------------------
    def show_help(self) -> None:
        spec = self.current_spec()
        text = _(spec.help_text) if spec and spec.help_text else _(
            "Choose a screen in the list on the left. F5 refreshes, Ctrl+F searches, Ctrl+N registers "
            "a new resident, Ctrl+P prints.")
        box = QMessageBox(self)
        box.setObjectName("helpDialog")
        box.setWindowTitle(_("Help – {page}").format(page=_(spec.title) if spec else _("Transit Centre")))
        box.setText(text)
        box.exec()

    def show_about(self) -> None:
        QMessageBox.about(self, _("About Transit Centre"), self.about_text())

    def about_text(self) -> str:
        return _("Transit Centre {version}\nResidents, shelter, services, returns and cash grants "
                 "for IOM Mali's transit centres.").format(version=__version__) + "\n\n" + _(
            "Database: {where} ({connection})").format(where=self.ctx.db.describe(),
                                                       connection=connection_kind(self.ctx.db))

    def change_password(self) -> None:
        from transit_centre.ui.shell.change_password import ChangePasswordDialog

        if self.ctx.actor.user_id is not None:
            ChangePasswordDialog(self.ctx.db, self.ctx.actor, parent=self).exec()

    def sign_out(self) -> None:
        """The user leaves: pages keep their layout, the window's dialogs close, the sign-in asks
        who is next (``signed_out``); the window itself is closed by the application."""
        lock = getattr(self, "session_lock", None)
        if lock is not None:
            lock.stop()
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()
        for page in self.pages.values():
            page.save_state()
        self.signing_out = True
        self.signed_out.emit()

    def lock_now(self) -> None:
        lock = getattr(self, "session_lock", None)  # set by ui.startup_checks.start_session
        if lock is not None:
            lock.lock(force=True)

    def change_colours(self, key: str) -> None:
        """Light, dark, or as Windows is set: the palette changes at once; the few coloured
        notices take it when their screen opens again."""
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.choose(app, key)

    def change_language(self, code: str) -> None:
        QSettings().setValue("ui/language", code)
        self.language_changed.emit(code)
        QMessageBox.information(self, _("Language"), _(
            "The language will change the next time you start Transit Centre."))

    # -- persistence ----------------------------------------------------------------
    def _restore_geometry(self) -> None:
        if not memory.restore_geometry(self, "mainWindow"):
            screen = self.screen().availableGeometry() if self.screen() is not None else None
            if screen is not None and (screen.width() < 1500 or screen.height() < 900):
                self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)  # a laptop screen
            else:
                self.resize(1440, 860)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt name
        lock = getattr(self, "session_lock", None)
        if lock is not None:
            lock.stop()
        memory.save_geometry(self, "mainWindow")
        for page in self.pages.values():
            page.save_state()
        super().closeEvent(event)

"""The welcome wizard: the first start of Transit Centre on a laptop, without documentation.

Pages: language (applied at once: the wizard's own texts change when you pick it), where the
database lives (the usual folder or another one, remembered in ``localconfig``; a folder that
already holds a database with accounts is simply used, straight to sign-in), the centre
this laptop serves, the first administrator (the commit page: the database is created here,
encrypted, with its key file), the recovery key (shown once, printed for the safe: the page
cannot be left before saying it was kept), then optional demo data for training. Finishing leads to the sign-in dialog, already filled
with the new user name and centre. F1 (or the Help button) explains the current page.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from transit_centre.ui.common import theme
from transit_centre.errors import DomainError, ValidationError
from transit_centre.i18n import _, current_language, set_language
from transit_centre.ui.common.icons import app_icon
from transit_centre.ui.common.storage_warning import show_location_warning, warning_label
from transit_centre.ui.common.widgets import FieldErrors

DEMO_RESIDENTS = 300


def _label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


class _Page(QWizardPage):
    """A page whose texts are set in ``retranslate`` (called again when the language changes)."""

    help_text = ""

    def wiz(self) -> "WelcomeWizard":
        return self.wizard()  # type: ignore[return-value]

    def retranslate(self) -> None:  # pragma: no cover - every page overrides it
        raise NotImplementedError

    def initializePage(self) -> None:  # noqa: N802 - Qt name
        self.retranslate()


class LanguagePage(_Page):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("welcomeLanguagePage")
        self.intro = _label("welcomeIntro")
        self.french = QRadioButton("Français")
        self.french.setObjectName("welcomeFrench")
        self.english = QRadioButton("English")
        self.english.setObjectName("welcomeEnglish")
        group = QButtonGroup(self)
        group.addButton(self.french)
        group.addButton(self.english)
        (self.english if current_language() == "en" else self.french).setChecked(True)
        self.french.toggled.connect(self._changed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addSpacing(12)
        layout.addWidget(self.french)
        layout.addWidget(self.english)
        layout.addStretch(1)

    def language(self) -> str:
        return "en" if self.english.isChecked() else "fr"

    def _changed(self) -> None:
        set_language(self.language())
        QSettings().setValue("ui/language", self.language())
        wizard = self.wiz()
        if wizard is not None:
            wizard.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("Welcome to Transit Centre"))
        self.setSubTitle(_("A few questions to prepare this computer. It takes two minutes."))
        self.intro.setText(_("Choose the language of the application. You can change it later in "
                             "Settings > Language."))
        self.help_text = _("The language applies at once to these pages and to the whole application. "
                           "Each user can change it later from the Settings menu.")


class DatabasePage(_Page):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("welcomeDatabasePage")
        self.intro = _label("welcomeDatabaseIntro")
        self.usual = QRadioButton()
        self.usual.setObjectName("welcomeUsualFolder")
        self.other = QRadioButton()
        self.other.setObjectName("welcomeOtherFolder")
        group = QButtonGroup(self)
        group.addButton(self.usual)
        group.addButton(self.other)
        self.usual.setChecked(True)
        self.folder = QLineEdit()
        self.folder.setObjectName("welcomeFolder")
        self.browse = QPushButton()
        self.browse.setObjectName("welcomeBrowse")
        self.browse.clicked.connect(self._browse)
        self.folder.textEdited.connect(lambda _text: self.other.setChecked(True))
        self.message = _label("welcomeDatabaseMessage")
        self.message.setStyleSheet(theme.style("error"))
        self.location_warning = warning_label("welcomeLocationWarning")  # network drive, OneDrive...
        self.folder.textChanged.connect(self.check_location)
        self.other.toggled.connect(self.check_location)
        self.use_existing = False
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(self.browse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addSpacing(8)
        layout.addWidget(self.usual)
        layout.addWidget(self.other)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.location_warning)
        layout.addStretch(1)

    def check_location(self) -> None:
        from transit_centre.localconfig import database_path

        wizard = self.wiz()
        if wizard is not None and wizard.db is not None:
            path = wizard.db.sqlite_path
            show_location_warning(self.location_warning, path.parent if path else None)
            return
        show_location_warning(self.location_warning, self.chosen_folder() or database_path().parent)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Folder of the database"), self.folder.text())
        if folder:
            self.folder.setText(folder)
            self.other.setChecked(True)

    def chosen_folder(self) -> Path | None:
        text = self.folder.text().strip()
        return Path(text) if self.other.isChecked() and text else None

    def initializePage(self) -> None:  # noqa: N802 - Qt name
        fixed = self.wiz().db is not None or self.wiz().url is not None
        for widget in (self.usual, self.other, self.folder, self.browse):
            widget.setVisible(not fixed)
        super().initializePage()

    def retranslate(self) -> None:
        from transit_centre.localconfig import database_path

        self.setTitle(_("Where the data is kept"))
        self.setSubTitle(_("Residents' records stay on this computer, in one database file."))
        wizard = self.wiz()
        if wizard is not None and wizard.db is not None:
            self.intro.setText(_("The database is ready: {where}").format(where=wizard.db.describe()))
        elif wizard is not None and wizard.url is not None:
            from transit_centre.storage.at_rest import database_path as file_of

            self.intro.setText(_("The database will be created in {where}").format(where=file_of(wizard.url)))
        else:
            self.intro.setText(_("Keep the usual folder unless your office asked you to use another one "
                                 "(for example a folder that is backed up)."))
        self.check_location()
        self.usual.setText(_("The usual folder (recommended): {folder}").format(folder=database_path().parent))
        self.other.setText(_("Another folder:"))
        self.browse.setText(_("Browse…"))
        self.help_text = _("The database is one file. In the usual folder it belongs to your Windows "
                           "account. Choose another folder only if your office asked you to, for example "
                           "a folder that is copied for backups. Backups can also be made later from the "
                           "Administration screen.")

    def validatePage(self) -> bool:  # noqa: N802 - Qt name
        from transit_centre.localconfig import DATABASE_FILE, check_folder
        from transit_centre.security.users import has_users

        wizard = self.wiz()
        if self.use_existing:
            return True
        self.message.clear()
        if wizard.db is not None or not self.other.isChecked():
            return True
        if not self.folder.text().strip():
            self.message.setText(_("Type or choose a folder."))
            return False
        try:
            folder = check_folder(Path(self.folder.text().strip()))
            if (folder / DATABASE_FILE).exists():
                # A folder that already holds a database (a USB drive, a restored copy): use it.
                from transit_centre.localconfig import choose_database_folder, sqlite_url_for
                from transit_centre.storage.at_rest import DatabaseState, no_key_file_message, state_of

                path = folder / DATABASE_FILE
                state = state_of(sqlite_url_for(path))
                if state is DatabaseState.NO_KEY_FILE:
                    raise DomainError(no_key_file_message(path))
                if state is DatabaseState.ENCRYPTED:  # it opens when someone signs in
                    choose_database_folder(folder)
                    self.use_existing = wizard.existing_encrypted = True
                    QTimer.singleShot(0, wizard.accept)  # straight to sign-in
                    return False
                if state is DatabaseState.PLAIN:
                    db = wizard.ensure_database()
                    if has_users(db):
                        self.use_existing = True
                        QTimer.singleShot(0, wizard.accept)  # straight to sign-in
                        return False
        except DomainError as exc:
            self.message.setText(str(exc))
            return False
        return True


class CentrePage(_Page):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("welcomeCentrePage")
        self.intro = _label("welcomeCentreIntro")
        self.centre = QComboBox()
        self.centre.setObjectName("welcomeCentre")
        self.centre_label = QLabel()
        form = QFormLayout()
        form.addRow(self.centre_label, self.centre)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addStretch(1)

    def load_centres(self, db: Any | None) -> None:
        """The centres of the open database, else the reference list shipped with the application."""
        from transit_centre.admin.centres import list_centres, reference_centres
        from transit_centre.security.permissions import Actor

        self.centre.clear()
        if db is not None:
            rows = [(c.code, c.display, c.town) for c in list_centres(db, Actor.system(), only_visible=False)]
        else:
            rows = [(r["code"], f"{r['code']} – {r['name']}", r["town"]) for r in reference_centres()]
        for code, display, town in rows:
            self.centre.addItem(f"{display} ({town})" if town and town not in display else display, code)

    def centre_code(self) -> str:
        return str(self.centre.currentData() or "")

    def retranslate(self) -> None:
        self.setTitle(_("Your centre"))
        self.setSubTitle(_("Which transit centre does this computer serve?"))
        self.intro.setText(_("Residents registered on this computer get case numbers of this centre. "
                             "Staff of other centres can still be given access later."))
        self.centre_label.setText(_("Centre"))
        self.help_text = _("Choose the centre where this computer is used. It is proposed when people sign "
                           "in. An administrator can correct the names of centres later in Administration.")


class AdminPage(_Page):
    """The commit page: the database is created and the administrator saved when leaving it."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("welcomeAdminPage")
        self.setCommitPage(True)
        self.intro = _label("welcomeAdminIntro")
        self.errors = FieldErrors()
        self.username = QLineEdit()
        self.username.setObjectName("welcomeUsername")
        self.full_name = QLineEdit()
        self.full_name.setObjectName("welcomeFullName")
        self.password = QLineEdit()
        self.password.setObjectName("welcomePassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_again = QLineEdit()
        self.password_again.setObjectName("welcomePasswordAgain")
        self.password_again.setEchoMode(QLineEdit.EchoMode.Password)
        self.labels = [QLabel() for _i in range(4)]
        form = QFormLayout()
        for label, name, widget in zip(self.labels, ("username", "full_name", "password", "password_again"),
                                       (self.username, self.full_name, self.password, self.password_again)):
            form.addRow(label, self.errors.field(name, widget))
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.errors.general_label())
        layout.addStretch(1)

    def retranslate(self) -> None:
        from transit_centre.security.users import MIN_PASSWORD_LENGTH

        self.setTitle(_("The administrator"))
        self.setSubTitle(_("The first account. It can create the accounts of the other staff."))
        self.intro.setText(_("Choose a user name (lower case, no spaces, e.g. awa.diallo) and a password of "
                             "at least {n} characters. Write it down somewhere safe: nobody can read it back."
                             ).format(n=MIN_PASSWORD_LENGTH))
        for label, text in zip(self.labels, (_("User name"), _("Full name"), _("Password"),
                                             _("Password again"))):
            label.setText(text)
        self.setButtonText(QWizard.WizardButton.CommitButton, _("Create"))
        self.help_text = _("This account manages the application: other users and their roles, centres, "
                           "settings and backups. Pressing Create makes the database and the account; it "
                           "cannot be undone from here, but everything can be changed later in "
                           "Administration.")

    def validatePage(self) -> bool:  # noqa: N802 - Qt name
        from transit_centre.admin.first_run import complete_first_run

        wizard = self.wiz()
        self.errors.clear()
        created = wizard.db is None
        try:
            db = wizard.ensure_database()
            result = complete_first_run(
                db, username=self.username.text(), full_name=self.full_name.text(),
                password=self.password.text(), password_again=self.password_again.text(),
                centre_code=wizard.centre_page.centre_code(), language=current_language())
        except DomainError as exc:
            if created:  # a new file without its first account and key file is of no use: gone
                wizard.discard_new_database()
            self.errors.show(exc if isinstance(exc, ValidationError) else DomainError(str(exc)))
            return False
        wizard.first_run = result
        settings = QSettings()
        settings.setValue("login/username", result.username)
        settings.setValue("login/centre", str(result.centre_id or ""))
        settings.setValue("ui/language", result.language)
        return True


class RecoveryPage(_Page):
    """The recovery key of the new encrypted database: shown once, printed for the safe."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("welcomeRecoveryPage")
        from transit_centre.ui.admin.encryption import RecoveryKeyPanel

        self.panel = RecoveryKeyPanel()
        self.panel.kept.toggled.connect(lambda _on: self.completeChanged.emit())
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802 - Qt name
        wizard = self.wiz()
        result = wizard.first_run
        self.panel.show_code(wizard.db, _admin_actor(result), result.recovery_code if result else "")
        super().initializePage()

    def isComplete(self) -> bool:  # noqa: N802 - Qt name
        return self.panel.kept.isChecked()

    def retranslate(self) -> None:
        self.setTitle(_("The recovery key"))
        self.setSubTitle(_("The database is encrypted. Keep this key in the centre's safe."))
        self.panel.retranslate()
        self.help_text = _("Without a password, the database file and its backups cannot be read: a stolen laptop "
                           "shows nothing. The recovery key opens them when every password is forgotten. Print "
                           "the sheet (or copy the key by hand), put it in the safe, then tick the box.")


def _admin_actor(result: Any) -> Any:
    from transit_centre.enums import Role
    from transit_centre.security.permissions import Actor

    if result is None:
        return Actor.system()
    return Actor(result.user_id, result.username, result.full_name, frozenset({Role.ADMIN}),
                 frozenset({result.centre_id}) if result.centre_id else frozenset(),
                 current_centre_id=result.centre_id)


class DemoPage(_Page):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("welcomeDemoPage")
        self.intro = _label("welcomeDoneIntro")
        self.demo = QCheckBox()
        self.demo.setObjectName("welcomeDemo")
        self.warning = _label("welcomeDemoWarning")
        self.message = _label("welcomeDemoMessage")
        self.message.setStyleSheet(theme.style("error"))
        self.loaded = False
        self.loading = False
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addSpacing(12)
        layout.addWidget(self.demo)
        layout.addWidget(self.warning)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def retranslate(self) -> None:
        from transit_centre.demo.generate import DEMO_PASSWORD

        self.setTitle(_("Ready"))
        self.setSubTitle(_("Transit Centre is ready to use."))
        result = self.wiz().first_run if self.wiz() is not None else None
        self.intro.setText(_("Press Finish, then sign in as {user} with your password. To register a "
                             "resident, open Residents and press New resident (Ctrl+N). F1 explains every "
                             "screen.").format(user=result.username if result else ""))
        self.demo.setText(_("Load demo data for training ({n} fictitious residents and demo accounts)")
                          .format(n=DEMO_RESIDENTS))
        self.warning.setText(_("Only on a training computer: the demo residents are mixed with real ones. "
                               "Demo accounts (manager, caseworker, nurse...) use the password {password}.")
                             .format(password=DEMO_PASSWORD))
        self.help_text = _("Demo data fills every centre with invented residents, stays and services so "
                           "that staff can practise. Do not load it on a computer that will hold real "
                           "residents.")

    def validatePage(self) -> bool:  # noqa: N802 - Qt name
        if not self.demo.isChecked() or self.loaded:
            return True
        if not self.loading:
            self.load_demo()
        return False

    def load_demo(self) -> None:
        from transit_centre.demo.generate import generate
        from transit_centre.ui.common.operations import run_op

        db = self.wiz().db
        self.loading = True
        self.message.clear()
        self.wiz().button(QWizard.WizardButton.FinishButton).setEnabled(False)

        def work(report):  # noqa: ANN001, ANN202 - runs off the GUI thread
            return generate(db, DEMO_RESIDENTS, seed=1, progress=lambda done, total: report(done, total))

        def done(_counts: object) -> None:
            self.loading, self.loaded = False, True
            self.wiz().button(QWizard.WizardButton.FinishButton).setEnabled(True)
            self.wiz().accept()

        def failed(exc: BaseException) -> None:
            self.loading = False
            self.wiz().button(QWizard.WizardButton.FinishButton).setEnabled(True)
            self.message.setText(str(exc) if isinstance(exc, DomainError) else _(
                "The demo data could not be loaded; the details were written to the log file."))

        self.task = run_op(self, work, done, failed=failed, progress=_("Loading demo data…"))


class WelcomeWizard(QWizard):
    """First start. ``database``: an open, empty database (a server, or ``--database``), or None to
    create the local SQLite file where the user chooses. ``db`` and ``first_run`` are set on success."""

    def __init__(self, database: Any | None = None, parent: QWidget | None = None, *,
                 url: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomeWizard")
        self.setWindowIcon(app_icon())
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setPixmap(QWizard.WizardPixmap.LogoPixmap, app_icon().pixmap(48, 48))
        self.setOption(QWizard.WizardOption.HaveHelpButton, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setMinimumSize(680, 460)
        self.db = database
        self.url = url  # a new SQLite file named on the command line (--database): created there
        self.existing_encrypted = False  # the chosen folder holds an encrypted database: sign in to it
        self.first_run: Any = None  # admin.first_run.FirstRunResult
        self.language_page = LanguagePage()
        self.database_page = DatabasePage()
        self.centre_page = CentrePage()
        self.admin_page = AdminPage()
        self.recovery_page = RecoveryPage()
        self.demo_page = DemoPage()
        for page in (self.language_page, self.database_page, self.centre_page, self.admin_page,
                     self.recovery_page, self.demo_page):
            self.addPage(page)
        self.centre_page.load_centres(database)
        self.helpRequested.connect(self.show_help)
        QShortcut(QKeySequence("F1"), self, self.show_help)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Welcome – Transit Centre"))
        for button, text in ((QWizard.WizardButton.NextButton, _("Next >")),
                             (QWizard.WizardButton.BackButton, _("< Back")),
                             (QWizard.WizardButton.FinishButton, _("Finish")),
                             (QWizard.WizardButton.CancelButton, _("Cancel")),
                             (QWizard.WizardButton.HelpButton, _("Help"))):
            self.setButtonText(button, text)
        for page_id in self.pageIds():
            page = self.page(page_id)
            if isinstance(page, _Page):
                page.retranslate()

    def ensure_database(self) -> Any:
        """Open the database where the user chose, once: a new file is created encrypted (its key
        file is written with the first administrator), a plain one from before is opened."""
        if self.db is None:
            from transit_centre.storage.opening import open_database
            from transit_centre.localconfig import choose_database_folder, sqlite_url_for
            from transit_centre.storage.at_rest import DatabaseState, create_database, state_of

            url = self.url or sqlite_url_for(choose_database_folder(self.database_page.chosen_folder()))
            self.db = create_database(url) if state_of(url) is DatabaseState.NEW else open_database(url)
        return self.db

    def discard_new_database(self) -> None:
        """Delete the file created by ``ensure_database`` when its first account could not be made."""
        from transit_centre.storage.at_rest import discard_new_database

        if self.db is not None and discard_new_database(self.db):
            self.db = None

    def nextId(self) -> int:  # noqa: N802 - Qt name
        """The recovery key page only when the new database is encrypted."""
        following = super().nextId()
        if following == self.page_id(self.recovery_page) and not (
                self.first_run is not None and self.first_run.recovery_code):
            return self.page_id(self.demo_page)
        return following

    def page_id(self, page: QWizardPage) -> int:
        return next(i for i in self.pageIds() if self.page(i) is page)

    def current_help(self) -> str:
        page = self.currentPage()
        return getattr(page, "help_text", "") or _("Answer the questions, then press Next.")

    def show_help(self) -> None:
        box = QMessageBox(self)
        box.setObjectName("helpDialog")
        box.setWindowTitle(_("Help – {page}").format(page=self.currentPage().title() if self.currentPage()
                                                       else _("Transit Centre")))
        box.setText(self.current_help())
        box.exec()

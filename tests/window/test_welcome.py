"""First start: the first-run service and the welcome wizard, page by page."""
from __future__ import annotations

import pytest

from transit_centre.errors import DomainError, RuleViolation, ValidationError
from transit_centre.storage.at_rest import unlock
from transit_centre.security.users import authenticate

PASSWORD = "un-mot-de-passe-solide"


# -- service ---------------------------------------------------------------------------------

def test_first_run_creates_the_administrator_and_the_centre_setting(db, centres):
    from transit_centre.admin.first_run import complete_first_run, site_centre_code

    result = complete_first_run(db, username="awa.diallo", full_name="Awa Diallo", password=PASSWORD,
                                password_again=PASSWORD, centre_code="GAO", language="en")
    assert result.centre_id == centres["GAO"] and result.language == "en"
    assert site_centre_code(db) == "GAO"
    actor = authenticate(db, "awa.diallo", PASSWORD, centres["GAO"])
    assert actor.all_centres and actor.current_centre_id == centres["GAO"]


def test_first_run_reports_every_problem_at_once(db):
    from transit_centre.admin.first_run import complete_first_run

    with pytest.raises(ValidationError) as info:
        complete_first_run(db, username="Awa Diallo", full_name="", password=PASSWORD,
                           password_again="autre-chose-encore", centre_code="NOPE")
    assert set(info.value.errors) == {"username", "full_name", "password_again", "centre"}


def test_first_run_is_refused_once_an_account_exists(db):
    from transit_centre.admin.first_run import complete_first_run

    complete_first_run(db, username="awa", full_name="Awa Diallo", password=PASSWORD,
                       password_again=PASSWORD, centre_code="GAO")
    with pytest.raises(RuleViolation):
        complete_first_run(db, username="intrus", full_name="Intrus", password=PASSWORD,
                           password_again=PASSWORD, centre_code="GAO")


# -- wizard ------------------------------------------------------------------------------------

@pytest.fixture
def own_data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("TRANSIT_CENTRE_DATA_DIR", str(folder))
    monkeypatch.delenv("TRANSIT_CENTRE_DATABASE_URL", raising=False)
    return folder


def _fill_admin(wizard, password_again: str = PASSWORD) -> None:
    page = wizard.admin_page
    page.username.setText("awa")
    page.full_name.setText("Awa Diallo")
    page.password.setText(PASSWORD)
    page.password_again.setText(password_again)


def test_wizard_creates_database_in_chosen_folder_with_admin_and_centre(qtbot, qsettings_isolated,
                                                                         own_data_dir, tmp_path):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QDialog

    from transit_centre import localconfig
    from transit_centre.admin.first_run import site_centre_code
    from transit_centre.storage.opening import open_database
    from transit_centre.i18n import current_language
    from transit_centre.ui.shell.welcome import WelcomeWizard

    wizard = WelcomeWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.objectName() == "welcomeWizard"
    # Language: applied at once, to the wizard's own buttons too.
    wizard.language_page.english.setChecked(True)
    assert current_language() == "en" and QSettings().value("ui/language") == "en"
    assert wizard.buttonText(wizard.WizardButton.CancelButton) == "Cancel"
    wizard.next()
    # Database folder: another one, with accents and spaces.
    folder = tmp_path / "Aïssata Traoré" / "Données"
    wizard.database_page.other.setChecked(True)
    wizard.database_page.folder.setText(str(folder))
    wizard.next()
    assert wizard.currentPage() is wizard.centre_page
    combo = wizard.centre_page.centre
    assert combo.count() == 14
    combo.setCurrentIndex(combo.findData("MOP"))
    wizard.next()
    # Administrator: a mistake first, shown next to the field; nothing is created.
    _fill_admin(wizard, password_again="pas-le-meme-mot")
    wizard.next()
    assert wizard.currentPage() is wizard.admin_page
    assert wizard.admin_page.errors.message("password_again")
    path = folder.resolve() / "transit-centre.sqlite3"
    assert wizard.db is None and not path.exists()  # nothing is left of the attempt
    wizard.admin_page.password_again.setText(PASSWORD)
    wizard.next()
    # The new database is encrypted: its recovery key, shown once, must be said kept before going on.
    assert wizard.currentPage() is wizard.recovery_page and wizard.first_run.username == "awa"
    panel = wizard.recovery_page.panel
    assert panel.code.text() == wizard.first_run.recovery_code and len(panel.code.text()) == 31
    assert not wizard.button(wizard.WizardButton.NextButton).isEnabled()
    panel.kept.setChecked(True)
    assert wizard.button(wizard.WizardButton.NextButton).isEnabled()
    wizard.next()
    assert wizard.currentPage() is wizard.demo_page
    assert "awa" in wizard.demo_page.intro.text()
    wizard.accept()  # Finish without demo data
    assert wizard.result() == QDialog.DialogCode.Accepted
    wizard.db.dispose()

    assert localconfig.database_path() == path and path.exists()
    assert b"Awa Diallo" not in path.read_bytes() and not path.read_bytes().startswith(b"SQLite format 3")
    with pytest.raises(DomainError):  # encrypted: it opens only with a password
        open_database(localconfig.sqlite_url_for(path))
    db = unlock(localconfig.sqlite_url_for(path), "awa", PASSWORD)
    actor = authenticate(db, "awa", PASSWORD)
    assert actor.full_name == "Awa Diallo" and site_centre_code(db) == "MOP"
    db.dispose()
    assert QSettings().value("login/username") == "awa"


def test_wizard_on_an_open_database_can_load_demo_data(qtbot, qsettings_isolated, db, centres):
    from sqlalchemy import func, select

    from transit_centre.db.models import Resident
    from transit_centre.ui.shell.welcome import WelcomeWizard

    wizard = WelcomeWizard(database=db)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    assert not wizard.database_page.usual.isVisible()  # the location is fixed
    assert db.describe() in wizard.database_page.intro.text()
    wizard.next()
    wizard.centre_page.centre.setCurrentIndex(wizard.centre_page.centre.findData("GAO"))
    wizard.next()
    _fill_admin(wizard)
    wizard.next()
    assert wizard.currentPage() is wizard.demo_page
    wizard.demo_page.demo.setChecked(True)
    with qtbot.waitSignal(wizard.accepted, timeout=120_000):
        wizard.accept()  # Finish: loads the demo data with a progress dialog, then closes
    with db.transaction(None, readonly=True) as s:
        assert s.scalar(select(func.count(Resident.id))) > 0
    assert authenticate(db, "awa", PASSWORD).username == "awa"  # the demo did not replace the admin


def test_each_wizard_page_has_help_in_the_current_language(qtbot, qsettings_isolated, own_data_dir):
    from transit_centre.ui.shell.welcome import WelcomeWizard

    wizard = WelcomeWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    texts = []
    for page_id in wizard.pageIds():
        page = wizard.page(page_id)
        page.retranslate()
        assert len(page.help_text) > 40, page.objectName()
        texts.append(page.help_text)
    assert len(set(texts)) == len(texts)
    assert wizard.current_help() == wizard.language_page.help_text


def test_a_bad_folder_keeps_the_user_on_the_database_page(qtbot, qsettings_isolated, own_data_dir, tmp_path):
    from transit_centre.ui.shell.welcome import WelcomeWizard

    blocker = tmp_path / "un-fichier"
    blocker.write_text("x", encoding="utf-8")
    wizard = WelcomeWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    wizard.database_page.other.setChecked(True)
    wizard.database_page.folder.setText(str(blocker / "dessous"))
    wizard.next()
    assert wizard.currentPage() is wizard.database_page
    assert wizard.database_page.message.text()


def test_a_folder_with_an_existing_database_goes_straight_to_sign_in(qtbot, qsettings_isolated, own_data_dir,
                                                                      tmp_path):
    from transit_centre import localconfig
    from transit_centre.storage.opening import open_database
    from transit_centre.enums import Role
    from transit_centre.security.permissions import Actor
    from transit_centre.security.users import create_user
    from transit_centre.ui.shell.welcome import WelcomeWizard

    folder = tmp_path / "Clé USB"
    existing = open_database(localconfig.sqlite_url_for(folder / localconfig.DATABASE_FILE))
    create_user(existing, Actor.system(), username="awa", full_name="Awa Diallo", password=PASSWORD,
                roles=[Role.ADMIN])
    existing.dispose()
    wizard = WelcomeWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    wizard.database_page.other.setChecked(True)
    wizard.next()  # empty folder field
    assert wizard.currentPage() is wizard.database_page and wizard.database_page.message.text()
    wizard.database_page.folder.setText(str(folder))
    with qtbot.waitSignal(wizard.accepted, timeout=30_000):
        wizard.next()
    assert wizard.first_run is None and authenticate(wizard.db, "awa", PASSWORD).username == "awa"
    assert localconfig.database_path() == folder.resolve() / localconfig.DATABASE_FILE
    wizard.db.dispose()


def test_first_start_shows_the_wizard_before_any_database_exists(qtbot, qsettings_isolated, own_data_dir,
                                                                  monkeypatch):
    import sys

    from PySide6.QtWidgets import QDialog

    from transit_centre import localconfig
    from transit_centre.ui.shell import app as app_module
    from transit_centre.ui.shell.login import LoginDialog
    from transit_centre.ui.shell.welcome import WelcomeWizard

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    shown = []
    monkeypatch.setattr(WelcomeWizard, "exec", lambda self: shown.append("wizard") or QDialog.DialogCode.Rejected)
    monkeypatch.setattr(LoginDialog, "exec", lambda self: shown.append("login") or QDialog.DialogCode.Rejected)
    assert app_module.run() == 0
    assert shown == ["wizard"]
    assert not localconfig.database_path().exists()  # cancelling the wizard leaves nothing behind


def test_a_database_with_accounts_goes_to_sign_in(qtbot, qsettings_isolated, own_data_dir, monkeypatch):
    import sys

    from PySide6.QtWidgets import QDialog

    from transit_centre import localconfig
    from transit_centre.storage.opening import open_database
    from transit_centre.enums import Role
    from transit_centre.security.permissions import Actor
    from transit_centre.security.users import create_user
    from transit_centre.ui.shell import app as app_module
    from transit_centre.ui.shell.login import LoginDialog
    from transit_centre.ui.shell.welcome import WelcomeWizard

    db = open_database(localconfig.sqlite_url_for(localconfig.database_path()))
    create_user(db, Actor.system(), username="awa", full_name="Awa Diallo", password=PASSWORD, roles=[Role.ADMIN])
    db.dispose()
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    shown = []
    monkeypatch.setattr(WelcomeWizard, "exec", lambda self: shown.append("wizard") or QDialog.DialogCode.Rejected)
    monkeypatch.setattr(LoginDialog, "exec", lambda self: shown.append("login") or QDialog.DialogCode.Rejected)
    assert app_module.run() == 0
    assert shown == ["login"]


def test_sign_in_proposes_the_centre_of_this_computer_to_a_new_user(qtbot, qsettings_isolated, db, centres):
    from transit_centre.admin.first_run import complete_first_run
    from transit_centre.ui.shell.login import LoginDialog

    complete_first_run(db, username="awa", full_name="Awa Diallo", password=PASSWORD, password_again=PASSWORD,
                       centre_code="SIK")
    dialog = LoginDialog(db)  # nothing remembered in this user's settings
    qtbot.addWidget(dialog)
    assert dialog.centre.currentData() == str(centres["SIK"])


@pytest.mark.parametrize("username, full_name, password", [
    ("a\x00b", "Awa", PASSWORD),
    ("x" * 10_000, "y" * 10_000, PASSWORD),
    ("awa", "Awa\u202eDiallo", "p" * 5000),
    ("", "", ""),
    ("😀", "😀" * 3, "😀" * 12),
])
def test_first_run_hostile_input_gives_messages_never_a_crash(db, username, full_name, password):
    from transit_centre.admin.first_run import complete_first_run
    from transit_centre.errors import DomainError

    try:
        result = complete_first_run(db, username=username, full_name=full_name, password=password,
                                    password_again=password, centre_code="GAO")
    except DomainError as exc:
        assert str(exc).strip()
    else:  # accepted: then it is a usable account
        assert authenticate(db, result.username, password).username == result.username


def test_a_folder_with_an_encrypted_database_goes_to_sign_in_without_opening_it(
        qtbot, qsettings_isolated, own_data_dir, tmp_path):
    from transit_centre import localconfig
    from transit_centre.storage.at_rest import create_database, start_key_file
    from transit_centre.ui.shell.welcome import WelcomeWizard

    folder = tmp_path / "Clé USB"
    existing = create_database(localconfig.sqlite_url_for(folder / localconfig.DATABASE_FILE))
    start_key_file(existing, "awa", PASSWORD)
    existing.dispose()
    wizard = WelcomeWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    wizard.database_page.other.setChecked(True)
    wizard.database_page.folder.setText(str(folder))
    with qtbot.waitSignal(wizard.accepted, timeout=30_000):
        wizard.next()
    assert wizard.existing_encrypted and wizard.db is None and wizard.first_run is None
    assert localconfig.database_path() == folder.resolve() / localconfig.DATABASE_FILE

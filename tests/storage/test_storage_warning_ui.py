"""The welcome wizard and Administration > Settings warn when the database folder is on a network
drive or in a synced folder (OneDrive, Dropbox...); a folder on this computer's disk gets no warning."""
from __future__ import annotations

import sys

import pytest

from support.database import TEST_URL
from transit_centre.storage.opening import open_database
from transit_centre.db.engine import sqlite_url
from transit_centre.enums import Role
from transit_centre.i18n import set_language
from transit_centre.security.permissions import Actor
from transit_centre.security.users import authenticate, create_user
from transit_centre.ui.common.context import UiContext

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="synced folders found by their name on POSIX")


@pytest.fixture
def own_data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("TRANSIT_CENTRE_DATA_DIR", str(folder))
    monkeypatch.delenv("TRANSIT_CENTRE_DATABASE_URL", raising=False)
    return folder


def test_wizard_warns_about_a_synced_or_network_folder_as_it_is_typed(qtbot, qsettings_isolated, own_data_dir,
                                                                         tmp_path):
    from transit_centre.ui.shell.welcome import WelcomeWizard

    set_language("en")
    try:
        wizard = WelcomeWizard()
        qtbot.addWidget(wizard)
        wizard.show()
        wizard.next()
        page = wizard.database_page
        warning = wizard.findChild(type(page.message), "welcomeLocationWarning")
        assert warning is page.location_warning and warning.isHidden()  # the usual folder is local
        page.other.setChecked(True)
        page.folder.setText(str(tmp_path / "OneDrive - OIM" / "TransitCentre"))
        assert page.location_warning.isVisible() and "OneDrive" in page.location_warning.text()
        page.folder.setText(r"\\nas\sauvegardes\TransitCentre" if sys.platform == "win32"
                            else str(tmp_path / "Dropbox" / "TC"))
        assert page.location_warning.isVisible()
        page.folder.setText(str(tmp_path / "Données"))
        assert page.location_warning.isHidden() and page.location_warning.text() == ""
        page.folder.setText(str(tmp_path / "Dropbox" / "TC"))
        page.usual.setChecked(True)  # back to the usual folder: no warning
        assert page.location_warning.isHidden()
        # The warning does not block: the folder can still be used (SQLite's safe journal then).
        page.other.setChecked(True)
        wizard.next()
        assert wizard.currentPage() is wizard.centre_page
        wizard.ensure_database()
        assert wizard.db.sqlite_path.parent.name == "TC"
        wizard.db.dispose()
    finally:
        set_language("fr")


@pytest.mark.skipif(bool(TEST_URL), reason="a SQLite file")
@posix_only
def test_settings_show_the_warning_for_the_database_in_use(qtbot, qsettings_isolated, tmp_path):
    from transit_centre.ui.admin.settings import SettingsAdmin

    set_language("fr")
    for folder, warned in ((tmp_path / "Dropbox (IOM)", True), (tmp_path / "local", False)):
        db = open_database(sqlite_url(folder / "transit-centre.sqlite3"))
        try:
            create_user(db, Actor.system(), username="admin", full_name="Awa Diallo",
                        password="mot-de-passe-solide", roles=[Role.ADMIN])
            tab = SettingsAdmin(UiContext(db=db, actor=authenticate(db, "admin", "mot-de-passe-solide")))
            qtbot.addWidget(tab)
            tab.show()
            label = tab.findChild(type(tab.status), "settingsDatabaseLocationWarning")
            assert label.isVisible() is warned
            if warned:
                assert "Dropbox" in label.text() and "synchronisé" in label.text()
        finally:
            db.dispose()

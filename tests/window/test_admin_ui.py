"""The Administration page: tabs per role, users, centres, settings, audit log, backups."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from support.database import TEST_URL
from support.qt import wait_loaded

from transit_centre.admin.centres import get_centre, update_centre
from transit_centre.admin.settings import get_setting
from transit_centre.enums import AuditAction, CentreKind, Role
from transit_centre.i18n import _
from transit_centre.security.accounts import list_users
from transit_centre.security.permissions import Actor
from transit_centre.security.users import authenticate, create_user
from transit_centre.ui.common.context import UiContext

PASSWORD = "mot-de-passe-solide"


@pytest.fixture
def admin(db):
    create_user(db, Actor.system(), username="admin", full_name="Awa Diallo", password=PASSWORD,
                roles=[Role.ADMIN])
    return authenticate(db, "admin", PASSWORD)


@pytest.fixture
def quiet_boxes(monkeypatch):
    """Message boxes answer Yes and return at once; what they said is kept."""
    said = []

    def record(kind):
        def box(parent, title, text, *args, **kwargs):
            said.append((kind, text))
            return QMessageBox.StandardButton.Yes
        return box

    for kind in ("information", "warning", "critical", "question"):
        monkeypatch.setattr(QMessageBox, kind, record(kind))
    monkeypatch.setattr(QMessageBox, "exec", lambda self: said.append(("exec", self.text())) or 0)
    return said


def _page(qtbot, db, actor):
    from transit_centre.ui.admin.page import AdministrationPage

    page = AdministrationPage(UiContext(db=db, actor=actor))
    qtbot.addWidget(page)
    return page


def test_tabs_follow_the_role(qtbot, qsettings_isolated, db, admin, make_actor):
    from transit_centre.ui.shell.pages import PAGES

    spec = next(p for p in PAGES if p.key == "administration")
    assert spec.visible(admin) and spec.visible(make_actor(Role.MANAGER))
    assert not spec.visible(make_actor(Role.CASEWORKER)) and not spec.visible(make_actor(Role.MEDICAL))
    assert _page(qtbot, db, admin).tab_keys() == ["users", "centres", "settings", "flag_types", "distribution_rules",
                                                  "audit", "backups"]
    assert _page(qtbot, db, make_actor(Role.MANAGER)).tab_keys() == ["audit", "backups"]
    assert _page(qtbot, db, make_actor(Role.HQ, centre=None)).tab_keys() == ["audit"]


def test_users_tab_create_edit_disable_reset(qtbot, qsettings_isolated, db, admin, centres, quiet_boxes,
                                             monkeypatch):
    from transit_centre.ui.admin import users as users_admin

    page = _page(qtbot, db, admin)
    tab = page.show_tab("users")
    assert tab.objectName() == "usersAdmin" and tab.table.rowCount() == 1

    created = {}

    def fill_new(self):
        self.username.setText("fatou")
        self.full_name.setText("")
        self.submit()
        assert self.result() != QDialog.DialogCode.Accepted
        assert self.errors.message("full_name") and self.errors.message("roles")
        self.full_name.setText("Fatoumata Coulibaly")
        self.role_checks[Role.CASEWORKER].setChecked(True)
        self.set_centre_checked(centres["GAO"])
        created["password"] = self.password.text()
        self.submit()
        return self.result()

    monkeypatch.setattr(users_admin.UserDialog, "exec", fill_new)
    tab.new_user()
    assert tab.table.rowCount() == 2 and tab.selected().username == "fatou"
    fatou = authenticate(db, "fatou", created["password"], centres["GAO"])
    assert fatou.roles == {Role.CASEWORKER}
    assert tab.selected().must_change_password  # a temporary password given by the administrator

    def edit(self):
        assert self.username.isReadOnly()
        self.role_checks[Role.MANAGER].setChecked(True)
        self.set_centre_checked(centres["KAY"])
        self.submit()
        return self.result()

    monkeypatch.setattr(users_admin.UserDialog, "exec", edit)
    tab.select_username("fatou")
    tab.edit_selected()
    assert set(tab.selected().roles) == {Role.CASEWORKER, Role.MANAGER}
    assert "KAY" in tab.table.item(tab.table.currentRow(), 3).text()

    tab.select_username("fatou")
    tab.toggle_active()
    assert not tab.selected().active and tab.active_button.text() == _("Enable")

    monkeypatch.setattr(users_admin.ResetPasswordDialog, "exec", lambda self: (
        self.password.setText("temporaire-456"), QDialog.DialogCode.Accepted)[1])
    tab.select_username("fatou")
    tab.toggle_active()
    tab.select_username("fatou")
    tab.reset_selected()
    assert any("temporaire-456" in text for _kind, text in quiet_boxes)
    assert authenticate(db, "fatou", "temporaire-456").username == "fatou"

    # The last administrator: disabling refused with the rule's message, nothing changed.
    quiet_boxes.clear()
    tab.select_username("admin")
    tab.toggle_active()
    assert any(kind == "warning" for kind, _text in quiet_boxes)
    assert [u.active for u in list_users(db, admin) if u.username == "admin"] == [True]


def test_users_tab_stale_edit_is_refused_and_reloaded(qtbot, qsettings_isolated, db, admin, quiet_boxes,
                                                     monkeypatch):
    from transit_centre.security.accounts import update_user
    from transit_centre.ui.admin import users as users_admin

    other = create_user(db, admin, username="moussa", full_name="Moussa", password=PASSWORD, roles=[Role.HQ])
    page = _page(qtbot, db, admin)
    tab = page.show_tab("users")
    tab.select_username("moussa")
    # Someone else saves the account after this window loaded it.
    update_user(db, admin, other.id, full_name="Moussa Keïta", roles=[Role.HQ], centre_ids=[],
                expected_version=other.version)

    def edit(self):
        self.full_name.setText("Moussa K.")
        self.submit()
        return self.result()

    monkeypatch.setattr(users_admin.UserDialog, "exec", edit)
    tab.edit_selected()
    assert any(kind == "warning" for kind, _text in quiet_boxes)
    tab.select_username("moussa")
    assert tab.selected().full_name == "Moussa Keïta"


def test_centres_tab_highlights_placeholders_and_saves(qtbot, qsettings_isolated, db, admin, centres, quiet_boxes):
    page = _page(qtbot, db, admin)
    tab = page.show_tab("centres")
    placeholders = [c for c in tab.centres if not c.name_confirmed]
    if placeholders:
        row = tab.centres.index(placeholders[0])
        from transit_centre.ui.common import theme

        assert tab.table.item(row, 1).background().color().name() == theme.current().notice_bg
    tab.select(centres["GAO"])
    tab.name.setText("")
    tab.save()
    assert tab.errors.message("name")
    tab.name.setText("Centre de transit de Gao")
    tab.capacity.setValue(120)
    tab.kind.set_value(CentreKind.MINORS)
    tab.save()
    saved = get_centre(db, admin, centres["GAO"])
    assert (saved.name, saved.capacity, saved.kind, saved.name_confirmed) == (
        "Centre de transit de Gao", 120, CentreKind.MINORS, True)
    # Another window saves the centre: this form's next save is refused, then reloaded.
    update_centre(db, admin, saved.id, name=saved.name, town=saved.town, region=saved.region, capacity=99,
                  kind=saved.kind, active=saved.active, expected_version=saved.version)
    tab.capacity.setValue(5)
    tab.save()
    assert any(kind == "warning" for kind, _text in quiet_boxes)
    assert get_centre(db, admin, centres["GAO"]).capacity == 99 and tab.capacity.value() == 99


def test_settings_tab_edits_by_kind(qtbot, qsettings_isolated, db, admin, tmp_path):
    from transit_centre.ui.admin.settings import _PathEdit

    page = _page(qtbot, db, admin)

    tab = page.show_tab("settings")
    assert {"organisation.name", "organisation.logo_path", "security.lock_minutes", "backup.folder"} <= set(tab.editors)
    assert isinstance(tab.editors["organisation.logo_path"], _PathEdit)
    tab.editors["organisation.name_en"].setText("  IOM Mali\x07 ")
    tab.editors["security.lock_minutes"].setValue(5)
    tab.editors["backup.folder"].setText(str(tmp_path))
    tab.save()
    assert get_setting(db, "organisation.name_en") == "IOM Mali"
    assert get_setting(db, "security.lock_minutes") == 5
    assert get_setting(db, "backup.folder") == str(tmp_path)
    assert tab.editors["organisation.name_en"].text() == "IOM Mali"


def test_audit_viewer_fetches_pages_and_filters(qtbot, qsettings_isolated, db, admin, centres):
    for capacity in range(1, 26):
        c = get_centre(db, admin, centres["GAO"])
        update_centre(db, admin, c.id, name=c.name, town=c.town, region=c.region, capacity=capacity,
                      kind=c.kind, active=c.active, expected_version=c.version)
    page = _page(qtbot, db, admin)
    tab = page.show_tab("audit")
    tab.model.page_size = 10
    tab.record.setText(str(centres["GAO"]))
    tab.action.setCurrentIndex(tab.action.findData(AuditAction.UPDATE.value))
    tab.apply_filter()
    wait_loaded(qtbot, tab.model)
    assert tab.total == 25 and tab.model.rowCount() == 10
    assert tab.model.canFetchMore()
    tab.model.fetchMore()
    wait_loaded(qtbot, tab.model)
    tab.model.fetchMore()
    wait_loaded(qtbot, tab.model)
    assert tab.model.rowCount() == 25 and not tab.model.canFetchMore()
    assert tab.model.data(tab.model.index(0, 6)) == "25"  # newest first
    tab.table.selectRow(0)
    assert "25" in tab.detail.toPlainText()
    assert not (tab.model.flags(tab.model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable)
    tab.date_from.set_date(__import__("datetime").date(2030, 1, 2))
    tab.date_to.set_date(__import__("datetime").date(2030, 1, 1))
    tab.apply_filter()
    qtbot.waitUntil(lambda: bool(tab.errors.message("date_to")))
    assert tab.total == 25 and tab.model.rowCount() == 25  # nothing changed


@pytest.mark.skipif(bool(TEST_URL), reason="backups are for SQLite files")
def test_backups_tab_backs_up_and_restores(qtbot, qsettings_isolated, tmp_path, quiet_boxes, monkeypatch):
    from transit_centre.db.engine import sqlite_url
    from transit_centre.storage import at_rest, backup
    from transit_centre.ui.admin import backups as backups_admin
    from transit_centre.ui.admin import encryption

    url = sqlite_url(tmp_path / "live.sqlite3")
    db = at_rest.create_database(url)  # encrypted, as the application makes it
    at_rest.start_key_file(db, "admin", PASSWORD)
    create_user(db, Actor.system(), username="admin", full_name="Awa", password=PASSWORD, roles=[Role.ADMIN])
    admin = authenticate(db, "admin", PASSWORD)
    from transit_centre.admin.settings import set_setting

    set_setting(db, admin, backup.FOLDER_KEY, str(tmp_path / "backups"))
    page = _page(qtbot, db, admin)
    tab = page.show_tab("backups")
    assert tab.table.rowCount() == 0
    tab.backup_now()
    qtbot.waitUntil(lambda: tab.backup_button.isEnabled(), timeout=20000)
    assert tab.table.rowCount() == 1
    set_setting(db, admin, "organisation.address", "Gao, après la sauvegarde")
    restarted = []
    monkeypatch.setattr(backups_admin, "on_restart_required", lambda: restarted.append(True))
    # Who restores is asked: a wrong password of the day is refused and nothing is replaced.
    answers = [{"username": "admin", "password": "pas-le-bon-mot-de-passe"}, {"username": "admin", "password": PASSWORD}]
    monkeypatch.setattr(encryption, "ask_backup_credentials", lambda *_a, **_k: answers.pop(0))
    tab.table.selectRow(0)
    quiet_boxes.clear()
    tab.restore_selected()
    assert restarted == [] and any(kind == "warning" for kind, _text in quiet_boxes)
    tab.restore_selected()
    assert restarted == [True]
    assert list(tmp_path.glob("live.sqlite3.replaced-*"))
    again = at_rest.unlock(url, "admin", PASSWORD)  # still encrypted, with the backup's key file
    assert get_setting(again, "organisation.address") != "Gao, après la sauvegarde"
    again.dispose()
    # A file that is not a backup: refused before anything is replaced.
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"nothing useful" * 50)
    quiet_boxes.clear()
    assert tab.restore(bad, confirm=False, credentials={"username": "admin", "password": PASSWORD}) is None
    assert any(kind == "warning" for kind, _text in quiet_boxes)


def test_backups_tab_on_postgresql_explains_pg_dump(qtbot, qsettings_isolated, make_actor):
    from transit_centre.db.engine import Database
    from transit_centre.ui.admin.backups import BackupsAdmin

    db = Database("postgresql+psycopg://u@127.0.0.1:1/x")
    tab = BackupsAdmin(UiContext(db=db, actor=make_actor(Role.ADMIN)))
    qtbot.addWidget(tab)
    assert "pg_dump" in tab.info.text() and not hasattr(tab, "backup_button")
    db.dispose()


def test_the_audit_log_reads_in_words(qtbot, qsettings_isolated, db, admin, centres, make_actor):
    """Who, when, which record by its name, which field, from what to what: no table names, ids or JSON."""
    from transit_centre.enums import Sex
    from transit_centre.i18n import _
    from transit_centre.registry.inputs import ResidentInput
    from transit_centre.registry.residents import register_resident

    c = get_centre(db, admin, centres["GAO"])
    update_centre(db, admin, c.id, name=c.name, town=c.town, region=c.region, capacity=77, kind=c.kind,
                  active=c.active, expected_version=c.version)
    manager = make_actor(Role.MANAGER)
    view = register_resident(db, manager, ResidentInput(first_name="Aïssata", last_name="Traoré", sex=Sex.FEMALE,
                                                        estimated_age=30, nationality="ML"))
    page = _page(qtbot, db, admin)
    tab = page.show_tab("audit")
    wait_loaded(qtbot, tab.model)
    texts = {tuple(tab.model.data(tab.model.index(r, c)) for c in range(tab.model.columnCount()))
             for r in range(tab.model.rowCount())}
    capacity = next(t for t in texts if t[4] == _("Capacity"))
    assert capacity[3] == f"{_('Centre')} – {c.name} (GAO)" and capacity[6] == "77"
    created = next(t for t in texts if view.case_number in t[3])
    assert created[3] == f"{_('Resident')} – Traoré Aïssata ({view.case_number})"
    leftovers = [value for t in texts for value in t[3:7]
                 if "{" in (value or "") or any(name in (value or "") for name in ("first_name", "last_name", "True"))]
    assert not leftovers, leftovers
    row = next(r for r in range(tab.model.rowCount()) if tab.model.data(tab.model.index(r, 2)) == AuditAction.CREATE.label
               and "Traoré" in tab.model.data(tab.model.index(r, 3)))
    full = tab.model.data(tab.model.index(row, 6), Qt.ItemDataRole.ToolTipRole)
    assert f"{_('First name')}: Aïssata" in full and f"{_('Last name')}: Traoré" in full
    assert "search text" not in full and "centre id" not in full


def test_every_setting_has_a_label_in_words(qtbot, qsettings_isolated, db, admin):
    """No raw key (``grant.default.transport``) as a label on the settings screen, in either language."""
    from PySide6.QtWidgets import QFormLayout, QLabel

    from transit_centre.db.settings import DEFAULTS
    from transit_centre.i18n import set_language
    from transit_centre.ui.admin.settings import SETTING_LABELS

    assert set(DEFAULTS) <= set(SETTING_LABELS)
    for language in ("fr", "en"):
        set_language(language)
        page = _page(qtbot, db, admin)
        tab = page.show_tab("settings")
        form = tab.findChild(QFormLayout)
        labels = [form.itemAt(r, QFormLayout.ItemRole.LabelRole).widget().text() for r in range(form.rowCount())
                  if form.itemAt(r, QFormLayout.ItemRole.LabelRole) is not None
                  and isinstance(form.itemAt(r, QFormLayout.ItemRole.LabelRole).widget(), QLabel)]
        assert labels and not [text for text in labels if text in DEFAULTS or "." in text.split(" ")[0]], labels

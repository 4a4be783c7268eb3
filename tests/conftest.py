"""Shared fixtures. Every test gets an empty, migrated database of its own.

The backend comes from ``TRANSIT_CENTRE_TEST_DATABASE_URL``: unset means a SQLite file in the
test's temporary folder; a PostgreSQL URL runs the same tests against that server (CI does
both). Qt runs offscreen; settings and logs go to a temporary folder, never the user's.
"""
from __future__ import annotations

import gc
import os
import tempfile
import uuid
from collections.abc import Iterator

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_TMP_HOME = tempfile.mkdtemp(prefix="tc-tests-")
os.environ["TRANSIT_CENTRE_DATA_DIR"] = _TMP_HOME
os.environ.pop("TRANSIT_CENTRE_DATABASE_URL", None)

import pytest  # noqa: E402
from sqlalchemy import create_engine, select, text  # noqa: E402

from transit_centre.db.base import Base  # noqa: E402
from transit_centre.db.engine import Database, sqlite_url  # noqa: E402
from transit_centre.enums import Role  # noqa: E402
from transit_centre.i18n import set_language  # noqa: E402
from transit_centre.security.permissions import Actor  # noqa: E402

import transit_centre.db.models  # noqa: E402,F401

from support.database import TEST_URL  # noqa: E402


def backend_name() -> str:
    return "postgresql" if TEST_URL else "sqlite"


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def empty_db(tmp_path) -> Iterator[Database]:
    """A database with no tables at all (for migration tests)."""
    if TEST_URL:
        _reset_postgres(TEST_URL)
        db = Database(TEST_URL)
    else:
        db = Database(sqlite_url(tmp_path / "test.sqlite3"))
    yield db
    db.dispose()


@pytest.fixture
def db(empty_db: Database) -> Database:
    """A database with the current schema and the reference data (centres, roles)."""
    from transit_centre.admin.centres import seed_centres
    from transit_centre.protection.flags import seed_flag_types
    from transit_centre.security.users import seed_roles

    Base.metadata.create_all(empty_db.engine)
    with empty_db.transaction(Actor.system()) as s:
        seed_roles(s)
        seed_centres(s)
        seed_flag_types(s)
    return empty_db


@pytest.fixture(autouse=True)
def _collect_on_main_thread() -> Iterator[None]:
    """As in the application (ui/common/gc_guard.py): garbage is collected on the GUI thread only,
    never inside a background task that happens to allocate while Qt objects await collection."""
    from PySide6.QtWidgets import QApplication

    from transit_centre.ui.common import gc_guard

    app = QApplication.instance()
    if app is not None:
        gc_guard.install(app)
    else:
        gc.disable()
    yield
    if QApplication.instance() is not None:
        # A page's background load (the dashboard...) may outlive its test: let it finish before the
        # next test drops the database under it.
        from PySide6.QtCore import QThreadPool

        QThreadPool.globalInstance().waitForDone(30000)
    gc_guard.collect_if_due()


@pytest.fixture(autouse=True)
def _french_by_default() -> Iterator[None]:
    set_language("fr")
    yield
    set_language("fr")


@pytest.fixture
def centres(db: Database) -> dict[str, uuid.UUID]:
    """Centre ids by code."""
    from transit_centre.admin.centres import list_centres

    return {c.code: c.id for c in list_centres(db, Actor.system(), only_visible=False)}


@pytest.fixture
def make_actor(centres: dict[str, uuid.UUID]):
    """``make_actor(Role.CASEWORKER, centre="GAO")``: an Actor (not stored) for service calls."""

    def make(*roles: Role, centre: str | None = "GAO", username: str | None = None) -> Actor:
        centre_id = centres[centre] if centre else None
        return Actor(
            user_id=uuid.uuid4(), username=username or "-".join(r.value for r in roles),
            full_name=(username or roles[0].label).title(), roles=frozenset(roles),
            centre_ids=frozenset({centre_id}) if centre_id else frozenset(), current_centre_id=centre_id,
        )

    return make


@pytest.fixture
def account(db: Database, centres: dict[str, uuid.UUID]):
    """``account(Role.MANAGER, centre="GAO", username="chef")``: a stored account (sessions are
    checked against it at every transaction) and its signed-in Actor."""
    from transit_centre.db.models import Centre, RoleRecord, User

    def make(*roles: Role, centre: str | None = "GAO", username: str | None = None) -> Actor:
        centre_id = centres[centre] if centre else None
        name = username or f"{'-'.join(r.value for r in roles)}-{uuid.uuid4().hex[:6]}"
        with db.transaction(Actor.system()) as s:
            user = User(username=name, full_name=name.title(), password_hash="not-a-hash")
            user.roles = list(s.scalars(select(RoleRecord).where(RoleRecord.code.in_([r.value for r in roles]))))
            user.centres = [s.get(Centre, centre_id)] if centre_id else []
            s.add(user)
            s.flush()
            user_id = user.id
        return Actor(user_id, name, name.title(), frozenset(roles),
                     frozenset({centre_id}) if centre_id else frozenset(), centre_id)

    return make


@pytest.fixture
def qsettings_isolated(tmp_path):
    """QSettings in a temporary folder (no test reads or writes the real user's settings)."""
    from PySide6.QtCore import QCoreApplication, QSettings

    QCoreApplication.setOrganizationName("IOM Mali Tests")
    QCoreApplication.setApplicationName(f"Transit Centre Tests {uuid.uuid4().hex[:8]}")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    yield


def pytest_report_header(config):
    return f"database backend: {backend_name()}" + (f" ({TEST_URL.rsplit('@', 1)[-1]})" if TEST_URL else "")

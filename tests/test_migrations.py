"""Schema changes go through Alembic: upgrade from empty, downgrade, upgrade again, and the
migrations produce exactly the tables the models describe."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

import pytest

from transit_centre.bootstrap import open_database
from transit_centre.db.base import Base
from transit_centre.db.migrate import current_revision, downgrade, head_revision, upgrade
from transit_centre.errors import DomainError


def _tables(db) -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade(empty_db):
    upgrade(empty_db)
    assert current_revision(empty_db) == head_revision()
    assert _tables(empty_db) == set(Base.metadata.tables)
    downgrade(empty_db, "base")
    assert _tables(empty_db) == set()
    upgrade(empty_db)
    assert _tables(empty_db) == set(Base.metadata.tables)


def test_migrations_match_models(empty_db):
    upgrade(empty_db)
    with empty_db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], "models changed without a migration: run alembic revision --autogenerate"


def test_newer_database_is_refused(empty_db):
    upgrade(empty_db)
    with empty_db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff_from_the_future'"))
    with pytest.raises(DomainError) as info:
        open_database(empty_db.url)
    assert "plus récente" in str(info.value)


def test_open_database_seeds_reference_data(empty_db):
    from transit_centre.admin.centres import list_centres
    from transit_centre.security.permissions import Actor

    db = open_database(empty_db.url)
    centres = list_centres(db, Actor.system())
    assert len(centres) == 14
    assert {c.town for c in centres} == {"Bamako", "Gao", "Kayes", "Ménaka", "Mopti", "Sikasso", "Tombouctou"}
    # Opening again adds nothing twice.
    db = open_database(empty_db.url)
    assert len(list_centres(db, Actor.system())) == 14
    db.dispose()

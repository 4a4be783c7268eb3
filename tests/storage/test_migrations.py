"""Schema changes go through Alembic: upgrade from empty, downgrade, upgrade again, and the
migrations produce exactly the tables the models describe."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

import pytest

from transit_centre.storage.opening import open_database
from transit_centre.db.base import Base
from transit_centre.db.migrate import current_revision, downgrade, head_revision, upgrade
from transit_centre.db.search_index import include_name, is_search_object
from transit_centre.errors import DomainError


def _tables(db) -> set[str]:
    return {t for t in inspect(db.engine).get_table_names() if not is_search_object(t)} - {"alembic_version"}


def _search_objects(db) -> set[str]:
    """The text index of resident search (db.search_index), outside the models."""
    with db.engine.connect() as conn:
        if db.is_sqlite:
            names = conn.execute(text("SELECT name FROM sqlite_master")).scalars()
        else:
            names = conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'resident'")).scalars()
        return {n for n in names if is_search_object(n)}


def _expected_search_objects(db) -> set[str]:
    if db.is_sqlite:
        return {"resident_search", "resident_search_row", "resident_search_body", "resident_search_vocab",
                "resident_search_data", "resident_search_idx", "resident_search_docsize", "resident_search_config",
                "resident_search_insert", "resident_search_update", "resident_search_delete"}
    return {"ix_resident_search_text_trgm"}


def test_upgrade_downgrade_upgrade(empty_db):
    upgrade(empty_db)
    assert current_revision(empty_db) == head_revision()
    assert _tables(empty_db) == set(Base.metadata.tables)
    assert _search_objects(empty_db) == _expected_search_objects(empty_db)
    downgrade(empty_db, "base")
    assert _tables(empty_db) == set() and _search_objects(empty_db) == set()
    upgrade(empty_db)
    assert _tables(empty_db) == set(Base.metadata.tables)
    assert _search_objects(empty_db) == _expected_search_objects(empty_db)


def test_create_all_makes_the_same_search_index_as_the_migrations(db):
    assert _search_objects(db) == _expected_search_objects(db)


def test_migrations_match_models(empty_db):
    upgrade(empty_db)
    with empty_db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": include_name})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], "models changed without a migration: run alembic revision --autogenerate"


def test_residents_of_an_older_database_are_found_after_the_upgrade(empty_db):
    """Residents written before the text index existed are indexed by the migration; a
    downgrade gives the word table back, filled."""
    import datetime as dt
    import uuid

    from transit_centre.admin.centres import seed_centres
    from transit_centre.enums import Role
    from transit_centre.registry.search import ResidentFilter, resident_page
    from transit_centre.security.permissions import Actor

    upgrade_to(empty_db, "0004_security")
    with empty_db.transaction(Actor.system()) as s:
        seed_centres(s)
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    with empty_db.engine.begin() as conn:
        centre = conn.execute(text("SELECT id FROM centre WHERE code = 'GAO'")).scalar()
        for i, (first, last) in enumerate([("Aminata", "Coulibaly"), ("Mamadou", "Traoré")]):
            case = f"GAO-2025-{i + 1:05d}"
            conn.execute(text(
                "INSERT INTO resident (id, centre_id, case_number, first_name, last_name, first_name_folded, "
                "last_name_folded, search_text, sex, dob_estimated, registered_on, consent_given, archived, "
                "created_at, updated_at, version) VALUES (:id, :centre, :case, :first, :last, :ff, :lf, :text, "
                "'F', false, :day, false, false, :now, :now, 1)"), {
                "id": uuid.uuid4().hex if empty_db.is_sqlite else uuid.uuid4(), "centre": centre, "case": case,
                "first": first, "last": last, "ff": first.lower(), "lf": last.lower().replace("é", "e"),
                "text": f"{case.lower()} {first.lower()} {last.lower().replace('é', 'e')}",
                "day": dt.date(2025, 1, 1), "now": now})
    upgrade(empty_db)
    hq = Actor(uuid.uuid4(), "hq", roles=frozenset({Role.HQ}))
    found = resident_page(empty_db, hq, ResidentFilter(text="oulib", all_centres=True))
    assert [r.last_name for r in found] == ["Coulibaly"]
    assert [r.last_name for r in resident_page(empty_db, hq, ResidentFilter(text="mamadu", all_centres=True))] == [
        "Traoré"]
    downgrade(empty_db, "0004_security")
    with empty_db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM resident_token WHERE token = 'coulibaly'")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM resident_token WHERE token = '00002'")).scalar() == 1


def upgrade_to(db, revision: str) -> None:
    from alembic import command

    from transit_centre.db.migrate import alembic_config

    command.upgrade(alembic_config(db), revision)


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


def test_the_revisions_read_from_the_files_are_alembics():
    """migrate.py reads revisions from the files without importing Alembic: the same answer."""
    from alembic.script import ScriptDirectory

    from transit_centre.db.migrate import MIGRATIONS, revisions

    def follows(r) -> tuple[str, ...]:
        down = r.down_revision
        return () if down is None else (down,) if isinstance(down, str) else tuple(down)

    script = ScriptDirectory(str(MIGRATIONS))
    assert revisions() == {r.revision: follows(r) for r in script.walk_revisions()}
    assert head_revision() == script.get_current_head()


def test_opening_an_up_to_date_database_imports_no_alembic(tmp_path):
    import os
    import subprocess
    import sys

    from transit_centre.db.engine import sqlite_url

    url = sqlite_url(tmp_path / "tc.sqlite3")
    script = ("import sys\nfrom transit_centre.storage.opening import open_database\n"
              "open_database(sys.argv[1]).dispose()\nprint('ALEMBIC=' + str('alembic' in sys.modules))\n")
    env = {**os.environ, "TRANSIT_CENTRE_DATA_DIR": str(tmp_path)}
    env.pop("TRANSIT_CENTRE_DATABASE_URL", None)
    runs = [subprocess.run([sys.executable, "-c", script, url], capture_output=True, text=True, env=env, timeout=120)
            for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[-1].stderr
    assert "ALEMBIC=True" in runs[0].stdout  # a new database is made by the migrations
    assert "ALEMBIC=False" in runs[1].stdout

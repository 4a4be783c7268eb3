"""Schema upgrades through Alembic, and the refusal of a database newer than the application.

Opening an up-to-date database imports no Alembic: the revisions are read from the migration
files' ``revision`` and ``down_revision`` lines and the database's from ``alembic_version``
(a command such as ``transit-centre print`` starts a tenth of a second sooner). Alembic runs
only when there is something to upgrade; ``tests/storage/test_migrations.py`` checks that this reading
gives Alembic's own answer.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from transit_centre.db.engine import Database
from transit_centre.errors import DomainError
from transit_centre.i18n import _

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_REVISION = re.compile(r"""^revision\s*(?::[^=]*)?=\s*['"]([^'"]+)['"]""", re.MULTILINE)
_DOWN = re.compile(r"""^down_revision\s*(?::[^=]*)?=\s*(.*)$""", re.MULTILINE)
_QUOTED = re.compile(r"""['"]([^'"]+)['"]""")


def alembic_config(db: Database) -> Any:
    from alembic.config import Config

    config = Config()
    # Alembic's options go through ConfigParser: a "%" in the install folder must be doubled.
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    config.attributes["engine"] = db.engine
    config.attributes["database_url"] = db.url
    return config


@lru_cache(maxsize=1)
def revisions() -> dict[str, tuple[str, ...]]:
    """Every revision of the migration files and the revisions it follows."""
    found: dict[str, tuple[str, ...]] = {}
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN.search(source)
        if revision is None or down is None:
            continue  # not a migration (__init__.py)
        found[revision.group(1)] = tuple(_QUOTED.findall(down.group(1)))
    return found


def head_revision() -> str | None:
    """The revision no other follows (Alembic's answer when the files do not say one)."""
    known = revisions()
    followed = {down for downs in known.values() for down in downs}
    heads = [r for r in known if r not in followed]
    if len(heads) == 1:
        return heads[0]
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        try:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except DBAPIError:  # no table yet: an empty database
            return None


def check_not_newer(db: Database) -> None:
    current = current_revision(db)
    if current is None:
        return
    if current not in revisions():
        raise DomainError(_(
            "This database was created by a newer version of Transit Centre (schema {revision}). "
            "Install the newer version of the application to open it."
        ).format(revision=current))


def upgrade(db: Database) -> None:
    """Bring the schema to the application's version; refuse a database from a newer version."""
    check_not_newer(db)
    if current_revision(db) != head_revision():
        from alembic import command

        from transit_centre.db.search_index import install

        command.upgrade(alembic_config(db), "head")
        with db.engine.begin() as connection:
            install(connection)  # a migration that rebuilt the resident table lost the search triggers


def downgrade(db: Database, revision: str = "base") -> None:
    from alembic import command

    command.downgrade(alembic_config(db), revision)

"""Schema upgrades through Alembic, and the refusal of a database newer than the application."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from transit_centre.db.engine import Database
from transit_centre.errors import DomainError
from transit_centre.i18n import _

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(db: Database) -> Config:
    config = Config()
    # Alembic's options go through ConfigParser: a "%" in the install folder must be doubled.
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    config.attributes["engine"] = db.engine
    config.attributes["database_url"] = db.url
    return config


def head_revision() -> str | None:
    script = ScriptDirectory(str(MIGRATIONS))
    return script.get_current_head()


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check_not_newer(db: Database) -> None:
    current = current_revision(db)
    if current is None:
        return
    script = ScriptDirectory(str(MIGRATIONS))
    known = {rev.revision for rev in script.walk_revisions()}
    if current not in known:
        raise DomainError(_(
            "This database was created by a newer version of Transit Centre (schema {revision}). "
            "Install the newer version of the application to open it."
        ).format(revision=current))


def upgrade(db: Database) -> None:
    """Bring the schema to the application's version; refuse a database from a newer version."""
    check_not_newer(db)
    if current_revision(db) != head_revision():
        command.upgrade(alembic_config(db), "head")


def downgrade(db: Database, revision: str = "base") -> None:
    command.downgrade(alembic_config(db), revision)

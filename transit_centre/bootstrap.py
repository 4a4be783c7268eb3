"""Opening a database for the application or the command line: upgrade, then reference data."""
from __future__ import annotations

from transit_centre.admin.centres import seed_centres
from transit_centre.db.engine import Database
from transit_centre.db.migrate import upgrade
from transit_centre.security.permissions import Actor
from transit_centre.security.users import seed_roles


def open_database(url: str | None = None) -> Database:
    """Connect, bring the schema up to date (refusing a newer one) and add missing reference data."""
    db = Database(url)
    upgrade(db)
    with db.transaction(Actor.system()) as s:
        seed_roles(s)
        seed_centres(s)
    return db

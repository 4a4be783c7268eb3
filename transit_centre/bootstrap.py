"""Opening a database for the application or the command line: upgrade, then reference data."""
from __future__ import annotations

from transit_centre.admin.centres import seed_centres
from transit_centre.casework.flags import seed_flag_types
from transit_centre.db.engine import Database
from transit_centre.db.migrate import upgrade
from transit_centre.security.backup import check_integrity
from transit_centre.security.permissions import Actor
from transit_centre.security.users import seed_roles


def open_database(url: str | None = None) -> Database:
    """Connect, check the file, bring the schema up to date (refusing a newer one), add reference data.

    Raises ``security.backup.DamagedDatabase`` when the SQLite file fails ``PRAGMA quick_check``.
    """
    db = Database(url)
    check_integrity(db)  # a damaged file is refused before anything writes to it
    upgrade(db)
    with db.transaction(Actor.system()) as s:
        seed_roles(s)
        seed_centres(s)
        seed_flag_types(s)
    return db

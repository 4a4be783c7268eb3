"""Opening a database for the application or the command line: upgrade, then reference data."""
from __future__ import annotations

from transit_centre.admin.centres import seed_centres
from transit_centre.protection.flags import seed_flag_types
from transit_centre.db.engine import Database
from transit_centre.db.migrate import upgrade
from transit_centre.storage.integrity import check_before_use
from transit_centre.security.permissions import Actor
from transit_centre.security.users import seed_roles


def open_database(url: str | None = None, *, background_check: bool = False, key: bytes | None = None) -> Database:
    """Connect, check the file, bring the schema up to date (refusing a newer one), add reference data.

    The SQLite file is checked (``PRAGMA quick_check``) before anything writes to it, unless it
    was closed cleanly by the application and is untouched since (``integrity``): then a
    command checks it only when its last check is a week old, and the window
    (``background_check``) checks it after it shows. Raises ``storage.backup.DamagedDatabase``
    when the check fails. ``key``: the key of an encrypted SQLite file (``storage.at_rest``
    unwraps it at sign-in); an encrypted file opened without it is refused with a clear message.
    """
    if key is None:
        from transit_centre.security.slots import refuse_locked

        refuse_locked(url)
    db = Database(url, key=key)
    check_before_use(db, background=background_check)  # a damaged file is refused before anything writes
    upgrade(db)
    with db.transaction(Actor.system()) as s:
        seed_roles(s)
        seed_centres(s)
        seed_flag_types(s)
    return db

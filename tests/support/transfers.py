"""Two centres with separate databases (and headquarters): the transfer tests' world."""
from __future__ import annotations

import uuid
from pathlib import Path

from transit_centre.db.base import Base
from transit_centre.db.engine import Database
from transit_centre.enums import Role
from transit_centre.localconfig import sqlite_url
from transit_centre.protection import flags
from transit_centre.security.keys import export_public_key, register_public_key
from transit_centre.security.permissions import Actor


def centre_database(tmp_path: Path, name: str) -> Database:
    from transit_centre.admin.centres import seed_centres
    from transit_centre.security.users import seed_roles

    db = Database(sqlite_url(tmp_path / f"{name}.sqlite3"))
    Base.metadata.create_all(db.engine)
    with db.transaction(Actor.system()) as s:
        seed_roles(s)
        seed_centres(s)
        flags.seed_flag_types(s)
    return db


def centre_id(db: Database, code: str) -> uuid.UUID:
    from transit_centre.reports.export import centre_id_by_code

    return centre_id_by_code(db, code)


def actor(db: Database, code: str | None, *roles: Role, name: str = "") -> Actor:
    centre = centre_id(db, code) if code else None
    return Actor(uuid.uuid4(), name or "-".join(r.value for r in roles), (name or roles[0].value).title(),
                 frozenset(roles), frozenset({centre}) if centre else frozenset(), centre)


def exchange_keys(a: Database, a_code: str, b: Database, b_code: str) -> None:
    """Each centre registers the other's key (after comparing fingerprints by phone)."""
    data_a, _fa = export_public_key(a, Actor.system(), centre_id(a, a_code))
    data_b, _fb = export_public_key(b, Actor.system(), centre_id(b, b_code))
    register_public_key(b, Actor.system(), data_a)
    register_public_key(a, Actor.system(), data_b)



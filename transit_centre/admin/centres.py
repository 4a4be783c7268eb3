"""Centres: reference data shipped with the application, listed and edited by administrators."""
from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from transit_centre.common import Errors, check_version, get
from transit_centre.db.engine import Database
from transit_centre.db.models import Centre
from transit_centre.enums import CentreKind
from transit_centre.i18n import _
from transit_centre.paths import resources_dir
from transit_centre.security.permissions import Actor, Permission


@dataclass(frozen=True)
class CentreView:
    id: uuid.UUID
    code: str
    name: str
    town: str
    region: str
    capacity: int
    kind: CentreKind
    active: bool
    name_confirmed: bool
    version: int

    @property
    def display(self) -> str:
        return f"{self.code} – {self.name}"


def _view(c: Centre) -> CentreView:
    return CentreView(c.id, c.code, c.name, c.town, c.region, c.capacity, c.kind, c.active,
                      c.name_confirmed, c.version)


def reference_centres() -> list[dict[str, str]]:
    path = resources_dir() / "reference" / "centres.csv"
    with path.open(encoding="utf-8") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return list(csv.DictReader(lines))


def seed_centres(session: Session) -> int:
    """Insert the reference centres that are missing (by code). Returns how many were added."""
    existing = set(session.scalars(select(Centre.code)))
    added = 0
    for row in reference_centres():
        if row["code"] in existing:
            continue
        session.add(Centre(
            code=row["code"], name=row["name"], town=row["town"], region=row["region"],
            kind=CentreKind(row["kind"]), capacity=int(row["capacity"]),
            name_confirmed=row["name_confirmed"] == "1", active=True,
        ))
        added += 1
    return added


def list_centres(db: Database, actor: Actor, *, include_inactive: bool = False,
                 only_visible: bool = True) -> list[CentreView]:
    """Centres sorted by code; by default only those this user works in."""
    with db.transaction(actor, readonly=True) as s:
        query = select(Centre).order_by(Centre.code)
        if not include_inactive:
            query = query.where(Centre.active.is_(True))
        visible = actor.visible_centres() if only_visible else None
        if visible is not None:
            query = query.where(Centre.id.in_(visible))
        return [_view(c) for c in s.scalars(query)]


def get_centre(db: Database, actor: Actor, centre_id: uuid.UUID) -> CentreView:
    with db.transaction(actor, readonly=True) as s:
        return _view(get(s, Centre, centre_id, _("centre")))


def centre_by_code(db: Database, code: str) -> CentreView | None:
    with db.transaction(None, readonly=True) as s:
        centre = s.scalar(select(Centre).where(Centre.code == code.upper()))
        return _view(centre) if centre else None


def update_centre(db: Database, actor: Actor, centre_id: uuid.UUID, *, name: str, town: str,
                  region: str, capacity: int, kind: CentreKind, active: bool,
                  expected_version: int | None = None) -> CentreView:
    """An administrator corrects a centre (a corrected name counts as confirmed)."""
    actor.require(Permission.CENTRE_ADMIN)
    errors = Errors()
    name_ = errors.text("name", name, required=True)
    town_ = errors.text("town", town, required=True, max_length=100)
    region_ = errors.text("region", region, required=True, max_length=100)
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 0 or capacity > 10000:
        errors.add("capacity", _("Capacity must be a whole number between 0 and 10,000."))
    try:
        kind = CentreKind(kind)
    except ValueError:
        errors.add("kind", _("Choose the kind of centre."))
    errors.raise_if_any()
    with db.transaction(actor) as s:
        centre = get(s, Centre, centre_id, _("centre"))
        check_version(centre, expected_version)
        if name_ != centre.name:
            centre.name_confirmed = True
        centre.name, centre.town, centre.region = name_, town_, region_
        centre.capacity, centre.kind, centre.active = capacity, kind, bool(active)
        s.flush()
        return _view(centre)

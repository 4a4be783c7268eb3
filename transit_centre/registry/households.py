"""Families and groups travelling together: created in a centre, members added with a role."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from transit_centre.common import Errors, check_version, fold, get
from transit_centre.db.engine import Database
from transit_centre.db.models import Household, Resident
from transit_centre.enums import HouseholdKind, HouseholdRole
from transit_centre.errors import RuleViolation
from transit_centre.i18n import _
from transit_centre.registry.residents import ResidentView, load_resident, view
from transit_centre.security.permissions import Actor, Permission


@dataclass(frozen=True)
class HouseholdView:
    id: uuid.UUID
    centre_id: uuid.UUID
    name: str
    kind: HouseholdKind
    members: int
    version: int


def create_household(db: Database, actor: Actor, name: str, kind: HouseholdKind | str = HouseholdKind.FAMILY,
                     centre_id: uuid.UUID | None = None) -> HouseholdView:
    centre_id = centre_id or actor.current_centre_id
    actor.require(Permission.RESIDENT_WRITE)
    if centre_id is None:
        raise RuleViolation(_("Choose the centre the resident is registered in."))
    actor.require(Permission.RESIDENT_WRITE, centre_id)
    errors = Errors()
    name_ = errors.text("name", name, required=True)
    try:
        kind_ = HouseholdKind(kind)
    except ValueError:
        errors.add("kind", _("This value is not one of the choices."))
    errors.raise_if_any()
    with db.transaction(actor) as s:
        household = Household(centre_id=centre_id, name=name_, kind=kind_, created_by=actor.user_id)
        s.add(household)
        s.flush()
        return HouseholdView(household.id, centre_id, household.name, household.kind, 0, household.version)


def list_households(db: Database, actor: Actor, centre_id: uuid.UUID | None = None, text: str = "",
                    limit: int = 200) -> list[HouseholdView]:
    """Households of a centre, newest first, optionally those whose name contains ``text``."""
    centre_id = centre_id or actor.current_centre_id
    actor.require(Permission.RESIDENT_READ, centre_id)
    with db.transaction(actor, readonly=True) as s:
        members = (select(Resident.household_id, func.count(Resident.id).label("n"))
                   .where(Resident.household_id.is_not(None)).group_by(Resident.household_id).subquery())
        query = (select(Household, func.coalesce(members.c.n, 0))
                 .outerjoin(members, members.c.household_id == Household.id)
                 .order_by(Household.created_at.desc()).limit(limit))
        if centre_id is not None:
            query = query.where(Household.centre_id == centre_id)
        rows = s.execute(query).all()
        wanted = fold(text)
        return [HouseholdView(h.id, h.centre_id, h.name, h.kind, n, h.version)
                for h, n in rows if not wanted or wanted in fold(h.name)]


def add_member(db: Database, actor: Actor, household_id: uuid.UUID, resident_id: uuid.UUID,
               role: HouseholdRole | str, expected_version: int | None = None) -> ResidentView:
    """Put a resident in a household (moving them out of any other one)."""
    try:
        role_ = HouseholdRole(role)
    except ValueError:
        errors = Errors()
        errors.add("role", _("This value is not one of the choices."))
        errors.raise_if_any()
    with db.transaction(actor) as s:
        resident = load_resident(s, actor, resident_id, Permission.RESIDENT_WRITE)
        check_version(resident, expected_version)
        household = get(s, Household, household_id, _("household"))
        if household.centre_id != resident.centre_id:
            raise RuleViolation(_("This household belongs to another centre."))
        resident.household_id, resident.household_role = household.id, role_
        s.flush()
        return view(resident)


def remove_member(db: Database, actor: Actor, resident_id: uuid.UUID,
                  expected_version: int | None = None) -> ResidentView:
    with db.transaction(actor) as s:
        resident = load_resident(s, actor, resident_id, Permission.RESIDENT_WRITE)
        check_version(resident, expected_version)
        if resident.household_id is None:
            raise RuleViolation(_("This resident is not in a household."))
        resident.household_id, resident.household_role = None, None
        s.flush()
        return view(resident)

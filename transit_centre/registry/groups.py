"""The returnee group of a resident: Malian returning home, international migrant or internally
displaced person (IDP), as the annual report splits its figures.

Derived where it can be: from the latest return case that is not cancelled (a return home to Mali
or to another country), else from the nationality (Mali: a Malian returning home; another
country: an international migrant; none: not known). An IDP is never derived: a caseworker sets
it, and a group set by a caseworker stays until they clear it (``registry.residents.set_returnee_group(None)``
derives it again). Each change is in the audit log (the resident's ``returnee_group`` field).
"""
from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from transit_centre.db.models import Resident, ReturnCase
from transit_centre.enums import ReturneeGroup, ReturnStatus, ReturnType


def derive_group(nationality: str | None, return_type: ReturnType | str | None = None) -> ReturneeGroup | None:
    """The group a resident's nationality and return destination tell (None: not known)."""
    if return_type is not None:
        return (ReturneeGroup.MALIAN_RETURNEE if ReturnType(return_type) == ReturnType.MALIAN_HOME
                else ReturneeGroup.INTERNATIONAL)
    if not nationality:
        return None
    return ReturneeGroup.MALIAN_RETURNEE if nationality.upper() == "ML" else ReturneeGroup.INTERNATIONAL


def latest_return_type(session: Session, resident_id: uuid.UUID) -> ReturnType | None:
    """The type of the resident's latest return case that is not cancelled."""
    with session.no_autoflush:
        return session.scalar(
            select(ReturnCase.return_type)
            .where(ReturnCase.resident_id == resident_id, ReturnCase.status != ReturnStatus.CANCELLED)
            .order_by(ReturnCase.opened_on.desc(), ReturnCase.created_at.desc()).limit(1))


def refresh_group(session: Session, resident: Resident, return_type: ReturnType | str | None = None) -> None:
    """Derive the group again after the nationality or a return case changed (a group a
    caseworker set is kept). ``return_type``: the case being saved, when it is not flushed yet."""
    if resident.returnee_group_manual:
        return
    if return_type is None and resident.id is not None:
        return_type = latest_return_type(session, resident.id)
    group = derive_group(resident.nationality, return_type)
    if resident.returnee_group != group:
        resident.returnee_group = group


__all__ = ["derive_group", "latest_return_type", "refresh_group"]

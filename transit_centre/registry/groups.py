"""The returnee group of a resident: Malian returning home, international migrant or internally
displaced person (IDP), as the annual report splits its figures.

Derived where it can be: from the latest return case that is not cancelled (a return home to Mali
or to another country), else from the nationality (Mali: a Malian returning home; another
country: an international migrant; none: not known). An IDP is never derived: a caseworker sets
it, and a group set by a caseworker stays until they clear it (``set_returnee_group(None)``
derives it again). Each change is in the audit log (the resident's ``returnee_group`` field).
"""
from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from transit_centre.common import check_version
from transit_centre.db.engine import Database
from transit_centre.db.models import Resident, ReturnCase
from transit_centre.enums import ReturneeGroup, ReturnStatus, ReturnType
from transit_centre.errors import ValidationError
from transit_centre.i18n import _
from transit_centre.security.permissions import Actor, Permission


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


def set_returnee_group(db: Database, actor: Actor, resident_id: uuid.UUID, group: ReturneeGroup | str | None,
                       expected_version: int | None = None):  # noqa: ANN201 - ResidentView
    """A caseworker sets the resident's group (``None``: derive it again from the nationality and
    the return destination). Audited like every change of the resident."""
    from transit_centre.registry.residents import load_resident, view

    try:
        wanted = ReturneeGroup(group) if group else None
    except ValueError:
        raise ValidationError({"returnee_group": _("This value is not one of the choices.")}) from None
    with db.transaction(actor) as s:
        resident = load_resident(s, actor, resident_id, Permission.RESIDENT_WRITE)
        check_version(resident, expected_version)
        if wanted is None:
            resident.returnee_group_manual = False
            refresh_group(s, resident)
        else:
            resident.returnee_group_manual = True
            resident.returnee_group = wanted
        s.flush()
        return view(resident)


__all__ = ["derive_group", "latest_return_type", "refresh_group", "set_returnee_group"]

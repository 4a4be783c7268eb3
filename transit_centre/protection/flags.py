"""Flags with operational effect: defined by administrators, set on residents with a reason,
and enforced by the services where the action happens (check-out, departure, transfer,
disbursement), not only hidden in the screens."""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from transit_centre.enums import FlagEffect
from transit_centre.common import Errors, as_uuid, check_version, get
from transit_centre.db.base import utcnow
from transit_centre.db.engine import Database
from transit_centre.db.models import FlagType, Resident, ResidentFlag
from transit_centre.errors import DomainError, RuleViolation
from transit_centre.i18n import N_, _, current_language
from transit_centre.security.permissions import Actor, Permission

# Flag types shipped as examples; administrators edit or deactivate them and add their own.
DEFAULT_FLAG_TYPES: list[tuple[str, str, str, list[FlagEffect]]] = [
    ("do_not_release", "Ne pas laisser partir sans l'agent de protection",
     "Do not release without protection officer",
     [FlagEffect.BLOCK_CHECK_OUT, FlagEffect.BLOCK_TRANSFER, FlagEffect.BLOCK_DISBURSEMENT,
      FlagEffect.ADVISE_CHECK_IN]),
    ("payments_suspended", "Paiements suspendus", "Payments suspended", [FlagEffect.BLOCK_DISBURSEMENT]),
    ("medical_isolation", "Isolement médical", "Medical isolation",
     [FlagEffect.ADVISE_CHECK_IN, FlagEffect.BLOCK_TRANSFER]),
    ("not_transferable", "Non transférable", "Not transferable", [FlagEffect.BLOCK_TRANSFER]),
    ("advise_check_in", "Avis à l'arrivée", "Advise at check-in",
     [FlagEffect.ADVISE_CHECK_IN, FlagEffect.ADVISE_CHECK_OUT]),
]

_BLOCK_MESSAGES = {
    FlagEffect.BLOCK_CHECK_OUT: N_("Check-out and departure are refused: flag «{flag}» ({reason})."),
    FlagEffect.BLOCK_DISBURSEMENT: N_("Cash disbursement is refused: flag «{flag}» ({reason})."),
    FlagEffect.BLOCK_TRANSFER: N_("Transfer is refused: flag «{flag}» ({reason})."),
}


@dataclass(frozen=True)
class FlagTypeView:
    id: uuid.UUID
    code: str
    name: str
    name_fr: str
    name_en: str
    effects: tuple[FlagEffect, ...]
    active: bool
    version: int


@dataclass(frozen=True)
class ResidentFlagView:
    id: uuid.UUID
    resident_id: uuid.UUID
    flag_type_id: uuid.UUID
    name: str
    effects: tuple[FlagEffect, ...]
    reason: str
    set_on: dt.date
    set_by_name: str
    active: bool
    removed_at: dt.datetime | None
    removal_reason: str | None
    version: int


def _name(flag_type: FlagType) -> str:
    return flag_type.name_en if current_language() == "en" else flag_type.name_fr


def _effects(flag_type: FlagType) -> tuple[FlagEffect, ...]:
    return tuple(FlagEffect(e) for e in flag_type.effects or [])


def _type_view(t: FlagType) -> FlagTypeView:
    return FlagTypeView(t.id, t.code, _name(t), t.name_fr, t.name_en, _effects(t), t.active, t.version)


def _flag_view(f: ResidentFlag) -> ResidentFlagView:
    return ResidentFlagView(f.id, f.resident_id, f.flag_type_id, _name(f.flag_type), _effects(f.flag_type),
                            f.reason, f.set_on, f.set_by_name, f.removed_at is None, f.removed_at,
                            f.removal_reason, f.version)


def seed_flag_types(session: Session) -> None:
    existing = set(session.scalars(select(FlagType.code)))
    for code, name_fr, name_en, effects in DEFAULT_FLAG_TYPES:
        if code not in existing:
            session.add(FlagType(code=code, name_fr=name_fr, name_en=name_en,
                                 effects=[e.value for e in effects], active=True))


def list_flag_types(db: Database, actor: Actor, *, include_inactive: bool = False) -> list[FlagTypeView]:
    with db.transaction(actor, readonly=True) as s:
        query = select(FlagType).order_by(FlagType.code)
        if not include_inactive:
            query = query.where(FlagType.active.is_(True))
        return [_type_view(t) for t in s.scalars(query)]


def save_flag_type(db: Database, actor: Actor, *, code: str, name_fr: str, name_en: str,
                   effects: list[FlagEffect], active: bool = True, flag_type_id: uuid.UUID | None = None,
                   expected_version: int | None = None) -> FlagTypeView:
    """Create or edit a flag type (administrators)."""
    actor.require(Permission.FLAG_ADMIN)
    errors = Errors()
    code_ = errors.text("code", code, required=True, max_length=40)
    if code_ and not code_.replace("_", "").isalnum():
        errors.add("code", _("Use letters, digits and _ only."))
    name_fr_ = errors.text("name_fr", name_fr, required=True)
    name_en_ = errors.text("name_en", name_en, required=True)
    try:
        effects_ = sorted({FlagEffect(e).value for e in effects})
    except ValueError:
        errors.add("effects", _("Unknown effect."))
        effects_ = []
    errors.raise_if_any()
    with db.transaction(actor) as s:
        clash = s.scalar(select(FlagType).where(FlagType.code == code_))
        if flag_type_id is None:
            if clash is not None:
                raise DomainError(_("This code is already used."), "code")
            flag_type = FlagType(code=code_)
            s.add(flag_type)
        else:
            flag_type = get(s, FlagType, flag_type_id, _("flag type"))
            check_version(flag_type, expected_version)
            if clash is not None and clash.id != flag_type.id:
                raise DomainError(_("This code is already used."), "code")
            flag_type.code = code_
        flag_type.name_fr, flag_type.name_en = name_fr_, name_en_
        flag_type.effects, flag_type.active = effects_, active
        s.flush()
        return _type_view(flag_type)


def _resident_centre(session: Session, resident_id: uuid.UUID) -> uuid.UUID:
    return get(session, Resident, resident_id, _("resident")).centre_id


def set_flag(db: Database, actor: Actor, resident_id: uuid.UUID, flag_type_id: uuid.UUID,
             reason: str, on: dt.date | None = None) -> ResidentFlagView:
    """Set a flag on a resident; the reason is required and shown wherever the flag acts."""
    actor.require(Permission.FLAG_WRITE)
    errors = Errors()
    reason_ = errors.text("reason", reason, required=True, max_length=500)
    errors.raise_if_any()
    with db.transaction(actor) as s:
        actor.require(Permission.FLAG_WRITE, _resident_centre(s, resident_id))
        flag_type = get(s, FlagType, flag_type_id, _("flag type"))
        if not flag_type.active:
            raise RuleViolation(_("This flag type is no longer in use."), "flag_type")
        if s.scalar(select(ResidentFlag.id).where(
                ResidentFlag.resident_id == resident_id, ResidentFlag.flag_type_id == flag_type_id,
                ResidentFlag.removed_at.is_(None))):
            raise RuleViolation(_("This resident already has this flag."), "flag_type")
        flag = ResidentFlag(resident_id=resident_id, flag_type=flag_type, reason=reason_,
                            set_on=on or dt.date.today(), set_by_name=actor.full_name or actor.username)
        s.add(flag)
        s.flush()
        return _flag_view(flag)


def remove_flag(db: Database, actor: Actor, flag_id: uuid.UUID, reason: str,
                expected_version: int | None = None) -> ResidentFlagView:
    """Lift a flag; the reason is kept with the flag and in the audit log."""
    actor.require(Permission.FLAG_WRITE)
    errors = Errors()
    reason_ = errors.text("reason", reason, required=True, max_length=500)
    errors.raise_if_any()
    with db.transaction(actor) as s:
        flag = get(s, ResidentFlag, flag_id, _("flag"))
        actor.require(Permission.FLAG_WRITE, _resident_centre(s, flag.resident_id))
        check_version(flag, expected_version)
        if flag.removed_at is not None:
            raise RuleViolation(_("This flag was already removed."))
        flag.removed_at, flag.removed_by, flag.removal_reason = utcnow(), actor.user_id, reason_
        s.flush()
        return _flag_view(flag)


def resident_flags(db: Database, actor: Actor, resident_id: uuid.UUID, *,
                   include_removed: bool = False) -> list[ResidentFlagView]:
    actor.require(Permission.RESIDENT_READ)
    with db.transaction(actor, readonly=True) as s:
        actor.require(Permission.RESIDENT_READ, _resident_centre(s, resident_id))
        query = select(ResidentFlag).where(ResidentFlag.resident_id == resident_id).order_by(ResidentFlag.set_on)
        if not include_removed:
            query = query.where(ResidentFlag.removed_at.is_(None))
        return [_flag_view(f) for f in s.scalars(query)]


# -- hooks the other services call inside their own transaction -----------------------------

def _active_with(session: Session, resident_id: uuid.UUID, effect: FlagEffect) -> list[ResidentFlag]:
    flags = session.scalars(select(ResidentFlag).join(FlagType).where(
        ResidentFlag.resident_id == resident_id, ResidentFlag.removed_at.is_(None),
        FlagType.active.is_(True)))
    return [f for f in flags if effect.value in (f.flag_type.effects or [])]


def enforce_flags(session: Session, resident_id: uuid.UUID, effect: FlagEffect) -> None:
    """Raise ``RuleViolation`` naming each active flag (and its reason) that refuses ``effect``."""
    flags = _active_with(session, resident_id, effect)
    if flags:
        template = _(_BLOCK_MESSAGES[effect])
        raise RuleViolation("\n".join(template.format(flag=_name(f.flag_type), reason=f.reason) for f in flags))


def advice(db: Database, actor: Actor, resident_id: uuid.UUID, effect: FlagEffect) -> list[str]:
    """The advice lines a screen shows before checking a resident in or out."""
    actor.require(Permission.RESIDENT_READ)
    with db.transaction(actor, readonly=True) as s:
        return flag_advice(s, as_uuid(resident_id), effect)


def flag_advice(session: Session, resident_id: uuid.UUID, effect: FlagEffect) -> list[str]:
    """Advice lines to show at check-in or check-out (flag name: reason)."""
    return [_("{flag}: {reason}").format(flag=_name(f.flag_type), reason=f.reason)
            for f in _active_with(session, resident_id, effect)]

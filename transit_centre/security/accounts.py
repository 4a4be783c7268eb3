"""User administration: list, edit roles and centres, disable, reset and change passwords.

Creation and sign-in live in ``security.users``; this module holds what an administrator does
afterwards. Every edit takes ``expected_version`` (two administrators editing the same account:
the second save is refused). The last active administrator can be neither disabled nor
demoted, so the application never ends up without anybody able to manage accounts.
"""
from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from transit_centre.common import Errors, check_version, get
from transit_centre.db.audit import audit_entry
from transit_centre.db.base import utcnow
from transit_centre.db.engine import Database
from transit_centre.db.models import Centre, RoleRecord, User
from transit_centre.enums import AuditAction, Role
from transit_centre.errors import DomainError, RuleViolation
from transit_centre.i18n import _
from transit_centre.security.permissions import Actor, Permission
from transit_centre.security.users import (
    UserView,
    _roles,
    _view,
    record_failed_password,
    hash_password,
    parse_roles,
    password_matches,
    password_problem,
)

# Minutes without keyboard or mouse activity before the window locks (0 = never).
LOCK_MINUTES_KEY = "security.lock_minutes"

_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def generate_temporary_password(length: int = 12) -> str:
    """A password easy to read aloud or copy (no 0/O, 1/l), in groups of four."""
    raw = "".join(secrets.choice(_PASSWORD_ALPHABET) for _i in range(length))
    return "-".join(raw[i:i + 4] for i in range(0, length, 4))


def _user(session: Session, user_id: uuid.UUID) -> User:
    return get(session, User, user_id, _("user"))


def _active_admin_ids(session: Session) -> set[uuid.UUID]:
    query = (select(User.id).join(User.roles).where(User.active.is_(True), RoleRecord.code == Role.ADMIN.value))
    return set(session.scalars(query))


def _refuse_if_last_admin(session: Session, user: User) -> None:
    if user.id in _active_admin_ids(session) and len(_active_admin_ids(session) - {user.id}) == 0:
        raise RuleViolation(_(
            "This is the last active administrator. Give the administrator role to another "
            "account first."
        ))


def _touch(user: User) -> None:
    """Role and centre lists live in link tables; bump the account row so its version moves."""
    user.updated_at = utcnow()


def list_users(db: Database, actor: Actor, *, include_disabled: bool = True) -> list[UserView]:
    """Every account, sorted by user name (a few dozen at most, no paging needed)."""
    actor.require(Permission.USER_ADMIN)
    with db.transaction(actor, readonly=True) as s:
        query = select(User).order_by(User.username)
        if not include_disabled:
            query = query.where(User.active.is_(True))
        return [_view(u) for u in s.scalars(query)]


def get_user(db: Database, actor: Actor, user_id: uuid.UUID) -> UserView:
    if actor.user_id != user_id:
        actor.require(Permission.USER_ADMIN)
    with db.transaction(actor, readonly=True) as s:
        return _view(_user(s, user_id))


def update_user(db: Database, actor: Actor, user_id: uuid.UUID, *, full_name: str,
                roles: Iterable[Role | str], centre_ids: Iterable[uuid.UUID], language: str = "fr",
                expected_version: int | None = None) -> UserView:
    """Change an account's name, language, roles and centres."""
    actor.require(Permission.USER_ADMIN)
    errors = Errors()
    full_name_ = errors.text("full_name", full_name, required=True)
    roles_ = parse_roles(errors, roles)
    if language not in ("fr", "en"):
        errors.add("language", _("Choose French or English."))
    errors.raise_if_any()
    with db.transaction(actor) as s:
        user = _user(s, user_id)
        check_version(user, expected_version)
        old_roles = sorted(r.code for r in user.roles)
        old_centres = sorted(c.code for c in user.centres)
        if Role.ADMIN not in roles_:
            _refuse_if_last_admin(s, user)
        centres = [get(s, Centre, cid, _("centre")) for cid in dict.fromkeys(centre_ids)]
        role_records = _roles(s, roles_)
        user.full_name, user.language = full_name_, language
        user.roles = role_records
        user.centres = centres
        new_roles = sorted(r.code for r in user.roles)
        new_centres = sorted(c.code for c in centres)
        if new_roles != old_roles:
            audit_entry(s, AuditAction.UPDATE, "app_user", user.id, field="roles",
                        old=", ".join(old_roles), new=", ".join(new_roles))
        if new_centres != old_centres:
            audit_entry(s, AuditAction.UPDATE, "app_user", user.id, field="centres",
                        old=", ".join(old_centres), new=", ".join(new_centres))
        _touch(user)
        s.flush()
        return _view(user)


def set_user_active(db: Database, actor: Actor, user_id: uuid.UUID, active: bool, *,
                    expected_version: int | None = None) -> UserView:
    """Disable an account (it can no longer sign in; its history stays) or enable it again."""
    actor.require(Permission.USER_ADMIN)
    with db.transaction(actor) as s:
        user = _user(s, user_id)
        check_version(user, expected_version)
        if not active:
            _refuse_if_last_admin(s, user)
        if user.active != bool(active):
            user.active = bool(active)
            if active:
                user.failed_logins, user.locked_until = 0, None
        s.flush()
        if not active:
            from transit_centre.security.slots import drop_slot

            drop_slot(db, user.username)  # its password no longer opens the database file either
        return _view(user)


def reset_password(db: Database, actor: Actor, user_id: uuid.UUID, temporary_password: str, *,
                   expected_version: int | None = None) -> UserView:
    """Give an account a temporary password; its owner must choose a new one at next sign-in.

    Also lifts a lockout: the usual reason for a reset is a forgotten password.
    """
    actor.require(Permission.USER_ADMIN)
    problem = password_problem(temporary_password)
    if problem:
        raise DomainError(problem, "password")
    with db.transaction(actor) as s:
        user = _user(s, user_id)
        check_version(user, expected_version)
        user.password_hash = hash_password(temporary_password)
        user.must_change_password = True
        user.failed_logins, user.locked_until = 0, None
        s.flush()
        if user.active:
            from transit_centre.security.slots import follow_password

            follow_password(db, user.username, temporary_password)
        return _view(user)


def password_change_required(db: Database, actor: Actor) -> bool:
    """True when the signed-in user still has a temporary password."""
    if actor.user_id is None:
        return False
    with db.transaction(actor, readonly=True, password_change=True) as s:
        return bool(s.scalar(select(User.must_change_password).where(User.id == actor.user_id)))


def change_own_password(db: Database, actor: Actor, current_password: str, new_password: str,
                        confirmation: str | None = None) -> None:
    """The signed-in user replaces their password (proving they know the current one)."""
    if actor.user_id is None:
        raise DomainError(_("Only a signed-in user can change their password."))
    errors = Errors()
    problem = password_problem(new_password, actor.username, actor.full_name)
    if problem:
        errors.add("new_password", problem)
    elif confirmation is not None and confirmation != new_password:
        errors.add("confirmation", _("The two passwords differ."))
    elif new_password == current_password:
        errors.add("new_password", _("Choose a password different from the current one."))
    errors.raise_if_any()
    wrong = False
    with db.transaction(actor, password_change=True) as s:
        user = _user(s, actor.user_id)
        if user.locked_until and user.locked_until > utcnow():
            raise DomainError(_("Too many wrong passwords: try again later."), "current_password")
        if not password_matches(user.password_hash, current_password):
            wrong = True
        else:
            user.password_hash = hash_password(new_password)
            user.must_change_password = False
            s.flush()
            from transit_centre.security.slots import follow_password

            follow_password(db, user.username, new_password)
    if wrong:  # counted toward the lockout and audited, like a wrong password at sign-in
        record_failed_password(db, actor.user_id, actor.username, "password change")
        raise DomainError(_("The current password is wrong."), "current_password")


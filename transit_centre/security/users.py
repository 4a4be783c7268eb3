"""User accounts: argon2 password hashes, sign-in with lockout, and the first administrator."""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from transit_centre.common import Errors, get
from transit_centre.db.audit import audit_entry
from transit_centre.db.base import utcnow
from transit_centre.db.engine import Database
from transit_centre.db.models import Centre, RoleRecord, User
from transit_centre.enums import AuditAction, Role
from transit_centre.errors import DomainError, PermissionDenied
from transit_centre.i18n import N_, _
from transit_centre.security.permissions import Actor, Permission

MIN_PASSWORD_LENGTH = 10
MAX_FAILED_LOGINS = 5
LOCKOUT_MINUTES = 15

_hasher = PasswordHasher()


@dataclass(frozen=True)
class UserView:
    id: uuid.UUID
    username: str
    full_name: str
    active: bool
    language: str
    roles: tuple[Role, ...]
    centre_ids: tuple[uuid.UUID, ...]
    locked_until: dt.datetime | None
    version: int
    must_change_password: bool = False
    last_login_at: dt.datetime | None = None

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles


def _view(user: User) -> UserView:
    return UserView(
        user.id, user.username, user.full_name, user.active, user.language,
        tuple(sorted((Role(r.code) for r in user.roles), key=lambda r: r.value)),
        tuple(c.id for c in user.centres), user.locked_until, user.version,
        bool(user.must_change_password), user.last_login_at,
    )


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(stored_hash: str, password: str | None) -> bool:
    try:
        return bool(_hasher.verify(stored_hash, password or ""))
    except (VerifyMismatchError, VerificationError, InvalidHashError, UnicodeEncodeError):
        return False


# Passwords everybody knows here: the demo accounts' (printed in the README) and the words of
# the application, tried first by anyone guessing.
KNOWN_PASSWORDS = frozenset({"transit-demo"})
APPLICATION_WORDS = ("transit", "centre", "center", "iom", "oim", "mali", "bamako", "demo", "admin",
                     "password", "motdepasse")
MIN_STRENGTH = 3  # zxcvbn's score (0-4): 3 is "safely unguessable" against an online attack

_ZXCVBN_HINTS = (  # zxcvbn's English feedback, in words the user reads in French or English
    ("common password", N_("it is one of the most common passwords")),
    ("similar to a commonly used", N_("it is very like a common password")),
    ("repeats", N_("it repeats the same characters")),
    ("sequences", N_("it is a simple sequence such as abc or 6543")),
    ("years", N_("it contains a year or a date")),
    ("dates", N_("it contains a year or a date")),
    ("keys", N_("it is a row or a pattern of keyboard keys")),
    ("keyboard", N_("it is a row or a pattern of keyboard keys")),
    ("word by itself", N_("it is a single common word")),
    ("names and surnames", N_("it is a name")),
)


def _strength_hint(warning: str) -> str:
    lowered = warning.lower()
    for marker, hint in _ZXCVBN_HINTS:
        if marker in lowered:
            return _(hint)
    return _("add a few more words")


def password_problem(password: str | None, *user_words: str | None) -> str | None:
    """Why this password is refused, or None. ``user_words``: the account's user name and full
    name (a password made of them is easy to guess)."""
    if not password or len(password) < MIN_PASSWORD_LENGTH:
        return _("The password must have at least {n} characters.").format(n=MIN_PASSWORD_LENGTH)
    if len(password) > 256:
        return _("The password must have at most {n} characters.").format(n=256)
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:
        return _("The password contains characters that cannot be typed; choose another one.")
    if password.strip().lower() in KNOWN_PASSWORDS:
        return _("This password is public (the demonstration password): choose your own.")
    from zxcvbn import zxcvbn

    from transit_centre.common import fold

    names = [fold(str(word)) for word in user_words if word]
    words = [w for name in names for w in name.replace(".", " ").split()] + \
        [name.replace(" ", "") for name in names] + list(APPLICATION_WORDS)
    letters = "".join(ch for ch in fold(password) if ch.isalpha())
    for word in sorted({w for name in names for w in name.replace(".", " ").split()}, key=len, reverse=True):
        letters = letters.replace(word, "")
    if names and not letters:
        return _("This password is made of your name: choose words nobody links to you.")
    result = zxcvbn(password[:72], user_inputs=words)  # zxcvbn reads at most 72 characters
    if result["score"] < MIN_STRENGTH:
        return _("This password is too easy to guess: {hint}. A few unrelated words, or a longer mix of "
                 "letters, digits and signs, are stronger.").format(
            hint=_strength_hint(result["feedback"].get("warning") or ""))
    return None


def parse_roles(errors: Errors, roles: Iterable[Role | str] | None) -> list[Role]:
    """Known roles only; an unknown code is a field message, not a crash."""
    result: list[Role] = []
    for r in roles or ():
        try:
            role = Role(r)
        except ValueError:
            errors.add("roles", _("Unknown role: {role}").format(role=str(r)[:40]))
            continue
        if role not in result:
            result.append(role)
    if not result and "roles" not in errors.errors:
        errors.add("roles", _("Choose at least one role."))
    return result


def seed_roles(session: Session) -> None:
    existing = set(session.scalars(select(RoleRecord.code)))
    for role in Role:
        if role.value not in existing:
            session.add(RoleRecord(code=role.value))


def _roles(session: Session, roles: Iterable[Role]) -> list[RoleRecord]:
    codes = {Role(r).value for r in roles}
    return list(session.scalars(select(RoleRecord).where(RoleRecord.code.in_(codes))))


def has_users(db: Database) -> bool:
    with db.transaction(None, readonly=True) as s:
        return bool(s.scalar(select(func.count(User.id))))


def create_user(db: Database, actor: Actor, *, username: str, full_name: str, password: str,
                roles: Iterable[Role], centre_ids: Iterable[uuid.UUID] = (),
                language: str = "fr", must_change_password: bool = False) -> UserView:
    """Create an account. Only an administrator may, except for the very first one.

    ``must_change_password``: the password is a temporary one given by the administrator.
    """
    errors = Errors()
    username_ = errors.text("username", username, required=True, max_length=64)
    if username_ and (any(ch.isspace() for ch in username_) or username_ != username_.lower()):
        errors.add("username", _("User names are lower case, without spaces."))
    full_name_ = errors.text("full_name", full_name, required=True)
    problem = password_problem(password, username_, full_name_)
    if problem:
        errors.add("password", problem)
    roles = parse_roles(errors, roles)
    errors.raise_if_any()
    with db.transaction(actor) as s:
        first = not s.scalar(select(func.count(User.id)))
        if not first:
            actor.require(Permission.USER_ADMIN)
        elif Role.ADMIN not in roles:
            raise DomainError(_("The first account must be an administrator."), "roles")
        if s.scalar(select(User.id).where(User.username == username_)):
            raise DomainError(_("This user name is already taken."), "username")
        seed_roles(s)
        s.flush()
        user = User(username=username_, full_name=full_name_, password_hash=hash_password(password),
                    language=language if language in ("fr", "en") else "fr",
                    must_change_password=bool(must_change_password))
        user.roles = _roles(s, roles)
        user.centres = [get(s, Centre, cid, _("centre")) for cid in centre_ids]
        s.add(user)
        s.flush()
        from transit_centre.security.slots import follow_password

        follow_password(db, user.username, password)  # the account's key slot (encrypted database)
        return _view(user)


def _bookkeeping(session: Session, user_id: uuid.UUID, **values: object) -> None:
    """Sign-in counters are not an edit of the account: written without moving its version
    (an administrator editing the account meanwhile gets no false conflict). Sign-ins are
    audited as LOGIN / LOGIN_FAILED entries instead."""
    session.execute(update(User).where(User.id == user_id).values(**values)
                    .execution_options(synchronize_session=False))


# A hash of nothing anyone knows: checked when there is no account to check, so a wrong user
# name takes as long as a wrong password (the time does not say whether the account exists).
_DUMMY_HASH = _hasher.hash("no account has this password: " + uuid.uuid4().hex)


def _audit_failure(session: Session, attempted: str, user_id: uuid.UUID | None, detail: str) -> None:
    entry = audit_entry(session, AuditAction.LOGIN_FAILED, "app_user", user_id, detail=detail)
    entry.username = (attempted or "")[:64]  # who tried, not "system"


def record_failed_password(db: Database, user_id: uuid.UUID, attempted: str, detail: str) -> None:
    """Count a wrong password toward the lockout (sign-in, unlock, password change) and audit it."""
    now = utcnow()
    with db.transaction(None) as s:
        user = s.get(User, user_id)
        if user is None:
            return
        failed = user.failed_logins + 1
        if failed >= MAX_FAILED_LOGINS:
            _bookkeeping(s, user.id, locked_until=now + dt.timedelta(minutes=LOCKOUT_MINUTES), failed_logins=0)
        else:
            _bookkeeping(s, user.id, failed_logins=failed)
        _audit_failure(s, attempted, user.id, detail)


def authenticate(db: Database, username: str, password: str, centre_id: uuid.UUID | None = None) -> Actor:
    """Check a password and return the signed-in ``Actor``.

    Wrong passwords are counted; after ``MAX_FAILED_LOGINS`` the account is locked for
    ``LOCKOUT_MINUTES``. Every attempt is audited with the name typed. An unknown, disabled or
    locked account gets the same answer as a wrong password, after the same work (one argon2
    check), so the dialog never tells whether an account exists or what state it is in.
    """
    bad = DomainError(_("Wrong user name or password. After {n} wrong passwords an account is locked for {minutes} "
                        "minutes; a disabled account cannot sign in.").format(n=MAX_FAILED_LOGINS,
                                                                              minutes=LOCKOUT_MINUTES))
    attempted = (username or "").strip().lower()
    now = utcnow()
    with db.transaction(None, readonly=True) as s:
        user = s.scalar(select(User).where(User.username == attempted))
        stored = user.password_hash if user is not None else _DUMMY_HASH
        try:
            matches = _hasher.verify(stored, password or "") and user is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError, UnicodeEncodeError):
            matches = False
        if user is not None:
            user_id, active = user.id, user.active
            locked = bool(user.locked_until and user.locked_until > now)
            roles = frozenset(Role(r.code) for r in user.roles)
            centres = frozenset(c.id for c in user.centres)
            full_name, name, rehash = user.full_name, user.username, _hasher.check_needs_rehash(user.password_hash)
    if user is None:
        with db.transaction(None) as s:
            _audit_failure(s, attempted, None, "unknown user name")
        raise bad
    if not active or locked:
        with db.transaction(None) as s:
            _audit_failure(s, attempted, user_id, "disabled" if not active else "locked")
        raise bad
    if not matches:
        record_failed_password(db, user_id, attempted, "wrong password")
        raise bad
    actor = Actor(user_id, name, full_name, roles, centres)
    if centre_id is not None and not actor.can_see_centre(centre_id):
        with db.transaction(None) as s:
            _audit_failure(s, attempted, user_id, "centre")
        raise PermissionDenied(_("You do not work in this centre."))
    with db.transaction(None) as s:
        if rehash:
            s.get(User, user_id).password_hash = hash_password(password)
        _bookkeeping(s, user_id, failed_logins=0, locked_until=None, last_login_at=now)
        s.info["actor"] = actor
        audit_entry(s, AuditAction.LOGIN, "app_user", user_id, centre_id=centre_id)
    return actor.with_centre(centre_id)


def user_language(db: Database, username: str) -> str | None:
    with db.transaction(None, readonly=True) as s:
        return s.scalar(select(User.language).where(User.username == (username or "").strip().lower()))

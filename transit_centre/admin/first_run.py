"""First start of a new installation: the first administrator and the centre this laptop serves.

Used by the welcome wizard (``ui/shell/welcome.py``); plain Python so it is tested without a screen.
The centre is a database setting (``site.centre_code``): on a laptop with its own SQLite file
that is the laptop's centre; the sign-in dialog preselects it.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from transit_centre.admin.centres import centre_by_code
from transit_centre.admin.settings import get_setting, set_setting
from transit_centre.common import Errors
from transit_centre.db.engine import Database
from transit_centre.enums import Role
from transit_centre.errors import RuleViolation
from transit_centre.i18n import LANGUAGES, _
from transit_centre.security.permissions import Actor
from transit_centre.security.users import create_user, has_users, password_problem

SITE_CENTRE_KEY = "site.centre_code"


@dataclass(frozen=True)
class FirstRunResult:
    user_id: uuid.UUID
    username: str
    full_name: str
    centre_id: uuid.UUID | None
    centre_code: str
    language: str
    # The recovery key of a new encrypted database: shown and printed once, stored nowhere.
    recovery_code: str | None = None


def complete_first_run(db: Database, *, username: str, full_name: str, password: str,
                       password_again: str, centre_code: str, language: str = "fr") -> FirstRunResult:
    """Create the first administrator and record the laptop's centre.

    Refused once any account exists (the wizard is for an empty database only). All field
    problems are reported at once, before anything is written.
    """
    errors = Errors()
    username_ = errors.text("username", username, required=True, max_length=64)
    if username_ and (any(ch.isspace() for ch in username_) or username_ != username_.lower()):
        errors.add("username", _("User names are lower case, without spaces."))
    full_name_ = errors.text("full_name", full_name, required=True)
    problem = password_problem(password, username_, full_name_)
    if problem:
        errors.add("password", problem)
    elif password != password_again:
        errors.add("password_again", _("The two passwords differ."))
    centre = centre_by_code(db, centre_code) if centre_code else None
    if centre is None:
        errors.add("centre", _("Choose the centre this laptop serves."))
    errors.raise_if_any()
    if has_users(db):
        raise RuleViolation(_("This database already has accounts: sign in instead."))
    assert centre is not None
    language = language if language in LANGUAGES else "fr"
    from transit_centre.security.slots import start_key_file

    recovery = start_key_file(db, username_ or "", password)  # the key file first: its slot, the recovery key
    user = create_user(db, Actor.system(), username=username_ or "", full_name=full_name,
                       password=password, roles=[Role.ADMIN], centre_ids=[centre.id], language=language)
    admin = Actor(user.id, user.username, user.full_name, frozenset({Role.ADMIN}), frozenset({centre.id}),
                  current_centre_id=centre.id)
    set_setting(db, admin, SITE_CENTRE_KEY, centre.code)
    return FirstRunResult(user.id, user.username, user.full_name, centre.id, centre.code, language, recovery)


def site_centre_code(db: Database) -> str:
    """The code of the centre this installation serves ('' when not chosen)."""
    return str(get_setting(db, SITE_CENTRE_KEY) or "")

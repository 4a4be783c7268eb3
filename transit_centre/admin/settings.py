"""Administrator settings stored in the database (shared by every laptop on a server):
organisation name and logo for printed documents, default grant amounts, thresholds.

Each setting is declared once with its default value in the store (``db.settings``); this
module is its API for the services and the screens, and changes a setting for an
administrator (checked and audited).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from transit_centre.common import clean
from transit_centre.db.engine import Database
from transit_centre.db.models import Setting
from transit_centre.db.settings import DEFAULTS, get_setting, get_settings  # noqa: F401 - the settings API
from transit_centre.errors import DomainError
from transit_centre.i18n import _
from transit_centre.security.permissions import Actor, Permission

MAX_TEXT = 2000
MAX_NUMBER = 10**12


def _checked(key: str, default: Any, value: Any) -> Any:
    """The value to store, cleaned like any text input, or a ``DomainError`` saying why not."""
    wrong = DomainError(_("Wrong kind of value for the setting {key}.").format(key=key))
    if isinstance(default, bool) or isinstance(value, bool):
        if not (isinstance(default, bool) and isinstance(value, bool)):
            raise wrong
        return value
    if isinstance(default, (int, float)):
        if not isinstance(value, (int, float)) or (isinstance(default, int) and not isinstance(value, int)):
            raise wrong
        if value != value or abs(value) > MAX_NUMBER:  # NaN, infinities, absurd sizes
            raise DomainError(_("The value of {key} is out of range.").format(key=key))
        return value
    if isinstance(default, str):
        if not isinstance(value, str):
            raise wrong
        try:
            return clean(value, MAX_TEXT) or ""
        except ValueError:
            raise DomainError(_("At most {n} characters.").format(n=MAX_TEXT)) from None
    if default is not None and not isinstance(value, type(default)):
        raise wrong
    return value


def set_setting(db: Database, actor: Actor, key: str, value: Any) -> None:
    """Change a setting (administrators only); audited like every other change."""
    actor.require(Permission.SETTINGS_ADMIN)
    if key not in DEFAULTS:
        raise DomainError(_("Unknown setting: {key}").format(key=key))
    value = _checked(key, DEFAULTS[key], value)
    with db.transaction(actor) as s:
        row = s.scalar(select(Setting).where(Setting.key == key))
        if row is None:
            s.add(Setting(key=key, value=value))
        else:
            row.value = value

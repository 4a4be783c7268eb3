"""Administrator settings stored in the database (shared by every laptop on a server):
organisation name and logo for printed documents, default grant amounts, thresholds.

Each setting is declared once in ``DEFAULTS`` with its default value; reading an unknown key
is a programming error.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from transit_centre.common import clean
from transit_centre.db.engine import Database
from transit_centre.db.models import Setting
from transit_centre.errors import DomainError
from transit_centre.i18n import _
from transit_centre.security.permissions import Actor, Permission

DEFAULTS: dict[str, Any] = {
    "organisation.name": "Organisation internationale pour les migrations (OIM) – Mali",
    "organisation.name_en": "International Organization for Migration (IOM) – Mali",
    "organisation.address": "Bamako, Mali",
    "organisation.logo_path": "",  # no logo is shipped; an administrator chooses the file
    # The office officials call about a travel letter (printed on the documents shown to them).
    "organisation.phone": "",
    "organisation.email": "",
    # How long a resident card is valid after it is printed (days).
    "badge.validity_days": 30,
}


def register_default(key: str, value: Any) -> None:
    """Capabilities declare their own settings (e.g. default grant amounts) at import time."""
    DEFAULTS.setdefault(key, value)


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


def get_setting(db: Database, key: str) -> Any:
    if key not in DEFAULTS:
        raise KeyError(key)
    with db.transaction(None, readonly=True) as s:
        row = s.scalar(select(Setting).where(Setting.key == key))
        return DEFAULTS[key] if row is None else row.value


def get_settings(db: Database, prefix: str = "") -> dict[str, Any]:
    values = {k: v for k, v in DEFAULTS.items() if k.startswith(prefix)}
    with db.transaction(None, readonly=True) as s:
        for row in s.scalars(select(Setting).where(Setting.key.startswith(prefix))):
            if row.key in DEFAULTS:
                values[row.key] = row.value
    return values


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

"""Administrator settings stored in the database (shared by every laptop on a server):
organisation name and logo for printed documents, default grant amounts, thresholds.

Each setting is declared once in ``DEFAULTS`` with its default value; reading an unknown key
is a programming error.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

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
}


def register_default(key: str, value: Any) -> None:
    """Capabilities declare their own settings (e.g. default grant amounts) at import time."""
    DEFAULTS.setdefault(key, value)


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
    default = DEFAULTS[key]
    if default is not None and not isinstance(value, type(default)) and not (
            isinstance(default, int) and isinstance(value, int)):
        raise DomainError(_("Wrong kind of value for the setting {key}.").format(key=key))
    with db.transaction(actor) as s:
        row = s.scalar(select(Setting).where(Setting.key == key))
        if row is None:
            s.add(Setting(key=key, value=value))
        else:
            row.value = value

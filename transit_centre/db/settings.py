"""The settings store: each setting declared once with its default, read by every layer.

Every setting of every capability is declared here, once, with its default (so the settings
screen lists them all without importing the capabilities). Administrators change them through
``admin.settings.set_setting`` (checked and audited). Reading an unknown key is a programming
error (``KeyError``).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from transit_centre.db.engine import Database
from transit_centre.db.models import Setting

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
    # The centre this computer works for (code), chosen in the welcome wizard (admin.first_run).
    "site.centre_code": "",
    # How many days back services, returns, grants and reintegration may be dated (admin.backdating):
    # a year, so last year's paper forms are entered before the annual report.
    "records.backdate_days": 366,
    # Roll-call: absent this many days running is flagged (casework.rollcall).
    "rollcall.absent_days": 3,
    # Backups folder; empty: the backups folder in the user's data folder (storage.backup).
    "backup.folder": "",
    # Headquarters' public key: every monthly export is encrypted for it (reports.export).
    "security.hq_public_key": "",
    # Lock the window after this many minutes without activity; 0: never (security.accounts).
    "security.lock_minutes": 10,
    # Default grant amounts in XOF, by grant kind (avrr.cash).
    "grant.default.pocket_money": 25_000,
    "grant.default.transport": 50_000,
    "grant.default.reintegration": 300_000,
    "grant.default.emergency": 15_000,
}



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

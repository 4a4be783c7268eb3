"""A centre's monthly export: the XLSX workbook for people and the data package for headquarters.

Both are made from one read-only transaction (one consistent snapshot), so the figures on the
workbook's cover reconcile with the package's records. The export is audited.
"""
from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from transit_centre.admin.settings import get_setting, set_setting
from transit_centre.db import audit_chain
from transit_centre.db.audit import audit_entry
from transit_centre.db.base import utcnow
from transit_centre.db.engine import Database
from transit_centre.db.models import Centre
from transit_centre.enums import AuditAction
from transit_centre.errors import DomainError, ValidationError
from transit_centre.i18n import _, format_date, format_datetime
from transit_centre.reports import crypto
from transit_centre.reports.package import SCHEMA_VERSION, package_rows, write_package
from transit_centre.reports.sources import Period, live_sources
from transit_centre.reports.stats import Stats, capacity_nights, centre_capacities, compute
from transit_centre.reports.tables import DATE, TEXT, key_figures, report_tables
from transit_centre.reports.xlsx import write_workbook
from transit_centre.security import keys
from transit_centre.security.permissions import Actor, Permission

Progress = Callable[[int, int], Any]
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str | None, field: str = "month") -> Period:
    """``"2026-10"`` -> the period of October 2026, or a ValidationError on ``field``."""
    match = _MONTH.match((text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
        raise ValidationError({field: _("Give the month as YYYY-MM, for example 2026-10.")})
    return Period.month(int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True)
class ExportResult:
    centre_code: str
    month: str
    xlsx_path: Path
    package_path: Path
    encrypted: bool
    row_counts: dict[str, int]
    stats: Stats


def export_paths(out: Path, centre_code: str, month: str, encrypted: bool) -> tuple[Path, Path]:
    """``out`` is a folder (standard names inside) or the XLSX file (package beside it)."""
    out = Path(out)
    suffix = ".zip.enc" if encrypted else ".zip"
    if out.is_dir() or not out.suffix:
        base = out / f"{centre_code}-{month}"
        return base.with_suffix(".xlsx"), Path(str(base) + suffix)
    xlsx = out if out.suffix.lower() == ".xlsx" else out.with_suffix(".xlsx")
    return xlsx, Path(str(xlsx.with_suffix("")) + suffix)


def monthly_export(db: Database, actor: Actor, month: str, centre_id: uuid.UUID | None, out: Path, *,
                   encrypt_for: Path | None = None, as_of: dt.date | None = None,
                   progress: Progress | None = None) -> ExportResult:
    """Write the month's XLSX and data package for one centre (default: the user's centre)."""
    centre_id = centre_id or actor.current_centre_id
    actor.require(Permission.EXPORT, centre_id)
    period = parse_month(month)
    if centre_id is None:
        raise ValidationError({"centre": _("Choose the centre to export.")})
    # Encrypted for headquarters: the key given, else the one registered in Settings (the default
    # once headquarters' key is known).
    public_key = crypto.load_public_key(encrypt_for) if encrypt_for else registered_hq_key(db)
    as_of = as_of or dt.date.today()
    generated_at = utcnow()

    def step(n: int) -> None:
        if progress is not None and progress(n, 12) is False:
            from transit_centre.errors import DomainError as _Stop

            raise _Stop(_("The export was cancelled."))

    step(0)
    with db.transaction(actor, readonly=True) as s:
        centre = s.get(Centre, centre_id)
        if centre is None:
            raise DomainError(_("The centre was not found."))
        src = live_sources(s, [centre_id], period, as_of)
        stats = compute(s, src, period, capacity_nights(s, [centre_id], period, as_of))
        step(2)
        rows = package_rows(s, src, period.end)
        code, name, kind = centre.code, centre.name, centre.kind.value
        capacity = centre_capacities(s, [centre_id])[centre_id]
        audit_seq, audit_hash = audit_chain.head(s.connection())
    step(3)
    xlsx_path, package_path = export_paths(out, code, period.month_key, public_key is not None)
    manifest = {
        "centre": {"code": code, "name": name, "kind": kind, "capacity": capacity},
        "month": period.month_key, "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(), "as_of": as_of.isoformat(),
        "period_nights": period.nights(as_of),
        "generated_at": generated_at.isoformat(), "generated_by": actor.full_name or actor.username,
        "audit_anchor": {"seq": audit_seq, "hash": audit_hash},
        "totals": {"arrivals": stats.arrivals, "departures": stats.departures,
                   "present_at_end": stats.present_at_end, "bed_nights": stats.bed_nights,
                   "accommodated": stats.accommodated, "returns": stats.returns_total,
                   "cash_xof": stats.cash_total},
        # What the package covers: one centre and one month (headquarters adds up the coverage).
        "coverage": {"period_start": period.start.isoformat(), "period_end": period.end.isoformat(),
                     "centres": [code], "centre_months": [f"{code} {period.month_key}"]},
    }
    with db.transaction(actor) as s:  # the centre's key is made here on the first export
        centre = s.get(Centre, centre_id)
        data = write_package(manifest, rows, (lambda d, t: step(3 + d)) if progress else None,
                             sign=lambda manifest_bytes: keys.sign(s, centre, manifest_bytes))
    if public_key is not None:
        data = crypto.encrypt(data, public_key)
    cover = [
        (_("Centre"), f"{code} – {name}", TEXT),
        (_("Month"), format_date(period.start, "MMMM y"), TEXT),
        (_("Period"), _("{start} to {end}").format(start=format_date(period.start), end=format_date(period.end)), TEXT),
        (_("Centres covered"), code, TEXT),
        (_("Centre-months covered"), f"{code} {period.month_key}", TEXT),
        (_("Figures as of"), as_of, DATE),
        (_("Generated at"), format_datetime(generated_at), TEXT),
        (_("Generated by"), actor.full_name or actor.username, TEXT),
        (_("Data format version"), SCHEMA_VERSION, TEXT),
        *key_figures(stats),
    ]
    workbook = write_workbook(_("Monthly report – {centre} – {month}").format(
        centre=name, month=format_date(period.start, "MMMM y")), cover, report_tables(stats))
    try:
        xlsx_path.parent.mkdir(parents=True, exist_ok=True)
        xlsx_path.write_bytes(workbook)
        package_path.write_bytes(data)
    except OSError as exc:
        raise DomainError(_("The export could not be written to {path}: {reason}").format(
            path=xlsx_path.parent, reason=exc.strerror or exc)) from exc
    counts = {k: len(v) for k, v in rows.items()}
    with db.transaction(actor) as s:
        audit_entry(s, AuditAction.EXPORT, "monthly_export", None, centre_id=centre_id,
                    detail=f"{code} {period.month_key}: {package_path.name}"
                           f"{' (encrypted)' if public_key else ''}; rows {counts}")
    step(12)
    return ExportResult(code, period.month_key, xlsx_path, package_path, public_key is not None, counts, stats)


HQ_KEY_SETTING = "security.hq_public_key"


def registered_hq_key(db: Database):  # noqa: ANN201 - an RSA public key or None
    """Headquarters' public key registered in Settings, or None (then packages go unencrypted)."""
    pem = get_setting(db, HQ_KEY_SETTING)
    return crypto.load_public_pem(pem.encode("ascii")) if pem else None


def register_hq_key(db: Database, actor: Actor, path: Path) -> str:
    """Keep headquarters' public key: every monthly export is encrypted for it from now on.
    Returns its fingerprint (to compare with headquarters by phone)."""
    actor.require(Permission.SETTINGS_ADMIN)
    key = crypto.load_public_key(path)
    from cryptography.hazmat.primitives import serialization

    pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    set_setting(db, actor, HQ_KEY_SETTING, pem.decode("ascii"))
    return crypto.fingerprint(key)


def centre_id_by_code(db: Database, code: str) -> uuid.UUID:
    with db.transaction(None, readonly=True) as s:
        centre_id = s.scalar(select(Centre.id).where(Centre.code == (code or "").strip().upper()))
    if centre_id is None:
        raise ValidationError({"centre": _("No centre has the code {code}.").format(code=code)})
    return centre_id

"""Headquarters: import the centres' monthly packages and make the consolidated reports.

Each package is checked completely (decryption, manifest, checksums, columns, values) before the
database is touched, then stored in ONE transaction. The same package twice changes nothing; a
newer package for the same centre and month supersedes the older one; an older one is refused.
"""
from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Uuid, func, insert, literal, select

from transit_centre.db.audit import audit_entry
from transit_centre.db.base import utcnow
from transit_centre.db.engine import Database
from transit_centre.db.models import (
    ImportedDisbursement,
    ImportedGrant,
    ImportedPackage,
    ImportedParticipant,
    ImportedReceipt,
    ImportedReintegration,
    ImportedResident,
    ImportedReturn,
    ImportedService,
    ImportedServiceTotal,
    ImportedStay,
    ImportedVulnerability,
)
from transit_centre.enums import AuditAction
from transit_centre.errors import DomainError, ValidationError
from transit_centre.i18n import _, format_date, format_datetime
from transit_centre.reports import crypto
from transit_centre.security import keys
from transit_centre.reports.package import MAX_PACKAGE_BYTES, PackageContent, read_package
from transit_centre.reports.sources import Period, active_packages, consolidated_sources, package_service_totals
from transit_centre.reports.stats import Stats, compute
from transit_centre.reports.annual import annual_sheet, coverage_tables
from transit_centre.reports.coverage import coverage_in
from transit_centre.reports.tables import INT, TEXT, ReportTable, key_figures, report_tables
from transit_centre.reports.xlsx import write_workbook
from transit_centre.security.permissions import Actor, Permission

Progress = Callable[[int, int], Any]

TABLES: dict[str, Any] = {
    "residents.csv": ImportedResident,
    "stays.csv": ImportedStay,
    "vulnerabilities.csv": ImportedVulnerability,
    "services.csv": ImportedService,
    "service_participants.csv": ImportedParticipant,
    "return_cases.csv": ImportedReturn,
    "grants.csv": ImportedGrant,
    "disbursements.csv": ImportedDisbursement,
    "receipts.csv": ImportedReceipt,
    "reintegration.csv": ImportedReintegration,
}
_CODE = re.compile(r"^[A-Z0-9]{2,8}$")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class ImportResult:
    file: str
    ok: bool
    status: str  # imported | replaced | unchanged | older | refused
    message: str
    centre_code: str = ""
    month: str = ""
    rows: int = 0


@dataclass(frozen=True)
class PackageView:
    id: uuid.UUID
    centre_code: str
    centre_name: str
    month: str
    generated_at: dt.datetime
    generated_by: str
    imported_at: dt.datetime
    rows: int
    active: bool
    file_name: str


def _manifest_fields(content: PackageContent) -> dict[str, Any]:
    m = content.manifest
    try:
        centre = m["centre"]
        fields = {
            "centre_code": str(centre["code"]), "centre_name": str(centre["name"])[:200],
            "centre_kind": str(centre.get("kind", "general"))[:32], "capacity": int(centre["capacity"]),
            "month": str(m["month"]), "period_start": dt.date.fromisoformat(m["period_start"]),
            "period_end": dt.date.fromisoformat(m["period_end"]), "period_nights": int(m["period_nights"]),
            "generated_at": dt.datetime.fromisoformat(m["generated_at"]),
            "generated_by": str(m.get("generated_by", ""))[:200],
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise DomainError(_("The package manifest is incomplete or invalid.")) from exc
    if not _CODE.match(fields["centre_code"]) or not _MONTH.match(fields["month"]):
        raise DomainError(_("The package manifest is incomplete or invalid."))
    if fields["generated_at"].tzinfo is None:
        fields["generated_at"] = fields["generated_at"].replace(tzinfo=dt.timezone.utc)
    return fields


def open_package(path: Path, private_key: Any = None) -> PackageContent:
    """Read, decrypt if needed and verify a package file (no database access)."""
    try:
        if Path(path).stat().st_size > MAX_PACKAGE_BYTES + 4096:  # checked before reading it
            raise DomainError(_("The package is too large to be a monthly export; it was not read."))
        data = Path(path).read_bytes()
    except OSError as exc:
        raise DomainError(_("The file {file} cannot be read.").format(file=path)) from exc
    if crypto.is_encrypted(data):
        data = crypto.decrypt(data, private_key)
    content = read_package(data)
    for name, rows in content.rows.items():
        ids = [r["id"] for r in rows]
        if len(ids) != len(set(ids)):
            raise DomainError(_("The package is invalid: {member} lists a record twice.").format(member=name))
        limits = {c.name: c.type.length for c in TABLES[name].__table__.c
                  if getattr(c.type, "length", None) and c.name not in ("centre_code", "month")}
        for line, row in enumerate(rows, start=2):
            for column, limit in limits.items():
                value = row.get(column)
                if isinstance(value, str) and len(value) > limit:
                    raise DomainError(_("The package is invalid: bad value {value!r} ({where}).").format(
                        value=value[:40], where=f"{name}:{line}"))
    return content


def import_package(db: Database, actor: Actor, path: Path, private_key: Any = None) -> ImportResult:
    """Import one package (refusals raise ``DomainError`` and change nothing)."""
    actor.require(Permission.CONSOLIDATE)
    content = open_package(path, private_key)
    fields = _manifest_fields(content)
    name = Path(path).name
    total = sum(len(r) for r in content.rows.values())
    with db.transaction(actor) as s:
        # Only a package signed by the centre's registered key is read: a forged, unsigned or
        # unknown centre's package changes nothing.
        key = keys.verify(s, fields["centre_code"], content.manifest_bytes, content.signature)
        same = s.scalar(select(ImportedPackage).where(ImportedPackage.manifest_sha256 == content.manifest_sha256))
        if same is not None:
            return ImportResult(name, True, "unchanged", _(
                "{centre} {month}: this package was already imported; nothing changed.").format(
                centre=fields["centre_code"], month=fields["month"]), fields["centre_code"], fields["month"])
        current = s.scalar(select(ImportedPackage).where(
            ImportedPackage.centre_code == fields["centre_code"], ImportedPackage.month == fields["month"],
            ImportedPackage.superseded_at.is_(None)))
        if current is not None and current.generated_at >= fields["generated_at"]:
            return ImportResult(name, False, "older", _(
                "{centre} {month}: a newer export (made {when}) is already imported; this older one was "
                "not imported.").format(centre=fields["centre_code"], month=fields["month"],
                                        when=format_datetime(current.generated_at)),
                fields["centre_code"], fields["month"])
        anchor = content.manifest.get("audit_anchor") if isinstance(content.manifest.get("audit_anchor"), dict) else {}
        package = ImportedPackage(id=uuid.uuid4(), schema_version=content.manifest["schema_version"],
                                  manifest_sha256=content.manifest_sha256, file_name=name[:500],
                                  row_counts={k: len(v) for k, v in content.rows.items()},
                                  signed_by=key.fingerprint, audit_seq=_int(anchor.get("seq")),
                                  audit_hash=str(anchor.get("hash"))[:64] if anchor.get("hash") else None, **fields)
        s.add(package)
        s.flush()
        if current is not None:
            current.superseded_at = utcnow()
            current.superseded_by = package.id
        common = {"package_id": package.id, "centre_code": fields["centre_code"], "month": fields["month"]}
        for member, model in TABLES.items():
            rows = [{**row, **common} for row in content.rows[member]]
            for i in range(0, len(rows), 5000):
                s.execute(insert(model), rows[i:i + 5000])
        totals = package_service_totals(package.id).subquery("t")
        s.execute(insert(ImportedServiceTotal).from_select(
            ["package_id", "centre_code", "month", "kind", "subtype", "mode", "sex", "age_band", "returnee_group",
             "records", "quantity", "contacts", "sessions"],
            select(literal(package.id, Uuid()), literal(fields["centre_code"]), literal(fields["month"]),
                   *totals.c)))
        audit_entry(s, AuditAction.IMPORT, "imported_package", package.id,
                    detail=f"{fields['centre_code']} {fields['month']} from {name}: {total} records"
                           f"{' (replaces an older export)' if current else ''}")
    status = "replaced" if current is not None else "imported"
    message = (_("{centre} {month}: imported, replacing the older export ({rows} records).") if current else
               _("{centre} {month}: imported ({rows} records).")).format(
        centre=fields["centre_code"], month=fields["month"], rows=total)
    return ImportResult(name, True, status, message, fields["centre_code"], fields["month"], total)


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def import_packages(db: Database, actor: Actor, paths: Sequence[Path], *, key_path: Path | None = None,
                    password: str | None = None, progress: Progress | None = None) -> list[ImportResult]:
    """Import several files; each is its own transaction and a bad one does not stop the others."""
    actor.require(Permission.CONSOLIDATE)
    private_key = crypto.load_private_key(key_path, password) if key_path else None
    results = []
    for i, path in enumerate(paths):
        if progress is not None and progress(i, len(paths)) is False:
            break
        try:
            results.append(import_package(db, actor, Path(path), private_key))
        except DomainError as exc:
            results.append(ImportResult(Path(path).name, False, "refused", _("{file}: refused. {reason}").format(
                file=Path(path).name, reason=exc)))
    if progress is not None:
        progress(len(paths), len(paths))
    return results


def list_packages(db: Database, actor: Actor, *, include_superseded: bool = False) -> list[PackageView]:
    actor.require(Permission.CONSOLIDATE)
    with db.transaction(actor, readonly=True) as s:
        query = select(ImportedPackage).order_by(ImportedPackage.month.desc(), ImportedPackage.centre_code)
        if not include_superseded:
            query = query.where(ImportedPackage.superseded_at.is_(None))
        return [PackageView(p.id, p.centre_code, p.centre_name, p.month, p.generated_at, p.generated_by,
                            p.created_at, sum((p.row_counts or {}).values()), p.superseded_at is None, p.file_name)
                for p in s.scalars(query)]


def _period(year: int, month: int | None) -> Period:
    if not 2000 <= int(year) <= 2100 or (month is not None and not 1 <= int(month) <= 12):
        raise ValidationError({"period": _("Choose a valid year and month.")})
    return Period.month(year, month) if month else Period.year(year)


def consolidated_statistics(db: Database, actor: Actor, centre_code: str | None, year: int,
                            month: int | None = None) -> Stats:
    """Figures from the imported packages: one centre (by code) or all, a month or a whole year."""
    actor.require(Permission.CONSOLIDATE)
    period = _period(year, month)
    codes = [centre_code.upper()] if centre_code else None
    with db.transaction(actor, readonly=True) as s:
        return _consolidated(s, codes, period)


def _consolidated(session: Any, codes: list[str] | None, period: Period) -> Stats:
    first = period.month_key
    last = f"{period.end.year:04d}-{period.end.month:02d}"
    ids = active_packages(codes, first, last)
    cap = session.scalar(select(func.coalesce(func.sum(ImportedPackage.capacity * ImportedPackage.period_nights), 0))
                         .where(ImportedPackage.id.in_(ids))) or 0
    return compute(session, consolidated_sources(codes, period, session), period, int(cap))


def consolidated_report(db: Database, actor: Actor, out: Path, year: int, month: int | None = None,
                        centre_code: str | None = None, progress: Progress | None = None) -> Path:
    """Write the consolidated XLSX (a month or a year; one centre or all) and return its path."""
    actor.require(Permission.CONSOLIDATE)
    period = _period(year, month)
    codes = [centre_code.upper()] if centre_code else None
    if progress:
        progress(0, 3)
    with db.transaction(actor, readonly=True) as s:
        stats = _consolidated(s, codes, period)
        cov = coverage_in(s, codes, period)
        packages = s.execute(
            select(ImportedPackage.centre_code, ImportedPackage.month, ImportedPackage.generated_at,
                   ImportedPackage.generated_by, ImportedPackage.file_name)
            .where(ImportedPackage.id.in_(active_packages(codes, period.month_key,
                                                          f"{period.end.year:04d}-{period.end.month:02d}")))
            .order_by(ImportedPackage.centre_code, ImportedPackage.month)).all()
    if progress:
        progress(2, 3)
    scope = centre_code.upper() if centre_code else _("All centres")
    label = period.month_key if month else str(year)
    missing = cov.missing
    cover = [(_("Centres"), scope, TEXT),
             (_("Period"), _("{start} to {end}").format(start=format_date(period.start), end=format_date(period.end)),
              TEXT),
             (_("Centres covered"), ", ".join(cov.reporting_centres) or _("none"), TEXT),
             (_("Centre-months received"), _("{n} of {expected} due").format(
                 n=len(cov.received & {(c, m) for c, _n in cov.centres for m in cov.due}), expected=cov.expected),
              TEXT),
             (_("Centre-months missing"), ", ".join(f"{c} {m}" for c, m in missing) or _("none"), TEXT),
             (_("Generated at"), format_datetime(utcnow()), TEXT),
             (_("Generated by"), actor.full_name or actor.username, TEXT),
             (_("Centre exports included"), len(packages), INT), *key_figures(stats)]
    listing = ReportTable("packages", _("Centre exports included"),
                          (_("Centre"), _("Month"), _("Made at"), _("Made by"), _("File")),
                          (TEXT,) * 5, tuple((c, m, format_datetime(g), b, f) for c, m, g, b, f in packages))
    title = (_("Annual report {year} – {scope}") if not month else _("Monthly report {period} – {scope}")).format(
        year=year, period=label, scope=scope)
    tables = [*report_tables(stats), *coverage_tables(cov), listing]
    annual = None if month else annual_sheet({t.key: t for t in tables}, cov, label)
    data = write_workbook(title, cover, tables, annual)
    out = Path(out)
    if out.is_dir():
        out = out / f"{'ALL' if not centre_code else centre_code.upper()}-{label}-consolidated.xlsx"
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise DomainError(_("The report could not be written to {path}: {reason}").format(
            path=out, reason=exc.strerror or exc)) from exc
    with db.transaction(actor) as s:
        audit_entry(s, AuditAction.EXPORT, "consolidated_report", None, detail=f"{scope} {label}: {out.name}")
    if progress:
        progress(3, 3)
    return out

"""The monthly data package: pseudonymised case-level CSV files plus a manifest, in one zip.

What leaves the centre: UUIDs, sex, year of birth and age band, nationality, returnee group,
dates, kinds and amounts. Never names, phone numbers, document numbers, partners or notes. The manifest carries the
schema version, centre, month, row counts and the SHA-256 of every member, so headquarters
can refuse a damaged or altered package before touching its database.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from transit_centre.db.models import Resident
from transit_centre.errors import DomainError
from transit_centre.i18n import _
from transit_centre.ages import age_band_sql
from transit_centre.reports.sources import Sources

FORMAT = "transit-centre-monthly-export"
# 2: returnee group (residents, services, participants), vaccine kind, reintegration.csv;
# the manifest's "coverage" (period, centres, centre-months).
SCHEMA_VERSION = 2
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"  # the centre's Ed25519 signature of manifest.json (security/keys.py)
# Limits checked before anything is unpacked: a small file that unpacks to gigabytes is refused.
MAX_PACKAGE_BYTES = 64 * 1024 * 1024
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_UNPACKED_BYTES = 160 * 1024 * 1024

U, D, I, S, OU, OD, OS, OI = "uuid", "date", "int", "str", "uuid?", "date?", "str?", "int?"

# member name -> (column, type) in file order. Types drive validation at headquarters.
MEMBERS: dict[str, tuple[tuple[str, str], ...]] = {
    "residents.csv": (("id", U), ("sex", S), ("birth_year", OI), ("age_band", S), ("nationality", OS),
                      ("registered_on", OD), ("household_id", OU), ("returnee_group", OS)),
    "stays.csv": (("id", U), ("resident_id", U), ("arrival_date", D), ("departure_date", OD),
                  ("departure_reason", OS), ("nights", I)),
    "vulnerabilities.csv": (("id", U), ("resident_id", U), ("kind", S), ("identified_on", D),
                            ("resolved_on", OD)),
    "services.csv": (("id", U), ("resident_id", OU), ("kind", S), ("subtype", OS), ("service_date", D),
                     ("quantity", I), ("sex", OS), ("age_band", OS), ("returnee_group", OS), ("vaccine", OS)),
    "service_participants.csv": (("id", U), ("service_id", U), ("resident_id", U), ("sex", OS),
                                 ("age_band", OS), ("returnee_group", OS)),
    "return_cases.csv": (("id", U), ("resident_id", U), ("return_type", S), ("destination_country", OS),
                         ("departed_on", D), ("status", S)),
    "grants.csv": (("id", U), ("resident_id", U), ("return_case_id", OU), ("kind", S), ("status", S),
                   ("planned_amount", I), ("approved_amount", OI), ("planned_on", D)),
    "disbursements.csv": (("id", U), ("grant_id", U), ("resident_id", U), ("grant_kind", S),
                          ("disbursed_on", D), ("amount", I)),
    "receipts.csv": (("id", U), ("disbursement_id", U), ("issued_on", D), ("amount", I), ("voided", I)),
    "reintegration.csv": (("id", U), ("resident_id", U), ("return_case_id", OU), ("kind", S), ("assisted_on", D),
                          ("amount", OI)),
}


def _csv(columns: Iterable[str], rows: Iterable[Iterable[Any]]) -> tuple[bytes, int]:
    """CSV text of the rows. The csv module writes None as empty and str() of everything else:
    ISO dates, hyphenated UUIDs and the stored value of enums (their ``__str__``)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    rows = list(rows)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8"), len(rows)


def package_rows(session: Session, src: Sources, period_end: dt.date) -> dict[str, list[tuple]]:
    """The rows of every member, read from the same live ``Sources`` the figures use."""
    S, V, Sv, P = src.stay, src.vulnerability, src.service, src.participant
    Rt, G, Dsb, Rc, Ri = src.returns, src.grant, src.disbursement, src.receipt, src.reintegration
    rows: dict[str, list[tuple]] = {}
    rows["stays.csv"] = list(session.execute(select(
        S.c.id, S.c.resident_id, S.c.arrival_date, S.c.departure_date, S.c.departure_reason, S.c.nights)
        .order_by(S.c.id)))
    people = select(S.c.resident_id)
    rows["vulnerabilities.csv"] = list(session.execute(select(
        V.c.id, V.c.resident_id, V.c.kind, V.c.identified_on, V.c.resolved_on)
        .where(V.c.resident_id.in_(people)).order_by(V.c.id)))
    band = age_band_sql(Resident.date_of_birth, period_end)
    rows["services.csv"] = list(session.execute(select(
        Sv.c.id, Sv.c.resident_id, Sv.c.kind, Sv.c.subtype, Sv.c.service_date, Sv.c.quantity,
        Resident.sex, band, Resident.returnee_group, Sv.c.vaccine)
        .select_from(Sv).outerjoin(Resident, Resident.id == Sv.c.resident_id).order_by(Sv.c.id)))
    rows["service_participants.csv"] = list(session.execute(select(
        P.c.id, P.c.service_id, P.c.resident_id, Resident.sex, band, Resident.returnee_group)
        .select_from(P).join(Resident, Resident.id == P.c.resident_id).order_by(P.c.id)))
    rows["return_cases.csv"] = list(session.execute(select(
        Rt.c.id, Rt.c.resident_id, Rt.c.return_type, Rt.c.destination_country, Rt.c.departed_on,
        Rt.c.status).order_by(Rt.c.id)))
    rows["grants.csv"] = list(session.execute(select(
        G.c.id, G.c.resident_id, G.c.return_case_id, G.c.kind, G.c.status, G.c.planned_amount,
        G.c.approved_amount, G.c.planned_on).order_by(G.c.id)))
    rows["disbursements.csv"] = list(session.execute(select(
        Dsb.c.id, Dsb.c.grant_id, Dsb.c.resident_id, Dsb.c.grant_kind, Dsb.c.disbursed_on, Dsb.c.amount)
        .order_by(Dsb.c.id)))
    rows["receipts.csv"] = list(session.execute(select(
        Rc.c.id, Rc.c.disbursement_id, Rc.c.issued_on, Rc.c.amount, Rc.c.voided).order_by(Rc.c.id)))
    rows["reintegration.csv"] = list(session.execute(select(
        Ri.c.id, Ri.c.resident_id, Ri.c.return_case_id, Ri.c.kind, Ri.c.assisted_on, Ri.c.amount)
        .order_by(Ri.c.id)))

    referenced = union(
        select(S.c.resident_id), select(Sv.c.resident_id).where(Sv.c.resident_id.is_not(None)),
        select(P.c.resident_id), select(Rt.c.resident_id), select(G.c.resident_id),
        select(Dsb.c.resident_id), select(Ri.c.resident_id),
    ).subquery("refs")
    R = src.resident
    rows["residents.csv"] = [
        (rid, sex, dob.year if dob else None, band_, nat, registered, household, group)
        for rid, sex, dob, band_, nat, registered, household, group in session.execute(
            select(R.c.id, R.c.sex, Resident.date_of_birth, R.c.age_band, R.c.nationality,
                   Resident.registered_on, Resident.household_id, R.c.returnee_group)
            .select_from(referenced).join(R, R.c.id == referenced.c.resident_id)
            .join(Resident, Resident.id == R.c.id).order_by(R.c.id))
    ]
    return rows


def write_package(manifest: dict[str, Any], rows: dict[str, list[tuple]],
                  progress: Callable[[int, int], Any] | None = None,
                  sign: Callable[[bytes], dict[str, str]] | None = None) -> bytes:
    """Zip the members and the manifest (row counts and SHA-256 filled in here); ``sign`` returns
    the centre's signature of the manifest, which covers every member through its checksum."""
    buffer = io.BytesIO()
    members: dict[str, dict[str, Any]] = {}
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for i, (name, columns) in enumerate(MEMBERS.items()):
            data, n = _csv([c for c, _t in columns], rows.get(name, []))
            zf.writestr(name, data)
            members[name] = {"rows": n, "sha256": hashlib.sha256(data).hexdigest(),
                             "columns": [c for c, _t in columns]}
            if progress:
                progress(i + 1, len(MEMBERS) + 1)
        manifest = {**manifest, "format": FORMAT, "schema_version": SCHEMA_VERSION, "members": members}
        manifest_bytes = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True).encode("utf-8")
        zf.writestr(MANIFEST, manifest_bytes)
        if sign is not None:
            zf.writestr(SIGNATURE, json.dumps(sign(manifest_bytes), sort_keys=True))
    return buffer.getvalue()


# --- reading (headquarters) --------------------------------------------------------------------

@dataclass(frozen=True)
class PackageContent:
    manifest: dict[str, Any]
    manifest_sha256: str
    rows: dict[str, list[dict[str, Any]]]
    manifest_bytes: bytes = b""
    signature: dict[str, Any] | None = None  # checked against the centre's registered key


def _member(zf: zipfile.ZipFile, name: str) -> bytes:
    """A member read with its size capped (the zip's own sizes may lie)."""
    with zf.open(name) as handle:
        data = handle.read(MAX_MEMBER_BYTES + 1)
    if len(data) > MAX_MEMBER_BYTES:
        raise DomainError(_("The package is too large to be a monthly export; it was not read."))
    return data


def _check_sizes(zf: zipfile.ZipFile) -> None:
    infos = zf.infolist()
    allowed = {*MEMBERS, MANIFEST, SIGNATURE}
    if any(info.filename not in allowed for info in infos) or len(infos) > len(allowed):
        raise DomainError(_("The package holds files a monthly export does not have; it was not read."))
    if any(info.file_size > MAX_MEMBER_BYTES for info in infos) or \
            sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise DomainError(_("The package is too large to be a monthly export; it was not read."))


def _parse(value: str, kind: str, where: str) -> Any:
    optional = kind.endswith("?")
    kind = kind.rstrip("?")
    if value == "":
        if optional:
            return None
        raise DomainError(_("The package is invalid: a required value is missing ({where}).").format(where=where))
    try:
        if kind == "uuid":
            return uuid.UUID(value)
        if kind == "date":
            return dt.date.fromisoformat(value)
        if kind == "int":
            return int(value)
        if len(value) > 64:
            raise ValueError(value)
        return value
    except ValueError as exc:
        raise DomainError(_("The package is invalid: bad value {value!r} ({where}).").format(
            value=value[:40], where=where)) from exc


def read_package(data: bytes) -> PackageContent:
    """Open and check a plain (decrypted) package; refuse anything damaged or of another schema."""
    if len(data) > MAX_PACKAGE_BYTES:
        raise DomainError(_("The package is too large to be a monthly export; it was not read."))
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = set(zf.namelist())
        if MANIFEST not in names:
            raise DomainError(_("This file is not a Transit Centre monthly export (no manifest)."))
        _check_sizes(zf)
        manifest_bytes = _member(zf, MANIFEST)
        try:
            manifest = json.loads(manifest_bytes)
        except ValueError as exc:
            raise DomainError(_("The package manifest is damaged.")) from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise DomainError(_("This file is not a Transit Centre monthly export."))
        if manifest.get("schema_version") != SCHEMA_VERSION:
            raise DomainError(_(
                "This package uses data format version {found}; this version of Transit Centre reads "
                "version {expected}. Update the application where it is older.").format(
                found=manifest.get("schema_version"), expected=SCHEMA_VERSION))
        members = manifest.get("members") or {}
        rows: dict[str, list[dict[str, Any]]] = {}
        for name, columns in MEMBERS.items():
            info = members.get(name)
            if not isinstance(info, dict) or name not in names:
                raise DomainError(_("The package is incomplete: {member} is missing.").format(member=name))
            content = _member(zf, name)
            if hashlib.sha256(content).hexdigest() != info.get("sha256"):
                raise DomainError(_(
                    "The package was damaged or changed: the checksum of {member} does not match its "
                    "manifest.").format(member=name))
            reader = csv.reader(io.StringIO(content.decode("utf-8"), newline=""))
            header = next(reader, None)
            if header != [c for c, _t in columns]:
                raise DomainError(_("The package is invalid: unexpected columns in {member}.").format(member=name))
            parsed = []
            for line_no, line in enumerate(reader, start=2):
                if len(line) != len(columns):
                    raise DomainError(_("The package is invalid: wrong number of values in {member}, line "
                                        "{line}.").format(member=name, line=line_no))
                parsed.append({c: _parse(v, t, f"{name}:{line_no}") for (c, t), v in zip(columns, line)})
            if len(parsed) != info.get("rows"):
                raise DomainError(_("The package is incomplete: {member} has {found} rows, the manifest "
                                    "says {expected}.").format(member=name, found=len(parsed),
                                                               expected=info.get("rows")))
            rows[name] = parsed
        signature = None
        if SIGNATURE in names:
            try:
                signature = json.loads(_member(zf, SIGNATURE))
            except ValueError:
                signature = None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, UnicodeDecodeError, OSError) as exc:
        raise DomainError(_("The package file is damaged or truncated and cannot be read.")) from exc
    except (KeyError, ValueError, TypeError) as exc:
        raise DomainError(_("The package is damaged or invalid.")) from exc
    return PackageContent(manifest, hashlib.sha256(manifest_bytes).hexdigest(), rows, manifest_bytes, signature)



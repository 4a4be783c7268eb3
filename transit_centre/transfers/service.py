"""A resident's file follows them to a centre that does not share this database.

Sending (``transfer_out``): the resident, or their household, leaves with a transfer file: their
registration, photo, identity documents, household, vulnerabilities, flags, consents, stays,
return case with its steps, grants, disbursements and receipts, reintegration assistance and
services. Medical and MHPSS notes go only when the person consented to share with the receiving
centre (a consent recorded on the file, partner = that centre). The open stay closes as a
transfer to that centre, in the same transaction that makes the file. The file is encrypted for
the receiving centre and signed by this one (``envelope``).

Receiving (``preview_transfer``, then ``receive_transfer``): the file is checked and read, the
people are matched against the residents already registered here (the registry's duplicate
check), then everything is stored in one transaction with the original ids. The resident gets
this centre's case number and keeps the first one as an other case number. An open return case
and the grants not yet paid continue here; what was done at the sending centre stays its own
(its stays, payments and receipts, read-only history under that centre). The same file received
twice changes nothing. Both sides are in the audit log.

Headquarters counts a transferred person once (the same id in both centres' packages).
"""
from __future__ import annotations

import base64
import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from transit_centre.common import next_number
from transit_centre.db.audit import audit_entry
from transit_centre.db.base import utcnow
from transit_centre.db.engine import Database
from transit_centre.db.models import (
    CashGrant,
    Centre,
    CentreKey,
    Disbursement,
    FlagType,
    Household,
    IdentityDocument,
    Receipt,
    ReintegrationAssistance,
    Resident,
    ResidentFlag,
    ReturnCase,
    ReturnStepRecord,
    ServiceRecord,
    SharingConsent,
    Stay,
    TransferRecord,
    Vulnerability,
)
from transit_centre.enums import AuditAction, DepartureReason, GrantStatus, ReturnStatus
from transit_centre.errors import DomainError, ValidationError
from transit_centre.i18n import _
from transit_centre.protection.consent import has_consent
from transit_centre.registry.duplicates import DuplicateCandidate, find_duplicates
from transit_centre.registry.residents import load_resident, photo_file, photos_dir, refresh_search_text
from transit_centre.security.permissions import Actor, Permission
from transit_centre.shelter.stays import close_open_stay
from transit_centre.transfers import envelope
from transit_centre.transfers.rows import json_to_values, row_to_json

FILE_SUFFIX = ".tctransfer"
MAX_FILE_BYTES = 200 * 1024 * 1024

# The tables a transfer file carries, in the order they are stored (parents first).
TABLES: tuple[tuple[str, type], ...] = (
    ("household", Household), ("resident", Resident), ("identity_document", IdentityDocument),
    ("vulnerability", Vulnerability), ("resident_flag", ResidentFlag), ("sharing_consent", SharingConsent),
    ("stay", Stay), ("return_case", ReturnCase), ("return_step", ReturnStepRecord), ("cash_grant", CashGrant),
    ("disbursement", Disbursement), ("receipt", Receipt), ("reintegration_assistance", ReintegrationAssistance),
    ("service_record", ServiceRecord),
)
MODELS = dict(TABLES)
OPEN_CASE = (ReturnStatus.ACTIVE, ReturnStatus.ON_HOLD)
UNPAID = (GrantStatus.PLANNED, GrantStatus.APPROVED)


@dataclass(frozen=True)
class TransferPerson:
    id: uuid.UUID
    case_number: str
    first_name: str
    last_name: str
    sex: str
    date_of_birth: dt.date | None
    nationality: str | None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class TransferOut:
    transfer_id: uuid.UUID
    path: Path
    to_code: str
    people: tuple[TransferPerson, ...]
    records: dict[str, int]
    confidential_included: bool


@dataclass(frozen=True)
class TransferPreview:
    transfer_id: uuid.UUID
    from_code: str
    from_name: str
    to_code: str
    made_at: str
    made_by: str
    people: tuple[TransferPerson, ...]
    records: dict[str, int]
    confidential_included: bool
    received_at: dt.datetime | None  # already received here: receiving again changes nothing
    # Residents already registered here who may be the same person (another record)
    matches: dict[uuid.UUID, list[DuplicateCandidate]] = field(default_factory=dict)

    @property
    def made_on(self) -> dt.date | None:
        try:
            return dt.date.fromisoformat(self.made_at[:10])
        except ValueError:
            return None


@dataclass(frozen=True)
class TransferIn:
    transfer_id: uuid.UUID
    already_received: bool
    people: tuple[tuple[uuid.UUID, str, str], ...]  # (resident id, new case number, first case number)
    records: dict[str, int]


def _person(r: Resident) -> TransferPerson:
    return TransferPerson(r.id, r.case_number, r.first_name, r.last_name, r.sex.value, r.date_of_birth, r.nationality)


def _person_from(row: dict[str, Any]) -> TransferPerson:
    values = json_to_values(Resident, row)
    return TransferPerson(values["id"], values["case_number"], values["first_name"], values["last_name"],
                          getattr(values["sex"], "value", str(values["sex"])), values.get("date_of_birth"),
                          values.get("nationality"))


def _centre_by_code(session: Session, code: str) -> Centre:
    centre = session.scalar(select(Centre).where(Centre.code == code.strip().upper()))
    if centre is None:
        raise ValidationError({"to": _("No centre has the code {code}.").format(code=code)})
    return centre


def _people(session: Session, actor: Actor, resident_ids: Sequence[uuid.UUID], with_household: bool) -> list[Resident]:
    people: dict[uuid.UUID, Resident] = {}
    for resident_id in resident_ids:
        resident = load_resident(session, actor, resident_id, Permission.RESIDENT_WRITE)
        people[resident.id] = resident
        if with_household and resident.household_id is not None:
            for member in session.scalars(select(Resident).where(Resident.household_id == resident.household_id,
                                                                 Resident.archived.is_(False))):
                actor.require(Permission.RESIDENT_WRITE, member.centre_id)
                people[member.id] = member
    return sorted(people.values(), key=lambda r: r.case_number)


@dataclass(frozen=True)
class Destination:
    code: str
    name: str
    has_key: bool  # its centre key is registered here: a file can be made for it


def destinations(db: Database, actor: Actor, from_centre_id: uuid.UUID | None = None) -> list[Destination]:
    """The centres a file can go to (every active centre but the sending one), saying which have
    their key registered here."""
    actor.require(Permission.RESIDENT_READ)
    with db.transaction(actor, readonly=True) as s:
        keyed = set(s.scalars(select(CentreKey.centre_code).where(CentreKey.revoked_at.is_(None),
                                                                   CentreKey.encryption_private.is_(None))))
        return [Destination(c.code, c.name, c.code in keyed) for c in s.scalars(
            select(Centre).where(Centre.active.is_(True)).order_by(Centre.code)) if c.id != from_centre_id]


def transfer_people(db: Database, actor: Actor, resident_ids: Sequence[uuid.UUID], *,
                    with_household: bool = False) -> list[TransferPerson]:
    """Who a transfer file would carry (the dialog's list)."""
    with db.transaction(actor, readonly=True) as s:
        return [_person(r) for r in _people(s, actor, resident_ids, with_household)]


def _consent_partners(centre: Centre) -> list[str]:
    return [centre.name, centre.code, f"{centre.code} – {centre.name}", f"{centre.code} - {centre.name}"]


def consent_to_share(db: Database, actor: Actor, resident_ids: Sequence[uuid.UUID], to_code: str) -> bool:
    """Every person consented to share their file with the receiving centre: the medical and MHPSS
    notes then go with it."""
    with db.transaction(actor, readonly=True) as s:
        return _all_consented(s, resident_ids, _centre_by_code(s, to_code))


def _all_consented(session: Session, resident_ids: Sequence[uuid.UUID], centre: Centre) -> bool:
    return bool(resident_ids) and all(any(has_consent(session, rid, p) for p in _consent_partners(centre))
                                      for rid in resident_ids)


def _rows(session: Session, ids: set[uuid.UUID], household_ids: set[uuid.UUID],
          confidential: bool) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    found["household"] = list(session.scalars(select(Household).where(Household.id.in_(household_ids)))) \
        if household_ids else []
    found["resident"] = list(session.scalars(select(Resident).where(Resident.id.in_(ids))))
    for name, model in (("identity_document", IdentityDocument), ("vulnerability", Vulnerability),
                        ("resident_flag", ResidentFlag), ("sharing_consent", SharingConsent),
                        ("return_case", ReturnCase), ("cash_grant", CashGrant),
                        ("reintegration_assistance", ReintegrationAssistance)):
        found[name] = list(session.scalars(select(model).where(model.resident_id.in_(ids))))
    found["stay"] = list(session.scalars(select(Stay).where(Stay.resident_id.in_(ids)).order_by(Stay.arrival_date)))
    cases = [c.id for c in found["return_case"]]
    found["return_step"] = list(session.scalars(select(ReturnStepRecord).where(ReturnStepRecord.return_case_id.in_(cases))))
    grants = [g.id for g in found["cash_grant"]]
    found["disbursement"] = list(session.scalars(select(Disbursement).where(Disbursement.grant_id.in_(grants))))
    paid = [d.id for d in found["disbursement"]]
    receipts = list(session.scalars(select(Receipt).where(Receipt.disbursement_id.in_(paid))))
    found["receipt"] = sorted(receipts, key=lambda r: r.replaced_by_id is not None)  # a replacement first
    found["service_record"] = list(session.scalars(select(ServiceRecord).where(ServiceRecord.resident_id.in_(ids))))
    rows: dict[str, list[Any]] = {}
    for name, records in found.items():
        rows[name] = []
        for record in records:
            row = row_to_json(record)
            if name == "service_record" and not confidential:
                row["confidential_note"] = None  # no consent to share with that centre
            rows[name].append(row)
    return rows


def transfer_out(db: Database, actor: Actor, resident_ids: Sequence[uuid.UUID], to_code: str, out: Path, *,
                 with_household: bool = False, day: dt.date | None = None, note: str | None = None) -> TransferOut:
    """Make the transfer file of these residents (with their household) for centre ``to_code`` and
    close their stays here as transfers to it: one transaction (no file, no closed stay)."""
    actor.require(Permission.RESIDENT_WRITE)
    actor.require(Permission.SHELTER_WRITE)
    out = Path(out)
    if out.is_dir():
        raise ValidationError({"out": _("Choose a file name, not a folder.")})
    day = day or dt.date.today()
    transfer_id = uuid.uuid4()
    with db.transaction(actor) as s:
        destination = _centre_by_code(s, to_code)
        people = _people(s, actor, resident_ids, with_household)
        if not people:
            raise ValidationError({"resident": _("Choose the resident to transfer.")})
        senders = {r.centre_id for r in people}
        if len(senders) != 1:
            raise ValidationError({"resident": _("The people of one transfer file must be at the same centre.")})
        sender = s.get(Centre, senders.pop())
        if sender.id == destination.id:
            raise ValidationError({"to": _("The person is already registered at {centre}.").format(
                centre=destination.code)})
        receiver = envelope.receiving_key(s, destination.code)  # refused early: no key, no file
        for resident in people:
            actor.require(Permission.SHELTER_WRITE, resident.centre_id)
            stay = close_open_stay(s, resident.id, day, DepartureReason.TRANSFER,
                                   note or _("Transfer file to {centre}").format(centre=destination.code))
            if stay is not None:
                stay.transferred_to_centre_id = destination.id
        s.flush()
        ids = {r.id for r in people}
        households = {r.household_id for r in people if r.household_id is not None}
        whole = {h for h in households if not s.scalar(select(Resident.id).where(
            Resident.household_id == h, Resident.id.not_in(ids), Resident.archived.is_(False)))}
        confidential = _all_consented(s, list(ids), destination)
        rows = _rows(s, ids, whole, confidential)
        centres = {str(c.id): c.code for c in s.scalars(select(Centre))}
        flags = {str(f.id): f.code for f in s.scalars(select(FlagType))}
        photos = {}
        for resident in people:
            picture = photo_file(resident.photo_path)
            if picture is not None and picture.stat().st_size < MAX_FILE_BYTES // 10:
                photos[str(resident.id)] = {"suffix": picture.suffix,
                                            "data": base64.b64encode(picture.read_bytes()).decode("ascii")}
        made_at = utcnow().isoformat()
        payload = {
            "transfer_id": str(transfer_id), "from": {"code": sender.code, "name": sender.name},
            "to": {"code": destination.code, "name": destination.name}, "made_at": made_at,
            "made_by": actor.full_name or actor.username, "confidential_included": confidential,
            "people": [str(r.id) for r in people], "whole_households": [str(h) for h in whole],
            "centres": centres, "flag_types": flags, "rows": rows, "photos": photos,
        }
        data = envelope.seal(s, sender, receiver, payload, transfer_id, made_at)
        summary = [{"id": str(r.id), "name": f"{r.first_name} {r.last_name}", "case_number": r.case_number}
                   for r in people]
        s.add(TransferRecord(transfer_id=transfer_id, direction="out", from_centre=sender.code,
                             to_centre=destination.code, made_at=utcnow(), people=summary,
                             file_sha256=envelope.checksum(data), confidential_included=confidential))
        for r in people:
            audit_entry(s, AuditAction.EXPORT, "resident", r.id, field="transfer", new=destination.code,
                        centre_id=sender.id, detail=str(transfer_id))
        temporary = out.with_name(out.name + ".part")
        out.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        s.flush()
        result = TransferOut(transfer_id, out, destination.code, tuple(_person(r) for r in people),
                             {k: len(v) for k, v in rows.items() if v}, confidential)
    temporary.replace(out)  # the file appears once the stays are closed for good
    return result


def _read_file(path: Path) -> bytes:
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise DomainError(_("This file is too large to be a transfer file."))
        return path.read_bytes()
    except OSError as exc:
        raise DomainError(_("The file {file} could not be read.").format(file=path.name)) from exc


def _open(session: Session, actor: Actor, data: bytes) -> tuple[envelope.Header, dict, Centre]:
    header, payload = envelope.unseal(session, data)
    here = _centre_by_code(session, header.to_code)
    actor.require(Permission.RESIDENT_WRITE, here.id)
    actor.require(Permission.SHELTER_WRITE, here.id)
    return header, payload, here


def preview_transfer(db: Database, actor: Actor, path: Path) -> TransferPreview:
    """What a transfer file holds, checked and decrypted, and who here may be the same person."""
    actor.require(Permission.RESIDENT_WRITE)
    data = _read_file(path)
    with db.transaction(actor, readonly=True) as s:
        header, payload, _here = _open(s, actor, data)
        received = s.scalar(select(TransferRecord.created_at).where(
            TransferRecord.transfer_id == header.transfer_id, TransferRecord.direction == "in"))
        people = tuple(_person_from(row) for row in payload["rows"]["resident"])
    matches = {}
    for p in people:
        found = [c for c in find_duplicates(db, actor, p.first_name, p.last_name, p.sex, p.date_of_birth,
                                            p.nationality, exclude=p.id) if c.resident_id != p.id]
        if found:
            matches[p.id] = found
    return TransferPreview(header.transfer_id, payload["from"]["code"], payload["from"].get("name", ""),
                           header.to_code, payload.get("made_at", ""), payload.get("made_by", ""), people,
                           {k: len(v) for k, v in payload["rows"].items() if v},
                           bool(payload.get("confidential_included")), received, matches)


class _Mapper:
    """Ids of the sending database that mean something else here: centres by code, flag types by
    code; beds and partners do not travel."""

    def __init__(self, session: Session, payload: dict) -> None:
        local = {c.code: c.id for c in session.scalars(select(Centre))}
        self.centres: dict[str, uuid.UUID] = {}
        for remote_id, code in payload.get("centres", {}).items():
            if code in local:
                self.centres[remote_id] = local[code]
        flags = {f.code: f.id for f in session.scalars(select(FlagType))}
        self.flags = {remote: flags[code] for remote, code in payload.get("flag_types", {}).items() if code in flags}

    def centre(self, value: uuid.UUID | None) -> uuid.UUID | None:
        if value is None:
            return None
        try:
            return self.centres[str(value)]
        except KeyError:
            raise DomainError(_("The transfer file names a centre this installation does not know.")) from None


def _adapt(name: str, values: dict[str, Any], mapper: _Mapper, here: Centre, whole: set[str]) -> dict[str, Any] | None:
    for column in ("centre_id", "transferred_to_centre_id"):
        if column in values:
            values[column] = mapper.centre(values[column])
    if name == "stay":
        values["bed_id"] = None  # a bed of the sending centre
    elif name == "reintegration_assistance":
        values["partner_id"] = None  # the partner's name travels in partner_name
    elif name == "resident_flag":
        flag_type = mapper.flags.get(str(values.get("flag_type_id")))
        if flag_type is None:
            return None  # a kind of flag this installation does not have
        values["flag_type_id"] = flag_type
    elif name == "resident":
        values["centre_id"] = here.id
        if str(values.get("household_id")) not in whole:
            values["household_id"], values["household_role"] = None, None
        values["photo_path"] = None  # written below, if the file carries the picture
    elif name == "household":
        values["centre_id"] = here.id
    elif name == "return_case" and values.get("status") in OPEN_CASE:
        values["centre_id"] = here.id  # the return continues here
    elif name == "cash_grant" and values.get("status") in UNPAID:
        values["centre_id"] = here.id  # paid here
    return values


def receive_transfer(db: Database, actor: Actor, path: Path) -> TransferIn:
    """Store what the file holds, in one transaction, with the original ids. Receiving the same
    file again changes nothing."""
    actor.require(Permission.RESIDENT_WRITE)
    data = _read_file(path)
    written: list[Path] = []
    try:
        return _receive(db, actor, data, written)
    except BaseException:
        for picture in written:  # the pictures of a transfer that was not stored
            picture.unlink(missing_ok=True)
        raise


def _receive(db: Database, actor: Actor, data: bytes, written: list[Path]) -> TransferIn:
    with db.transaction(actor) as s:
        header, payload, here = _open(s, actor, data)
        done = s.scalar(select(TransferRecord).where(TransferRecord.transfer_id == header.transfer_id,
                                                     TransferRecord.direction == "in"))
        if done is not None:
            return TransferIn(header.transfer_id, True, (), {})
        mapper = _Mapper(s, payload)
        whole = set(payload.get("whole_households", []))
        counts: dict[str, int] = {}
        people: list[tuple[uuid.UUID, str, str]] = []
        for name, model in TABLES:
            for row in payload["rows"].get(name, []):
                values = _adapt(name, json_to_values(model, row), mapper, here, whole)
                if values is None:
                    continue
                existing = s.get(model, values["id"])
                if existing is not None:
                    if name == "resident" or existing.updated_at >= values["updated_at"]:
                        continue  # known here already (the person came back): the newer record stays
                    for key, value in values.items():
                        if key not in ("id", "created_at", "version"):
                            setattr(existing, key, value)
                    counts[name] = counts.get(name, 0) + 1
                    continue
                values.pop("version", None)
                record = model(**values)
                if name == "resident":
                    first = record.case_number
                    year = dt.date.today().year
                    record.case_number = f"{here.code}-{year}-{next_number(s, here.id, 'case', year):05d}"
                    others = [n for n in (record.other_case_numbers or "").split("; ") if n]
                    record.other_case_numbers = "; ".join([*others, first])[:200]
                    refresh_search_text(s, record)
                    people.append((record.id, record.case_number, first))
                s.add(record)
                counts[name] = counts.get(name, 0) + 1
            s.flush()
        for resident_id, picture in payload.get("photos", {}).items():
            resident = s.get(Resident, uuid.UUID(resident_id))
            suffix = str(picture.get("suffix", ".jpg"))
            if resident is None or suffix.lower() not in (".jpg", ".png", ".bmp", ".gif", ".webp"):
                continue
            target = photos_dir() / f"{resident.id}{suffix.lower()}"
            target.write_bytes(base64.b64decode(picture["data"]))
            written.append(target)
            resident.photo_path = f"photos/{target.name}"
        summary = [{"id": str(rid), "case_number": number, "other_case_number": first}
                   for rid, number, first in people]
        s.add(TransferRecord(transfer_id=header.transfer_id, direction="in", from_centre=header.from_code,
                             to_centre=here.code, made_at=dt.datetime.fromisoformat(payload["made_at"]),
                             people=summary, file_sha256=envelope.checksum(data),
                             confidential_included=bool(payload.get("confidential_included"))))
        audit_entry(s, AuditAction.IMPORT, "transfer_record", header.transfer_id, field="from",
                    new=header.from_code, centre_id=here.id,
                    detail=", ".join(f"{first} → {number}" for _rid, number, first in people))
        s.flush()
        return TransferIn(header.transfer_id, False, tuple(people), counts)


def transfer_file_name(people: Sequence[TransferPerson], to_code: str, day: dt.date | None = None) -> str:
    day = day or dt.date.today()
    first = people[0].case_number if people else "transfer"
    return f"{first}-to-{to_code}-{day.isoformat()}{FILE_SUFFIX}"


__all__ = ["FILE_SUFFIX", "Destination", "destinations", "TransferIn", "TransferOut", "TransferPerson", "TransferPreview", "consent_to_share",
           "preview_transfer", "receive_transfer", "transfer_file_name", "transfer_out", "transfer_people"]

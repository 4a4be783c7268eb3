"""``transit-centre demo``: realistic synthetic data for training, screenshots and benchmarks.

Deterministic for a given ``--seed``. Rows are written with bulk inserts (``db.bulk``:
executemany, no ORM unit of work, no per-row audit: the audit log gets one entry saying demo
data was loaded), a batch at a time, so 100,000 residents load in about two minutes and
under 500 MB of memory. The terminal shows a progress bar.

Other capabilities add their records through ``EXTENSIONS``: each is a function
``extend(ctx: DemoContext) -> None`` called after residents and stays exist; it may call
``ctx.report(share)`` (0 to 1) as it goes, for the progress bar.
"""
from __future__ import annotations

import datetime as dt
import importlib
import random
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from transit_centre.ages import age_on
from transit_centre.common import fold
from transit_centre.db.audit import audit_entry
from transit_centre.db.base import utcnow
from transit_centre.db.bulk import insert_rows
from transit_centre.db.engine import Database
from transit_centre.db.models import (
    Bed,
    Centre,
    Counter,
    Household,
    IdentityDocument,
    Resident,
    Room,
    ServiceRecord,
    Stay,
    User,
    Vulnerability,
)
from transit_centre.demo.names import ARRIVED_FROM, NAMES, NATIONALITY_WEIGHTS
from transit_centre.enums import (
    AuditAction,
    BedKind,
    CentreKind,
    DepartureReason,
    DocumentKind,
    HouseholdKind,
    HouseholdRole,
    ReturneeGroup,
    Role,
    ServiceKind,
    Sex,
    VulnerabilityKind,
)
from transit_centre.i18n import _
from transit_centre.registry.text import search_text
from transit_centre.security.permissions import Actor

DEMO_PASSWORD = "transit-demo"
DEMO_USERS = [
    ("admin", "Awa Diallo", [Role.ADMIN]),
    ("manager", "Moussa Keïta", [Role.MANAGER]),
    ("caseworker", "Fatoumata Coulibaly", [Role.CASEWORKER]),
    ("nurse", "Dr Mariam Sangaré", [Role.MEDICAL]),
    ("mhpss", "Oumar Touré", [Role.MHPSS]),
    ("cash", "Seydou Traoré", [Role.CASH_OFFICER]),
    ("hq", "Aminata Cissé", [Role.HQ]),
]

# Functions "module:function" called with the DemoContext once residents and stays exist.
EXTENSIONS: list[str] = [
    "transit_centre.demo.care:extend",
    "transit_centre.demo.avrr:extend",
    "transit_centre.demo.casework:extend",
]
BATCH = 5000
STAY_KEYS = ("centre_id", "arrival_date", "departure_date", "departure_reason")
CACHE_MIB = 128  # MiB of SQLite page cache while the demo writes (memory stays under 500 MB at 100,000)


@dataclass(slots=True)
class DemoResident:
    id: uuid.UUID
    centre_id: uuid.UUID
    sex: Sex
    date_of_birth: dt.date
    nationality: str
    vulnerabilities: list[VulnerabilityKind]
    stays: list[dict[str, Any]] = field(default_factory=list)
    household_id: uuid.UUID | None = None

    def age_on(self, day: dt.date) -> int:
        return age_on(self.date_of_birth, day)  # type: ignore[return-value] - demo residents have a date


@dataclass
class DemoContext:
    session: Session
    rng: random.Random
    today: dt.date
    start: dt.date
    centres: list[Centre]
    residents: list[DemoResident]
    users: dict[str, uuid.UUID]
    report: Callable[[float], None] = lambda _share: None  # share of the current step done (0..1)

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    statements: dict[Any, Any] = field(default_factory=dict)

    def insert(self, model: Any, rows: list[dict[str, Any]]) -> None:
        """Bulk ``INSERT`` (executemany, no ORM unit of work, no audit per row)."""
        insert_rows(self.session.connection(), model.__table__, rows, self.statements)


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _base(ctx_rng: random.Random, now: dt.datetime) -> dict[str, Any]:
    return {"id": _uuid(ctx_rng), "created_at": now, "updated_at": now, "version": 1}


def _ensure_users(session: Session, centres: list[Centre], created: list[str] | None = None) -> dict[str, uuid.UUID]:
    """The demo accounts that do not exist yet (``created`` receives their names)."""
    from transit_centre.db.models import RoleRecord
    from transit_centre.security.users import hash_password, seed_roles

    seed_roles(session)
    session.flush()
    roles = {r.code: r for r in session.scalars(select(RoleRecord))}
    existing = {u.username: u.id for u in session.scalars(select(User))}
    hashed = None
    for username, full_name, user_roles in DEMO_USERS:
        if username in existing:
            continue
        hashed = hashed or hash_password(DEMO_PASSWORD)
        user = User(username=username, full_name=full_name, password_hash=hashed, language="fr")
        user.roles = [roles[r.value] for r in user_roles]
        if not any(r in (Role.ADMIN, Role.HQ) for r in user_roles):
            user.centres = list(centres)
        session.add(user)
        session.flush()
        existing[username] = user.id
        if created is not None:
            created.append(username)
    return existing


def _ensure_beds(ctx: DemoContext) -> dict[uuid.UUID, list[tuple[uuid.UUID, BedKind]]]:
    """Rooms of 8 beds per centre up to its capacity; returns the beds per centre."""
    now = utcnow()
    result: dict[uuid.UUID, list[tuple[uuid.UUID, BedKind]]] = {}
    for centre in ctx.centres:
        beds = ctx.session.execute(
            select(Bed.id, Bed.kind).join(Room).where(Room.centre_id == centre.id)
        ).all()
        if beds:
            result[centre.id] = [(b.id, b.kind) for b in beds]
            continue
        if centre.kind == CentreKind.MINORS:
            kinds = [BedKind.MINORS]
        elif centre.kind == CentreKind.TRAFFICKING:
            kinds = [BedKind.WOMEN, BedKind.WOMEN, BedKind.MINORS, BedKind.FAMILY]
        else:
            kinds = [BedKind.MEN] * 5 + [BedKind.WOMEN, BedKind.FAMILY, BedKind.MINORS]
        rooms, bed_rows, out = [], [], []
        n_rooms = max(1, (centre.capacity + 7) // 8)
        for r in range(n_rooms):
            kind = kinds[r % len(kinds)]
            room = {**_base(ctx.rng, now), "centre_id": centre.id, "name": _("Room {n}").format(n=r + 1),
                    "active": True}
            rooms.append(room)
            for b in range(min(8, centre.capacity - r * 8)):
                bed = {**_base(ctx.rng, now), "room_id": room["id"], "label": f"{r + 1}-{chr(65 + b)}",
                       "kind": kind, "active": True}
                bed_rows.append(bed)
                out.append((bed["id"], kind))
        ctx.insert(Room, rooms)
        ctx.insert(Bed, bed_rows)
        result[centre.id] = out
    return result


def _bed_kind_for(res: DemoResident, day: dt.date) -> BedKind:
    if res.age_on(day) < 18 and res.household_id is None:
        return BedKind.MINORS
    if res.household_id is not None:
        return BedKind.FAMILY
    return BedKind.WOMEN if res.sex == Sex.FEMALE else BedKind.MEN


def generate(db: Database, residents: int, seed: int = 1, months: int = 12,
             today: dt.date | None = None, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Fill the database with ``residents`` synthetic residents over the last ``months`` months.

    ``progress(done, total)`` is called as the work advances: the residents first (half of
    ``total``), then each extension in turn."""
    rng = random.Random(seed)
    total_work = 2 * max(residents, 1)
    report = progress or (lambda _done, _total: None)
    today = today or dt.date.today()
    start = today - dt.timedelta(days=int(months * 30.5))
    now = utcnow()
    counts: dict[str, int] = {}
    created: list[str] = []
    with db.transaction(Actor.system(), audit=False) as s, _large_cache(s, db):
        centres = list(s.scalars(select(Centre).where(Centre.active.is_(True)).order_by(Centre.code)))
        users = _ensure_users(s, centres, created)
        ctx = DemoContext(s, rng, today, start, centres, [], users)
        beds = _ensure_beds(ctx)
        free_beds = {cid: list(b) for cid, b in beds.items()}
        for cid in free_beds:
            taken = set(s.scalars(select(Stay.bed_id).where(Stay.centre_id == cid, Stay.departure_date.is_(None))))
            free_beds[cid] = [b for b in free_beds[cid] if b[0] not in taken]
        counters: dict[tuple[uuid.UUID, int], int] = {
            (c.centre_id, c.year): c.last_value
            for c in s.scalars(select(Counter).where(Counter.kind == "case"))
        }
        nationalities = list(NATIONALITY_WEIGHTS)
        weights = [NATIONALITY_WEIGHTS[n] for n in nationalities]
        centre_weights = [max(c.capacity, 10) for c in centres]
        days = (today - start).days
        rows_res, rows_doc, rows_vul, rows_stay, rows_hh, rows_meal = [], [], [], [], [], []
        made = 0
        while made < residents:
            centre = rng.choices(centres, centre_weights)[0]
            nationality = rng.choices(nationalities, weights)[0]
            if centre.kind == CentreKind.TRAFFICKING:
                nationality = rng.choices(["NG", "NG", "NG", "GN", "CI", "ML"])[0]
            arrival = start + dt.timedelta(days=rng.randrange(days + 1))
            group_size = 1
            if centre.kind == CentreKind.GENERAL and rng.random() < 0.08:
                group_size = rng.randint(2, 5)
            group_size = min(group_size, residents - made)
            household_id = None
            family_name = rng.choice(NAMES[nationality][2])
            if group_size > 1:
                household_id = _uuid(rng)
                rows_hh.append({**_base(rng, now), "id": household_id, "centre_id": centre.id,
                                "name": _("{name} family").format(name=family_name), "kind": HouseholdKind.FAMILY})
            stay_length = rng.choice([1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 21, 30])
            for member in range(group_size):
                made += 1
                if household_id is None:
                    if centre.kind == CentreKind.MINORS:
                        age = rng.randint(10, 17)
                    else:
                        age = rng.choices([rng.randint(14, 17), rng.randint(18, 35), rng.randint(36, 59),
                                           rng.randint(60, 75)], [8, 70, 18, 4])[0]
                    sex = Sex.MALE if rng.random() < (0.1 if centre.kind == CentreKind.TRAFFICKING else 0.85) else Sex.FEMALE
                    role = None
                else:
                    if member == 0:
                        age, sex, role = rng.randint(25, 50), Sex.MALE, HouseholdRole.HEAD
                    elif member == 1:
                        age, sex, role = rng.randint(20, 45), Sex.FEMALE, HouseholdRole.SPOUSE
                    else:
                        age, sex, role = rng.randint(0, 14), rng.choice([Sex.MALE, Sex.FEMALE]), HouseholdRole.CHILD
                first = rng.choice(NAMES[nationality][0 if sex == Sex.MALE else 1])
                last = family_name if household_id else rng.choice(NAMES[nationality][2])
                estimated = rng.random() < 0.3
                if estimated:
                    dob = dt.date(arrival.year - age, 1, 1)
                else:
                    dob = arrival - dt.timedelta(days=age * 365 + rng.randrange(365))
                year = arrival.year
                key = (centre.id, year)
                counters[key] = counters.get(key, 0) + 1
                case_number = f"{centre.code}-{year}-{counters[key]:05d}"
                phone = None if rng.random() < 0.4 else f"+223 {rng.randint(60, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
                rid = _uuid(rng)
                doc_numbers = []
                if age >= 16 and rng.random() < 0.55:
                    kind = rng.choice([DocumentKind.PASSPORT, DocumentKind.NATIONAL_ID, DocumentKind.CONSULAR_CARD])
                    number = f"{nationality}{rng.randint(1000000, 9999999)}"
                    issue = arrival - dt.timedelta(days=rng.randint(100, 3000))
                    rows_doc.append({**_base(rng, now), "resident_id": rid, "kind": kind, "number": number,
                                     "issuing_country": nationality, "issue_date": issue,
                                     "expiry_date": issue + dt.timedelta(days=365 * 5)})
                    doc_numbers.append(number)
                vulns: list[VulnerabilityKind] = []
                if centre.kind == CentreKind.TRAFFICKING or (sex == Sex.FEMALE and nationality == "NG" and rng.random() < 0.5):
                    vulns.append(VulnerabilityKind.TRAFFICKING_VICTIM)
                if age < 18 and household_id is None:
                    vulns.append(VulnerabilityKind.UNACCOMPANIED_MINOR)
                if rng.random() < 0.05:
                    vulns.append(VulnerabilityKind.MEDICAL_CONDITION)
                if age >= 60:
                    vulns.append(VulnerabilityKind.ELDERLY)
                if sex == Sex.FEMALE and 18 <= age <= 40 and rng.random() < 0.1:
                    vulns.append(VulnerabilityKind.PREGNANT_LACTATING)
                if rng.random() < 0.03:
                    vulns.append(VulnerabilityKind.VIOLENCE_SURVIVOR)
                for v in vulns:
                    rows_vul.append({**_base(rng, now), "resident_id": rid, "kind": v, "identified_on": arrival})
                # The group the registry derives from the nationality; a few Malians are internally
                # displaced persons, as a caseworker records them.
                group = ReturneeGroup.MALIAN_RETURNEE if nationality == "ML" else ReturneeGroup.INTERNATIONAL
                idp = nationality == "ML" and centre.kind == CentreKind.GENERAL and rng.random() < 0.04
                rows_res.append({
                    "returnee_group": ReturneeGroup.IDP if idp else group, "returnee_group_manual": idp,
                    **_base(rng, now), "id": rid, "centre_id": centre.id, "case_number": case_number,
                    "first_name": first, "last_name": last, "first_name_folded": fold(first),
                    "last_name_folded": fold(last),
                    "search_text": search_text(case_number, first, last, None, phone, doc_numbers),
                    "sex": sex, "date_of_birth": dob, "dob_estimated": estimated, "nationality": nationality,
                    "languages": rng.choice(["bambara, français", "français", "anglais", "peul", "soninké",
                                             "songhaï", "pidgin, anglais", "malinké", "wolof, français"]),
                    "phone": phone, "registered_on": arrival, "consent_given": True, "consent_date": arrival,
                    "consent_recorded_by": users.get("caseworker"), "household_id": household_id,
                    "household_role": role, "archived": False,
                })
                res = DemoResident(rid, centre.id, sex, dob, nationality, vulns, household_id=household_id)
                departure = arrival + dt.timedelta(days=stay_length)
                bed_kind = _bed_kind_for(res, arrival)
                bed_id = None
                if departure > today:
                    pool = [b for b in free_beds[centre.id] if b[1] == bed_kind] or free_beds[centre.id]
                    if pool:
                        chosen = pool[0]
                        free_beds[centre.id].remove(chosen)
                        bed_id = chosen[0]
                        departure = None
                    else:
                        departure = today
                else:
                    candidates = [b for b in beds[centre.id] if b[1] == bed_kind] or beds[centre.id]
                    bed_id = rng.choice(candidates)[0]
                reason = None
                if departure is not None:
                    reason = rng.choices([DepartureReason.RETURN, DepartureReason.LEFT_ON_OWN,
                                          DepartureReason.TRANSFER, DepartureReason.OTHER], [85, 8, 4, 3])[0]
                stay = {**_base(rng, now), "resident_id": rid, "centre_id": centre.id, "bed_id": bed_id,
                        "arrival_date": arrival, "arrived_from": rng.choice(ARRIVED_FROM),
                        "departure_date": departure, "departure_reason": reason}
                rows_stay.append(stay)
                res.stays.append(stay)
                ctx.residents.append(res)
                last_day = min(departure or today, today)
                day = arrival
                while day < last_day:
                    rows_meal.append({**_base(rng, now), "centre_id": centre.id, "resident_id": rid,
                                      "kind": ServiceKind.MEAL, "subtype": "meal", "service_date": day,
                                      "quantity": 2, "details": {}})
                    day += dt.timedelta(days=1)
            if len(rows_res) >= BATCH or made >= residents:
                ctx.insert(Household, rows_hh)
                ctx.insert(Resident, rows_res)
                ctx.insert(IdentityDocument, rows_doc)
                ctx.insert(Vulnerability, rows_vul)
                ctx.insert(Stay, rows_stay)
                for res in ctx.residents[-len(rows_res):]:  # what the extensions read of a stay, no more
                    res.stays = [{key: stay[key] for key in STAY_KEYS} for stay in res.stays]
                ctx.insert(ServiceRecord, rows_meal)
                counts["residents"] = counts.get("residents", 0) + len(rows_res)
                counts["stays"] = counts.get("stays", 0) + len(rows_stay)
                counts["meals"] = counts.get("meals", 0) + len(rows_meal)
                rows_res, rows_doc, rows_vul, rows_stay, rows_hh, rows_meal = [], [], [], [], [], []
                report(made, total_work)
        _save_counters(s, counters)
        for step, name in enumerate(EXTENSIONS):
            first = total_work // 2 + step * (total_work // 2) // len(EXTENSIONS)
            width = (total_work // 2) // len(EXTENSIONS)
            ctx.report = lambda share, first=first, width=width: report(first + int(width * min(share, 1.0)),
                                                                        total_work)
            ctx.report(0.0)
            module, func_name = name.split(":")
            extra = getattr(importlib.import_module(module), func_name)(ctx)
            if isinstance(extra, dict):
                counts.update(extra)
        report(total_work, total_work)
        s.info["audit"] = True
        audit_entry(s, AuditAction.IMPORT, "demo", None, detail=f"demo data: {counts}")
    from transit_centre.storage.at_rest import add_slots

    add_slots(db, {name: DEMO_PASSWORD for name in created})  # the new demo accounts open an encrypted file
    return counts


@contextmanager
def _large_cache(session: Session, db: Database) -> Iterator[None]:
    """SQLite keeps up to CACHE_MIB of pages in memory while the demo writes: the indexes on
    random ids are updated all over, and a small cache writes the same pages out again and again."""
    if not db.is_sqlite:
        yield
        return
    connection = session.connection()
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = {-CACHE_MIB * 1024}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


def _save_counters(session: Session, counters: dict[tuple[uuid.UUID, int], int]) -> None:
    existing = {(c.centre_id, c.year): c for c in session.scalars(select(Counter).where(Counter.kind == "case"))}
    for (centre_id, year), value in counters.items():
        counter = existing.get((centre_id, year))
        if counter is None:
            session.add(Counter(centre_id=centre_id, kind="case", year=year, last_value=value))
        else:
            counter.last_value = max(counter.last_value, value)
    session.flush()


def iter_present(ctx: DemoContext, day: dt.date) -> Iterable[DemoResident]:
    """Residents of the demo whose stay covers the night of ``day``."""
    for res in ctx.residents:
        for stay in res.stays:
            if stay["arrival_date"] <= day and (stay["departure_date"] is None or stay["departure_date"] > day):
                yield res
                break

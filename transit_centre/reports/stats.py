"""Report figures for one centre (or all) and a period: arrivals, occupancy, who was
accommodated, services, returns and cash.

Every figure is one aggregate SQL query (GROUP BY) over ``Sources``, so the same code serves a
centre's live data (monthly export, dashboard) and headquarters' imported packages
(consolidated reports). Definitions (kept in the XLSX notes):

- arrivals / departures: stays whose arrival / departure date falls in the period;
- present at period end: stays covering the night of the last day;
- bed-nights: nights spent in the period (up to the day the figures are made);
- accommodated residents: people with a stay in the period, each person once (a person transferred
  between centres has a stay in each, and is one person); their age
  band is their age on the last day of the period;
- service contacts: one per person served (the resident of an individual record, each participant
  of a group record); medical "under 5" uses the same age band;
- returns: return cases whose "departed" step is dated in the period;
- cash: disbursements paid in the period and not voided; voided receipts issued in the period;
- reintegration assistance: records dated in the period and not voided;
- returnee group (Malian returning home, international migrant, IDP): the person's group at the
  time of the export, split out in every table that counts people (``by_group``);
- people assisted (``reports/people.py``): each person once per figure.
"""
from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import distinct, func, literal, select
from sqlalchemy.orm import Session

from transit_centre.db.engine import Database
from transit_centre.db.models import Bed, Centre, Room
from transit_centre.enums import ServiceKind
from transit_centre.reports.people import PeopleLine, once_each, people_lines
from transit_centre.reports.sources import Period, Sources, live_sources
from transit_centre.security.permissions import Actor, Permission


@dataclass(frozen=True)
class ServiceLine:
    kind: str
    subtype: str
    records: int
    quantity: int
    contacts: int
    male: int
    female: int
    under5: int


@dataclass(frozen=True)
class Stats:
    start: dt.date
    end: dt.date
    arrivals: int
    departures: int
    departures_by_reason: tuple[tuple[str, int], ...]
    present_at_end: int
    bed_nights: int
    capacity_nights: int
    accommodated: int
    # (nationality or "", sex, age band, people)
    demographics: tuple[tuple[str, str, str, int], ...]
    # (vulnerability kind, male, female, sex not recorded)
    vulnerabilities: tuple[tuple[str, int, int, int], ...]
    services: tuple[ServiceLine, ...]
    # (mode "individual"/"group", sessions, male contacts, female contacts)
    mhpss: tuple[tuple[str, int, int, int], ...]
    # (return type, destination country, male, female, sex not recorded)
    returns: tuple[tuple[str, str, int, int, int], ...]
    # (grant kind, people, total XOF)
    cash: tuple[tuple[str, int, int], ...]
    voided_receipts: int
    voided_receipts_xof: int
    # (table, row key, returnee group or "", people or count): the group columns of the tables
    by_group: tuple[tuple[str, str, str, int], ...] = ()
    # people assisted, each once, by figure, category, group and sex (reports/people.py)
    people: tuple[PeopleLine, ...] = ()
    # (reintegration kind, records, total XOF)
    reintegration: tuple[tuple[str, int, int], ...] = ()
    # (vaccine kind, doses: vaccination records)
    vaccinations: tuple[tuple[str, int], ...] = ()

    def group_count(self, table: str, key: str, group: str) -> int:
        return sum(n for t, k, g, n in self.by_group if t == table and k == key and g == group)

    @property
    def occupancy(self) -> float | None:
        return self.bed_nights / self.capacity_nights if self.capacity_nights else None

    @property
    def returns_total(self) -> int:
        return sum(m + f + u for _t, _c, m, f, u in self.returns)

    @property
    def cash_total(self) -> int:
        return sum(total for _k, _n, total in self.cash)

    def service_total(self, kind: str, field: str = "records") -> int:
        return sum(getattr(line, field) for line in self.services if line.kind == kind)


def _s(value: Any) -> str:
    if value is None:
        return ""
    return str(value.value if isinstance(value, enum.Enum) else value)


def compute(session: Session, src: Sources, period: Period, capacity_nights: int) -> Stats:
    """All figures from one ``Sources``; about a dozen GROUP BY queries."""
    S, R, V = src.stay, src.resident, src.vulnerability
    Rt, D, Rc = src.returns, src.disbursement, src.receipt

    R_ = src.resident.c
    group = R_.returnee_group
    with_r = (S, src.resident, src.on_resident(S.c.resident_id, S.c.ck))
    by_group: list[tuple[str, str, str, int]] = []

    def grouped(table: str, rows: list[Any], key: Any = None) -> list[Any]:
        """Record the group split of ``rows`` (…, group, n), return the rows."""
        for *keys, g, n in rows:
            by_group.append((table, key if key is not None else "|".join(_s(k) for k in keys), _s(g), int(n or 0)))
        return rows

    arrival_rows = grouped("movements", session.execute(
        select(group, func.count()).select_from(S).outerjoin(*with_r[1:])
        .where(S.c.arrival_date.between(period.start, period.end)).group_by(group)).all(), "arrivals")
    arrivals = sum(int(n) for _g, n in arrival_rows)
    reason_rows = session.execute(
        select(S.c.departure_reason, group, func.count()).select_from(S).outerjoin(*with_r[1:])
        .where(S.c.departure_date.between(period.start, period.end))
        .group_by(S.c.departure_reason, group)).all()
    grouped("movements", [(g, n) for _r, g, n in reason_rows], "departures")
    grouped("movements", [(f"departures:{_s(r)}", g, n) for r, g, n in reason_rows])
    reasons: dict[str, int] = defaultdict(int)
    for reason, _g, n in reason_rows:
        reasons[_s(reason)] += int(n)
    by_reason = list(reasons.items())
    present_rows = grouped("movements", session.execute(
        select(group, func.count()).select_from(S).outerjoin(*with_r[1:]).where(
            S.c.arrival_date <= period.end,
            (S.c.departure_date.is_(None)) | (S.c.departure_date > period.end)).group_by(group)).all(),
        "present_at_end")
    present = sum(int(n) for _g, n in present_rows)
    night_rows = grouped("movements", session.execute(
        select(group, func.coalesce(func.sum(S.c.nights), 0)).select_from(S).outerjoin(*with_r[1:])
        .group_by(group)).all(), "bed_nights")
    bed_nights = sum(int(n or 0) for _g, n in night_rows)

    people = once_each(select(S.c.resident_id, S.c.ck).subquery("stays_of_people"), src).subquery("people")
    demo_rows = session.execute(
        select(R.c.nationality, R.c.sex, R.c.age_band, func.count())
        .select_from(people).join(R, src.on_resident(people.c.resident_id, people.c.ck))
        .group_by(R.c.nationality, R.c.sex, R.c.age_band)).all()
    vul_on = (V.c.resident_id == people.c.resident_id) & (
        (V.c.ck == people.c.ck) if src.scoped else literal(True))
    vul_rows = session.execute(
        select(V.c.kind, R.c.sex, R.c.returnee_group, func.count())
        .select_from(people).join(R, src.on_resident(people.c.resident_id, people.c.ck))
        .join(V, vul_on).group_by(V.c.kind, R.c.sex, R.c.returnee_group)).all()
    grouped("vulnerabilities", [(k, g, n) for k, _sex, g, n in vul_rows])

    records, contact_rows, mhpss_sessions = _service_totals(session, src)
    grouped("services", [(k, st, g, n) for k, st, _m, _sex, _b, g, n in contact_rows])
    grouped("mhpss", [(m, g, n) for k, _st, m, _sex, _b, g, n in contact_rows if _s(k) == ServiceKind.MHPSS.value])

    return_rows = session.execute(
        select(Rt.c.return_type, Rt.c.destination_country, R.c.sex, R.c.returnee_group, func.count())
        .select_from(Rt).outerjoin(R, src.on_resident(Rt.c.resident_id, Rt.c.ck))
        .group_by(Rt.c.return_type, Rt.c.destination_country, R.c.sex, R.c.returnee_group)).all()
    grouped("returns", [(t, c, g, n) for t, c, _sex, g, n in return_rows])
    cash_rows = session.execute(
        select(D.c.grant_kind, func.count(distinct(D.c.resident_id)), func.sum(D.c.amount))
        .group_by(D.c.grant_kind)).all()
    grouped("cash", session.execute(
        select(D.c.grant_kind, R.c.returnee_group, func.count(distinct(D.c.resident_id)))
        .select_from(D).outerjoin(R, src.on_resident(D.c.resident_id, D.c.ck))
        .group_by(D.c.grant_kind, R.c.returnee_group)).all())
    Ri = src.reintegration.c
    reintegration_rows = session.execute(
        select(Ri.kind, func.count(), func.coalesce(func.sum(Ri.amount), 0)).group_by(Ri.kind)).all()
    Sv = src.service.c
    vaccine_rows = session.execute(
        select(Sv.vaccine, func.count()).where(Sv.kind == ServiceKind.MEDICAL.value, Sv.vaccine.is_not(None))
        .group_by(Sv.vaccine)).all()
    voided = session.execute(
        select(func.count(), func.coalesce(func.sum(Rc.c.amount), 0)).where(Rc.c.voided == 1)).one()

    return Stats(
        start=period.start, end=period.end, arrivals=int(arrivals),
        departures=sum(int(n) for _r, n in by_reason),
        departures_by_reason=tuple(sorted((_s(r), int(n)) for r, n in by_reason)),
        present_at_end=int(present), bed_nights=int(bed_nights), capacity_nights=int(capacity_nights),
        accommodated=sum(int(n) for *_k, n in demo_rows),
        demographics=tuple(sorted((_s(nat), _s(sex), _s(band), int(n)) for nat, sex, band, n in demo_rows)),
        vulnerabilities=_by_sex([(k, sex, n) for k, sex, _g, n in vul_rows]),
        services=_service_lines(records, contact_rows),
        mhpss=_mhpss(contact_rows, mhpss_sessions),
        returns=_returns([(t, c, sex, n) for t, c, sex, _g, n in return_rows]),
        cash=tuple(sorted((_s(k), int(n), int(t or 0)) for k, n, t in cash_rows)),
        voided_receipts=int(voided[0]), voided_receipts_xof=int(voided[1] or 0),
        by_group=_merge(by_group),
        people=people_lines(session, src),
        reintegration=tuple(sorted((_s(k), int(n), int(t or 0)) for k, n, t in reintegration_rows)),
        vaccinations=tuple(sorted((_s(k), int(n)) for k, n in vaccine_rows)),
    )


_SEX_COLUMN = {"M": 0, "F": 1}  # any other value (a package without the sex) is counted apart


def _by_sex(rows: list[Any]) -> tuple[tuple[str, int, int, int], ...]:
    acc: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for kind, sex, n in rows:
        acc[_s(kind)][_SEX_COLUMN.get(_s(sex), 2)] += int(n)
    return tuple(sorted((k, m, f, u) for k, (m, f, u) in acc.items()))


_KIND_ORDER = {k.value: i for i, k in enumerate(ServiceKind)}


def _service_totals(session: Session, src: Sources) -> tuple[list[Any], list[Any], list[Any]]:
    """The service totals read once (live, their four GROUP BYs run once): records and quantity by
    kind and type, contacts by kind, type, mode, sex, age band and group, and MHPSS sessions."""
    T = src.service_totals.c
    dims = (T.kind, T.subtype, T.mode, T.sex, T.age_band, T.returnee_group)
    rows = session.execute(select(*dims, func.sum(T.records), func.sum(T.quantity), func.sum(T.contacts),
                                  func.sum(T.sessions)).group_by(*dims)).all()
    by_type: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    contacts, individual, group = [], 0, 0
    mhpss = ServiceKind.MHPSS.value
    for kind, subtype, mode, sex, band, rgroup, n_records, quantity, n_contacts, sessions in rows:
        line = by_type[(_s(kind), _s(subtype))]
        line[0] += int(n_records or 0)
        line[1] += int(quantity or 0)
        if n_contacts:
            contacts.append((kind, subtype, mode, sex, band, rgroup, int(n_contacts)))
        if _s(kind) == mhpss:
            individual += int(n_records or 0) if _s(mode) == "individual" else 0
            group += int(sessions or 0)
    records = [(kind, subtype, n, qty) for (kind, subtype), (n, qty) in by_type.items() if n > 0]
    return records, contacts, [("individual", individual), ("group", group)]


def _merge(rows: list[tuple[str, str, str, int]]) -> tuple[tuple[str, str, str, int], ...]:
    acc: dict[tuple[str, str, str], int] = defaultdict(int)
    for table, key, group, n in rows:
        acc[(table, key, group)] += n
    return tuple(sorted((t, k, g, n) for (t, k, g), n in acc.items() if n))


def _service_lines(records: list[Any], contacts: list[Any]) -> tuple[ServiceLine, ...]:
    acc: dict[tuple[str, str], list[int]] = {}
    for kind, subtype, n, qty in records:
        acc[(_s(kind), _s(subtype))] = [int(n), int(qty or 0), 0, 0, 0, 0]
    for kind, subtype, _mode, sex, band, _group, n in contacts:
        line = acc.setdefault((_s(kind), _s(subtype)), [0, 0, 0, 0, 0, 0])
        line[2] += int(n)
        if _s(sex) == "M":
            line[3] += int(n)
        elif _s(sex) == "F":
            line[4] += int(n)
        if _s(band) == "0-4":
            line[5] += int(n)
    ordered = sorted(acc.items(), key=lambda item: (_KIND_ORDER.get(item[0][0], 99), item[0][1]))
    return tuple(ServiceLine(k, st, *values) for (k, st), values in ordered)


def _mhpss(contacts: list[Any], sessions: list[Any]) -> tuple[tuple[str, int, int, int], ...]:
    acc: dict[str, list[int]] = {"individual": [0, 0, 0], "group": [0, 0, 0]}
    for mode, n in sessions:
        acc[_s(mode)][0] = int(n)
    for kind, _subtype, mode, sex, _band, _group, n in contacts:
        if _s(kind) != ServiceKind.MHPSS.value:
            continue
        line = acc[_s(mode)]
        if _s(sex) == "M":
            line[1] += int(n)
        elif _s(sex) == "F":
            line[2] += int(n)
    return tuple((mode, values[0], values[1], values[2]) for mode, values in acc.items())


def _returns(rows: list[Any]) -> tuple[tuple[str, str, int, int, int], ...]:
    acc: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for rtype, country, sex, n in rows:
        acc[(_s(rtype), _s(country))][_SEX_COLUMN.get(_s(sex), 2)] += int(n)
    return tuple(sorted((t, c, m, f, u) for (t, c), (m, f, u) in acc.items()))


# --- the services the screens and the command line call -------------------------------------

def scope_centres(actor: Actor, centre_id: uuid.UUID | None, permission: Permission) -> list[uuid.UUID] | None:
    """Check the permission and return the centres the figures cover (None: every centre)."""
    actor.require(permission, centre_id)
    if centre_id is not None:
        return [centre_id]
    visible = actor.visible_centres()
    return None if visible is None else sorted(visible)


def centre_capacities(session: Session, centre_ids: list[uuid.UUID] | None) -> dict[uuid.UUID, int]:
    """Beds per centre as the shelter counts them: active beds in active rooms, else the
    capacity recorded for the centre (one GROUP BY)."""
    beds = (select(Room.centre_id, func.count(Bed.id).label("n")).join(Bed, Bed.room_id == Room.id)
            .where(Room.active.is_(True), Bed.active.is_(True)).group_by(Room.centre_id).subquery())
    query = select(Centre.id, Centre.capacity, beds.c.n).outerjoin(beds, beds.c.centre_id == Centre.id)
    query = query.where(Centre.id.in_(centre_ids)) if centre_ids is not None else query.where(
        Centre.active.is_(True))
    return {cid: int(n or capacity or 0) for cid, capacity, n in session.execute(query)}


def capacity_nights(session: Session, centre_ids: list[uuid.UUID] | None, period: Period,
                    as_of: dt.date) -> int:
    return sum(centre_capacities(session, centre_ids).values()) * period.nights(as_of)


def live_stats(session: Session, centre_ids: list[uuid.UUID] | None, period: Period,
               as_of: dt.date | None = None) -> Stats:
    """Session-level: figures of live data (used inside the export's own transaction)."""
    as_of = as_of or dt.date.today()
    src = live_sources(session, centre_ids, period, as_of)
    return compute(session, src, period, capacity_nights(session, centre_ids, period, as_of))


def period_statistics(db: Database, actor: Actor, centre_id: uuid.UUID | None, period: Period,
                      as_of: dt.date | None = None) -> Stats:
    """Figures of one centre (or every centre the user sees) for a period."""
    centre_ids = scope_centres(actor, centre_id, Permission.REPORT_READ)
    with db.transaction(actor, readonly=True) as s:
        return live_stats(s, centre_ids, period, as_of)

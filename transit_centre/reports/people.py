"""People assisted, counted once: who returned, received cash, reintegration assistance, took part
in MHPSS, received curative care, was vaccinated, or was supported as a victim of trafficking,
by returnee group, sex and "under 5".

The annual report publishes people, not records: a person seen three times by the nurse
received curative care once. Each figure is one query over ``Sources`` (live data or
headquarters' packages alike): the distinct (centre, person, category) of the records behind it,
joined to the person for their sex, age band and returnee group. A person is counted once, even
when two centres assisted them (a transfer: the same resident id in both centres' records or
packages, ``once_each``); age bands are on the last day of the period (at headquarters: of the
last month the person appears in, at the last of their centres by code).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, case, func, literal, null, select, union
from sqlalchemy.orm import Session

from transit_centre.care.enums import ConsultationType
from transit_centre.enums import ReintegrationKind, ServiceKind, VulnerabilityKind
from transit_centre.reports.sources import Sources

# Figures, in the order of the tables.
ACCOMMODATED, AVRR, CASH, REINTEGRATION = "accommodated", "avrr", "cash", "reintegration"
MHPSS, CURATIVE, VACCINATION, VOT = "mhpss", "curative", "vaccination", "vot"
FIGURES = (ACCOMMODATED, AVRR, CASH, REINTEGRATION, MHPSS, CURATIVE, VACCINATION, VOT)
# Returnee groups as stored, then "" for a person whose group is not known.
GROUPS = ("malian_returnee", "international", "idp", "")


@dataclass(frozen=True)
class PeopleLine:
    figure: str    # one of FIGURES
    category: str  # return type, reintegration kind, vaccine kind, nationality (VoT); "" for none
    group: str     # returnee group value, "" when not recorded
    male: int
    female: int
    unknown: int   # sex not recorded
    under5: int

    @property
    def total(self) -> int:
        return self.male + self.female + self.unknown


def _s(value: Any) -> str:
    if value is None:
        return ""
    return str(getattr(value, "value", value))


def once_each(records: Any, src: Sources, *extra: str) -> Any:
    """One row per person (and ``extra`` columns) of ``records`` (resident_id, ck, …), with the
    centre key to read the person from: a person two centres assisted is one person. Live, the
    key is not needed to find the person (one database); at headquarters, the last centre's."""
    keys = [records.c.resident_id, *(records.c[name] for name in extra)]
    if src.scoped:
        return select(*keys, func.max(records.c.ck).label("ck")).group_by(*keys)
    return select(*keys, null().label("ck")).distinct()


def _count(session: Session, src: Sources, figure: str, selects: list[Any], *,
           by_nationality: bool = False) -> list[tuple]:
    """(figure, category, group, sex, people, under 5) of the distinct (resident_id, category)."""
    records = (union(*selects) if len(selects) > 1 else selects[0].distinct()).subquery(f"pr_{figure}")
    pairs = once_each(records, src, "category").subquery(f"pp_{figure}")
    R = src.resident.c
    category = R.nationality if by_nationality else pairs.c.category
    under5 = func.coalesce(func.sum(case((R.age_band == "0-4", 1), else_=0)), 0)
    rows = session.execute(
        select(category, R.returnee_group, R.sex, func.count(), under5)
        .select_from(pairs).outerjoin(src.resident, src.on_resident(pairs.c.resident_id, pairs.c.ck))
        .group_by(category, R.returnee_group, R.sex)).all()
    return [(figure, _s(cat), _s(group), _s(sex), int(n), int(u5 or 0)) for cat, group, sex, n, u5 in rows]


def people_lines(session: Session, src: Sources) -> tuple[PeopleLine, ...]:
    S, Rt, D, Ri = src.stay.c, src.returns.c, src.disbursement.c, src.reintegration.c
    Sv, A, V = src.service.c, src.attended.c, src.vulnerability.c
    none = literal("", String).label("category")

    def pair(ck: Any, resident_id: Any, category: Any = none) -> Any:
        return select(ck.label("ck"), resident_id.label("resident_id"), category.label("category"))

    medical, mhpss = ServiceKind.MEDICAL.value, ServiceKind.MHPSS.value
    own = Sv.resident_id.is_not(None)
    # Victims of trafficking who stayed: each stay of the period asks whether its resident is one
    # (EXISTS, by the vulnerability's resident index). A join of the distinct stays to the
    # vulnerabilities let SQLite 3.51 (SQLCipher's) start from the vulnerabilities and run the
    # stays again for each: 80 s at 100,000 residents, where this takes milliseconds.
    victim = select(V.resident_id).where(
        V.kind == VulnerabilityKind.TRAFFICKING_VICTIM.value, V.resident_id == S.resident_id,
        (V.ck == S.ck) if src.scoped else literal(True)).exists()
    rows: list[tuple] = []
    rows += _count(session, src, ACCOMMODATED, [pair(S.ck, S.resident_id)])
    rows += _count(session, src, AVRR, [pair(Rt.ck, Rt.resident_id, Rt.return_type)])
    rows += _count(session, src, CASH, [
        pair(D.ck, D.resident_id),
        pair(Ri.ck, Ri.resident_id).where(Ri.kind == ReintegrationKind.CASH_IMMEDIATE.value)])
    rows += _count(session, src, REINTEGRATION, [pair(Ri.ck, Ri.resident_id, Ri.kind)])
    rows += _count(session, src, MHPSS, [
        pair(Sv.ck, Sv.resident_id).where(Sv.kind == mhpss, own),
        pair(A.ck, A.resident_id).where(A.kind == mhpss)])
    rows += _count(session, src, CURATIVE, [pair(Sv.ck, Sv.resident_id).where(
        Sv.kind == medical, Sv.subtype == ConsultationType.CURATIVE.value, own)])
    rows += _count(session, src, VACCINATION, [pair(Sv.ck, Sv.resident_id, Sv.vaccine).where(
        Sv.kind == medical, Sv.subtype == ConsultationType.VACCINATION.value, own)])
    rows += _count(session, src, VOT, [pair(S.ck, S.resident_id).where(victim)], by_nationality=True)
    acc: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for figure, category, group, sex, n, u5 in rows:
        line = acc[(figure, category, group)]
        line[{"M": 0, "F": 1}.get(sex, 2)] += n
        line[3] += u5
    order = {f: i for i, f in enumerate(FIGURES)}
    return tuple(PeopleLine(f, c, g, *values) for (f, c, g), values in
                 sorted(acc.items(), key=lambda kv: (order[kv[0][0]], kv[0][1], GROUPS.index(kv[0][2])
                                                     if kv[0][2] in GROUPS else 9, kv[0][2])))


def people_total(lines: tuple[PeopleLine, ...], figure: str, category: str | None = None,
                 group: str | None = None) -> tuple[int, int, int, int]:
    """(men, women, sex not recorded, under 5) of a figure, for one category and/or group or all."""
    chosen = [x for x in lines if x.figure == figure and (category is None or x.category == category)
              and (group is None or x.group == group)]
    return (sum(x.male for x in chosen), sum(x.female for x in chosen), sum(x.unknown for x in chosen),
            sum(x.under5 for x in chosen))


__all__ = ["FIGURES", "GROUPS", "PeopleLine", "once_each", "people_lines", "people_total"]

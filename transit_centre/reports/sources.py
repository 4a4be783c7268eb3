"""Where report figures come from: a centre's live tables or headquarters' imported packages.

Both give the same set of subqueries with the same column names (``Sources``), so one set of
aggregate queries (``reports/stats.py``) computes the figures of a centre's monthly export and
of headquarters' consolidated reports: the numbers cannot drift apart.

Every subquery has a ``ck`` column (the centre key: the centre id live, the centre code at
headquarters). At headquarters the same resident UUID may come from two centres' packages (a
transfer): records are joined to the person within their centre (``scoped``), and a person is
counted once (``people.once_each``).
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Date, Integer, and_, case, cast, distinct, func, literal, literal_column, null, or_, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql import Subquery

from transit_centre.db.models import (
    CashGrant,
    Centre,
    Disbursement,
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
    Receipt,
    ReintegrationAssistance,
    Resident,
    ReturnCase,
    ReturnStepRecord,
    ServiceParticipant,
    ServiceRecord,
    Stay,
    Vulnerability,
)
from transit_centre.ages import age_band_sql
from transit_centre.care.enums import ConsultationType
from transit_centre.enums import ReturnStep, ServiceKind



@dataclass(frozen=True)
class Period:
    """Calendar days ``start`` to ``end``, both included."""

    start: dt.date
    end: dt.date

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        first = dt.date(year, month, 1)
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        return cls(first, nxt - dt.timedelta(days=1))

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    def nights(self, as_of: dt.date) -> int:
        """Nights of the period up to the night of ``as_of`` (occupancy denominator)."""
        last = min(self.end, as_of)
        return max((last - self.start).days + 1, 0)

    @property
    def month_key(self) -> str:
        return f"{self.start.year:04d}-{self.start.month:02d}"


def _greatest(dialect: str, a: Any, b: Any) -> Any:
    return func.max(a, b) if dialect == "sqlite" else func.greatest(a, b)


def _least(dialect: str, a: Any, b: Any) -> Any:
    return func.min(a, b) if dialect == "sqlite" else func.least(a, b)


def _days(dialect: str, later: Any, earlier: Any) -> Any:
    if dialect == "sqlite":
        return cast(func.julianday(later) - func.julianday(earlier), Integer)
    return later - earlier


@dataclass(frozen=True)
class Sources:
    resident: Subquery       # id, ck, sex, nationality, age_band, returnee_group
    stay: Subquery           # id, ck, resident_id, arrival_date, departure_date, departure_reason, nights
    vulnerability: Subquery  # id, ck, resident_id, kind
    service: Subquery        # id, ck, resident_id, kind, subtype, service_date, quantity, vaccine
    participant: Subquery    # id, ck, service_id, resident_id
    attended: Subquery       # ck, resident_id, kind, subtype: each participant with their record's kind
    # kind, subtype, mode ("individual"/"group"), sex, age_band, returnee_group, records, quantity,
    # contacts, sessions
    service_totals: Subquery
    returns: Subquery        # id, ck, resident_id, return_type, destination_country, departed_on, status
    grant: Subquery          # id, ck, resident_id, return_case_id, kind, status, planned_amount, ...
    disbursement: Subquery   # id, ck, grant_id, resident_id, grant_kind, disbursed_on, amount
    receipt: Subquery        # id, ck, disbursement_id, issued_on, amount, voided
    reintegration: Subquery  # id, ck, resident_id, return_case_id, kind, assisted_on, amount
    scoped: bool             # join residents within their centre key (headquarters)

    def on_resident(self, resident_id: Any, ck: Any) -> Any:
        r = self.resident.c
        return and_(r.id == resident_id, r.ck == ck) if self.scoped else r.id == resident_id


def vaccine_kind(kind: Any, subtype: Any, details: Any) -> Any:
    """The vaccine kind of a vaccination record (``details["vaccine_kind"]``), else NULL; a
    vaccination without one (none are left after migration 0003) counts as "other"."""
    is_vaccination = (kind == ServiceKind.MEDICAL.value) & (subtype == ConsultationType.VACCINATION.value)
    return case((is_vaccination, func.coalesce(details["vaccine_kind"].as_string(), "other")), else_=null())


def _in_period(column: Any, period: Period) -> Any:
    return column.between(period.start, period.end)


def _totals(kind: Any, subtype: Any, quantity: Any, record_id: Any, p_service: Any, individual: Any,
            group_records: Any, participants: Any, sex: Any, band: Any, p_sex: Any, p_band: Any,
            rgroup: Any, p_group: Any) -> Any:
    """The four GROUP BY queries behind ``service_totals`` (live or over one imported package).

    ``individual``/``group_records``/``participants`` are selects' FROM+WHERE: records with a
    resident, records without one (group sessions), and participants joined to their record.
    """
    zero, grp = literal_column("0"), literal_column("'group'")
    return union_all(
        individual.with_only_columns(kind, subtype, literal_column("'individual'").label("mode"), sex.label("sex"),
                                     band.label("age_band"), rgroup.label("returnee_group"),
                                     func.count().label("records"),
                                     func.coalesce(func.sum(quantity), 0).label("quantity"),
                                     func.count().label("contacts"), zero.label("sessions"))
        .group_by(kind, subtype, sex, band, rgroup),
        group_records.with_only_columns(kind, subtype, grp, null(), null(), null(), func.count(),
                                        func.coalesce(func.sum(quantity), 0), zero, zero)
        .group_by(kind, subtype),
        participants.with_only_columns(kind, subtype, grp, p_sex, p_band, p_group, zero, zero, func.count(), zero)
        .group_by(kind, subtype, p_sex, p_band, p_group),
        participants.with_only_columns(kind, subtype, grp, null(), null(), null(), zero, zero, zero,
                                       func.count(distinct(p_service)))
        .group_by(kind, subtype),
    )


def live_service_totals(service_filter: Sequence[Any], period: Period) -> Any:
    SR, SP = ServiceRecord, ServiceParticipant
    band = age_band_sql(Resident.date_of_birth, period.end)
    individual = select(SR.id).join(Resident, Resident.id == SR.resident_id).where(*service_filter)
    group_records = select(SR.id).where(*service_filter, SR.resident_id.is_(None))
    participants = (select(SP.id).join(SR, SR.id == SP.service_id)
                    .join(Resident, Resident.id == SP.resident_id).where(*service_filter))
    return _totals(SR.kind, SR.subtype, SR.quantity, SR.id, SP.service_id, individual, group_records,
                   participants, Resident.sex, band, Resident.sex, band, Resident.returnee_group,
                   Resident.returnee_group)


def package_service_totals(package_id: uuid.UUID) -> Any:
    """The same totals over one imported package's rows (stored at import)."""
    Sv, P = ImportedService, ImportedParticipant
    mine = Sv.package_id == package_id
    individual = select(Sv.id).where(mine, Sv.resident_id.is_not(None))
    group_records = select(Sv.id).where(mine, Sv.resident_id.is_(None))
    participants = select(P.id).join(Sv, (Sv.id == P.service_id) & (Sv.package_id == P.package_id)).where(mine)
    return _totals(Sv.kind, Sv.subtype, Sv.quantity, Sv.id, P.service_id, individual, group_records,
                   participants, Sv.sex, Sv.age_band, P.sex, P.age_band, Sv.returnee_group, P.returnee_group)


def live_sources(session: Session, centre_ids: Sequence[uuid.UUID] | None, period: Period,
                 as_of: dt.date) -> Sources:
    """The centre's own tables, restricted to the centres and the period."""
    dialect = session.get_bind().dialect.name
    if centre_ids is None:  # an explicit list lets the (centre, date) indexes serve
        centre_ids = list(session.scalars(select(Centre.id)))

    def centre(col: Any) -> Any:
        return col.in_(list(centre_ids))

    resident = select(
        Resident.id, Resident.centre_id.label("ck"), Resident.sex, Resident.nationality,
        age_band_sql(Resident.date_of_birth, period.end).label("age_band"), Resident.returnee_group,
    ).subquery("r")

    cap = min(period.end, as_of)
    after_cap = literal(cap + dt.timedelta(days=1), Date)
    first = _greatest(dialect, Stay.arrival_date, literal(period.start, Date))
    last = _least(dialect, func.coalesce(Stay.departure_date, after_cap), after_cap)
    nights = case((last > first, _days(dialect, last, first)), else_=0)
    stay = select(
        Stay.id, Stay.centre_id.label("ck"), Stay.resident_id, Stay.arrival_date, Stay.departure_date,
        Stay.departure_reason, nights.label("nights"),
    ).where(centre(Stay.centre_id), Stay.arrival_date <= period.end,
            or_(Stay.departure_date.is_(None), Stay.departure_date >= period.start)).subquery("s")

    vulnerability = select(
        Vulnerability.id, null().label("ck"), Vulnerability.resident_id, Vulnerability.kind,
        Vulnerability.identified_on, Vulnerability.resolved_on,
    ).where(Vulnerability.voided_at.is_(None), Vulnerability.identified_on <= period.end,
            or_(Vulnerability.resolved_on.is_(None), Vulnerability.resolved_on >= period.start)
            ).subquery("v")

    service_filter = (centre(ServiceRecord.centre_id), ServiceRecord.voided_at.is_(None),
                      _in_period(ServiceRecord.service_date, period))
    service = select(
        ServiceRecord.id, ServiceRecord.centre_id.label("ck"), ServiceRecord.resident_id,
        ServiceRecord.kind, ServiceRecord.subtype, ServiceRecord.service_date, ServiceRecord.quantity,
        vaccine_kind(ServiceRecord.kind, ServiceRecord.subtype, ServiceRecord.details).label("vaccine"),
    ).where(*service_filter).subquery("sv")
    participant = select(
        ServiceParticipant.id, ServiceRecord.centre_id.label("ck"), ServiceParticipant.service_id,
        ServiceParticipant.resident_id,
    ).join(ServiceRecord, ServiceRecord.id == ServiceParticipant.service_id).where(*service_filter
                                                                                    ).subquery("p")
    service_totals = live_service_totals(service_filter, period).subquery("st")

    returns = select(
        ReturnCase.id, ReturnCase.centre_id.label("ck"), ReturnCase.resident_id, ReturnCase.return_type,
        ReturnCase.destination_country, ReturnStepRecord.done_on.label("departed_on"), ReturnCase.status,
    ).join(ReturnStepRecord, ReturnStepRecord.return_case_id == ReturnCase.id).where(
        centre(ReturnCase.centre_id), ReturnStepRecord.step == ReturnStep.DEPARTED,
        ReturnStepRecord.voided_at.is_(None), ReturnStepRecord.skipped.is_(False),
        _in_period(ReturnStepRecord.done_on, period),
    ).subquery("rt")

    paid = (centre(Disbursement.centre_id), Disbursement.voided_at.is_(None),
            _in_period(Disbursement.disbursed_on, period))
    grant = select(
        CashGrant.id, CashGrant.centre_id.label("ck"), CashGrant.resident_id, CashGrant.return_case_id,
        CashGrant.kind, CashGrant.status, CashGrant.planned_amount, CashGrant.approved_amount,
        CashGrant.planned_on,
    ).where(centre(CashGrant.centre_id), or_(
        _in_period(CashGrant.planned_on, period),
        CashGrant.id.in_(select(Disbursement.grant_id).where(*paid)),
    )).subquery("g")
    disbursement = select(
        Disbursement.id, Disbursement.centre_id.label("ck"), Disbursement.grant_id, CashGrant.resident_id,
        CashGrant.kind.label("grant_kind"), Disbursement.disbursed_on, Disbursement.amount,
    ).join(CashGrant, CashGrant.id == Disbursement.grant_id).where(*paid).subquery("d")
    receipt = select(
        Receipt.id, Receipt.centre_id.label("ck"), Receipt.disbursement_id, Receipt.issued_on,
        Receipt.amount, case((Receipt.voided_at.is_not(None), 1), else_=0).label("voided"),
    ).where(centre(Receipt.centre_id), _in_period(Receipt.issued_on, period)).subquery("rc")
    Ra = ReintegrationAssistance
    reintegration = select(
        Ra.id, Ra.centre_id.label("ck"), Ra.resident_id, Ra.return_case_id, Ra.kind, Ra.assisted_on, Ra.amount,
    ).where(centre(Ra.centre_id), Ra.voided_at.is_(None), _in_period(Ra.assisted_on, period)).subquery("ri")
    attended = select(
        ServiceRecord.centre_id.label("ck"), ServiceParticipant.resident_id, ServiceRecord.kind, ServiceRecord.subtype,
    ).join(ServiceRecord, ServiceRecord.id == ServiceParticipant.service_id).where(*service_filter).subquery("pa")
    return Sources(resident, stay, vulnerability, service, participant, attended, service_totals, returns, grant,
                   disbursement, receipt, reintegration, scoped=False)


def active_packages(centre_codes: Sequence[str] | None, first_month: str, last_month: str) -> Any:
    """Ids of the packages reports read: not superseded, in the months and centres asked."""
    query = select(ImportedPackage.id).where(
        ImportedPackage.superseded_at.is_(None), ImportedPackage.month >= first_month,
        ImportedPackage.month <= last_month)
    if centre_codes is not None:
        query = query.where(ImportedPackage.centre_code.in_(list(centre_codes)))
    return query


def _materialize(session: Session, name: str, sub: Subquery, *index: str) -> Any:
    """Copy a subquery into an indexed temporary table (per connection, replaced on each call):
    the de-duplicated residents and stays are then joined by index instead of being recomputed
    by every query."""
    from sqlalchemy import column, table, text

    sql = select(*sub.c).compile(dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True})
    session.execute(text(f"DROP TABLE IF EXISTS {name}"))
    session.execute(text(f"CREATE TEMPORARY TABLE {name} AS {sql}"))
    session.execute(text(f"CREATE INDEX {name}_ix ON {name} ({', '.join(index)})"))
    return table(name, *[column(c.key, c.type) for c in sub.c])


def consolidated_sources(centre_codes: Sequence[str] | None, period: Period,
                         session: Session | None = None) -> Sources:
    """Headquarters' imported rows, one active package per centre and month (with ``session``,
    the de-duplicated tables are materialized in indexed temporary tables first).

    Records that appear in several months' packages (a resident staying across a month end)
    are read once, in the version of the latest month; a stay's bed-nights are the sum of its
    months.
    """
    first_month = period.month_key
    last_month = f"{period.end.year:04d}-{period.end.month:02d}"
    packages = active_packages(centre_codes, first_month, last_month)

    def latest(model: Any, *columns: Any, name: str, extra: Sequence[Any] = ()) -> Subquery:
        window = {"partition_by": (model.centre_code, model.id), "order_by": model.month.desc()}
        inner = select(
            model.id, model.centre_code.label("ck"), *columns, *extra,
            func.row_number().over(**window).label("rn"),
        ).where(model.package_id.in_(packages)).subquery(name + "_all")
        keep = [inner.c[c.key] for c in inner.c if c.key != "rn"]
        return select(*keep).where(inner.c.rn == 1).subquery(name)

    def rows(model: Any, *columns: Any, name: str) -> Subquery:
        return select(model.id, model.centre_code.label("ck"), *columns).where(
            model.package_id.in_(packages)).subquery(name)

    R, S, V = ImportedResident, ImportedStay, ImportedVulnerability
    resident = latest(R, R.sex, R.nationality, R.age_band, R.returnee_group, name="r")
    nights = func.sum(S.nights).over(partition_by=(S.centre_code, S.id)).label("nights")
    stay = latest(S, S.resident_id, S.arrival_date, S.departure_date, S.departure_reason,
                  name="s", extra=[nights])
    vulnerability = latest(V, V.resident_id, V.kind, V.identified_on, V.resolved_on, name="v")
    if session is not None:
        resident = _materialize(session, "tc_rep_r", resident, "id", "ck")
        stay = _materialize(session, "tc_rep_s", stay, "resident_id", "ck")
        vulnerability = _materialize(session, "tc_rep_v", vulnerability, "resident_id", "ck")
    Sv, P, Rt = ImportedService, ImportedParticipant, ImportedReturn
    service = rows(Sv, Sv.resident_id, Sv.kind, Sv.subtype, Sv.service_date, Sv.quantity, Sv.vaccine, name="sv")
    participant = rows(P, P.service_id, P.resident_id, name="p")
    returns = rows(Rt, Rt.resident_id, Rt.return_type, Rt.destination_country, Rt.departed_on,
                   Rt.status, name="rt")
    G, D, Rc = ImportedGrant, ImportedDisbursement, ImportedReceipt
    grant = latest(G, G.resident_id, G.return_case_id, G.kind, G.status, G.planned_amount,
                   G.approved_amount, G.planned_on, name="g")
    disbursement = rows(D, D.grant_id, D.resident_id, D.grant_kind, D.disbursed_on, D.amount, name="d")
    receipt = rows(Rc, Rc.disbursement_id, Rc.issued_on, Rc.amount, Rc.voided, name="rc")
    Ri = ImportedReintegration
    reintegration = rows(Ri, Ri.resident_id, Ri.return_case_id, Ri.kind, Ri.assisted_on, Ri.amount, name="ri")
    T = ImportedServiceTotal
    service_totals = select(T.kind, T.subtype, T.mode, T.sex, T.age_band, T.returnee_group, T.records, T.quantity,
                            T.contacts, T.sessions).where(T.package_id.in_(packages)).subquery("st")
    # Participants with their record, joined within their package (the record's primary key).
    attended = select(P.centre_code.label("ck"), P.resident_id, Sv.kind, Sv.subtype).join(
        Sv, (Sv.package_id == P.package_id) & (Sv.id == P.service_id)).where(P.package_id.in_(packages)).subquery("pa")
    return Sources(resident, stay, vulnerability, service, participant, attended, service_totals, returns, grant,
                   disbursement, receipt, reintegration, scoped=True)

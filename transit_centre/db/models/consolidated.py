"""Headquarters' copy of the centres' monthly data packages.

Imported records live in their own tables, keyed by the package they came from and the
record's UUID, so they never mix with a centre's live data. A package for a centre and month
that is replaced by a newer one is marked superseded (kept, never deleted); reports read only
the active package of each centre and month.
"""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from transit_centre.db.base import Base, Entity


class ImportedPackage(Entity):
    """One centre's monthly export as received at headquarters."""

    __tablename__ = "imported_package"
    __table_args__ = (Index("ix_imported_package_centre_month", "centre_code", "month"),)

    centre_code: Mapped[str] = mapped_column(String(8))
    centre_name: Mapped[str] = mapped_column(String(200))
    centre_kind: Mapped[str] = mapped_column(String(32), default="general")
    capacity: Mapped[int] = mapped_column(Integer, default=0)
    month: Mapped[str] = mapped_column(String(7))  # "2026-10"
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    # Nights of the month counted for occupancy (up to the day the export was made).
    period_nights: Mapped[int] = mapped_column(Integer, default=0)
    schema_version: Mapped[int] = mapped_column(Integer)
    generated_at: Mapped[dt.datetime] = mapped_column()
    generated_by: Mapped[str] = mapped_column(String(200), default="")
    manifest_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    file_name: Mapped[str] = mapped_column(String(500), default="")
    row_counts: Mapped[dict] = mapped_column(JSON, default=dict)
    # Set when a newer package for the same centre and month replaced this one.
    superseded_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    superseded_by: Mapped[uuid.UUID | None] = mapped_column(default=None)
    # The centre key that signed it, and the centre's audit chain head when it was made (an
    # anchor: the centre's audit log up to that entry can be proved unchanged later).
    signed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    audit_seq: Mapped[int | None] = mapped_column(Integer, default=None)
    audit_hash: Mapped[str | None] = mapped_column(String(64), default=None)


def _package_fk() -> Mapped[uuid.UUID]:
    return mapped_column(ForeignKey("imported_package.id"), primary_key=True)


class _Imported(Base):
    """Columns every imported row carries: its package, its UUID, centre code and month."""

    __abstract__ = True

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    centre_code: Mapped[str] = mapped_column(String(8))
    month: Mapped[str] = mapped_column(String(7))


class ImportedResident(_Imported):
    __tablename__ = "imp_resident"
    __table_args__ = (Index("ix_imp_resident_centre_month", "centre_code", "month"),
                      Index("ix_imp_resident_package", "package_id"))

    package_id: Mapped[uuid.UUID] = _package_fk()
    sex: Mapped[str] = mapped_column(String(1))
    birth_year: Mapped[int | None] = mapped_column(Integer, default=None)
    age_band: Mapped[str] = mapped_column(String(8))
    nationality: Mapped[str | None] = mapped_column(String(2), default=None)
    registered_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    household_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    returnee_group: Mapped[str | None] = mapped_column(String(16), default=None)


class ImportedStay(_Imported):
    __tablename__ = "imp_stay"
    __table_args__ = (Index("ix_imp_stay_centre_month", "centre_code", "month"),
                      Index("ix_imp_stay_package", "package_id"))

    package_id: Mapped[uuid.UUID] = _package_fk()
    resident_id: Mapped[uuid.UUID] = mapped_column()
    arrival_date: Mapped[dt.date] = mapped_column(Date)
    departure_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    departure_reason: Mapped[str | None] = mapped_column(String(32), default=None)
    nights: Mapped[int] = mapped_column(Integer, default=0)


class ImportedVulnerability(_Imported):
    __tablename__ = "imp_vulnerability"
    __table_args__ = (Index("ix_imp_vulnerability_centre_month", "centre_code", "month"),
                      Index("ix_imp_vulnerability_package", "package_id"))

    package_id: Mapped[uuid.UUID] = _package_fk()
    resident_id: Mapped[uuid.UUID] = mapped_column()
    kind: Mapped[str] = mapped_column(String(32))
    identified_on: Mapped[dt.date] = mapped_column(Date)
    resolved_on: Mapped[dt.date | None] = mapped_column(Date, default=None)


class ImportedService(_Imported):
    __tablename__ = "imp_service"
    __table_args__ = (Index("ix_imp_service_centre_month", "centre_code", "month"),
                      Index("ix_imp_service_package", "package_id"),
                      # People served by kind (curative care, MHPSS...) without reading every meal.
                      Index("ix_imp_service_package_kind", "package_id", "kind"))

    package_id: Mapped[uuid.UUID] = _package_fk()
    resident_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    kind: Mapped[str] = mapped_column(String(32))
    subtype: Mapped[str | None] = mapped_column(String(64), default=None)
    service_date: Mapped[dt.date] = mapped_column(Date)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    # The person's sex, age band and returnee group, copied so reports need no person lookup per meal.
    sex: Mapped[str | None] = mapped_column(String(1), default=None)
    age_band: Mapped[str | None] = mapped_column(String(8), default=None)
    returnee_group: Mapped[str | None] = mapped_column(String(16), default=None)
    vaccine: Mapped[str | None] = mapped_column(String(32), default=None)  # VaccineKind of a vaccination


class ImportedParticipant(_Imported):
    __tablename__ = "imp_participant"
    __table_args__ = (Index("ix_imp_participant_centre_month", "centre_code", "month"),
                      Index("ix_imp_participant_package", "package_id"))

    package_id: Mapped[uuid.UUID] = _package_fk()
    service_id: Mapped[uuid.UUID] = mapped_column()
    resident_id: Mapped[uuid.UUID] = mapped_column()
    sex: Mapped[str | None] = mapped_column(String(1), default=None)
    age_band: Mapped[str | None] = mapped_column(String(8), default=None)
    returnee_group: Mapped[str | None] = mapped_column(String(16), default=None)


class ImportedReturn(_Imported):
    """A return case that departed in the month: type and destination, no names."""

    __tablename__ = "imp_return"
    __table_args__ = (Index("ix_imp_return_centre_month", "centre_code", "month"),
                      Index("ix_imp_return_package", "package_id"))

    package_id: Mapped[uuid.UUID] = _package_fk()
    resident_id: Mapped[uuid.UUID] = mapped_column()
    return_type: Mapped[str] = mapped_column(String(16))  # ReturnType value
    destination_country: Mapped[str | None] = mapped_column(String(2), default=None)
    departed_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))


class ImportedGrant(_Imported):
    __tablename__ = "imp_grant"
    __table_args__ = (Index("ix_imp_grant_centre_month", "centre_code", "month"),
                      Index("ix_imp_grant_package", "package_id"))

    package_id: Mapped[uuid.UUID] = _package_fk()
    resident_id: Mapped[uuid.UUID] = mapped_column()
    return_case_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    planned_amount: Mapped[int] = mapped_column(Integer)
    approved_amount: Mapped[int | None] = mapped_column(Integer, default=None)
    planned_on: Mapped[dt.date] = mapped_column(Date)


class ImportedDisbursement(_Imported):
    """Cash paid in the month (not voided)."""

    __tablename__ = "imp_disbursement"
    __table_args__ = (Index("ix_imp_disbursement_centre_month", "centre_code", "month"),
                      Index("ix_imp_disbursement_package", "package_id"))

    package_id: Mapped[uuid.UUID] = _package_fk()
    grant_id: Mapped[uuid.UUID] = mapped_column()
    resident_id: Mapped[uuid.UUID] = mapped_column()
    grant_kind: Mapped[str] = mapped_column(String(32))
    disbursed_on: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(Integer)


class ImportedReceipt(_Imported):
    """A receipt issued in the month; ``voided`` is 1 when it was voided."""

    __tablename__ = "imp_receipt"
    __table_args__ = (Index("ix_imp_receipt_centre_month", "centre_code", "month"),
                      Index("ix_imp_receipt_package", "package_id"))

    package_id: Mapped[uuid.UUID] = _package_fk()
    disbursement_id: Mapped[uuid.UUID] = mapped_column()
    issued_on: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(Integer)
    voided: Mapped[int] = mapped_column(Integer, default=0)


class ImportedReintegration(_Imported):
    """Reintegration assistance dated in the month (not voided): kind, date, amount; no partner
    or note leaves the centre."""

    __tablename__ = "imp_reintegration"
    __table_args__ = (Index("ix_imp_reintegration_centre_month", "centre_code", "month"),
                      Index("ix_imp_reintegration_package", "package_id"))

    package_id: Mapped[uuid.UUID] = _package_fk()
    resident_id: Mapped[uuid.UUID] = mapped_column()
    return_case_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    kind: Mapped[str] = mapped_column(String(32))
    assisted_on: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[int | None] = mapped_column(Integer, default=None)


class ImportedServiceTotal(Base):
    """Service figures of one package, summed at import (SQL GROUP BY over its rows) so a
    year of meals for 14 centres is read as a few thousand totals, not millions of rows."""

    __tablename__ = "imp_service_total"
    __table_args__ = (Index("ix_imp_service_total_package", "package_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    package_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("imported_package.id"))
    centre_code: Mapped[str] = mapped_column(String(8))
    month: Mapped[str] = mapped_column(String(7))
    kind: Mapped[str] = mapped_column(String(32))
    subtype: Mapped[str | None] = mapped_column(String(64), default=None)
    mode: Mapped[str] = mapped_column(String(16))  # individual | group
    sex: Mapped[str | None] = mapped_column(String(1), default=None)
    age_band: Mapped[str | None] = mapped_column(String(8), default=None)
    returnee_group: Mapped[str | None] = mapped_column(String(16), default=None)
    records: Mapped[int] = mapped_column(Integer, default=0)
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    contacts: Mapped[int] = mapped_column(Integer, default=0)
    sessions: Mapped[int] = mapped_column(Integer, default=0)

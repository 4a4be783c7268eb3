"""Assisted voluntary return: return cases and their steps, movements, cash grants, receipts.

Money is integer XOF. Receipts are numbered per centre and year without gaps; a wrong receipt
is voided (the number stays in the ledger) and replaced by a new one.
"""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from transit_centre.db.base import Entity, StrEnum, Voidable, confidential
from transit_centre.enums import (
    CancelReason,
    GrantKind,
    GrantStatus,
    MovementMode,
    MovementStatus,
    PaymentMethod,
    ReceiptVoidReason,
    ReintegrationKind,
    RecipientRole,
    ReturnStatus,
    ReturnStep,
    ReturnType,
)

_OPEN_CASE = "status IN ('active', 'on_hold')"


class ReturnCase(Entity):
    """One return of one resident (a resident may return more than once over the years)."""

    __tablename__ = "return_case"
    __table_args__ = (
        # At most one open (active or on hold) case per resident, enforced by the database too.
        Index("uq_return_case_open_resident", "resident_id", unique=True,
              sqlite_where=text(_OPEN_CASE), postgresql_where=text(_OPEN_CASE)),
        Index("ix_return_case_centre_status", "centre_id", "status"),
    )

    resident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resident.id"), index=True)
    centre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centre.id"))
    case_reference: Mapped[str] = mapped_column(String(32), unique=True)
    return_type: Mapped[ReturnType] = mapped_column(StrEnum(ReturnType))
    destination_country: Mapped[str] = mapped_column(String(2))
    # For Malians returning home: region and commune of return.
    destination_region: Mapped[str | None] = mapped_column(String(100), default=None)
    destination_commune: Mapped[str | None] = mapped_column(String(100), default=None)
    opened_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[ReturnStatus] = mapped_column(StrEnum(ReturnStatus), default=ReturnStatus.ACTIVE)
    # Last step done or skipped (the workflow position).
    current_step: Mapped[ReturnStep] = mapped_column(StrEnum(ReturnStep), default=ReturnStep.REGISTERED)
    hold_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    held_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    cancel_reason: Mapped[CancelReason | None] = mapped_column(StrEnum(CancelReason), default=None)
    cancel_note: Mapped[str | None] = mapped_column(String(500), default=None)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    cancelled_by: Mapped[uuid.UUID | None] = mapped_column(default=None)
    completed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # Unaccompanied minors: best-interest determination / family tracing note (protection info).
    best_interest_note: Mapped[str | None] = confidential(type_=Text, default=None)
    best_interest_recorded_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    notes: Mapped[str | None] = mapped_column(Text, default=None)

    steps: Mapped[list[ReturnStepRecord]] = relationship(back_populates="return_case")


class ReturnStepRecord(Voidable, Entity):
    """One workflow step done (or skipped, with a reason) on a date, by a user."""

    __tablename__ = "return_step"
    __table_args__ = (
        Index("uq_return_step_live", "return_case_id", "step", unique=True,
              sqlite_where=text("voided_at IS NULL"), postgresql_where=text("voided_at IS NULL")),
        # The returns of a month (step "departed" dated in it): reports.
        Index("ix_return_step_step_done", "step", "done_on"),
    )

    return_case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("return_case.id"), index=True)
    step: Mapped[ReturnStep] = mapped_column(StrEnum(ReturnStep))
    done_on: Mapped[dt.date] = mapped_column(Date)
    done_by: Mapped[uuid.UUID | None] = mapped_column(default=None)
    done_by_name: Mapped[str] = mapped_column(String(200), default="")
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    skip_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    # Step-specific facts: travel document kind/number/expiry, fit-to-travel service id...
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(String(1000), default=None)

    return_case: Mapped[ReturnCase] = relationship(back_populates="steps")


class Movement(Entity):
    """One departure (flight, bus convoy, road) carrying one or more return cases."""

    __tablename__ = "movement"
    __table_args__ = (Index("ix_movement_centre_date", "centre_id", "departure_date"),)

    centre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centre.id"))
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    departure_date: Mapped[dt.date] = mapped_column(Date)
    mode: Mapped[MovementMode] = mapped_column(StrEnum(MovementMode))
    destination_country: Mapped[str | None] = mapped_column(String(2), default=None)
    route: Mapped[str | None] = mapped_column(String(300), default=None)
    # Legs as a list of strings, e.g. ["Gao → Bamako", "Bamako → Conakry"].
    legs: Mapped[list] = mapped_column(JSON, default=list)
    carrier: Mapped[str | None] = mapped_column(String(200), default=None)
    flight_number: Mapped[str | None] = mapped_column(String(32), default=None)
    # Escort names.
    escorts: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[MovementStatus] = mapped_column(StrEnum(MovementStatus), default=MovementStatus.PLANNED)
    departed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    arrived_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    cancel_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    notes: Mapped[str | None] = mapped_column(Text, default=None)

    travellers: Mapped[list[MovementCase]] = relationship(back_populates="movement")


class MovementCase(Voidable, Entity):
    """A return case travelling on a movement (voided when taken off the movement)."""

    __tablename__ = "movement_case"
    __table_args__ = (
        Index("uq_movement_case_live", "movement_id", "return_case_id", unique=True,
              sqlite_where=text("voided_at IS NULL"), postgresql_where=text("voided_at IS NULL")),
    )

    movement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("movement.id"), index=True)
    return_case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("return_case.id"), index=True)
    escort_required: Mapped[bool] = mapped_column(Boolean, default=False)

    movement: Mapped[Movement] = relationship(back_populates="travellers")
    return_case: Mapped[ReturnCase] = relationship()


class CashGrant(Entity):
    """Money a resident is entitled to: planned, approved, disbursed (or cancelled)."""

    __tablename__ = "cash_grant"
    __table_args__ = (
        CheckConstraint("planned_amount > 0", name="planned_positive"),
        CheckConstraint("approved_amount IS NULL OR approved_amount > 0", name="approved_positive"),
        Index("ix_cash_grant_centre_status", "centre_id", "status"),
    )

    resident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resident.id"), index=True)
    return_case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("return_case.id"), default=None, index=True)
    centre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centre.id"))
    kind: Mapped[GrantKind] = mapped_column(StrEnum(GrantKind))
    # Reintegration grants paid in tranches: tranche n of m.
    tranche_number: Mapped[int | None] = mapped_column(Integer, default=None)
    tranche_count: Mapped[int | None] = mapped_column(Integer, default=None)
    planned_amount: Mapped[int] = mapped_column(Integer)
    approved_amount: Mapped[int | None] = mapped_column(Integer, default=None)
    status: Mapped[GrantStatus] = mapped_column(StrEnum(GrantStatus), default=GrantStatus.PLANNED)
    planned_on: Mapped[dt.date] = mapped_column(Date)
    planned_by: Mapped[uuid.UUID | None] = mapped_column(default=None)
    approved_by: Mapped[uuid.UUID | None] = mapped_column(default=None)
    approved_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    cancel_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    note: Mapped[str | None] = mapped_column(String(1000), default=None)

    disbursements: Mapped[list[Disbursement]] = relationship(back_populates="grant")


class Disbursement(Voidable, Entity):
    """Cash handed over (or sent by mobile money) for one grant; voided with its receipt."""

    __tablename__ = "disbursement"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_disbursement_centre_date", "centre_id", "disbursed_on"),
    )

    grant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cash_grant.id"), index=True)
    centre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centre.id"))
    disbursed_on: Mapped[dt.date] = mapped_column(Date)
    cash_officer_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    cash_officer_name: Mapped[str] = mapped_column(String(200), default="")
    method: Mapped[PaymentMethod] = mapped_column(StrEnum(PaymentMethod))
    mobile_money_reference: Mapped[str | None] = mapped_column(String(64), default=None)
    amount: Mapped[int] = mapped_column(Integer)
    # Money paid for a minor is received (and signed for) by a parent, guardian or escort.
    received_by_name: Mapped[str | None] = mapped_column(String(200), default=None)
    received_by_role: Mapped[RecipientRole | None] = mapped_column(StrEnum(RecipientRole), default=None)

    grant: Mapped[CashGrant] = relationship(back_populates="disbursements")


class Receipt(Voidable, Entity):
    """A numbered receipt ``GAO-2026-R-000123``: unique, sequential per centre and year, no gaps."""

    __tablename__ = "receipt"
    __table_args__ = (
        UniqueConstraint("centre_id", "year", "sequence"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    number: Mapped[str] = mapped_column(String(32), unique=True)
    centre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centre.id"))
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    disbursement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("disbursement.id"), index=True)
    amount: Mapped[int] = mapped_column(Integer)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    replaced_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("receipt.id"), default=None)
    # Why it was voided, as a choice printed in either language (``void_reason`` holds the details).
    void_code: Mapped[ReceiptVoidReason | None] = mapped_column(StrEnum(ReceiptVoidReason), default=None)

    disbursement: Mapped[Disbursement] = relationship()


class ReintegrationAssistance(Voidable, Entity):
    """Reintegration assistance given to a returnee, often after the departure (the resident's
    file stays open): cash for immediate needs, micro-enterprise support, vocational training,
    business skills training... by IOM or a partner, with an amount when there is one."""

    __tablename__ = "reintegration_assistance"
    __table_args__ = (
        CheckConstraint("amount IS NULL OR amount > 0", name="amount_positive"),
        Index("ix_reintegration_centre_date", "centre_id", "assisted_on"),
    )

    resident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resident.id"), index=True)
    # The centre that follows the return (the return case's centre).
    centre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centre.id"))
    return_case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("return_case.id"), default=None)
    kind: Mapped[ReintegrationKind] = mapped_column(StrEnum(ReintegrationKind))
    assisted_on: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[int | None] = mapped_column(Integer, default=None)  # XOF, when there is one
    partner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("partner.id"), default=None)
    partner_name: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str | None] = mapped_column(String(1000), default=None)

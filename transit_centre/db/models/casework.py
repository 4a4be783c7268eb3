"""Casework depth: flags that act, roll-calls, follow-ups, consent to share data, distribution rules."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from transit_centre.enums import FollowUpKind, FollowUpStatus
from transit_centre.db.base import Entity, StrEnum, Voidable
from transit_centre.enums import ServiceKind


class FlagType(Entity):
    """A kind of flag an administrator defines, with what it does (``effects``: FlagEffect codes)."""

    __tablename__ = "flag_type"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_fr: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    effects: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ResidentFlag(Entity):
    """A flag set on a resident with a reason; removing it needs a reason too (never deleted)."""

    __tablename__ = "resident_flag"
    __table_args__ = (Index("ix_resident_flag_active", "resident_id", "removed_at"),)

    resident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resident.id"))
    flag_type_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("flag_type.id"))
    reason: Mapped[str] = mapped_column(String(500))
    set_on: Mapped[dt.date] = mapped_column(Date)
    set_by_name: Mapped[str] = mapped_column(String(200), default="")
    removed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    removed_by: Mapped[uuid.UUID | None] = mapped_column(default=None)
    removal_reason: Mapped[str | None] = mapped_column(String(500), default=None)

    flag_type: Mapped[FlagType] = relationship()


class RollCall(Entity):
    """One presence roll-call of a centre (nightly or any time)."""

    __tablename__ = "roll_call"

    centre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centre.id"), index=True)
    started_at: Mapped[dt.datetime] = mapped_column()
    closed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    taken_by_name: Mapped[str] = mapped_column(String(200), default="")

    entries: Mapped[list[RollCallEntry]] = relationship(back_populates="roll_call")


class RollCallEntry(Entity):
    __tablename__ = "roll_call_entry"
    __table_args__ = (Index("ix_roll_call_entry_call_resident", "roll_call_id", "resident_id", unique=True),)

    roll_call_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("roll_call.id"))
    resident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resident.id"), index=True)
    present: Mapped[bool | None] = mapped_column(Boolean, default=None)
    marked_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    roll_call: Mapped[RollCall] = relationship(back_populates="entries")


class FollowUp(Entity):
    """A task on a resident with a due date and an owner, made by hand or by a rule."""

    __tablename__ = "follow_up"
    __table_args__ = (
        Index("ix_follow_up_owner_status", "owner_id", "status", "due_date"),
        Index("ix_follow_up_centre_status", "centre_id", "status", "due_date"),
        # A rule creates at most one follow-up per source record.
        Index("uq_follow_up_rule_source", "rule", "source_id", unique=True),
    )

    resident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resident.id"), index=True)
    centre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centre.id"))
    kind: Mapped[FollowUpKind] = mapped_column(StrEnum(FollowUpKind))
    title: Mapped[str] = mapped_column(String(300))
    due_date: Mapped[dt.date] = mapped_column(Date)
    owner_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    status: Mapped[FollowUpStatus] = mapped_column(StrEnum(FollowUpStatus), default=FollowUpStatus.OPEN)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    closed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    closed_by: Mapped[uuid.UUID | None] = mapped_column(default=None)
    rule: Mapped[str | None] = mapped_column(String(64), default=None)
    source_id: Mapped[uuid.UUID | None] = mapped_column(default=None)


class SharingConsent(Voidable, Entity):
    """The resident agreed that their data may be shared with one partner (for referrals)."""

    __tablename__ = "sharing_consent"
    __table_args__ = (Index("ix_sharing_consent_resident_partner", "resident_id", "partner_folded"),)

    resident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resident.id"))
    partner: Mapped[str] = mapped_column(String(200))
    partner_folded: Mapped[str] = mapped_column(String(200))
    given_on: Mapped[dt.date] = mapped_column(Date)
    recorded_by_name: Mapped[str] = mapped_column(String(200), default="")


class DistributionRule(Entity):
    """Limits on one kind of distribution (meal, NFI kit type...), applied by bulk distribution."""

    __tablename__ = "distribution_rule"
    __table_args__ = (Index("uq_distribution_rule_kind_subtype", "kind", "subtype", unique=True),)

    kind: Mapped[ServiceKind] = mapped_column(StrEnum(ServiceKind))
    subtype: Mapped[str] = mapped_column(String(64), default="")  # "" = every subtype of the kind
    min_interval_days: Mapped[int] = mapped_column(Integer, default=0)
    max_per_day: Mapped[int | None] = mapped_column(Integer, default=None)
    max_per_period: Mapped[int | None] = mapped_column(Integer, default=None)
    period_days: Mapped[int | None] = mapped_column(Integer, default=None)
    # Subtypes of the same kind that cannot be given to the same person within the interval.
    excludes: Mapped[list] = mapped_column(JSON, default=list)
    per_household: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

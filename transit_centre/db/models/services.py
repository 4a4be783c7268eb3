"""Services given to residents: meals, NFI kits, medical, MHPSS, counselling, referrals."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from transit_centre.db.base import Entity, StrEnum, Voidable, confidential
from transit_centre.enums import ServiceKind


class ServiceRecord(Voidable, Entity):
    """One service given on one day: to one resident, or to a group listed in ``participants``."""

    __tablename__ = "service_record"
    __table_args__ = (
        Index("ix_service_centre_date", "centre_id", "service_date"),
        Index("ix_service_resident_date", "resident_id", "service_date"),
    )

    centre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centre.id"))
    resident_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("resident.id"), default=None)
    kind: Mapped[ServiceKind] = mapped_column(StrEnum(ServiceKind))
    # Kind-specific type: kit type, consultation type, MHPSS session type...
    subtype: Mapped[str | None] = mapped_column(String(64), default=None)
    service_date: Mapped[dt.date] = mapped_column(Date)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    provider: Mapped[str | None] = mapped_column(String(200), default=None)
    # Structured, non-confidential details (vaccine and dose, fit-to-travel, partner, outcome...).
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    # Clinical / MHPSS note: readable only by the matching profession (see the services layer).
    confidential_note: Mapped[str | None] = confidential(type_=Text, default=None)

    participants: Mapped[list[ServiceParticipant]] = relationship(back_populates="service")


class ServiceParticipant(Entity):
    """A resident attending a group activity (MHPSS group session, information session...)."""

    __tablename__ = "service_participant"

    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("service_record.id"), index=True)
    resident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resident.id"), index=True)

    service: Mapped[ServiceRecord] = relationship(back_populates="participants")


class Partner(Entity):
    """An organisation residents are referred to under the national referral mechanism (MRN).

    ``centre_id`` None: known to every centre; otherwise a local partner of that centre.
    """

    __tablename__ = "partner"
    __table_args__ = (Index("ix_partner_name_folded", "name_folded"),)

    centre_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("centre.id"), default=None, index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_folded: Mapped[str] = mapped_column(String(200), default="")
    sector: Mapped[str] = mapped_column(String(32), default="other")
    contact: Mapped[str | None] = mapped_column(String(200), default=None)
    phone: Mapped[str | None] = mapped_column(String(32), default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

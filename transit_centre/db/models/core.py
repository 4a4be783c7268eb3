"""Centres, beds, residents and their stays: the registry every other record points to."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from transit_centre.db.base import Entity, StrEnum, Voidable, confidential
from transit_centre.enums import (
    BedKind,
    CentreKind,
    DepartureReason,
    DocumentKind,
    HouseholdKind,
    HouseholdRole,
    ReturneeGroup,
    Sex,
    VulnerabilityKind,
)


class Centre(Entity):
    __tablename__ = "centre"

    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    town: Mapped[str] = mapped_column(String(100))
    region: Mapped[str] = mapped_column(String(100))
    capacity: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[CentreKind] = mapped_column(StrEnum(CentreKind), default=CentreKind.GENERAL)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # False when the name is a placeholder not known from the sources (an admin should correct it).
    name_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)

    rooms: Mapped[list[Room]] = relationship(back_populates="centre", order_by="Room.name")


class Room(Entity):
    __tablename__ = "room"
    __table_args__ = (UniqueConstraint("centre_id", "name"),)

    centre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centre.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    centre: Mapped[Centre] = relationship(back_populates="rooms")
    beds: Mapped[list[Bed]] = relationship(back_populates="room", order_by="Bed.label")


class Bed(Entity):
    __tablename__ = "bed"
    __table_args__ = (UniqueConstraint("room_id", "label"),)

    room_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("room.id"), index=True)
    label: Mapped[str] = mapped_column(String(50))
    kind: Mapped[BedKind] = mapped_column(StrEnum(BedKind))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    room: Mapped[Room] = relationship(back_populates="beds")


class Household(Entity):
    """A family or a group travelling together."""

    __tablename__ = "household"

    centre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centre.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[HouseholdKind] = mapped_column(StrEnum(HouseholdKind), default=HouseholdKind.FAMILY)

    members: Mapped[list[Resident]] = relationship(back_populates="household")


class Resident(Entity):
    """A person registered in a centre."""

    __tablename__ = "resident"
    __table_args__ = (
        Index("ix_resident_centre_last_name", "centre_id", "last_name_folded"),
        Index("ix_resident_registered_on", "registered_on"),
        # The residents list of one centre, sorted, read a page at a time (covering the id).
        Index("ix_resident_centre_case", "centre_id", "case_number", "id"),
        Index("ix_resident_centre_registered", "centre_id", "registered_on", "id"),
    )

    centre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centre.id"), index=True)
    case_number: Mapped[str] = mapped_column(String(32), unique=True)
    first_name: Mapped[str] = mapped_column(String(150))
    last_name: Mapped[str] = mapped_column(String(150))
    other_names: Mapped[str | None] = mapped_column(String(200), default=None)
    # Case numbers the person had at other centres (a transfer file keeps the first one), "; "-separated.
    other_case_numbers: Mapped[str | None] = mapped_column(String(200), default=None)
    # Accent- and case-folded copies kept by the services for search and duplicate detection.
    first_name_folded: Mapped[str] = mapped_column(String(150), default="")
    last_name_folded: Mapped[str] = mapped_column(String(150), default="", index=True)
    search_text: Mapped[str] = mapped_column(Text, default="")
    sex: Mapped[Sex] = mapped_column(StrEnum(Sex, 1))
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date, default=None)
    # True when date_of_birth was derived from an estimated age (1 January of the year).
    dob_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    nationality: Mapped[str | None] = mapped_column(String(2), default=None, index=True)
    place_of_birth: Mapped[str | None] = mapped_column(String(150), default=None)
    languages: Mapped[str | None] = mapped_column(String(200), default=None)
    phone: Mapped[str | None] = mapped_column(String(32), default=None)
    photo_path: Mapped[str | None] = mapped_column(String(500), default=None)
    registered_on: Mapped[dt.date] = mapped_column(Date)
    consent_given: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    consent_recorded_by: Mapped[uuid.UUID | None] = mapped_column(default=None)
    household_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("household.id"), default=None, index=True)
    household_role: Mapped[HouseholdRole | None] = mapped_column(StrEnum(HouseholdRole), default=None)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    notes: Mapped[str | None] = mapped_column(Text, default=None)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # Malian returning home, international migrant or internally displaced person: derived from
    # the nationality and the return destination (registry.groups), unless a caseworker set it
    # (``returnee_group_manual``). None: not known (no nationality, no return case).
    returnee_group: Mapped[ReturneeGroup | None] = mapped_column(StrEnum(ReturneeGroup, 16), default=None)
    returnee_group_manual: Mapped[bool] = mapped_column(Boolean, default=False)

    household: Mapped[Household | None] = relationship(back_populates="members")
    documents: Mapped[list[IdentityDocument]] = relationship(back_populates="resident")
    vulnerabilities: Mapped[list[Vulnerability]] = relationship(back_populates="resident")
    stays: Mapped[list[Stay]] = relationship(back_populates="resident", order_by="Stay.arrival_date")


class IdentityDocument(Voidable, Entity):
    __tablename__ = "identity_document"

    resident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resident.id"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(StrEnum(DocumentKind))
    number: Mapped[str | None] = mapped_column(String(64), default=None)
    issuing_country: Mapped[str | None] = mapped_column(String(2), default=None)
    issue_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    expiry_date: Mapped[dt.date | None] = mapped_column(Date, default=None)

    resident: Mapped[Resident] = relationship(back_populates="documents")


class Vulnerability(Voidable, Entity):
    __tablename__ = "vulnerability"

    resident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resident.id"), index=True)
    kind: Mapped[VulnerabilityKind] = mapped_column(StrEnum(VulnerabilityKind), index=True)
    identified_on: Mapped[dt.date] = mapped_column(Date)
    resolved_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    note: Mapped[str | None] = confidential(type_=Text, default=None)

    resident: Mapped[Resident] = relationship(back_populates="vulnerabilities")


class Stay(Entity):
    """One admission to a centre, from arrival to departure (open while departure_date is null)."""

    __tablename__ = "stay"
    __table_args__ = (
        # A bed holds at most one person: enforced by the database too, not only by the services.
        Index(
            "uq_stay_open_bed",
            "bed_id",
            unique=True,
            sqlite_where=text("departure_date IS NULL AND bed_id IS NOT NULL"),
            postgresql_where=text("departure_date IS NULL AND bed_id IS NOT NULL"),
        ),
        Index("ix_stay_centre_dates", "centre_id", "arrival_date", "departure_date"),
        # Who is in a centre now (open stays): the residents list's "present" filter.
        Index("ix_stay_open_resident", "resident_id", sqlite_where=text("departure_date IS NULL"),
              postgresql_where=text("departure_date IS NULL")),
    )

    resident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resident.id"), index=True)
    centre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centre.id"))
    bed_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("bed.id"), default=None)
    arrival_date: Mapped[dt.date] = mapped_column(Date)
    arrived_from: Mapped[str | None] = mapped_column(String(200), default=None)
    departure_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    departure_reason: Mapped[DepartureReason | None] = mapped_column(StrEnum(DepartureReason), default=None)
    departure_note: Mapped[str | None] = mapped_column(String(500), default=None)
    transferred_to_centre_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("centre.id"), default=None)
    previous_stay_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("stay.id"), default=None)
    bed_override_reason: Mapped[str | None] = mapped_column(String(500), default=None)

    resident: Mapped[Resident] = relationship(back_populates="stays")
    bed: Mapped[Bed | None] = relationship()

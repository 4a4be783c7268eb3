"""Users, roles, the audit log, settings and numbering counters."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    JSON,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from transit_centre.db.base import Base, Entity, StrEnum, utcnow
from transit_centre.enums import AuditAction

user_role = Table(
    "user_role",
    Base.metadata,
    Column("user_id", ForeignKey("app_user.id"), primary_key=True),
    Column("role_id", ForeignKey("role.id"), primary_key=True),
)

user_centre = Table(
    "user_centre",
    Base.metadata,
    Column("user_id", ForeignKey("app_user.id"), primary_key=True),
    Column("centre_id", ForeignKey("centre.id"), primary_key=True),
)


class RoleRecord(Entity):
    __tablename__ = "role"

    code: Mapped[str] = mapped_column(String(32), unique=True)


class User(Entity):
    __tablename__ = "app_user"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255), info={"confidential": True})
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str] = mapped_column(String(5), default="fr")
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)

    roles: Mapped[list[RoleRecord]] = relationship(secondary=user_role, lazy="selectin")
    centres: Mapped[list["Centre"]] = relationship(secondary=user_centre, lazy="selectin")  # noqa: F821


class AuditEntry(Base):
    """One change or sensitive access. Written by the session hook, never updated or deleted."""

    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entity", "entity", "entity_id"),
        Index("ix_audit_at", "at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    user_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    username: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[AuditAction] = mapped_column(StrEnum(AuditAction))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    field: Mapped[str | None] = mapped_column(String(64), default=None)
    old_value: Mapped[str | None] = mapped_column(Text, default=None)
    new_value: Mapped[str | None] = mapped_column(Text, default=None)
    centre_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    detail: Mapped[str | None] = mapped_column(Text, default=None)
    # The hash chain (security/audit_chain.py): the entry's place in commit order and the SHA-256
    # of the previous entry's hash with this entry's content. Set when its transaction commits.
    seq: Mapped[int | None] = mapped_column(Integer, default=None, unique=True)
    chain_hash: Mapped[str | None] = mapped_column(String(64), default=None)


class AuditChainHead(Base):
    """The last sealed audit entry (one row): the next entry links to its hash. Locked by the
    committing transaction, so entries are sealed one transaction after the other."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    chain_hash: Mapped[str] = mapped_column(String(64), default="0" * 64)


class CentreKey(Entity):
    """A centre's public keys (Ed25519 to sign its packages and transfer files, X25519 to receive
    encrypted ones), registered where they are checked; the private halves only in the database of
    the installation that serves the centre (never in an export, and masked in the audit log)."""

    __tablename__ = "centre_key"
    __table_args__ = (Index("ix_centre_key_code", "centre_code"),)

    centre_code: Mapped[str] = mapped_column(String(8))
    centre_name: Mapped[str] = mapped_column(String(200), default="")
    signing_public: Mapped[str] = mapped_column(String(64))  # hex, 32 bytes
    encryption_public: Mapped[str] = mapped_column(String(64))  # hex, 32 bytes
    fingerprint: Mapped[str] = mapped_column(String(64))
    signing_private: Mapped[str | None] = mapped_column(String(64), default=None, info={"confidential": True})
    encryption_private: Mapped[str | None] = mapped_column(String(64), default=None, info={"confidential": True})
    revoked_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class TransferRecord(Entity):
    """A resident transfer file made here (``out``) or received here (``in``): who, between which
    centres, when, and the file's checksum. A file received twice is recognised by ``transfer_id``
    and changes nothing the second time."""

    __tablename__ = "transfer_record"

    transfer_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    direction: Mapped[str] = mapped_column(String(3))  # "out" or "in"
    from_centre: Mapped[str] = mapped_column(String(8))
    to_centre: Mapped[str] = mapped_column(String(8))
    made_at: Mapped[dt.datetime] = mapped_column()
    people: Mapped[object] = mapped_column(JSON)  # [{"id", "name", "case_number"}]
    file_sha256: Mapped[str] = mapped_column(String(64))
    confidential_included: Mapped[bool] = mapped_column(default=False)


class Setting(Entity):
    """Administrator settings (organisation name, logo, default grant amounts...), as JSON."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), unique=True)
    value: Mapped[object] = mapped_column(JSON)


class Counter(Base):
    """Gap-free numbering (case numbers, receipt numbers) per centre, kind and year."""

    __tablename__ = "counter"
    __table_args__ = (UniqueConstraint("centre_id", "kind", "year"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    centre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centre.id"))
    kind: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    last_value: Mapped[int] = mapped_column(Integer, default=0)

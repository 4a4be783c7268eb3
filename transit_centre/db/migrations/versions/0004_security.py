"""trust at rest: the audit log's hash chain, centre keys, signed packages at headquarters

Revision ID: 0004_security
Revises: 0003_annual_report
Create Date: 2026-12-07

The audit entries already written are sealed into the chain in the order they were written.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_security"
down_revision = "0003_annual_report"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_entry") as batch:
        batch.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("chain_hash", sa.String(length=64), nullable=True))
        batch.create_unique_constraint(batch.f("uq_audit_entry_seq"), ["seq"])
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("chain_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    op.create_table(
        "centre_key",
        sa.Column("centre_code", sa.String(length=8), nullable=False),
        sa.Column("centre_name", sa.String(length=200), nullable=False),
        sa.Column("signing_public", sa.String(length=64), nullable=False),
        sa.Column("encryption_public", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("signing_private", sa.String(length=64), nullable=True),
        sa.Column("encryption_private", sa.String(length=64), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_centre_key")),
    )
    op.create_index("ix_centre_key_code", "centre_key", ["centre_code"], unique=False)
    with op.batch_alter_table("imported_package") as batch:
        batch.add_column(sa.Column("signed_by", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("audit_seq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("audit_hash", sa.String(length=64), nullable=True))
    _seal_existing()


def _seal_existing() -> None:
    """Chain the entries written before this version, oldest first."""
    from transit_centre.db import audit_chain

    connection = op.get_bind()
    table = sa.table("audit_entry", *[sa.column(name) for name in (*audit_chain.FIELDS, "seq", "chain_hash")])
    head = sa.table("audit_chain_head", sa.column("id"), sa.column("seq"), sa.column("chain_hash"))
    rows = connection.execute(sa.select(*[table.c[k] for k in audit_chain.FIELDS])
                              .order_by(table.c.at, table.c.id)).mappings().all()
    seq, current = 0, audit_chain.GENESIS
    for row in rows:
        values = dict(row)
        for key in ("id", "user_id", "entity_id", "centre_id"):
            values[key] = _uuid(values[key])
        values["at"] = _when(values["at"])
        seq += 1
        current = audit_chain.link_hash(current, seq, values)
        connection.execute(sa.update(table).where(table.c.id == row["id"]).values(seq=seq, chain_hash=current))
    connection.execute(sa.insert(head).values(id=1, seq=seq, chain_hash=current))


def _uuid(value):  # noqa: ANN001, ANN202 - raw column values (text on SQLite, uuid on PostgreSQL)
    import uuid

    if value is None or isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(str(value))


def _when(value):  # noqa: ANN001, ANN202
    import datetime as dt

    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value


def downgrade() -> None:
    with op.batch_alter_table("imported_package") as batch:
        batch.drop_column("audit_hash")
        batch.drop_column("audit_seq")
        batch.drop_column("signed_by")
    op.drop_index("ix_centre_key_code", table_name="centre_key")
    op.drop_table("centre_key")
    op.drop_table("audit_chain_head")
    with op.batch_alter_table("audit_entry") as batch:
        batch.drop_constraint(batch.f("uq_audit_entry_seq"), type_="unique")
        batch.drop_column("chain_hash")
        batch.drop_column("seq")

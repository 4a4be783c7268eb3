"""resident transfers between centres that do not share a database

Revision ID: 0006_transfers
Revises: 0005_search_fts
Create Date: 2026-12-07 18:00:00

A resident keeps the case numbers of other centres (``other_case_numbers``); the transfer files
made and received are recorded (``transfer_record``), so that a file received twice changes
nothing.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_transfers"
down_revision = "0005_search_fts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("resident") as batch:
        batch.add_column(sa.Column("other_case_numbers", sa.String(length=200), nullable=True))
    op.create_table(
        "transfer_record",
        sa.Column("transfer_id", sa.Uuid(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("from_centre", sa.String(length=8), nullable=False),
        sa.Column("to_centre", sa.String(length=8), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("people", sa.JSON(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("confidential_included", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_record")),
        sa.UniqueConstraint("transfer_id", name=op.f("uq_transfer_record_transfer_id")),
    )


def downgrade() -> None:
    op.drop_table("transfer_record")
    with op.batch_alter_table("resident") as batch:
        batch.drop_column("other_case_numbers")

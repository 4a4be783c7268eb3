"""protection-correct documents: who received money paid for a minor, why a receipt was voided

Revision ID: 0002_protection
Revises: 0001
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_protection"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("disbursement") as batch:
        batch.add_column(sa.Column("received_by_name", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("received_by_role", sa.String(length=32), nullable=True))
    with op.batch_alter_table("receipt") as batch:
        batch.add_column(sa.Column("void_code", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("receipt") as batch:
        batch.drop_column("void_code")
    with op.batch_alter_table("disbursement") as batch:
        batch.drop_column("received_by_role")
        batch.drop_column("received_by_name")

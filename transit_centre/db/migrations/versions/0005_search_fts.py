"""resident search: FTS5 trigram index (SQLite) or pg_trgm (PostgreSQL) instead of the word table

Revision ID: 0005_search_fts
Revises: 0004_security
Create Date: 2026-12-07 12:00:00

The word table ``resident_token`` is replaced by the text index of ``db.search_index``: its
``install`` is the same function that runs after ``Base.metadata.create_all``, so a migrated
database and a freshly created one have the same index (and existing residents are indexed
here). The downgrade drops the index and rebuilds the word table from ``resident.search_text``.
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

from transit_centre.db.search_index import install, uninstall

revision = "0005_search_fts"
down_revision = "0004_security"
branch_labels = None
depends_on = None

_DIGITS = re.compile(r"^\+?\d+$")


def upgrade() -> None:
    with op.batch_alter_table("resident_token", schema=None) as batch_op:
        batch_op.drop_index("ix_resident_token_token")
    op.drop_table("resident_token")
    install(op.get_bind())


def _tokens(search_text: str | None) -> set[str]:
    """The words of revision 0001's index (its ``tokens_for``), frozen here."""
    result: set[str] = set()
    for word in (search_text or "").split():
        word = word[:64]
        result.add(word)
        if "-" in word:
            parts = word.split("-")
            result.update(t for t in ("-".join(parts[i:]) for i in range(1, len(parts))) if t)
        if _DIGITS.match(word) and len(word) > 4:
            result.update(word[i:] for i in range(1, len(word) - 3))
    return result


def downgrade() -> None:
    bind = op.get_bind()
    uninstall(bind)
    token = op.create_table(
        "resident_token",
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["resident_id"], ["resident.id"], name=op.f("fk_resident_token_resident_id_resident")),
        sa.PrimaryKeyConstraint("resident_id", "token", name=op.f("pk_resident_token")),
    )
    with op.batch_alter_table("resident_token", schema=None) as batch_op:
        batch_op.create_index("ix_resident_token_token", ["token", "resident_id"], unique=False)
    resident = sa.table("resident", sa.column("id", sa.Uuid()), sa.column("search_text", sa.Text()))
    batch: list[dict[str, object]] = []
    for resident_id, text in bind.execute(sa.select(resident.c.id, resident.c.search_text)).all():
        batch += [{"resident_id": resident_id, "token": t} for t in sorted(_tokens(text))]
        if len(batch) >= 5000:
            bind.execute(sa.insert(token), batch)
            batch = []
    if batch:
        bind.execute(sa.insert(token), batch)

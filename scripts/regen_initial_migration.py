"""Regenerate the initial migration from the models.

Only while nothing has been released: once a database exists in the field, every schema
change is a new migration (``alembic revision --autogenerate``), never an edit of 0001.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command

from transit_centre.db.engine import Database, sqlite_url
from transit_centre.db.migrate import MIGRATIONS, alembic_config

target = MIGRATIONS / "versions" / "0001_initial.py"
if target.exists():
    target.unlink()
with tempfile.TemporaryDirectory() as tmp:
    db = Database(sqlite_url(Path(tmp) / "empty.sqlite3"))
    command.revision(alembic_config(db), message="initial schema", autogenerate=True, rev_id="0001")
generated = next((MIGRATIONS / "versions").glob("0001_*.py"))
generated.rename(target)
print("wrote", target)

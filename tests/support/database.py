"""Which database the tests run on: SQLite files by default, or the PostgreSQL server named by
``TRANSIT_CENTRE_TEST_DATABASE_URL`` (CI starts one)."""
from __future__ import annotations

import os

TEST_URL = os.environ.get("TRANSIT_CENTRE_TEST_DATABASE_URL")

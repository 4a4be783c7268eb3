"""Benchmark of the residents list over a large SQLite database (not a test: prints figures).

    python scripts/bench_residents.py [DATABASE.sqlite3] [--residents 100000] [--verbose]

Builds the database with ``transit-centre demo`` data when the file does not exist (a few
minutes for 100,000 residents), then measures, for headquarters (every centre) and for a
centre manager (their centre):

- opening the residents list: count + first page of 200 rows + creating the table model;
- search-as-you-type: every prefix of typical names as the user types them (first page, which
  is what the user waits for; the count follows when typing pauses and is shown apart);

each beside the hand-written SQL query returning the same rows on the same database (sqlite3
module, no ORM), and the ratio. Targets: open < 1 s, search median < 50 ms and within 2x of SQL.
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from transit_centre.bootstrap import open_database  # noqa: E402
from transit_centre.db.engine import Database, sqlite_url  # noqa: E402
from transit_centre.enums import Role  # noqa: E402
from transit_centre.registry.search import ResidentFilter, count_residents, resident_page  # noqa: E402
from transit_centre.security.permissions import Actor  # noqa: E402

NAMES = ["traore", "diallo", "aminata", "okafor", "keita", "mamadou coulibaly", "fatou", "sow"]
RUNS = 5
PAGE_COLUMNS_SQL = (
    "r.id, r.case_number, r.last_name, r.first_name, r.sex, r.date_of_birth, r.dob_estimated, r.nationality, "
    "r.registered_on, (SELECT c.code FROM centre c WHERE c.id = r.centre_id), "
    "EXISTS (SELECT 1 FROM stay st WHERE st.resident_id = r.id AND st.departure_date IS NULL), r.phone")


def timed(fn: Callable[[], object], runs: int = RUNS) -> tuple[float, object]:
    """Median wall time in milliseconds over ``runs`` calls, and the last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def prefixes(text: str) -> list[str]:
    """What the search field holds after each keystroke, from the second character on."""
    return [text[:i] for i in range(2, len(text) + 1) if not text[:i].endswith(" ")]


def build(path: Path, residents: int) -> Database:
    if path.exists():
        return open_database(sqlite_url(path))
    from transit_centre.demo import generate

    db = open_database(sqlite_url(path))
    start = time.perf_counter()

    def progress(done: int, total: int) -> None:
        print(f"\rgenerating demo data: {done}/{total}", end="", file=sys.stderr, flush=True)

    generate(db, residents, seed=1, progress=progress)
    print(f"\ngenerated in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return db


class RawSql:
    """The same rows with plain SQL through the sqlite3 module."""

    def __init__(self, path: Path, centre_hex: str | None) -> None:
        self.conn = sqlite3.connect(str(path))
        self.centre = centre_hex

    def _where(self, words: list[str]) -> tuple[str, list[object]]:
        clauses, params = [], []
        if self.centre:
            clauses.append("r.centre_id = ?")
            params.append(self.centre)
        if words:  # every word begins a word (the first tier of the service's search)
            clauses.append("r.id IN (SELECT k.resident_id FROM resident_search_row k WHERE k.id IN "
                           "(SELECT rowid FROM resident_search WHERE resident_search MATCH ?))")
            params.append(" AND ".join(f'(" {w}" OR "-{w}")' for w in words))
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def count(self, words: list[str]) -> int:
        where, params = self._where(words)
        return self.conn.execute("SELECT count(*) FROM resident r" + where, params).fetchone()[0]

    def present(self) -> tuple[int, list[tuple]]:
        where, params = self._where([])
        open_stays = "r.id IN (SELECT resident_id FROM stay WHERE departure_date IS NULL)"
        where = (where + " AND " if where else " WHERE ") + open_stays
        count = self.conn.execute("SELECT count(*) FROM resident r" + where, params).fetchone()[0]
        rows = self.conn.execute(
            f"SELECT {PAGE_COLUMNS_SQL} FROM resident r{where} ORDER BY r.case_number LIMIT 200", params).fetchall()
        return count, rows

    def page(self, words: list[str]) -> list[tuple]:
        where, params = self._where(words)
        order = "r.case_number || ''" if words else "r.case_number"
        return self.conn.execute(
            f"SELECT {PAGE_COLUMNS_SQL} FROM resident r{where} ORDER BY {order} LIMIT 200", params).fetchall()


def bench(db: Database, path: Path, label: str, actor: Actor, f: ResidentFilter, centre_hex: str | None,
          verbose: bool) -> list[tuple[str, float, float]]:
    from PySide6.QtCore import QCoreApplication

    from transit_centre.ui.residents import ResidentTableModel

    QCoreApplication.instance() or QCoreApplication([])
    raw = RawSql(path, centre_hex)

    def open_list() -> int:
        total = count_residents(db, actor, f)
        model = ResidentTableModel(lambda o, n, k, d: resident_page(db, actor, f, k, d, o, n))
        return total + model.rowCount() * 0

    def open_raw() -> int:
        return raw.count([]) + len(raw.page([])) * 0

    service_open, total = timed(open_list)
    raw_open, raw_total = timed(open_raw)
    assert total == raw_total, (total, raw_total)
    rows = [(f"{label}: open the list ({total:,} residents)", service_open, raw_open)]

    page_times, raw_times, count_times, raw_count_times = [], [], [], []
    for name in NAMES:
        for text in prefixes(name):
            words = text.split()
            sf = ResidentFilter(text=text, all_centres=f.all_centres)
            t_page, got = timed(lambda: resident_page(db, actor, sf))
            t_raw, expected = timed(lambda: raw.page(words))
            assert [r.case_number for r in got] == [r[1] for r in expected], text
            t_count, n = timed(lambda: count_residents(db, actor, sf), 3)
            t_raw_count, _n = timed(lambda: raw.count(words), 3)
            page_times.append(t_page)
            raw_times.append(t_raw)
            count_times.append(t_count)
            raw_count_times.append(t_raw_count)
            if verbose:
                print(f"   {label:12} {text!r:22} {n:7,} found  page {t_page:6.1f} ms  raw {t_raw:6.1f} ms  "
                      f"count {t_count:6.1f} ms  raw {t_raw_count:6.1f} ms")
    rows.append((f"{label}: search as you type, first page (median of {len(page_times)} prefixes)",
                 statistics.median(page_times), statistics.median(raw_times)))
    rows.append((f"{label}: search as you type, first page (slowest prefix)", max(page_times), max(raw_times)))
    rows.append((f"{label}: count after typing pauses (median)", statistics.median(count_times),
                 statistics.median(raw_count_times)))
    present = ResidentFilter(presence="present", all_centres=f.all_centres)
    t_present, n_present = timed(lambda: (count_residents(db, actor, present), resident_page(db, actor, present)))
    t_raw_present, raw_present = timed(lambda: raw.present())
    assert n_present[0] == raw_present[0] and [r.case_number for r in n_present[1]] == [r[1] for r in raw_present[1]]
    rows.append((f"{label}: filter 'in the centre now' ({n_present[0]:,}): count + first page", t_present,
                 t_raw_present))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", nargs="?", default="bench-residents.sqlite3")
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--verbose", action="store_true", help="print every prefix")
    args = parser.parse_args(argv)
    path = Path(args.database).resolve()
    db = build(path, args.residents)
    with db.transaction(None, readonly=True) as s:
        from sqlalchemy import func, select

        from transit_centre.db.models import Resident

        biggest = s.execute(select(Resident.centre_id, func.count()).group_by(Resident.centre_id)
                            .order_by(func.count().desc())).first()
    centre_id: uuid.UUID = biggest[0]
    hq = Actor(uuid.uuid4(), "bench-hq", roles=frozenset({Role.HQ}))
    manager = Actor(uuid.uuid4(), "bench-manager", roles=frozenset({Role.MANAGER}),
                    centre_ids=frozenset({centre_id}), current_centre_id=centre_id)
    rows = bench(db, path, "HQ", hq, ResidentFilter(all_centres=True), None, args.verbose)
    rows += bench(db, path, "Centre", manager, ResidentFilter(), centre_id.hex, args.verbose)
    print()
    print(f"Database: {path} ({sqlite3.sqlite_version=})")
    print(f"{'measure':78} {'service':>10} {'raw SQL':>10} {'ratio':>6}")
    for label, service, raw in rows:
        print(f"{label:78} {service:8.1f} ms {raw:7.1f} ms {service / raw if raw else 0:6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

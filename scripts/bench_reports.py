"""Benchmark of the reports on a big demo database (``transit-centre demo --residents 100000``).

1. One centre's monthly export (XLSX + data package), beside the raw SQL aggregate queries it
   runs (the same statements re-executed directly on the DBAPI connection): ratio.
2. Every centre's export for every month of the year, imported into a separate headquarters
   database (timed), then the consolidated annual report for all centres, beside its raw SQL.

Targets: monthly export < 2 s, consolidated annual report < 10 s.

    python scripts/bench_reports.py --database sqlite:////tmp/bench100k.sqlite3 --centre GAO

An encrypted database (SQLCipher, as ``demo`` makes it) is opened with the demo administrator's
password; headquarters' database is then made encrypted too, and the centres' signing keys are
registered there (packages are signed). Run it once on the encrypted file and once on its plain
copy (``bench_residents.py`` makes ``<name>-plain.sqlite3``) to see what encryption costs.
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, select

from transit_centre.db.base import Base
from transit_centre.db.engine import Database, sqlite_url
from transit_centre.storage import at_rest
from transit_centre.db.models import Centre
from transit_centre.reports.consolidate import _consolidated, consolidated_report, import_packages
from transit_centre.reports.export import monthly_export
from transit_centre.reports.sources import Period, live_sources
from transit_centre.reports.stats import capacity_nights, compute
from transit_centre.security.permissions import Actor


@contextmanager
def capture(db: Database, sink: list):
    """Record the queries (with parameters) the code runs: SELECTs and the temporary tables
    headquarters' report materializes."""
    kinds = ("SELECT", "CREATE TEMPORARY", "CREATE INDEX", "DROP TABLE")

    def before(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        if statement.lstrip().upper().startswith(kinds):
            sink.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield sink
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def raw_time(db: Database, statements: list) -> float:
    """Run the captured statements directly on the DBAPI connection (no ORM, no Python work)."""
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        start = time.perf_counter()
        for statement, parameters in statements:
            cursor.execute(statement, parameters)
            cursor.fetchall()
        return time.perf_counter() - start
    finally:
        raw.close()


DEMO_PASSWORD = "transit-demo"


def best_of(n: int, fn) -> float:  # noqa: ANN001
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--centre", default="GAO")
    parser.add_argument("--month", help="YYYY-MM (default: the last full month)")
    parser.add_argument("--year", type=int, help="year of the annual report (default: the month's year)")
    parser.add_argument("--hq", default=str(Path(tempfile.gettempdir()) / "bench_hq.sqlite3"))
    parser.add_argument("--reuse-hq", action="store_true", help="do not rebuild the headquarters database")
    args = parser.parse_args()

    encrypted = at_rest.state_of(args.database) is at_rest.DatabaseState.ENCRYPTED
    db = at_rest.unlock(args.database, "admin", DEMO_PASSWORD) if encrypted else Database(args.database)
    actor = Actor.system()
    today = dt.date.today()
    last = today.replace(day=1) - dt.timedelta(days=1)
    month = args.month or f"{last.year:04d}-{last.month:02d}"
    year = args.year or int(month[:4])
    with db.transaction(None, readonly=True) as s:
        centres = s.execute(select(Centre.code, Centre.id).order_by(Centre.code)).all()
    centre_id = dict(centres)[args.centre]
    out = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    period = Period.month(int(month[:4]), int(month[5:]))

    # 1. One centre's monthly export.
    monthly_export(db, actor, month, centre_id, out / "warm")  # warm the cache once
    export_time = best_of(3, lambda: monthly_export(db, actor, month, centre_id, out / "one"))
    statements: list = []
    with capture(db, statements), db.transaction(None, readonly=True) as s:
        src = live_sources(s, [centre_id], period, today)
        compute(s, src, period, capacity_nights(s, [centre_id], period, today))
    stats_raw = min(raw_time(db, statements) for _ in range(3))
    result = monthly_export(db, actor, month, centre_id, out / "one")
    print(f"monthly export {args.centre} {month}: {export_time:.2f} s "
          f"(raw SQL aggregates {stats_raw:.2f} s, ratio {export_time / max(stats_raw, 1e-6):.1f}); "
          f"package rows {sum(result.row_counts.values())}, arrivals {result.stats.arrivals}, "
          f"bed-nights {result.stats.bed_nights}")

    # 2. Headquarters: every centre, every month of the year, then the annual report.
    hq_path = Path(args.hq)
    hq_url = sqlite_url(hq_path)
    if args.reuse_hq:
        hq = at_rest.unlock(hq_url, "admin", DEMO_PASSWORD) if encrypted else Database(hq_url)
    else:
        for suffix in ("", "-wal", "-shm", ".keys", "-state.json"):
            Path(str(hq_path) + suffix).unlink(missing_ok=True)
        if encrypted:  # headquarters' database encrypted too, as the application makes it
            hq = at_rest.create_database(hq_url)
            at_rest.start_key_file(hq, "admin", DEMO_PASSWORD)
        else:
            hq = Database(hq_url)
            Base.metadata.create_all(hq.engine)
        from transit_centre.security.keys import export_public_key, register_public_key

        for _code, cid in centres:  # headquarters accepts the packages each centre signs
            register_public_key(hq, actor, export_public_key(db, actor, cid)[0])
        months = [f"{year:04d}-{m:02d}" for m in range(1, 13) if dt.date(year, m, 1) <= today]
        packages, export_times = [], []
        for code, cid in centres:
            for m in months:
                start = time.perf_counter()
                packages.append(monthly_export(db, actor, m, cid, out / "all").package_path)
                export_times.append(time.perf_counter() - start)
        print(f"{len(packages)} monthly exports: median {statistics.median(export_times):.2f} s, "
              f"max {max(export_times):.2f} s")
        start = time.perf_counter()
        results = import_packages(hq, actor, packages)
        print(f"import of {len(packages)} packages at headquarters: {time.perf_counter() - start:.1f} s "
              f"({sum(r.rows for r in results)} records, {sum(not r.ok for r in results)} refused)")

    consolidated_report(hq, actor, out, year)  # warm
    annual_time = best_of(3, lambda: consolidated_report(hq, actor, out, year))
    statements = []
    with capture(hq, statements), hq.transaction(None, readonly=True) as s:
        annual = _consolidated(s, None, Period.year(year))
    annual_raw = min(raw_time(hq, statements) for _ in range(3))
    print(f"({'encrypted, SQLCipher' if encrypted else 'plain SQLite'}: {args.database})")
    print(f"consolidated annual report {year}, all centres: {annual_time:.2f} s "
          f"(raw SQL aggregates {annual_raw:.2f} s, ratio {annual_time / max(annual_raw, 1e-6):.1f}); "
          f"arrivals {annual.arrivals}, bed-nights {annual.bed_nights}, returns {annual.returns_total}, "
          f"cash {annual.cash_total} XOF")
    print(f"targets: monthly export < 2 s: {'OK' if export_time < 2 else 'MISSED'}; "
          f"annual consolidated < 10 s: {'OK' if annual_time < 10 else 'MISSED'}")


if __name__ == "__main__":
    main()

"""Benchmark of the residents list over a large SQLite database (not a test: prints figures).

    python scripts/bench_residents.py [DATABASE.sqlite3] [--residents 100000] [--verbose] [--sizes]

Builds the database with ``transit-centre demo`` when the file does not exist, timing it and
its peak memory (goals: 100,000 residents in 3 min, under 500 MB). Then measures, for
headquarters (every centre) and for a centre manager (their centre):

- opening the residents list: first page of 200 rows + count (read off the GUI thread by the list);
- search-as-you-type: every prefix of typical names as the user types them (first page, which
  is what the user waits for; the count follows when typing pauses and is shown apart);
- a search inside a word ("oul" for Coulibaly) and a misspelt name ("mamadu" for Mamadou):
  found, after the residents whose name begins so;

each beside the raw FTS5 query for the same words (the first 200 matches of the trigram index,
unsorted, through the sqlite3 module: the floor), and the ratio. Goals (issue 18): search median
<= 10 ms and slowest prefix <= 25 ms across every centre. ``--sizes`` prints where the file's
bytes go (SQLite's dbstat), table by table.

The cost of encryption (issue 16): the demo makes an encrypted database (SQLCipher), as the
application does. Every figure is measured on it and on a plain copy of the same data (made
once beside it, ``<name>-plain.sqlite3``), printed side by side with the overhead; so is the
start: unwrapping the key with a password and opening the file, against opening the plain copy.
Goal: within 15 % on search and start.
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from transit_centre.storage.opening import open_database  # noqa: E402
from transit_centre.db import cipher  # noqa: E402
from transit_centre.db.engine import Database, sqlite_url  # noqa: E402
from transit_centre.enums import Role  # noqa: E402
from transit_centre.registry.search import ResidentFilter, count_residents, resident_page  # noqa: E402
from transit_centre.security import keyring  # noqa: E402
from transit_centre.storage import at_rest  # noqa: E402
from transit_centre.security.permissions import Actor  # noqa: E402
from transit_centre.security.users import authenticate  # noqa: E402

DEMO_PASSWORD = "transit-demo"

NAMES = ["traore", "diallo", "aminata", "okafor", "keita", "mamadou coulibaly", "fatou", "sow"]
INSIDE = [("oul", "Coulibaly"), ("ibal", "Coulibaly"), ("mamadu", "Mamadou"), ("coulibali", "Coulibaly")]
RUNS = 5


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


def build(path: Path, residents: int) -> tuple[float, int | None] | None:
    """Make the database with ``transit-centre demo`` when missing: (seconds, peak MB) or None."""
    if path.exists():
        return None
    command = [sys.executable, "-m", "transit_centre.cli.main", "--database", sqlite_url(path), "demo",
               "--residents", str(residents)]
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024  # KiB on Linux
    except ImportError:  # Windows
        peak = None
    return seconds, peak


def pair(path: Path) -> tuple[Path, bytes, Path]:
    """The encrypted database, its key, and a plain copy of the same data (made once)."""
    if keyring.is_plain_sqlite(path):  # an older, plain file: its encrypted copy is made beside it
        encrypted = path.with_name(path.stem + "-encrypted.sqlite3")
        if not encrypted.exists():
            key = keyring.new_key()
            cipher.export_encrypted(path, encrypted, key)
            keyring.create(encrypted, key, "manager", DEMO_PASSWORD)
        return encrypted, keyring.unlock(encrypted, "manager", DEMO_PASSWORD), path
    key = keyring.unlock(path, "manager", DEMO_PASSWORD)
    plain = path.with_name(path.stem + "-plain.sqlite3")
    if not plain.exists():
        conn = cipher.connect(path, key)
        conn.isolation_level = None
        conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(plain),))
        conn.execute("SELECT sqlcipher_export('plain')")
        conn.execute("DETACH DATABASE plain")
        conn.close()
    return path, key, plain


def open_times(encrypted: Path, plain: Path) -> list[tuple[str, float, float]]:
    """Signing in as the application does: (encrypted) unwrap the key with the password and open
    the file, (plain) open the file; then check the account. Median of fresh opens."""
    from transit_centre.storage.integrity import note_closed

    def encrypted_open() -> None:
        db = at_rest.unlock(sqlite_url(encrypted), "manager", DEMO_PASSWORD)
        authenticate(db, "manager", DEMO_PASSWORD)
        note_closed(db)

    def plain_open() -> None:
        db = open_database(sqlite_url(plain))
        authenticate(db, "manager", DEMO_PASSWORD)
        note_closed(db)

    encrypted_open(), plain_open()  # the first open after a copy checks the file: not what a start costs
    return [("sign in: open the database and check the password", timed(encrypted_open)[0], timed(plain_open)[0])]


class RawFts:
    """The floor: the first 200 matches of the trigram index, through the sqlite3 module."""

    def __init__(self, path: Path, centre_hex: str | None, key: bytes | None = None) -> None:
        self.conn = cipher.connect(path, key)
        self.centre = centre_hex

    def first_matches(self, words: list[str], inside: bool = False) -> list[tuple]:
        phrases = [f'"{w}"' if inside else f'(" {w}" OR "-{w}")' for w in words]
        sql = ("SELECT r.resident_id FROM resident_search f JOIN resident_search_row r ON r.id = f.rowid "
               "WHERE f.body MATCH ?")
        params: list[object] = [" AND ".join(phrases)]
        if self.centre:
            sql += " AND r.centre_id = ?"
            params.append(self.centre)
        return self.conn.execute(sql + " LIMIT 200", params).fetchall()


def bench(db: Database, path: Path, label: str, actor: Actor, f: ResidentFilter, centre_hex: str | None,
          verbose: bool) -> list[tuple[str, float, float]]:
    raw = RawFts(path, centre_hex, db.key)

    def open_list() -> int:
        """What the list reads in the background when it opens: the first page, then the count."""
        resident_page(db, actor, f, "case_number", False, 0, 200)
        return count_residents(db, actor, f)

    service_open, total = timed(open_list)
    rows = [(f"{label}: open the list ({total:,} residents)", service_open, 0.0)]

    page_times, raw_times, count_times = [], [], []
    for name in NAMES:
        for text in prefixes(name):
            sf = ResidentFilter(text=text, all_centres=f.all_centres)
            t_page, got = timed(lambda: resident_page(db, actor, sf))
            t_raw, _first = timed(lambda: raw.first_matches(text.split()))
            t_count, n = timed(lambda: count_residents(db, actor, sf), 3)
            page_times.append(t_page)
            raw_times.append(t_raw)
            count_times.append(t_count)
            if verbose:
                print(f"   {label:8} {text!r:22} {n:7,} found  page {t_page:6.1f} ms  raw FTS5 {t_raw:5.2f} ms  "
                      f"count {t_count:6.1f} ms")
    slowest = max(range(len(page_times)), key=page_times.__getitem__)
    rows.append((f"{label}: search as you type, first page (median of {len(page_times)} prefixes)",
                 statistics.median(page_times), statistics.median(raw_times)))
    rows.append((f"{label}: search as you type, first page (slowest prefix)", page_times[slowest],
                 raw_times[slowest]))
    rows.append((f"{label}: count after typing pauses (median)", statistics.median(count_times), 0.0))
    for text, expected in INSIDE:
        sf = ResidentFilter(text=text, all_centres=f.all_centres)
        t_page, got = timed(lambda: resident_page(db, actor, sf))
        t_raw, _first = timed(lambda: raw.first_matches([text], inside=True))
        where = next((i for i, r in enumerate(got) if expected in (r.last_name, r.first_name)), None)
        found = f"{expected} at row {where + 1}" if where is not None else f"{expected} NOT FOUND"
        rows.append((f"{label}: {text!r} ({found})", t_page, t_raw))
    present = ResidentFilter(presence="present", all_centres=f.all_centres)
    t_present, n_present = timed(lambda: (count_residents(db, actor, present), resident_page(db, actor, present)))
    rows.append((f"{label}: filter 'in the centre now' ({n_present[0]:,}): count + first page", t_present, 0.0))
    return rows


def sizes(path: Path, top: int = 25) -> None:
    conn = sqlite3.connect(str(path))  # the plain copy: the same pages
    try:
        found = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
    except sqlite3.OperationalError as exc:
        print(f"(no dbstat in this SQLite: {exc})")
        return
    total = sum(size for _name, size in found)
    print(f"\nWhere the {total / 1e6:,.0f} MB go (tables and indexes, dbstat):")
    for name, size in found[:top]:
        print(f"  {name:45} {size / 1e6:8.1f} MB {100 * size / total:5.1f} %")
    search = sum(size for name, size in found if name.startswith("resident_search"))
    print(f"  {'(resident search index, all its tables)':45} {search / 1e6:8.1f} MB {100 * search / total:5.1f} %")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", nargs="?", default="bench-residents.sqlite3")
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--verbose", action="store_true", help="print every prefix")
    parser.add_argument("--sizes", action="store_true", help="where the bytes of the file go")
    args = parser.parse_args(argv)
    path = Path(args.database).resolve()
    made = build(path, args.residents)
    encrypted, key, plain = pair(path)
    starts = open_times(encrypted, plain)
    dbs = {"encrypted": at_rest.unlock(sqlite_url(encrypted), "manager", DEMO_PASSWORD),
           "plain": open_database(sqlite_url(plain))}
    with dbs["plain"].transaction(None, readonly=True) as s:
        from sqlalchemy import func, select

        from transit_centre.db.models import Resident

        biggest = s.execute(select(Resident.centre_id, func.count()).group_by(Resident.centre_id)
                            .order_by(func.count().desc())).first()
    centre_id: uuid.UUID = biggest[0]
    hq = Actor(uuid.uuid4(), "bench-hq", roles=frozenset({Role.HQ}))
    manager = Actor(uuid.uuid4(), "bench-manager", roles=frozenset({Role.MANAGER}),
                    centre_ids=frozenset({centre_id}), current_centre_id=centre_id)
    measured = {}
    for name, db in dbs.items():
        file = encrypted if name == "encrypted" else plain
        rows = bench(db, file, "HQ", hq, ResidentFilter(all_centres=True), None, args.verbose)
        rows += bench(db, file, "Centre", manager, ResidentFilter(), centre_id.hex, args.verbose)
        measured[name] = rows
    print()
    print(f"Database: {encrypted} ({encrypted.stat().st_size / 1e9:.2f} GB, SQLCipher "
          f"{cipher.connect(encrypted, key).execute('PRAGMA cipher_version').fetchone()[0]}); plain copy {plain.name} "
          f"({plain.stat().st_size / 1e9:.2f} GB, SQLite {sqlite3.sqlite_version})")
    if made is not None:
        seconds, peak = made
        print(f"transit-centre demo --residents {args.residents} (encrypted): {int(seconds) // 60} min "
              f"{int(seconds) % 60:02d} s, peak memory {f'{peak} MB' if peak is not None else 'not measured here'}")
    print(f"{'measure':72} {'encrypted':>10} {'plain':>10} {'cost':>6} {'raw FTS5':>10}")
    for label, enc, plain_ms in starts:
        print(f"{label:72} {enc:7.1f} ms {plain_ms:7.1f} ms {100 * (enc / plain_ms - 1):+5.0f}%")
    for (label, enc, raw), (_label, plain_ms, _raw) in zip(measured["encrypted"], measured["plain"]):
        raw_text = f"{raw:7.2f} ms" if raw else ""
        print(f"{label:72} {enc:7.1f} ms {plain_ms:7.1f} ms {100 * (enc / plain_ms - 1):+5.0f}% {raw_text:>10}")
    if args.sizes:
        sizes(plain)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

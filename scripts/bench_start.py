"""Start-up benchmark (not a test: prints figures).

    python scripts/bench_start.py DATABASE.sqlite3 [--runs 5]

Each figure is the median wall time of ``--runs`` fresh processes (after one warm-up run, so
the file is in the page cache), from launching the process to the moment measured, beside
its baseline timed in the same run:

- cold start to a usable main window: open the database, sign in as the demo manager (the
  sign-in dialog is built and the password checked as in the application), show the window
  with its first page; and until the dashboard's figures are shown (they load off the GUI
  thread): beside a bare PySide6 window shown the same way;
- ``transit-centre version`` and ``transit-centre print receipt N``: beside ``python -c pass``;
- ``PRAGMA quick_check`` of the file, which used to run before every start (now after the
  window shows, or before use only after an unclean close: see ``transit_centre/storage/integrity.py``).

Needs a database made by ``transit-centre demo`` (``scripts/bench_residents.py`` builds one).
Goals (issue 18): window <= 1.5 s, version <= 0.3 s, print receipt <= 0.5 s.
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WINDOW = r"""
import os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from transit_centre.storage.opening import open_database
from transit_centre.storage.integrity import note_closed
from transit_centre.security.users import authenticate
from transit_centre.ui.shell.app import make_application, open_main_window
from transit_centre.ui.shell.login import LoginDialog
from transit_centre.ui.shell.startup_checks import start_session
from transit_centre.ui.common.worker import shutdown

from transit_centre.storage.at_rest import DatabaseState, state_of, unlock

url = sys.argv[1]
app = make_application()
if state_of(url) is DatabaseState.ENCRYPTED:  # the sign-in dialog first; the password opens the file
    login = LoginDialog(None, url=url)
    login.show()
    app.processEvents()
    db = unlock(url, "manager", "transit-demo", background_check=True)
else:
    db = open_database(url, background_check=True)
    login = LoginDialog(db)
    login.show()
    app.processEvents()
actor = authenticate(db, "manager", "transit-demo", login.selected_centre())
login.close()
window = open_main_window(db, actor)
start_session(window, db, actor)
app.processEvents()
print("READY", flush=True)
page = window.pages.get("dashboard")
loading = page.status.text()
while page.status.text() == loading:
    app.processEvents()
print("FILLED", flush=True)
window.close()
shutdown(60_000)
note_closed(db)
"""

BARE_WINDOW = r"""
import os
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication([])
window = QMainWindow()
window.setCentralWidget(QLabel("Transit Centre"))
window.show()
app.processEvents()
print("READY", flush=True)
"""


def _env(data_dir: str) -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TRANSIT_CENTRE_DATA_DIR": data_dir,
           "TRANSIT_CENTRE_USER": "manager", "TRANSIT_CENTRE_PASSWORD": "transit-demo"}  # commands sign in
    env.pop("TRANSIT_CENTRE_DATABASE_URL", None)
    return env


def _cpu() -> float:
    """CPU seconds used by the finished child processes (not on Windows): what a run costs
    whatever else the machine is doing."""
    try:
        import resource
    except ImportError:
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_lines(command: list[str], env: dict[str, str], marks: tuple[str, ...]) -> dict[str, float]:
    """Seconds from launching ``command`` to each line in ``marks`` it prints, to its end, and
    the CPU seconds of the whole run ("cpu")."""
    cpu = _cpu()
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                               cwd=ROOT)
    seen: dict[str, float] = {}
    assert process.stdout is not None
    for line in process.stdout:
        if line.strip() in marks:
            seen[line.strip()] = time.perf_counter() - start
    _out, err = process.communicate()
    seen["exit"] = time.perf_counter() - start
    seen["cpu"] = _cpu() - cpu
    if process.returncode != 0 or set(marks) - set(seen):
        raise SystemExit(f"{' '.join(command[:3])}... failed ({process.returncode}):\n{err[-2000:]}")
    return seen


def median_of(runs: int, command: list[str], env: dict[str, str], marks: tuple[str, ...] = ()) -> dict[str, float]:
    timed_lines(command, env, marks)  # warm-up: files in the page cache, .pyc written
    results = [timed_lines(command, env, marks) for _ in range(runs)]
    return {key: statistics.median(r[key] for r in results) for key in results[0]}


def command_line() -> list[str]:
    """The installed ``transit-centre`` command, as a user runs it."""
    folder = Path(sys.executable).parent
    for name in ("transit-centre", "transit-centre.exe"):
        if (folder / name).exists():
            return [str(folder / name)]
    return [sys.executable, "-m", "transit_centre.cli.main"]


def quick_check_seconds(path: Path, key: bytes | None) -> float:
    from transit_centre.db.cipher import connect

    start = time.perf_counter()
    conn = connect(path, key)
    result = conn.execute("PRAGMA quick_check").fetchone()[0]
    conn.close()
    assert result == "ok", result
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path, help="a SQLite database filled by transit-centre demo")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    path = args.database.resolve()
    if not path.exists():
        raise SystemExit(f"{path} does not exist: build it with scripts/bench_residents.py {path}")
    url = "sqlite:///" + path.as_posix()
    sys.path.insert(0, str(ROOT))
    from transit_centre.db.cipher import connect
    from transit_centre.security import keyring

    key = keyring.unlock(path, "manager", "transit-demo") if keyring.is_encrypted(path) else None
    conn = connect(path, key)  # closed at once: a connection left open would keep the write-ahead
    receipt = conn.execute(  # log, and every start would then check the file (another program has it)
        "SELECT number FROM receipt WHERE voided_at IS NULL ORDER BY number LIMIT 1").fetchone()[0]
    conn.close()
    rows: list[tuple[str, float, float | None, str, float]] = []  # figure, wall, CPU, baseline, its wall
    with tempfile.TemporaryDirectory(prefix="tc-bench-") as data_dir:
        env = _env(data_dir)
        cli = command_line()
        # The first open after the demo may check the file (its first check): let that happen now.
        subprocess.run(cli + ["--database", url, "occupancy", "--centre", "GAO"], env=env, cwd=ROOT,
                       capture_output=True, check=True)
        python = median_of(args.runs, [sys.executable, "-c", "pass"], env)["exit"]
        bare = median_of(args.runs, [sys.executable, "-c", BARE_WINDOW], env, ("READY",))["READY"]
        window = median_of(args.runs, [sys.executable, "-c", WINDOW, url], env, ("READY", "FILLED"))
        rows.append(("cold start to a usable main window (open, sign in, show)", window["READY"], None,
                     "bare PySide6 window", bare))
        rows.append(("  ... and the dashboard's figures shown", window["FILLED"], None, "bare PySide6 window", bare))
        version = median_of(args.runs, cli + ["version"], env)
        rows.append(("transit-centre version", version["exit"], version["cpu"], "python -c pass", python))
        out = Path(data_dir) / "receipt.pdf"
        printed = median_of(args.runs, cli + ["--database", url, "print", "receipt", receipt, "--out", str(out)], env)
        rows.append((f"transit-centre print receipt {receipt}", printed["exit"], printed["cpu"], "python -c pass",
                     python))
    check = statistics.median(quick_check_seconds(path, key) for _ in range(max(1, min(args.runs, 3))))
    size = path.stat().st_size / 1e9
    print()
    print(f"Database: {path} ({size:.2f} GB, {'encrypted, SQLCipher' if key else 'plain SQLite'}), median of "
          f"{args.runs} runs, Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}")
    print(f"{'figure':58} {'wall':>7} {'(CPU)':>8}   {'baseline':22} {'wall':>7}")
    for label, value, cpu, base_label, base in rows:
        cpu_text = f"({cpu:.2f} s)" if cpu else ""
        print(f"{label:58} {value:5.2f} s {cpu_text:>9}   {base_label:22} {base:5.2f} s")
    print(f"{'PRAGMA quick_check (no longer before the window shows)':58} {check:5.2f} s")
    print(f"(load average when done: {os.getloadavg()[0]:.1f})" if hasattr(os, "getloadavg") else "")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

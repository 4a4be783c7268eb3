"""The command line: version, init (database + first administrator), demo data."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from transit_centre import __version__
from transit_centre.cli.main import main
from transit_centre.db.engine import Database
from transit_centre.db.models import Resident, Stay, User


def test_version(capsys):
    assert main(["version"]) == 0
    assert __version__ in capsys.readouterr().out


def test_help_lists_the_commands(capsys):
    try:
        main(["--help"])
    except SystemExit as exit_:
        assert exit_.code == 0
    out = capsys.readouterr().out
    for command in ("init", "demo", "version"):
        assert command in out


PASSWORD = "un-mot-de-passe-long"


def opened(url: str, username: str = "admin", password: str = "transit-demo") -> Database:
    """The database at ``url`` as a signed-in user opens it (a new SQLite file is encrypted)."""
    from transit_centre.storage.at_rest import DatabaseState, state_of, unlock

    if state_of(url) is DatabaseState.ENCRYPTED:
        return unlock(url, username, password)
    return Database(url)


def test_init_creates_database_and_first_administrator(empty_db, capsys, monkeypatch, tmp_path):
    url = empty_db.url
    empty_db.dispose()
    monkeypatch.setenv("TRANSIT_CENTRE_PASSWORD", PASSWORD)
    sheet = tmp_path / "secours.pdf"
    assert main(["--database", url, "init", "--admin", "awa", "--full-name", "Awa Diallo",
                 "--recovery-sheet", str(sheet)]) == 0
    out = capsys.readouterr().out
    assert "awa" in out
    db = opened(url, "awa", PASSWORD)
    if db.sqlite_path is not None:  # a new SQLite file is encrypted; its recovery key shown once, and printed
        assert db.key is not None and re.search(r"[A-Z2-9]{5}(-[A-Z2-9]{1,5}){5}", out)
        assert sheet.read_bytes().startswith(b"%PDF")
    with db.transaction(None, readonly=True) as s:
        user = s.scalar(select(User).where(User.username == "awa"))
        assert user is not None and user.password_hash.startswith("$argon2")
        assert [r.code for r in user.roles] == ["admin"]
    db.dispose()
    # A second init upgrades nothing and creates nobody.
    assert main(["--database", url, "init", "--admin", "other"]) == 0
    db = opened(url, "awa", PASSWORD)
    with db.transaction(None, readonly=True) as s:
        assert s.scalar(select(func.count(User.id))) == 1
    db.dispose()


def test_init_rejects_a_weak_password_with_a_message(empty_db, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("TRANSIT_CENTRE_PASSWORD", "court")
    assert main(["--database", empty_db.url, "init", "--admin", "awa"]) == 2
    assert "au moins 10 caractères" in capsys.readouterr().err
    monkeypatch.delenv("TRANSIT_CENTRE_PASSWORD")
    secret = tmp_path / "mot-de-passe.txt"
    secret.write_text("transit-demo\n", encoding="utf-8")
    assert main(["--database", empty_db.url, "init", "--admin", "awa", "--password-file", str(secret)]) == 2
    assert "public" in capsys.readouterr().err


def test_demo_fills_a_new_database_deterministically(empty_db, tmp_path):
    url = empty_db.url
    empty_db.dispose()
    assert main(["--database", url, "demo", "--residents", "120", "--seed", "7"]) == 0
    db = opened(url)  # unattended: the demo accounts open the database it made
    with db.transaction(None, readonly=True) as s:
        assert s.scalar(select(func.count(Resident.id))) == 120
        names = s.scalars(select(Resident.last_name).order_by(Resident.case_number)).all()
        nationalities = set(s.scalars(select(Resident.nationality)))
        centres = set(s.scalars(select(Resident.centre_id)))
        open_stays = s.scalar(select(func.count(Stay.id)).where(Stay.departure_date.is_(None)))
    db.dispose()
    assert len(nationalities) >= 4 and len(centres) >= 5
    assert open_stays > 0
    other_url = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    assert main(["--database", other_url, "demo", "--residents", "120", "--seed", "7"]) == 0
    other = opened(other_url, "manager")
    with other.transaction(None, readonly=True) as s:
        assert s.scalars(select(Resident.last_name).order_by(Resident.case_number)).all() == names
    other.dispose()
    # Again on the encrypted file, unattended: it opens with the demo administrator.
    assert main(["--database", other_url, "demo", "--residents", "10", "--seed", "8"]) == 0


def test_help_and_version_import_no_command_module():
    """``--help`` and ``version`` answer from the command table: no Qt, SQLAlchemy or reportlab."""
    import os
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from transit_centre.cli.main import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'PySide6', 'sqlalchemy', 'reportlab', 'alembic'})\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    for argv in (["--help"], ["version"], ["--lang", "en", "--help"]):
        done = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, text=True, timeout=60,
                              env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
        assert done.returncode == 0, done.stderr
        assert "HEAVY=\n" in done.stdout, (argv, done.stdout)
    assert "verify-receipt" in done.stdout and "consolidated-report" in done.stdout


def test_the_command_table_lists_what_each_module_defines():
    """Every command a module adds is in ``COMMANDS`` with the same help (``--help`` shows the table's)."""
    import argparse
    import importlib

    from transit_centre.cli.main import COMMANDS
    from transit_centre.i18n import _

    class Recorder:
        def __init__(self) -> None:
            self.helps: dict[str, str] = {}

        def add_parser(self, name, **kwargs):
            self.helps[name] = kwargs.get("help")
            return argparse.ArgumentParser(add_help=False)

    defined: dict[str, str] = {}
    for module in dict.fromkeys(m for _c, m, _h in COMMANDS):
        recorder = Recorder()
        importlib.import_module(module).add_commands(recorder)
        defined.update(recorder.helps)
    assert defined == {name: _(help_text) for name, _m, help_text in COMMANDS}


def test_a_command_gets_its_own_arguments(capsys):
    try:
        main(["print", "--help"])
    except SystemExit as exit_:
        assert exit_.code == 0
    out = capsys.readouterr().out
    assert "--out" in out and "receipt" in out
    try:
        main(["occupancy"])
    except SystemExit as exit_:
        assert exit_.code == 2
    assert "--centre" in capsys.readouterr().err

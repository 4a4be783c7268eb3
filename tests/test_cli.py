"""The command line: version, init (database + first administrator), demo data."""
from __future__ import annotations

from sqlalchemy import func, select

from transit_centre import __version__
from transit_centre.cli import main
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


def test_init_creates_database_and_first_administrator(empty_db, capsys):
    assert main(["--database", empty_db.url, "init", "--admin", "awa", "--full-name", "Awa Diallo",
                 "--password", "un-mot-de-passe-long"]) == 0
    assert "awa" in capsys.readouterr().out
    with empty_db.transaction(None, readonly=True) as s:
        user = s.scalar(select(User).where(User.username == "awa"))
        assert user is not None and user.password_hash.startswith("$argon2")
        assert [r.code for r in user.roles] == ["admin"]
    # A second init upgrades nothing and creates nobody.
    assert main(["--database", empty_db.url, "init", "--admin", "other", "--password", "x" * 12]) == 0
    with empty_db.transaction(None, readonly=True) as s:
        assert s.scalar(select(func.count(User.id))) == 1


def test_init_rejects_a_short_password_with_a_message(empty_db, capsys):
    assert main(["--database", empty_db.url, "init", "--admin", "awa", "--password", "court"]) == 2
    assert "au moins 10 caractères" in capsys.readouterr().err


def test_demo_fills_a_new_database_deterministically(empty_db, tmp_path):
    assert main(["--database", empty_db.url, "demo", "--residents", "120", "--seed", "7"]) == 0
    with empty_db.transaction(None, readonly=True) as s:
        assert s.scalar(select(func.count(Resident.id))) == 120
        names = s.scalars(select(Resident.last_name).order_by(Resident.case_number)).all()
        nationalities = set(s.scalars(select(Resident.nationality)))
        centres = set(s.scalars(select(Resident.centre_id)))
        open_stays = s.scalar(select(func.count(Stay.id)).where(Stay.departure_date.is_(None)))
    assert len(nationalities) >= 4 and len(centres) >= 5
    assert open_stays > 0
    other = Database(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    assert main(["--database", other.url, "demo", "--residents", "120", "--seed", "7"]) == 0
    with other.transaction(None, readonly=True) as s:
        assert s.scalars(select(Resident.last_name).order_by(Resident.case_number)).all() == names
    other.dispose()


def test_help_and_version_import_no_command_module():
    """``--help`` and ``version`` answer from the command table: no Qt, SQLAlchemy or reportlab."""
    import os
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from transit_centre.cli import main\n"
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

    from transit_centre.cli import COMMANDS
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

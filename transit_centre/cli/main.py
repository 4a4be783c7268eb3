"""The ``transit-centre`` command: the GUI with no arguments, set-up and batch jobs otherwise.

``COMMANDS`` lists every command with the module that defines it and its one-line help, so
``transit-centre --help`` and ``version`` import no command module (no Qt, SQLAlchemy or
reportlab: they answer in a few tens of milliseconds). A command's module is imported only when
that command runs: it adds its arguments through ``add_commands(subparsers)`` and a handler
that returns the process exit code. A module defining several commands adds them all; only the
one asked for is kept.
"""
from __future__ import annotations

import argparse
import getpass
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any

from transit_centre import __version__
from transit_centre.errors import DomainError
from transit_centre.i18n import N_, _, set_language
from transit_centre.logsetup import setup_logging

log = logging.getLogger(__name__)

# (command, module whose add_commands() defines it, help shown by ``transit-centre --help``)
COMMANDS: list[tuple[str, str, str]] = [
    ("version", __name__, N_("print the version")),
    ("init", __name__, N_("create or upgrade the database and create the first administrator")),
    ("gui", __name__, N_("open the application window (the default)")),
    ("occupancy", "transit_centre.cli.shelter", N_("who sleeps in which bed tonight in a centre")),
    ("bed-nights", "transit_centre.cli.shelter", N_("bed-nights and occupancy rate of a centre over a period")),
    ("demo", "transit_centre.cli.demo", N_("fill the database with realistic synthetic data for training")),
    ("export", "transit_centre.cli.reports",
     N_("a centre's monthly export: XLSX workbook and data package for headquarters")),
    ("hq-keygen", "transit_centre.cli.reports", N_("make headquarters' key pair for encrypted exports")),
    ("centre-key", "transit_centre.cli.reports",
     N_("write this centre's public key, for headquarters (or a centre sending transfers) to register")),
    ("register-centre-key", "transit_centre.cli.reports",
     N_("accept what a centre signs (headquarters: its packages; a centre: its transfer files) and encrypt "
        "transfer files for it")),
    ("register-hq-key", "transit_centre.cli.reports", N_("encrypt every monthly export for headquarters' public key")),
    ("import-export", "transit_centre.cli.reports", N_("headquarters: import centres' monthly data packages")),
    ("consolidated-report", "transit_centre.cli.reports",
     N_("headquarters: consolidated XLSX report of imported exports")),
    ("smoke", "transit_centre.ui.shell.smoke",
     N_("check that this installation works: open every screen once on demo data, without showing anything")),
    ("encrypt", "transit_centre.cli.encryption",
     N_("encrypt a database made before encryption (an administrator signs in)")),
    ("new-recovery-key", "transit_centre.cli.encryption",
     N_("replace the database's recovery key (the sheet was lost)")),
    ("recover", "transit_centre.cli.encryption", N_("with the recovery key, give an account a new password")),
    ("backup", "transit_centre.cli.backup",
     N_("back up the SQLite database (consistent while the application runs)")),
    ("restore", "transit_centre.cli.backup", N_("replace the database with a backup, after checking it")),
    ("transfer-out", "transit_centre.cli.transfers",
     N_("make a resident's transfer file for another centre and close their stay here")),
    ("transfer-in", "transit_centre.cli.transfers", N_("receive a transfer file made by another centre")),
    ("print", "transit_centre.cli.documents", N_("print a document to a PDF file")),
    ("verify-receipt", "transit_centre.cli.documents", N_("check a scanned receipt code against the ledger")),
]
# The modules imported by name (the PyInstaller spec and tests/packaging/test_bundle_contents.py check them).
COMMAND_MODULES: list[str] = list(dict.fromkeys(m for _c, m, _h in COMMANDS if m != __name__))


def _cmd_version(args: argparse.Namespace) -> int:
    print(f"Transit Centre {__version__}")
    return 0


def _cmd_init(args: argparse.Namespace) -> int:
    from transit_centre.cli.terminal import show_recovery_key
    from transit_centre.storage.opening import open_database
    from transit_centre.enums import Role
    from transit_centre.storage import at_rest
    from transit_centre.security.permissions import Actor
    from transit_centre.cli.signin import PASSWORD_ENV, read_password
    from transit_centre.security.users import create_user, has_users, password_problem

    state = at_rest.state_of(args.database)
    if state is at_rest.DatabaseState.ENCRYPTED:
        print(_("The database is encrypted and already set up; it is brought up to date when someone signs in."))
        return 0
    db = None
    if state is not at_rest.DatabaseState.NEW:
        db = open_database(args.database)
        print(_("Database ready: {where}").format(where=db.describe()))
        if has_users(db):
            print(_("An administrator already exists; nothing else to do."))
            return 0
    username = (args.admin or input(_("Administrator user name: "))).strip()
    full_name = args.full_name or username
    password = read_password(args)
    if not args.password_file and not os.environ.get(PASSWORD_ENV) and getpass.getpass(_("Password again: ")) != password:
        print(_("The two passwords differ."), file=sys.stderr)
        return 2
    problem = password_problem(password, username, full_name)
    if problem:  # before a new file is made: a refused password leaves nothing behind
        raise DomainError(problem)
    if db is None:
        db = at_rest.create_database(args.database)
        print(_("Database ready: {where}").format(where=db.describe()))
    try:
        code = at_rest.start_key_file(db, username, password)
        create_user(db, Actor.system(), username=username, full_name=full_name, password=password,
                    roles=[Role.ADMIN])
    except BaseException:
        at_rest.discard_new_database(db)
        raise
    print(_("Administrator {name} created.").format(name=username))
    if code:
        show_recovery_key(db, code, args.recovery_sheet)
    return 0


def add_commands(sub: Any) -> None:
    """The commands this module defines itself."""
    p = sub.add_parser("version", help=_("print the version"))
    p.set_defaults(handler=_cmd_version)

    p = sub.add_parser("init", help=_("create or upgrade the database and create the first administrator"))
    p.add_argument("--admin", metavar="USERNAME", help=_("user name of the first administrator"))
    p.add_argument("--full-name", help=_("full name of the first administrator"))
    p.add_argument("--password-file", metavar="FILE",
                   help=_("read the password from the first line of this file (else from the "
                          "TRANSIT_CENTRE_PASSWORD environment variable, else it is asked)"))
    p.add_argument("--recovery-sheet", metavar="FILE.pdf", help=_("also write the recovery sheet to this PDF file"))
    p.set_defaults(handler=_cmd_init)

    p = sub.add_parser("gui", help=_("open the application window (the default)"))
    p.set_defaults(handler=None)


class _OnlyCommand:
    """The subparsers as a command module sees them when one of its commands was asked for:
    that command is added for real, the module's other commands go to a parser thrown away."""

    def __init__(self, subparsers: Any, command: str) -> None:
        self._subparsers = subparsers
        self._command = command

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        if name == self._command:
            return self._subparsers.add_parser(name, **kwargs)
        return argparse.ArgumentParser(add_help=False)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of ``transit-centre``: every command listed with its help; the arguments of
    ``command`` only (its module is imported here, no other)."""
    parser = argparse.ArgumentParser(
        prog="transit-centre",
        description=_("Transit Centre: residents, shelter, services and returns in IOM Mali's transit centres. "
                      "Without a command, the application window opens."),
    )
    parser.add_argument("--database", metavar="URL",
                        help=_("SQLAlchemy database URL (default: TRANSIT_CENTRE_DATABASE_URL or the "
                               "SQLite file in your data folder)"))
    parser.add_argument("--lang", choices=["fr", "en"], help=_("language of messages"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module, help_text in COMMANDS:
        if name == command:
            importlib.import_module(module).add_commands(_OnlyCommand(sub, name))
        else:
            sub.add_parser(name, help=_(help_text), add_help=False)
    return parser


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    """Two passes: which command (every command's arguments unknown yet), then its arguments."""
    chosen, _rest = build_parser().parse_known_args(argv)
    return build_parser(chosen.command).parse_args(argv)


def _run_gui(database: str | None) -> int:
    from transit_centre.ui.shell.app import run

    return run(database)


def main(argv: Sequence[str] | None = None) -> int:
    setup_logging()
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--lang" in argv:
        i = argv.index("--lang")
        if i + 1 < len(argv):
            set_language(argv[i + 1])
    args = parse_arguments(argv)
    if args.lang:
        set_language(args.lang)
    handler = getattr(args, "handler", None)
    if handler is None:
        return _run_gui(args.database)
    try:
        return int(handler(args) or 0)
    except DomainError as exc:
        print(_("Error: {message}").format(message=exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the output was piped into a command that stopped reading (head)
        return 0
    except Exception:  # noqa: BLE001 - logged with its traceback, short message for the user
        log.exception("command %s failed", args.command)
        from transit_centre.paths import log_dir

        print(_("Unexpected error; details were written to the log in {folder}.").format(folder=log_dir()),
              file=sys.stderr)
        return 1


def gui_main() -> int:
    setup_logging()
    return _run_gui(None)


if __name__ == "__main__":
    sys.exit(main())

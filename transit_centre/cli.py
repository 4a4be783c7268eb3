"""The ``transit-centre`` command: the GUI with no arguments, set-up and batch jobs otherwise.

Each capability adds its subcommands through a ``add_commands(subparsers)`` function in its
own module, listed in ``COMMAND_MODULES``; a handler returns the process exit code.
"""
from __future__ import annotations

import argparse
import getpass
import importlib
import logging
import sys
from collections.abc import Sequence

from transit_centre import __version__
from transit_centre.errors import DomainError
from transit_centre.i18n import _, set_language
from transit_centre.logsetup import setup_logging

log = logging.getLogger(__name__)

COMMAND_MODULES: list[str] = [
    "transit_centre.shelter.cli",
    "transit_centre.demo",
    "transit_centre.reports.cli",
    "transit_centre.ui.smoke",
    "transit_centre.security.backup_cli",
    "transit_centre.documents_cli",
]


def _cmd_version(args: argparse.Namespace) -> int:
    print(f"Transit Centre {__version__}")
    return 0


def _cmd_init(args: argparse.Namespace) -> int:
    from transit_centre.bootstrap import open_database
    from transit_centre.enums import Role
    from transit_centre.security.permissions import Actor
    from transit_centre.security.users import create_user, has_users

    db = open_database(args.database)
    print(_("Database ready: {where}").format(where=db.describe()))
    if has_users(db):
        print(_("An administrator already exists; nothing else to do."))
        return 0
    username = args.admin or input(_("Administrator user name: ")).strip()
    full_name = args.full_name or username
    password = args.password
    if password is None:
        password = getpass.getpass(_("Password: "))
        if getpass.getpass(_("Password again: ")) != password:
            print(_("The two passwords differ."), file=sys.stderr)
            return 2
    create_user(db, Actor.system(), username=username, full_name=full_name, password=password,
                roles=[Role.ADMIN])
    print(_("Administrator {name} created.").format(name=username))
    return 0


def build_parser() -> argparse.ArgumentParser:
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

    p = sub.add_parser("version", help=_("print the version"))
    p.set_defaults(handler=_cmd_version)

    p = sub.add_parser("init", help=_("create or upgrade the database and create the first administrator"))
    p.add_argument("--admin", metavar="USERNAME", help=_("user name of the first administrator"))
    p.add_argument("--full-name", help=_("full name of the first administrator"))
    p.add_argument("--password", help=_("password (asked for when not given)"))
    p.set_defaults(handler=_cmd_init)

    p = sub.add_parser("gui", help=_("open the application window (the default)"))
    p.set_defaults(handler=None)

    for name in COMMAND_MODULES:
        importlib.import_module(name).add_commands(sub)
    return parser


def _run_gui(database: str | None) -> int:
    from transit_centre.ui.app import run

    return run(database)


def main(argv: Sequence[str] | None = None) -> int:
    setup_logging()
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--lang" in argv:
        i = argv.index("--lang")
        if i + 1 < len(argv):
            set_language(argv[i + 1])
    parser = build_parser()
    args = parser.parse_args(argv)
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

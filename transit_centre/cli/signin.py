"""Signing in from the command line: commands that read or change resident data act as a user.

``transit-centre print registration GAO-2026-00012 --user awa.diallo`` asks for the password (no
echo), or reads it from ``--password-file FILE`` (its first line) or from the
``TRANSIT_CENTRE_PASSWORD`` environment variable (as PostgreSQL's ``PGPASSWORD``), never from an
argument, which other users of the computer can see in the process list. The account is checked
as in the window (wrong passwords lock it, a disabled account is refused, a temporary password
must first be changed in the window) and the command runs with that account's roles, audited
under its name. An encrypted database opens with the key that password unwraps.
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys
import uuid
from pathlib import Path
from typing import Any

from transit_centre.errors import DomainError
from transit_centre.i18n import _

PASSWORD_ENV = "TRANSIT_CENTRE_PASSWORD"
USER_ENV = "TRANSIT_CENTRE_USER"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--user`` and ``--password-file`` of a command that signs in."""
    parser.add_argument("--user", metavar="NAME",
                        help=_("sign in as this user (default: the TRANSIT_CENTRE_USER environment variable)"))
    parser.add_argument("--password-file", metavar="FILE",
                        help=_("read the password from the first line of this file (else from the "
                               "TRANSIT_CENTRE_PASSWORD environment variable, else it is asked)"))


def first_line_of(path: str | Path) -> str:
    """A password kept in a file: its first line (without the line break)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DomainError(_("The password file {path} cannot be read.").format(path=path)) from exc
    return lines[0] if lines else ""


def read_password(args: argparse.Namespace, prompt: str | None = None) -> str:
    path = getattr(args, "password_file", None)
    if path:
        return first_line_of(path)
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if not sys.stdin.isatty():
        raise DomainError(_("No password: give --password-file FILE or set TRANSIT_CENTRE_PASSWORD "
                            "(this command cannot ask, it has no terminal)."))
    return getpass.getpass(prompt or _("Password: "))


def username_of(args: argparse.Namespace) -> str:
    name = (getattr(args, "user", None) or os.environ.get(USER_ENV) or "").strip()
    if not name:
        raise DomainError(_("This command reads resident data: sign in with --user NAME (the password is asked, "
                            "or read from --password-file FILE or the TRANSIT_CENTRE_PASSWORD variable)."))
    return name


def sign_in(url: str | None, username: str, password: str, centre_id: uuid.UUID | None = None) -> tuple[Any, Any]:
    """Open the database as this user: (Database, Actor). An encrypted file is unlocked with the
    password; the account is then checked (``security.users.authenticate``)."""
    from transit_centre.storage.opening import open_database
    from transit_centre.storage.at_rest import DatabaseState, state_of, unlock
    from transit_centre.security.users import authenticate

    state = state_of(url)
    if state is DatabaseState.NEW:  # not made here: a new database is made encrypted (window, init, demo)
        from transit_centre.storage.at_rest import database_path

        raise DomainError(_("There is no database at {path} yet: start the application once, or run "
                            "transit-centre init.").format(path=database_path(url)))
    if state is DatabaseState.ENCRYPTED:
        db = unlock(url, username, password)
    else:
        db = open_database(url)
    try:
        actor = authenticate(db, username, password, centre_id)
        from transit_centre.security.accounts import password_change_required

        if password_change_required(db, actor):
            raise DomainError(_("Your password is temporary: sign in to the application window once to choose "
                                "your own, then run the command again."))
    except BaseException:
        db.dispose()
        raise
    return db, actor


def command_line_session(args: argparse.Namespace) -> tuple[Any, Any]:
    """The database and the signed-in actor of a command (``--user``, its password)."""
    username = username_of(args)
    return sign_in(getattr(args, "database", None), username, read_password(args))

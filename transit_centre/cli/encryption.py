"""``transit-centre encrypt``, ``new-recovery-key`` and ``recover``: the database's encryption
from the command line (``storage.at_rest``). Each signs in, or takes the recovery key."""
from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from transit_centre.i18n import _


def _signed_in(args: argparse.Namespace) -> tuple[Any, Any, str]:
    from transit_centre.cli.signin import read_password, sign_in, username_of

    username = username_of(args)
    password = read_password(args)
    db, actor = sign_in(args.database, username, password)
    return db, actor, password


def _cmd_encrypt(args: argparse.Namespace) -> int:
    from transit_centre.cli.terminal import show_recovery_key
    from transit_centre.cli.terminal import progress_bar
    from transit_centre.storage.at_rest import encrypt_database

    db, actor, password = _signed_in(args)
    bar = progress_bar(sys.stderr)
    result = encrypt_database(db, actor, password, report=bar)
    print(file=sys.stderr)
    print(_("The database {path} is encrypted. A verified backup was made first: {backup}").format(
        path=result.db.describe(), backup=result.backup))
    if result.backups_encrypted:
        print(_("Plain backups encrypted as well: {n}").format(n=result.backups_encrypted))
    if result.without_access:
        print(_("These accounts need a new password before they can sign in (Administration > Users > Reset "
                "password): {names}").format(names=", ".join(result.without_access)))
    show_recovery_key(result.db, result.recovery_code, args.recovery_sheet)
    return 0


def _cmd_new_recovery_key(args: argparse.Namespace) -> int:
    from transit_centre.cli.terminal import show_recovery_key
    from transit_centre.storage.at_rest import new_recovery_key

    db, actor, password = _signed_in(args)
    code = new_recovery_key(db, actor, password)
    print(_("The old recovery key no longer opens the database (backups made before still open with it)."))
    show_recovery_key(db, code, args.recovery_sheet)
    return 0


def _cmd_recover(args: argparse.Namespace) -> int:
    from transit_centre.storage.at_rest import recover_account
    from transit_centre.cli.backup import recovery_code
    from transit_centre.cli.signin import PASSWORD_ENV, read_password, username_of

    username = username_of(args)
    code = recovery_code()
    password = read_password(args, _("New password: "))
    if not args.password_file and not os.environ.get(PASSWORD_ENV) and \
            getpass.getpass(_("New password again: ")) != password:
        print(_("The two passwords differ."), file=sys.stderr)
        return 2
    recover_account(args.database, code, username, password)
    print(_("{name} can sign in with the new password.").format(name=username))
    return 0


def add_commands(sub: Any) -> None:
    from transit_centre.cli.signin import add_arguments

    p = sub.add_parser("encrypt", help=_("encrypt a database made before encryption (an administrator signs in)"))
    p.add_argument("--recovery-sheet", metavar="FILE.pdf", help=_("also write the recovery sheet to this PDF file"))
    add_arguments(p)
    p.set_defaults(handler=_cmd_encrypt)

    p = sub.add_parser("new-recovery-key", help=_("replace the database's recovery key (the sheet was lost)"))
    p.add_argument("--recovery-sheet", metavar="FILE.pdf", help=_("also write the recovery sheet to this PDF file"))
    add_arguments(p)
    p.set_defaults(handler=_cmd_new_recovery_key)

    p = sub.add_parser("recover", help=_("with the recovery key, give an account a new password"))
    p.add_argument("--user", metavar="NAME", help=_("the account to give a new password"))
    p.add_argument("--password-file", metavar="FILE",
                   help=_("read the new password from this file (else TRANSIT_CENTRE_PASSWORD, else it is asked)"))
    p.set_defaults(handler=_cmd_recover)

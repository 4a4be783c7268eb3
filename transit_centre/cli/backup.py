"""``transit-centre backup [--to DIR] [--list]`` and ``transit-centre restore FILE [--yes]``.

Both sign in. A backup is made by a user allowed to (``--user``, ``security.signin``). A
restore works on the SQLite file directly (a damaged database can still be restored): whoever
restores is an administrator in the backup, with their password of the day it was made, or holds
the recovery key (``--recovery-key``: asked, or read from TRANSIT_CENTRE_RECOVERY_KEY); an
encrypted backup opens with the same. Both refuse a PostgreSQL URL with the message that the
server makes those backups.
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from transit_centre.i18n import _, format_number
from transit_centre.storage import backup

RECOVERY_ENV = "TRANSIT_CENTRE_RECOVERY_KEY"


def _cmd_backup(args: argparse.Namespace) -> int:
    from transit_centre.cli.signin import command_line_session

    path = backup.database_file(args.database)
    if path is None:
        print(backup.postgres_message(), file=sys.stderr)
        return 2
    if not path.is_file() or path.stat().st_size == 0:
        print(_("The database {path} does not exist yet; there is nothing to back up.").format(path=path),
              file=sys.stderr)
        return 2
    if args.list:
        folder = Path(args.to) if args.to else None
        if folder is None:
            db, _actor = command_line_session(args)  # the folder chosen in Settings is in the database
            folder = backup.backup_folder(db)
            db.dispose()
        items = backup.list_backups(folder)
        print(_("Backups in {folder}:").format(folder=folder))
        for b in items:
            print(f"  {b.name}  {format_number(b.size // 1024)} KiB")
        if not items:
            print(_("  (none)"))
        return 0
    db, actor = command_line_session(args)
    try:
        backup.check_integrity(db)
        info = backup.backup_database(db, actor, Path(args.to) if args.to else None)
        print(_("Backup written: {path}").format(path=info.path))
        return 0
    finally:
        db.dispose()


def recovery_code() -> str:
    return os.environ.get(RECOVERY_ENV) or getpass.getpass(_("Recovery key: "))


def _cmd_restore(args: argparse.Namespace) -> int:
    from transit_centre.cli.signin import read_password, username_of

    target = backup.database_file(args.database)
    if target is None:
        print(backup.postgres_message(), file=sys.stderr)
        return 2
    source = Path(args.file)
    if not source.is_file():
        print(_("The file {path} does not exist.").format(path=source), file=sys.stderr)
        return 2
    if args.recovery_key:
        opened = backup.open_for_restore(source, target, recovery_code=recovery_code())
    else:
        opened = backup.open_for_restore(source, target, username=username_of(args), password=read_password(args))
    backup.check_backup(source, opened.key)
    print(_("The backup {file} passed its checks.").format(file=source))
    if not args.yes:
        answer = input(_("Replace the database {target} with this backup? The current database is kept "
                         "under another name. [y/N] ").format(target=target))
        if answer.strip().lower() not in ("y", "yes", "o", "oui"):
            print(_("Nothing was changed."))
            return 1
    result = backup.restore_file(target, source, opened=opened)
    print(_("Database restored from {file}.").format(file=source))
    if result.replaced_kept_as is not None:
        print(_("The previous database was kept as {path}.").format(path=result.replaced_kept_as))
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    from transit_centre.cli.signin import add_arguments

    p = sub.add_parser("backup", help=_("back up the SQLite database (consistent while the application runs)"))
    p.add_argument("--to", metavar="DIR", help=_("folder to write the backup into (default: the backup folder)"))
    p.add_argument("--list", action="store_true", help=_("list the backups instead of making one"))
    add_arguments(p)
    p.set_defaults(handler=_cmd_backup)

    p = sub.add_parser("restore", help=_("replace the database with a backup, after checking it"))
    p.add_argument("file", metavar="FILE", help=_("the backup file (.sqlite3)"))
    p.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    p.add_argument("--recovery-key", action="store_true",
                   help=_("open the backup with the recovery key (asked, or read from TRANSIT_CENTRE_RECOVERY_KEY) "
                          "instead of an administrator's password"))
    add_arguments(p)
    p.set_defaults(handler=_cmd_restore)

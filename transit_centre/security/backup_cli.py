"""``transit-centre backup [--to DIR] [--list]`` and ``transit-centre restore FILE [--yes]``.

Both work on the SQLite file directly (a damaged database can still be restored); they refuse
a PostgreSQL URL with the message that the server makes those backups.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from transit_centre.db.engine import Database
from transit_centre.i18n import _, format_number
from transit_centre.security import backup
from transit_centre.security.permissions import Actor


def _database(args: argparse.Namespace) -> Database:
    return Database(args.database)


def _cmd_backup(args: argparse.Namespace) -> int:
    db = _database(args)
    try:
        if not backup.backups_supported(db):
            print(backup.postgres_message(), file=sys.stderr)
            return 2
        if args.list:
            folder = Path(args.to) if args.to else backup.backup_folder(db)
            items = backup.list_backups(folder)
            print(_("Backups in {folder}:").format(folder=folder))
            for b in items:
                print(f"  {b.name}  {format_number(b.size // 1024)} KiB")
            if not items:
                print(_("  (none)"))
            return 0
        backup.check_integrity(db)
        info = backup.backup_database(db, Actor.system(), Path(args.to) if args.to else None)
        print(_("Backup written: {path}").format(path=info.path))
        return 0
    finally:
        db.dispose()


def _cmd_restore(args: argparse.Namespace) -> int:
    db = _database(args)
    try:
        target = db.sqlite_path
        if target is None:
            print(backup.postgres_message(), file=sys.stderr)
            return 2
    finally:
        db.dispose()
    source = Path(args.file)
    backup.check_backup(source)
    print(_("The backup {file} passed its checks.").format(file=source))
    if not args.yes:
        answer = input(_("Replace the database {target} with this backup? The current database is kept "
                         "under another name. [y/N] ").format(target=target))
        if answer.strip().lower() not in ("y", "yes", "o", "oui"):
            print(_("Nothing was changed."))
            return 1
    result = backup.restore_file(target, source)
    print(_("Database restored from {file}.").format(file=source))
    if result.replaced_kept_as is not None:
        print(_("The previous database was kept as {path}.").format(path=result.replaced_kept_as))
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help=_("back up the SQLite database (consistent while the application runs)"))
    p.add_argument("--to", metavar="DIR", help=_("folder to write the backup into (default: the backup folder)"))
    p.add_argument("--list", action="store_true", help=_("list the backups instead of making one"))
    p.set_defaults(handler=_cmd_backup)

    p = sub.add_parser("restore", help=_("replace the database with a backup, after checking it"))
    p.add_argument("file", metavar="FILE", help=_("the backup file (.sqlite3)"))
    p.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    p.set_defaults(handler=_cmd_restore)

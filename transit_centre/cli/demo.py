"""``transit-centre demo``: fill a database with realistic synthetic data (``demo.generate``)."""
from __future__ import annotations

import argparse
import sys
from typing import Any

from sqlalchemy import func, select

from transit_centre.cli.terminal import progress_bar
from transit_centre.db.engine import Database
from transit_centre.db.models import Resident
from transit_centre.demo.generate import DEMO_PASSWORD, DEMO_USERS, generate
from transit_centre.i18n import _
from transit_centre.storage import at_rest
from transit_centre.storage.opening import open_database


def _open_for_demo(args: argparse.Namespace) -> tuple[Database, str | None]:
    """The database to fill, and the recovery key when it was created now. A new SQLite file is
    encrypted like any other (its demo accounts open it); an encrypted one opens with ``--user``
    and its password, else with the demo administrator's public password (unattended)."""
    state = at_rest.state_of(args.database)
    if state is at_rest.DatabaseState.NEW:
        db = at_rest.create_database(args.database)
        return db, at_rest.start_key_file(db, "admin", DEMO_PASSWORD)
    if state is at_rest.DatabaseState.ENCRYPTED:
        if args.user:
            from transit_centre.cli.signin import command_line_session

            db, _actor = command_line_session(args)
            return db, None
        return at_rest.unlock(args.database, "admin", DEMO_PASSWORD), None
    return open_database(args.database), None


def _cmd_demo(args: argparse.Namespace) -> int:
    db, recovery = _open_for_demo(args)
    counts = generate(db, args.residents, seed=args.seed, months=args.months, progress=progress_bar(sys.stderr))
    print(file=sys.stderr)
    with db.transaction(None, readonly=True) as s:
        total = s.scalar(select(func.count(Resident.id)))
    print(_("Demo data loaded into {where}: {counts}. Residents in the database: {total}.").format(
        where=db.describe(), counts=", ".join(f"{k} {v}" for k, v in counts.items()), total=total))
    print(_("Demo accounts (password {password}): {users}").format(
        password=DEMO_PASSWORD, users=", ".join(u[0] for u in DEMO_USERS)))
    if recovery:
        print(_("The database is encrypted; its recovery key (training only): {code}").format(code=recovery))
    return 0


def add_commands(sub: Any) -> None:
    p = sub.add_parser("demo", help=_("fill the database with realistic synthetic data for training"))
    p.add_argument("--residents", type=int, default=1000, help=_("number of residents (default 1000)"))
    p.add_argument("--seed", type=int, default=1, help=_("random seed: the same seed gives the same data"))
    p.add_argument("--months", type=int, default=12, help=_("months of history (default 12)"))
    from transit_centre.cli.signin import add_arguments

    add_arguments(p)
    p.set_defaults(handler=_cmd_demo)

"""``transit-centre print KIND ID [--lang fr|en] --out FILE.pdf`` and ``verify-receipt CODE``.

ID is a uuid or a human reference (case number, return case reference, receipt number,
movement reference); for the occupancy sheet and the badges of everyone present, a centre code.
The command line acts as the user who signs in (``--user``, ``security.signin``), with that
account's rights: printed on the document and in the audit log like a print from the window. A print the window
would ask about first (a card for someone who left, an out-of-date travel letter) needs ``--yes``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from transit_centre.i18n import _, current_language


def _cmd_print(args: argparse.Namespace) -> int:
    from transit_centre.documents import render_document
    from transit_centre.errors import NeedsConfirmation
    from transit_centre.cli.signin import command_line_session

    language = args.doc_lang or getattr(args, "lang", None) or current_language()
    day = None
    if args.date:
        try:
            day = dt.date.fromisoformat(args.date)
        except ValueError:
            print(_("The date must be written YYYY-MM-DD."), file=sys.stderr)
            return 2
    db, actor = command_line_session(args)
    try:
        doc = render_document(db, actor, args.kind, args.id, language, day, confirmed=args.yes)
    except NeedsConfirmation as question:
        print(_("{question} Repeat the command with --yes to print it.").format(question=question), file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else Path(doc.filename)
    try:
        out.write_bytes(doc.pdf)
    except OSError as exc:
        print(_("Cannot write {path}: {reason}").format(path=out, reason=exc.strerror or exc), file=sys.stderr)
        return 2
    print(_("{title} written to {path}").format(title=doc.title, path=out))
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from transit_centre.documents import verify_receipt
    from transit_centre.cli.signin import command_line_session

    db, actor = command_line_session(args)
    check = verify_receipt(db, actor, args.code)
    print(check.message)
    return 0 if check.payload_valid and check.in_ledger and check.amount_matches and not check.voided else 1


def add_commands(sub: Any) -> None:
    from transit_centre.documents import KINDS
    from transit_centre.cli.signin import add_arguments

    p = sub.add_parser("print", help=_("print a document to a PDF file"))
    p.add_argument("kind", choices=KINDS, help=_("the document"))
    p.add_argument("id", help=_("uuid or number of the record (a centre code for occupancy and badges)"))
    p.add_argument("--lang", dest="doc_lang", choices=["fr", "en"], help=_("language of the document"))
    p.add_argument("--out", metavar="FILE.pdf", help=_("file to write (default: a name made from the record)"))
    p.add_argument("--date", metavar="YYYY-MM-DD", help=_("night for the occupancy sheet and badges (default today)"))
    p.add_argument("--yes", action="store_true",
                   help=_("print even what the window asks about first (a card for someone who left, a travel "
                          "letter whose journey is past)"))
    add_arguments(p)
    p.set_defaults(handler=_cmd_print)

    p = sub.add_parser("verify-receipt", help=_("check a scanned receipt code against the ledger"))
    p.add_argument("code", help=_("the text read from the receipt's QR code"))
    add_arguments(p)
    p.set_defaults(handler=_cmd_verify)

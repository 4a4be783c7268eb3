"""``transfer-out`` and ``transfer-in``: a resident's file between centres that do not share a
database (``transfers/service.py``). The centres' keys are exchanged with ``centre-key`` and
``register-centre-key``, as for headquarters."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from transit_centre.i18n import _, format_date, format_number


def _resident_ids(db: Any, actor: Any, numbers: list[str]) -> list[Any]:
    from transit_centre.errors import ValidationError
    from transit_centre.registry.search import resident_by_case_number

    ids = []
    for number in numbers:
        found = resident_by_case_number(db, actor, number)
        if found is None:
            raise ValidationError({"case": _("No resident has the case number {number}.").format(number=number)})
        ids.append(found)
    return ids


def _cmd_out(args: argparse.Namespace) -> int:
    from transit_centre.cli.signin import command_line_session
    from transit_centre.transfers.service import transfer_out

    db, actor = command_line_session(args)
    result = transfer_out(db, actor, _resident_ids(db, actor, args.cases), args.to, Path(args.out),
                          with_household=args.household)
    for person in result.people:
        print(_("{case} {name}: stay closed, transferred to {centre}").format(
            case=person.case_number, name=person.full_name, centre=result.to_code))
    print(_("Medical and MHPSS notes: {included}").format(
        included=_("included (consent to share with {centre} recorded)").format(centre=result.to_code)
        if result.confidential_included else _("not included (no consent to share with {centre})").format(
            centre=result.to_code)))
    print(_("Transfer file (encrypted for {centre}): {path}").format(centre=result.to_code, path=result.path))
    return 0


def _cmd_in(args: argparse.Namespace) -> int:
    from transit_centre.cli.signin import command_line_session
    from transit_centre.transfers.service import preview_transfer, receive_transfer

    db, actor = command_line_session(args)
    preview = preview_transfer(db, actor, Path(args.file))
    print(_("Transfer from {centre}, made on {day} by {who}:").format(
        centre=preview.from_code, day=format_date(preview.made_on), who=preview.made_by))
    for person in preview.people:
        print(f"  {person.case_number}  {person.full_name}  "
              f"{format_date(person.date_of_birth) if person.date_of_birth else ''}")
        for match in preview.matches.get(person.id, []):
            print("    " + _("may already be registered here: {case} {name} ({centre})").format(
                case=match.case_number, name=match.full_name, centre=match.centre_code))
    if preview.received_at is not None:
        print(_("This file was already received on {day}: nothing changed.").format(
            day=format_date(preview.received_at.date())))
        return 0
    if preview.matches and not args.yes:
        print(_("Some people may already be registered here. Check them, then run again with --yes to receive "
                "the file anyway."))
        return 1
    result = receive_transfer(db, actor, Path(args.file))
    for _rid, number, first in result.people:
        print(_("{first} is now {number} (the first case number is kept)").format(first=first, number=number))
    print(_("{n} records received.").format(n=format_number(sum(result.records.values()))))
    return 0


def add_commands(sub: Any) -> None:
    from transit_centre.cli.signin import add_arguments

    p = sub.add_parser("transfer-out", help=_("make a resident's transfer file for another centre and close "
                                              "their stay here"))
    p.add_argument("cases", nargs="+", metavar="CASE", help=_("case number(s), e.g. GAO-2026-00012"))
    p.add_argument("--to", required=True, metavar="CODE", help=_("the receiving centre's code, e.g. BKO"))
    p.add_argument("--out", required=True, metavar="FILE", help=_("the transfer file to write"))
    p.add_argument("--household", action="store_true", help=_("with everyone of their household"))
    add_arguments(p)
    p.set_defaults(handler=_cmd_out)

    p = sub.add_parser("transfer-in", help=_("receive a transfer file made by another centre"))
    p.add_argument("file", metavar="FILE", help=_("the transfer file"))
    p.add_argument("--yes", action="store_true",
                   help=_("receive it even if someone in it may already be registered here"))
    add_arguments(p)
    p.set_defaults(handler=_cmd_in)

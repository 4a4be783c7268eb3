"""Command-line views of the shelter: ``occupancy`` (tonight) and ``bed-nights`` (a period).

Read-only, as the user who signs in (``--user``, ``security.signin``), so a manager can check a
centre without the window (or a script can collect the month's bed-nights).
"""
from __future__ import annotations

import argparse
import calendar
import datetime as dt

from transit_centre.errors import ValidationError
from transit_centre.i18n import _, format_date, format_number, format_percent


def _centre(db, code: str):  # noqa: ANN001, ANN202
    from transit_centre.admin.centres import centre_by_code

    centre = centre_by_code(db, code or "")
    if centre is None:
        raise ValidationError({"centre": _("No centre has the code {code}.").format(code=code)})
    return centre


def _date(text: str | None, field: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError({field: _("Give the date as YYYY-MM-DD.")}) from None


def _cmd_occupancy(args: argparse.Namespace) -> int:
    from transit_centre.cli.signin import command_line_session
    from transit_centre.shelter.occupancy import occupancy

    db, actor = command_line_session(args)
    centre = _centre(db, args.centre)
    view = occupancy(db, actor, centre.id, _date(args.date, "date"))
    print(_("{centre} – night of {date}").format(centre=view.centre_name, date=format_date(view.day)))
    print(_("Present: {present} · beds in use: {beds} · free: {free}").format(
        present=format_number(view.present), beds=format_number(view.capacity), free=format_number(view.free)))
    for room in view.rooms:
        for bed in room.beds:
            who = (f"{bed.occupant.case_number}  {bed.occupant.full_name}" if bed.occupant else _("free"))
            print(f"  {room.name:<20} {bed.label:<10} {bed.kind.label:<10} {who}")
    for resident in view.without_bed:
        print(f"  {_('Present without a bed'):<31} {resident.case_number}  {resident.full_name}")
    return 0


def _cmd_bed_nights(args: argparse.Namespace) -> int:
    from transit_centre.cli.signin import command_line_session
    from transit_centre.shelter.occupancy import bed_nights

    if args.month:
        try:
            year, month = (int(p) for p in args.month.split("-"))
            start = dt.date(year, month, 1)
        except ValueError:
            raise ValidationError({"month": _("Give the month as YYYY-MM.")}) from None
        end = dt.date(year, month, calendar.monthrange(year, month)[1])
    else:
        start, end = _date(args.start, "start"), _date(args.end, "end")
        if start is None or end is None:
            raise ValidationError({"month": _("Give --month YYYY-MM, or --from and --to.")})
    db, actor = command_line_session(args)
    centre = _centre(db, args.centre)
    result = bed_nights(db, actor, centre.id, start, end)
    rate = result.occupancy_rate
    print(_("{centre}, {start} – {end}: {nights} bed-nights, capacity {capacity} beds, occupancy {rate}").format(
        centre=centre.name, start=format_date(start), end=format_date(end), nights=format_number(result.bed_nights),
        capacity=format_number(result.capacity), rate=format_percent(rate) if rate is not None else "–"))
    if args.per_resident:
        for row in result.per_resident:
            print(f"  {row.case_number:<18} {row.name:<40} {format_number(row.nights):>6}")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    from transit_centre.cli.signin import add_arguments

    p = sub.add_parser("occupancy", help=_("who sleeps in which bed tonight in a centre"))
    p.add_argument("--centre", required=True, help=_("centre code, e.g. GAO"))
    p.add_argument("--date", help=_("another night (YYYY-MM-DD)"))
    add_arguments(p)
    p.set_defaults(handler=_cmd_occupancy)
    p = sub.add_parser("bed-nights", help=_("bed-nights and occupancy rate of a centre over a period"))
    p.add_argument("--centre", required=True, help=_("centre code, e.g. GAO"))
    p.add_argument("--month", help=_("a calendar month (YYYY-MM)"))
    p.add_argument("--from", dest="start", help=_("first night (YYYY-MM-DD)"))
    p.add_argument("--to", dest="end", help=_("last night (YYYY-MM-DD)"))
    p.add_argument("--per-resident", action="store_true", help=_("list the nights of each resident"))
    add_arguments(p)
    p.set_defaults(handler=_cmd_bed_nights)

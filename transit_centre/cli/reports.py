"""Command-line reports: ``export``, ``hq-keygen``, ``import-export`` and ``consolidated-report``."""
from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from transit_centre.i18n import _

PASSWORD_ENV = "TRANSIT_CENTRE_HQ_KEY_PASSWORD"


def _session(args: argparse.Namespace):  # noqa: ANN202 - (Database, Actor)
    """The commands act as the user who signs in (``--user``; ``security.signin``)."""
    from transit_centre.cli.signin import command_line_session

    return command_line_session(args)


def _password(args: argparse.Namespace, confirm: bool = False) -> str:
    """The password of headquarters' private key: from ``--key-password-file``, the
    TRANSIT_CENTRE_HQ_KEY_PASSWORD variable, or asked (never an argument: the process list shows them)."""
    from transit_centre.errors import DomainError

    if getattr(args, "key_password_file", None):
        from transit_centre.cli.signin import first_line_of

        return first_line_of(args.key_password_file)
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    password = getpass.getpass(_("Key password: "))
    if confirm and getpass.getpass(_("Key password again: ")) != password:
        raise DomainError(_("The two passwords differ."))
    return password


def _cmd_export(args: argparse.Namespace) -> int:
    from transit_centre.reports.export import centre_id_by_code, monthly_export

    db, actor = _session(args)
    centre_id = centre_id_by_code(db, args.centre) if args.centre else None
    if centre_id is None:
        from transit_centre.errors import ValidationError

        raise ValidationError({"centre": _("Give the centre with --centre CODE.")})
    result = monthly_export(db, actor, args.month, centre_id, Path(args.out),
                            encrypt_for=Path(args.encrypt_for) if args.encrypt_for else None)
    print(_("Workbook: {path}").format(path=result.xlsx_path))
    print(_("Data package: {path}").format(path=result.package_path)
          + (" " + _("(encrypted for headquarters)") if result.encrypted else ""))
    return 0


def _cmd_keygen(args: argparse.Namespace) -> int:
    from transit_centre.reports.crypto import generate_keys

    private, public = generate_keys(Path(args.out), _password(args, confirm=True))
    print(_("Private key (keep it at headquarters, with its password): {path}").format(path=private))
    print(_("Public key (give it to the centres): {path}").format(path=public))
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from transit_centre.reports.consolidate import import_packages

    db, actor = _session(args)
    password = _password(args) if args.key else None
    results = import_packages(db, actor, [Path(f) for f in args.files],
                              key_path=Path(args.key) if args.key else None, password=password)
    for result in results:
        print(result.message, file=sys.stdout if result.ok else sys.stderr)
    return 0 if all(r.ok for r in results) else 3


def _cmd_report(args: argparse.Namespace) -> int:
    from transit_centre.reports.consolidate import consolidated_report

    db, actor = _session(args)
    year, month = args.year, None
    if args.month:
        from transit_centre.reports.export import parse_month

        period = parse_month(args.month)
        year, month = period.start.year, period.start.month
    if year is None:
        from transit_centre.errors import ValidationError

        raise ValidationError({"year": _("Give --year YYYY or --month YYYY-MM.")})
    path = consolidated_report(db, actor, Path(args.out), year, month, args.centre)
    print(_("Consolidated report: {path}").format(path=path))
    return 0


def _cmd_centre_key(args: argparse.Namespace) -> int:
    from transit_centre.reports.export import centre_id_by_code
    from transit_centre.security.keys import export_public_key

    db, actor = _session(args)
    data, fingerprint = export_public_key(db, actor, centre_id_by_code(db, args.centre))
    Path(args.out).write_bytes(data)
    print(_("Public key of {centre} written to {path}.").format(centre=args.centre.upper(), path=args.out))
    print(_("Fingerprint (read it to headquarters by phone): {fingerprint}").format(fingerprint=fingerprint))
    return 0


def _cmd_register_centre_key(args: argparse.Namespace) -> int:
    from transit_centre.security.keys import register_public_key

    db, actor = _session(args)
    view = register_public_key(db, actor, Path(args.file).read_bytes(), args.fingerprint)
    print(_("Key of {centre} registered (fingerprint {fingerprint}): its signed packages are accepted.").format(
        centre=view.centre_code, fingerprint=view.fingerprint))
    return 0


def _cmd_register_hq_key(args: argparse.Namespace) -> int:
    from transit_centre.reports.export import register_hq_key

    db, actor = _session(args)
    fingerprint = register_hq_key(db, actor, Path(args.file))
    print(_("Headquarters' key registered (fingerprint {fingerprint}): monthly exports are encrypted for it.").format(
        fingerprint=fingerprint))
    return 0


def add_commands(sub: Any) -> None:
    from transit_centre.cli.signin import add_arguments

    p = sub.add_parser("centre-key", help=_(
        "write this centre's public key, for headquarters (or a centre sending transfers) to register"))
    p.add_argument("--centre", required=True, metavar="CODE", help=_("centre code, e.g. GAO"))
    p.add_argument("--out", required=True, metavar="FILE", help=_("file to write"))
    add_arguments(p)
    p.set_defaults(handler=_cmd_centre_key)

    p = sub.add_parser("register-centre-key", help=_(
        "accept what a centre signs (headquarters: its packages; a centre: its transfer files) and encrypt "
        "transfer files for it"))
    p.add_argument("file", metavar="FILE", help=_("the centre's public key file"))
    p.add_argument("--fingerprint", help=_("the fingerprint the centre read out (refused when it differs)"))
    add_arguments(p)
    p.set_defaults(handler=_cmd_register_centre_key)

    p = sub.add_parser("register-hq-key", help=_("encrypt every monthly export for headquarters' public key"))
    p.add_argument("file", metavar="HQ_PUBLIC_KEY.pem", help=_("headquarters' public key"))
    add_arguments(p)
    p.set_defaults(handler=_cmd_register_hq_key)

    p = sub.add_parser("export", help=_("a centre's monthly export: XLSX workbook and data package for headquarters"))
    p.add_argument("--month", required=True, help=_("month to export, e.g. 2026-10"))
    p.add_argument("--centre", metavar="CODE", help=_("centre code, e.g. GAO"))
    p.add_argument("--out", required=True, metavar="FILE", help=_("XLSX file or folder to write"))
    p.add_argument("--encrypt-for", metavar="HQ_PUBLIC_KEY.pem",
                   help=_("encrypt the data package with headquarters' public key"))
    add_arguments(p)
    p.set_defaults(handler=_cmd_export)

    p = sub.add_parser("hq-keygen", help=_("make headquarters' key pair for encrypted exports"))
    p.add_argument("--out", required=True, metavar="DIR", help=_("folder for the two key files"))
    p.add_argument("--key-password-file", metavar="FILE",
                   help=_("read the private key's password from this file (else TRANSIT_CENTRE_HQ_KEY_PASSWORD, "
                          "else it is asked)"))
    p.set_defaults(handler=_cmd_keygen)

    p = sub.add_parser("import-export", help=_("headquarters: import centres' monthly data packages"))
    p.add_argument("files", nargs="+", metavar="FILE", help=_("data package files (.zip or .zip.enc)"))
    p.add_argument("--key", metavar="HQ_PRIVATE_KEY.pem", help=_("headquarters' private key for encrypted packages"))
    p.add_argument("--key-password-file", metavar="FILE",
                   help=_("read the private key's password from this file (else TRANSIT_CENTRE_HQ_KEY_PASSWORD, "
                          "else it is asked)"))
    add_arguments(p)
    p.set_defaults(handler=_cmd_import)

    p = sub.add_parser("consolidated-report", help=_("headquarters: consolidated XLSX report of imported exports"))
    p.add_argument("--year", type=int, help=_("year of the annual report"))
    p.add_argument("--month", help=_("a single month instead, e.g. 2026-10"))
    p.add_argument("--centre", metavar="CODE", help=_("one centre only (default: all centres)"))
    p.add_argument("--out", required=True, metavar="FILE", help=_("XLSX file or folder to write"))
    add_arguments(p)
    p.set_defaults(handler=_cmd_report)

"""Print every document in French and English from a demo database, choosing the records that
test the rules (a baby, a minor paid through a guardian, a manifest with minors and an escort,
a victim of trafficking's travel letter, an expired fit-to-travel, a voided and a reprinted
receipt), then render each page to PNG with pdftoppm to look at them.

    python scripts/print_samples.py OUT_DIR [--database URL] [--no-png]

The database defaults to the demo database of TRANSIT_CENTRE_DATA_DIR (``transit-centre demo``).
"""
from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select


def pick(db) -> list[tuple[str, str, str]]:  # noqa: ANN001
    """(label, kind, reference) of the records worth printing."""
    from transit_centre.ages import is_minor
    from transit_centre.db.models import (
        CashGrant,
        Centre,
        Disbursement,
        Movement,
        MovementCase,
        Receipt,
        Resident,
        ReturnCase,
        ServiceRecord,
        Stay,
        Vulnerability,
    )
    from transit_centre.enums import CentreKind, ReturnType, VulnerabilityKind

    today = dt.date.today()
    out: list[tuple[str, str, str]] = []
    with db.transaction(None, readonly=True) as s:
        baby = s.scalars(select(Resident).join(Stay, Stay.resident_id == Resident.id)
                         .where(Stay.departure_date.is_(None), Resident.date_of_birth > today - dt.timedelta(days=360))
                         .order_by(Resident.date_of_birth.desc())).first()
        if baby is not None:
            centre = s.get(Centre, baby.centre_id)
            out += [("baby", "registration", baby.case_number), ("baby", "consent", baby.case_number),
                    ("baby", "badge", baby.case_number), ("centre-of-baby", "occupancy", centre.code)]
        adult = s.scalars(select(Resident).where(Resident.date_of_birth < today - dt.timedelta(days=40 * 365))).first()
        out.append(("adult", "registration", adult.case_number))
        minor_receipt = None
        for receipt, disbursement, grant in s.execute(
                select(Receipt, Disbursement, CashGrant).join(Disbursement, Disbursement.id == Receipt.disbursement_id)
                .join(CashGrant, CashGrant.id == Disbursement.grant_id).where(Receipt.voided_at.is_(None),
                                                                              Disbursement.received_by_name.is_not(None))
                .limit(50)):
            minor_receipt = receipt.number
            break
        if minor_receipt:
            out.append(("minor-paid", "receipt", minor_receipt))
        adult_receipt = s.scalar(select(Receipt.number).join(Disbursement, Disbursement.id == Receipt.disbursement_id)
                                 .where(Receipt.voided_at.is_(None), Disbursement.received_by_name.is_(None)))
        out.append(("adult-paid", "receipt", adult_receipt))
        voided = s.scalar(select(Receipt.number).where(Receipt.voided_at.is_not(None)))
        if voided:
            out.append(("voided", "receipt", voided))
        # a manifest with minors and many travellers
        counts = (select(MovementCase.movement_id, func.count().label("n")).where(MovementCase.voided_at.is_(None))
                  .group_by(MovementCase.movement_id).subquery())
        for movement in s.scalars(select(Movement).join(counts, counts.c.movement_id == Movement.id)
                                  .order_by(counts.c.n.desc()).limit(40)):
            minors = [r for r in s.scalars(select(Resident).join(ReturnCase, ReturnCase.resident_id == Resident.id)
                                           .join(MovementCase, MovementCase.return_case_id == ReturnCase.id)
                                           .where(MovementCase.movement_id == movement.id))
                      if is_minor(r.date_of_birth, movement.departure_date)]
            if minors:
                out.append(("with-minors", "manifest", movement.reference))
                break
        seven = s.scalar(select(Movement.reference).join(counts, counts.c.movement_id == Movement.id)
                         .where(counts.c.n.between(7, 9)))
        if seven:
            out.append(("seven-to-nine", "manifest", seven))
        vot = s.scalars(select(ReturnCase).join(Centre, Centre.id == ReturnCase.centre_id)
                        .join(Vulnerability, Vulnerability.resident_id == ReturnCase.resident_id)
                        .where(Vulnerability.kind == VulnerabilityKind.TRAFFICKING_VICTIM,
                               Centre.kind == CentreKind.TRAFFICKING)).first()
        if vot is not None:
            out += [("vot", "travel-letter", vot.case_reference), ("vot", "return-declaration", vot.case_reference)]
        malian = s.scalars(select(ReturnCase).where(ReturnCase.return_type == ReturnType.MALIAN_HOME,
                                                    ReturnCase.destination_region.is_not(None))).first()
        out += [("malian", "travel-letter", malian.case_reference),
                ("malian", "return-declaration", malian.case_reference)]
        international = s.scalars(select(ReturnCase).where(ReturnCase.return_type == ReturnType.INTERNATIONAL)).first()
        out.append(("international", "travel-letter", international.case_reference))
        fits = s.scalars(select(ServiceRecord).where(ServiceRecord.subtype == "fit_to_travel",
                                                     ServiceRecord.voided_at.is_(None))
                         .order_by(ServiceRecord.service_date)).all()
        expired = next((f for f in fits if (f.details or {}).get("valid_until", "9") < today.isoformat()), None)
        valid = next((f for f in reversed(fits) if (f.details or {}).get("valid_until", "0") >= today.isoformat()
                      and (f.details or {}).get("fit_status") != "not_fit"), None)
        for label, record in (("expired", expired), ("valid", valid)):
            if record is not None:
                out.append((label, "fit-to-travel", s.get(Resident, record.resident_id).case_number))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--database")
    parser.add_argument("--no-png", action="store_true")
    args = parser.parse_args(argv)
    from transit_centre.storage.opening import open_database
    from transit_centre.documents import render_document
    from transit_centre.security.permissions import Actor

    db = open_database(args.database)
    args.out.mkdir(parents=True, exist_ok=True)
    actor = Actor.system("Awa Sidibé")
    jobs = pick(db)
    receipts = [ref for _label, kind, ref in jobs if kind == "receipt"]
    if receipts:  # a reprint: printed once more, it carries DUPLICATA / COPY
        render_document(db, actor, "receipt", receipts[0], "fr")
        jobs.append(("reprint", "receipt", receipts[0]))
    for label, kind, ref in jobs:
        for language in ("fr", "en"):
            doc = render_document(db, actor, kind, ref, language, confirmed=True)
            path = args.out / f"{kind}-{label}-{language}.pdf"
            path.write_bytes(doc.pdf)
            print(f"{path.name}: {ref}")
            if not args.no_png and shutil.which("pdftoppm"):
                subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(path.with_suffix(""))], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A small fixed data set for the report tests, with its hand-computed October 2026 figures.

GAO (capacity from the reference list), October 2026, figures as of 2026-11-15:
  r1 M 1990 ML  stay 25 Sep -> 5 Oct (return)     4 nights in October
  r2 F 2023 NG  stay 10 Oct -> open               22 nights (10..31 Oct)
  r3 M 2010 GN  stay 20 Oct -> 2 Nov              12 nights; unaccompanied minor
  r4 F 1950 ML  stay 1 Aug -> 30 Sep              not accommodated in October; elderly
  r5 F ?    CI  stay 31 Oct -> open               1 night; victim of trafficking
KAYES has one resident (r6) with a stay and a meal in October (never in GAO's figures).
"""
from __future__ import annotations

import datetime as dt
import uuid

from transit_centre.common import fold
from transit_centre.db.models import (
    CashGrant,
    Disbursement,
    Receipt,
    Resident,
    ReturnCase,
    ReturnStepRecord,
    ServiceParticipant,
    ServiceRecord,
    Stay,
    Vulnerability,
)
from transit_centre.enums import (
    DepartureReason,
    GrantKind,
    PaymentMethod,
    ReturnStep,
    ReturnType,
    ServiceKind,
    Sex,
    VulnerabilityKind,
)
from transit_centre.registry.groups import derive_group
from transit_centre.registry.text import search_text
from transit_centre.security.permissions import Actor

D = dt.date
AS_OF = D(2026, 11, 15)
VOIDED = dt.datetime(2026, 10, 6, tzinfo=dt.timezone.utc)

EXPECTED = {
    "arrivals": 3, "departures": 1, "present_at_end": 3, "bed_nights": 4 + 22 + 12 + 1, "accommodated": 4,
    "meal_records": 3, "meal_quantity": 6, "nfi": 1, "returns": 1, "cash": 25000,
    "voided_receipts": 1, "voided_receipts_xof": 10000,
}


def _resident(s, centre_id, n, first, last, sex, dob, nat, registered):
    case = f"T-{n:05d}-{centre_id.hex[:4]}"
    r = Resident(id=uuid.uuid4(), centre_id=centre_id, case_number=case, first_name=first, last_name=last,
                 first_name_folded=fold(first), last_name_folded=fold(last),
                 search_text=search_text(case, first, last, None, "+223 70 00 00 0" + str(n)),
                 sex=sex, date_of_birth=dob, nationality=nat, phone="+223 70 00 00 0" + str(n),
                 registered_on=registered, notes="secret note " + last, returnee_group=derive_group(nat))
    s.add(r)
    return r


def _stay(s, r, arrival, departure=None, reason=None):
    s.add(Stay(id=uuid.uuid4(), resident_id=r.id, centre_id=r.centre_id, arrival_date=arrival,
               departure_date=departure, departure_reason=reason))


def _service(s, centre_id, r, kind, day, subtype=None, quantity=1, participants=(), voided=False):
    rec = ServiceRecord(id=uuid.uuid4(), centre_id=centre_id, resident_id=r.id if r else None, kind=kind,
                        subtype=subtype, service_date=day, quantity=quantity, details={},
                        confidential_note="clinical secret", voided_at=VOIDED if voided else None,
                        void_reason="mistake" if voided else None)
    s.add(rec)
    s.flush()
    for p in participants:
        s.add(ServiceParticipant(id=uuid.uuid4(), service_id=rec.id, resident_id=p.id))
    return rec


def load(db, centres: dict[str, uuid.UUID]) -> dict[str, Resident]:
    gao, kay = centres["GAO"], centres["KAY"]
    with db.transaction(Actor.system()) as s:
        r1 = _resident(s, gao, 1, "Moussa", "Traoré", Sex.MALE, D(1990, 5, 1), "ML", D(2026, 9, 25))
        r2 = _resident(s, gao, 2, "Blessing", "Okafor", Sex.FEMALE, D(2023, 1, 10), "NG", D(2026, 10, 10))
        r3 = _resident(s, gao, 3, "Alpha", "Camara", Sex.MALE, D(2010, 3, 3), "GN", D(2026, 10, 20))
        r4 = _resident(s, gao, 4, "Kadiatou", "Diarra", Sex.FEMALE, D(1950, 1, 1), "ML", D(2026, 8, 1))
        r5 = _resident(s, gao, 5, "Awa", "Koné", Sex.FEMALE, None, "CI", D(2026, 10, 31))
        r6 = _resident(s, kay, 6, "Ibrahim", "Sissoko", Sex.MALE, D(1985, 2, 2), "ML", D(2026, 10, 3))
        s.flush()
        _stay(s, r1, D(2026, 9, 25), D(2026, 10, 5), DepartureReason.RETURN)
        _stay(s, r2, D(2026, 10, 10))
        _stay(s, r3, D(2026, 10, 20), D(2026, 11, 2), DepartureReason.LEFT_ON_OWN)
        _stay(s, r4, D(2026, 8, 1), D(2026, 9, 30), DepartureReason.TRANSFER)
        _stay(s, r5, D(2026, 10, 31))
        _stay(s, r6, D(2026, 10, 3), D(2026, 10, 9), DepartureReason.RETURN)
        s.add(Vulnerability(id=uuid.uuid4(), resident_id=r3.id, kind=VulnerabilityKind.UNACCOMPANIED_MINOR,
                            identified_on=D(2026, 10, 20), note="x"))
        s.add(Vulnerability(id=uuid.uuid4(), resident_id=r5.id, kind=VulnerabilityKind.TRAFFICKING_VICTIM,
                            identified_on=D(2026, 10, 31)))
        s.add(Vulnerability(id=uuid.uuid4(), resident_id=r4.id, kind=VulnerabilityKind.ELDERLY,
                            identified_on=D(2026, 8, 1)))
        for day in (1, 2, 3):
            _service(s, gao, r1, ServiceKind.MEAL, D(2026, 10, day), "meal", quantity=2)
        _service(s, gao, r2, ServiceKind.MEAL, D(2026, 10, 11), "meal", quantity=2, voided=True)
        _service(s, gao, r2, ServiceKind.MEDICAL, D(2026, 10, 12), "curative")
        _service(s, gao, r2, ServiceKind.MEDICAL, D(2026, 10, 12), "vaccination")
        _service(s, gao, r3, ServiceKind.MHPSS, D(2026, 10, 21), "individual")
        _service(s, gao, None, ServiceKind.MHPSS, D(2026, 10, 22), "group", participants=(r1, r2, r3))
        _service(s, gao, r5, ServiceKind.NFI_KIT, D(2026, 10, 31), "hygiene")
        _service(s, gao, r3, ServiceKind.MEAL, D(2026, 11, 1), "meal", quantity=2)  # November
        _service(s, kay, r6, ServiceKind.MEAL, D(2026, 10, 4), "meal", quantity=2)  # other centre
        case = ReturnCase(id=uuid.uuid4(), resident_id=r1.id, centre_id=gao, case_reference="GAO-R-1",
                          return_type=ReturnType.MALIAN_HOME, destination_country="ML", opened_on=D(2026, 9, 26),
                          notes="private")
        s.add(case)
        s.flush()
        s.add(ReturnStepRecord(id=uuid.uuid4(), return_case_id=case.id, step=ReturnStep.DEPARTED,
                               done_on=D(2026, 10, 5)))
        grant = CashGrant(id=uuid.uuid4(), resident_id=r1.id, return_case_id=case.id, centre_id=gao,
                          kind=GrantKind.POCKET_MONEY, planned_amount=25000, approved_amount=25000,
                          planned_on=D(2026, 10, 1))
        s.add(grant)
        s.flush()
        good = Disbursement(id=uuid.uuid4(), grant_id=grant.id, centre_id=gao, disbursed_on=D(2026, 10, 5),
                            method=PaymentMethod.CASH, amount=25000)
        bad = Disbursement(id=uuid.uuid4(), grant_id=grant.id, centre_id=gao, disbursed_on=D(2026, 10, 5),
                           method=PaymentMethod.CASH, amount=10000, voided_at=VOIDED, void_reason="wrong amount")
        s.add_all([good, bad])
        s.flush()
        s.add(Receipt(id=uuid.uuid4(), number="GAO-2026-R-000001", centre_id=gao, year=2026, sequence=1,
                      disbursement_id=bad.id, amount=10000, issued_on=D(2026, 10, 5), voided_at=VOIDED,
                      void_reason="wrong amount"))
        s.add(Receipt(id=uuid.uuid4(), number="GAO-2026-R-000002", centre_id=gao, year=2026, sequence=2,
                      disbursement_id=good.id, amount=25000, issued_on=D(2026, 10, 5)))
    return {"r1": r1, "r2": r2, "r3": r3, "r4": r4, "r5": r5, "r6": r6}


def register_keys(centre_db, hq_db, centres: dict[str, uuid.UUID], *codes: str) -> None:
    """Headquarters registers the public keys of the centres whose packages it will import."""
    from transit_centre.security.keys import export_public_key, register_public_key

    for code in codes:
        data, _fingerprint = export_public_key(centre_db, Actor.system(), centres[code])
        register_public_key(hq_db, Actor.system(), data)

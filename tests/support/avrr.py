"""Helpers the AVRR tests share: residents, stays, fit-to-travel records, a case walked to booking."""
from __future__ import annotations

import datetime as dt
import uuid

from transit_centre.avrr import cases as C
from transit_centre.avrr import movements as M
from transit_centre.common import fold
from transit_centre.db.models import IdentityDocument, Resident, ServiceRecord, Stay, User, Vulnerability
from transit_centre.enums import DocumentKind, MovementMode, ReturnStep, ReturnType, Role, ServiceKind, Sex
from transit_centre.registry.text import search_text
from transit_centre.security.permissions import Actor

TODAY = dt.date.today()
_counter = [0]


def add_resident(db, centre_id, first="Mamadou", last="Camara", *, nationality="GN", sex=Sex.MALE,
                 dob=dt.date(1995, 5, 1), stay=True, vulnerabilities=(), arrival=None) -> uuid.UUID:
    _counter[0] += 1
    number = f"GAO-{TODAY.year}-9{_counter[0]:04d}"
    arrival = arrival or TODAY - dt.timedelta(days=10)
    with db.transaction(Actor.system()) as s:
        r = Resident(centre_id=centre_id, case_number=number, first_name=first, last_name=last,
                     first_name_folded=fold(first), last_name_folded=fold(last),
                     search_text=search_text(number, first, last, None, None), sex=sex, date_of_birth=dob,
                     nationality=nationality, registered_on=arrival, consent_given=True)
        s.add(r)
        s.flush()
        if stay:
            s.add(Stay(resident_id=r.id, centre_id=centre_id, arrival_date=arrival))
        for kind in vulnerabilities:
            s.add(Vulnerability(resident_id=r.id, kind=kind, identified_on=arrival))
        s.add(IdentityDocument(resident_id=r.id, kind=DocumentKind.NATIONAL_ID, number=f"ID{_counter[0]}",
                               issue_date=dt.date(2020, 1, 1)))
        return r.id


def add_fit(db, centre_id, resident_id, status="fit", valid_until=None, day=None) -> None:
    valid_until = valid_until or TODAY + dt.timedelta(days=30)
    with db.transaction(Actor.system()) as s:
        s.add(ServiceRecord(centre_id=centre_id, resident_id=resident_id, kind=ServiceKind.MEDICAL,
                            subtype="fit_to_travel", service_date=day or TODAY - dt.timedelta(days=1),
                            provider="Dr Test",
                            details={"fit_status": status, "valid_until": valid_until.isoformat()}))


def add_user(db, username: str, full_name: str) -> uuid.UUID:
    with db.transaction(Actor.system()) as s:
        u = User(username=username, full_name=full_name, password_hash="x")
        s.add(u)
        s.flush()
        return u.id


def open_international(db, actor, resident_id, country="GN"):
    return C.open_case(db, actor, C.CaseInput(resident_id, ReturnType.INTERNATIONAL, country,
                                             opened_on=TODAY - dt.timedelta(days=5)))


def walk_to_fit(db, actor, case_id, *, expiry=None, international=True):
    """Counselled, signed, documents requested and obtained (or skipped), fit to travel."""
    day = TODAY - dt.timedelta(days=3)
    C.record_step(db, actor, case_id, ReturnStep.COUNSELLED, done_on=day)
    C.record_step(db, actor, case_id, ReturnStep.APPLICATION_SIGNED, done_on=day)
    if international:
        C.record_step(db, actor, case_id, ReturnStep.DOCUMENTS_REQUESTED, done_on=day,
                      details={"kind": "laissez_passer"})
        C.record_step(db, actor, case_id, ReturnStep.DOCUMENTS_OBTAINED, done_on=day,
                      details={"kind": "laissez_passer", "number": "LP-12345",
                               "expiry": (expiry or TODAY + dt.timedelta(days=60)).isoformat()})
    else:
        C.skip_step(db, actor, case_id, ReturnStep.DOCUMENTS_REQUESTED, "Malian: national ID card", done_on=day)
        C.skip_step(db, actor, case_id, ReturnStep.DOCUMENTS_OBTAINED, "Malian: national ID card", done_on=day)
    return C.record_step(db, actor, case_id, ReturnStep.FIT_TO_TRAVEL)


def departed_malian(db, centres, make_actor, *, days_ago=20):
    """A Malian whose return departed ``days_ago`` days ago (the stay is closed: no longer present)."""
    worker, manager = make_actor(Role.CASEWORKER), make_actor(Role.MANAGER)
    left = TODAY - dt.timedelta(days=days_ago)
    rid = add_resident(db, centres["GAO"], "Bakary", "Konaté", nationality="ML",
                       arrival=left - dt.timedelta(days=10))
    case = C.open_case(db, worker, C.CaseInput(rid, ReturnType.MALIAN_HOME, "ML", "Kayes",
                                               opened_on=left - dt.timedelta(days=9)))
    day = left - dt.timedelta(days=5)
    add_fit(db, centres["GAO"], rid, day=day, valid_until=left + dt.timedelta(days=5))
    C.record_step(db, worker, case.summary.id, "counselled", done_on=day)
    C.record_step(db, worker, case.summary.id, "application_signed", done_on=day)
    C.skip_step(db, worker, case.summary.id, "documents_requested", "Malien", done_on=day)
    C.skip_step(db, worker, case.summary.id, "documents_obtained", "Malien", done_on=day)
    C.record_step(db, worker, case.summary.id, "fit_to_travel", done_on=day)
    movement = M.create_movement(db, manager, M.MovementInput(departure_date=left, mode=MovementMode.BUS_CONVOY,
                                                              destination_country="ML"))
    M.add_case(db, manager, movement.id, case.summary.id)
    M.mark_departed(db, manager, movement.id)
    return rid, case.summary.id

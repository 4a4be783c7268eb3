"""Every role against every sensitive read and write, as the README's matrix documents it.

Each cell runs the real service: "yes" must work (and, for reads, show the data), "no" must be
refused with ``PermissionDenied`` or give nothing of the protected data. A cell that differs
from the documented matrix fails the test, naming the role and the operation.
"""
from __future__ import annotations

import uuid

import pytest
from support.avrr import add_resident, open_international
from sqlalchemy import select

from transit_centre import documents
from transit_centre.admin.settings import set_setting
from transit_centre.avrr import cases as C
from transit_centre.avrr import cash as K
from transit_centre.care import medical, mhpss
from transit_centre.care.enums import ConsultationType, MhpssType
from transit_centre.care.records import resident_services
from transit_centre.db.models import Stay, Vulnerability
from transit_centre.enums import Role, VulnerabilityKind
from transit_centre.errors import PermissionDenied
from transit_centre.registry.records import vulnerability_note
from transit_centre.registry.residents import get_resident
from transit_centre.registry.search import ResidentFilter, count_residents
from transit_centre.security.audit_log import audit_count
from transit_centre.security.permissions import Actor
from transit_centre.security.users import create_user
from transit_centre.shelter import admission

ADMIN, MANAGER, CASEWORKER, MEDICAL, MHPSS, CASH, HQ = (Role.ADMIN, Role.MANAGER, Role.CASEWORKER, Role.MEDICAL,
                                                       Role.MHPSS, Role.CASH_OFFICER, Role.HQ)
# operation: the roles that may do it (the README's "Who may do what" table).
MATRIX: dict[str, set[Role]] = {
    "read protection status": {MANAGER, CASEWORKER, MEDICAL, MHPSS},
    "find residents by vulnerability": {MANAGER, CASEWORKER, MEDICAL, MHPSS},
    "read a vulnerability note": {MANAGER, CASEWORKER},
    "read a best-interest note": {MANAGER, CASEWORKER},
    "print the registration form": {MANAGER, CASEWORKER, MEDICAL},
    "read medical details": {MEDICAL},
    "read a medical note": {MEDICAL},
    "read an MHPSS note": {MHPSS},
    "read MHPSS details": {MHPSS},
    "check a resident out": {MANAGER, CASEWORKER},
    "plan a grant": {MANAGER, CASEWORKER},
    "cancel a grant": {MANAGER, CASEWORKER},
    "approve a grant": {MANAGER},
    "disburse a grant": {CASH},
    "create an account": {ADMIN},
    "change a setting": {ADMIN},
    "read the audit log": {ADMIN, MANAGER, HQ},
}


@pytest.fixture
def world(db, centres, account):
    gao = centres["GAO"]
    sys = Actor.system()
    rid = add_resident(db, gao, "Blessing", "Okafor", nationality="NG",
                       vulnerabilities=[VulnerabilityKind.TRAFFICKING_VICTIM])
    with db.transaction(sys) as s:
        vul = s.scalar(select(Vulnerability).where(Vulnerability.resident_id == rid))
        vul.note = "Exploitée à Bamako ; réseau identifié"
        vul_id = vul.id
        stay_id = s.scalar(select(Stay.id).where(Stay.resident_id == rid))
    case = open_international(db, sys, rid, country="NG")
    C.set_best_interest_note(db, sys, case.summary.id, "Famille retrouvée à Benin City")
    nurse = account(MEDICAL, username="nurse")
    medical.record_consultation(db, nurse, rid, consultation_type=ConsultationType.REFERRAL_HEALTH, provider="Dr A",
                                facility="Centre de dépistage VIH", note="Dépistage VIH volontaire")
    psy = account(MHPSS, username="psy")
    mhpss.record_mhpss_referral(db, psy, rid, referred_to="Service de psychiatrie, Point G", provider="Psy",
                                note="Idées suicidaires")
    mhpss.record_mhpss_session(db, psy, rid, session_type=MhpssType.PFA, provider="Psy", note="PFA")
    approver = account(MANAGER, username="chef")
    planned = K.plan_grant(db, sys, K.GrantInput(rid, "transport", 50_000))
    to_approve = K.plan_grant(db, sys, K.GrantInput(rid, "reintegration", 150_000))
    approved = K.approve_grant(db, approver, K.plan_grant(db, sys, K.GrantInput(rid, "pocket_money", 25_000)).id)
    case_number = get_resident(db, sys, rid).resident.case_number
    return {"gao": gao, "rid": rid, "vul": vul_id, "stay": stay_id, "case": case.summary.id, "planned": planned.id, "to_approve": to_approve.id,
            "approved": approved.id, "case_number": case_number}


def _services(db, actor, w):
    return [v for v in resident_services(db, actor, w["rid"])]


OPERATIONS = {
    "read protection status": lambda db, a, w: bool(get_resident(db, a, w["rid"]).vulnerabilities),
    "find residents by vulnerability": lambda db, a, w: count_residents(
        db, a, ResidentFilter(vulnerability=VulnerabilityKind.TRAFFICKING_VICTIM, centre_id=w["gao"])) == 1,
    "read a vulnerability note": lambda db, a, w: "réseau" in vulnerability_note(db, a, w["vul"]),
    "read a best-interest note": lambda db, a, w: "Benin" in C.read_best_interest_note(db, a, w["case"]),
    "print the registration form": lambda db, a, w: documents.document_data(
        db, a, "registration", w["case_number"]).startswith(b"%PDF"),
    "read medical details": lambda db, a, w: _has_detail(db, a, w, "medical"),
    "read a medical note": lambda db, a, w: _read_note(db, a, w, "medical"),
    "read an MHPSS note": lambda db, a, w: _read_note(db, a, w, "mhpss"),
    "read MHPSS details": lambda db, a, w: _has_detail(db, a, w, "mhpss"),
    "check a resident out": lambda db, a, w: admission.check_out(db, a, w["stay"], reason="left_on_own") is not None,
    "plan a grant": lambda db, a, w: K.plan_grant(db, a, K.GrantInput(w["rid"], "emergency", 10_000)) is not None,
    "cancel a grant": lambda db, a, w: K.cancel_grant(db, a, w["planned"], "Erreur de saisie") is not None,
    "approve a grant": lambda db, a, w: K.approve_grant(db, a, w["to_approve"]) is not None,
    "disburse a grant": lambda db, a, w: K.disburse(db, a, w["approved"], K.DisbursementInput()) is not None,
    "create an account": lambda db, a, w: create_user(db, a, username=f"new{uuid.uuid4().hex[:6]}", full_name="New",
                                                       password="Correct-Horse-Battery-9", roles=[CASEWORKER]) is not None,
    "change a setting": lambda db, a, w: set_setting(db, a, "organisation.phone", "+223 20 22 00 00") is None,
    "read the audit log": lambda db, a, w: audit_count(db, a) > 0,
}


def _has_detail(db, actor, w, kind: str) -> bool:
    key = {"medical": "facility", "mhpss": "referred_to"}[kind]
    return any(key in s.details for s in _services(db, actor, w) if s.kind.value == kind)


def _read_note(db, actor, w, kind: str) -> bool:
    from transit_centre.care.records import read_confidential_note

    service = next(s for s in _services(db, actor, w) if s.kind.value == kind)
    return bool(read_confidential_note(db, actor, service.id))


def test_every_operation_is_in_the_matrix():
    assert set(OPERATIONS) == set(MATRIX)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_role_matrix(db, world, account, role):
    actor = account(role)
    differences = []
    for operation, run in OPERATIONS.items():
        try:
            done = bool(run(db, actor, world))
        except PermissionDenied:
            done = False
        expected = role in MATRIX[operation]
        if done != expected:
            differences.append(f"{role.value} / {operation}: {'allowed' if done else 'refused'}, "
                               f"the matrix says {'yes' if expected else 'no'}")
    assert not differences, "\n".join(differences)

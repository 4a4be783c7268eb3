"""A manager flags a resident "do not release": the departure, the disbursement, the check-out
and the transfer are each refused by the services, with the flag's reason, until it is removed."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from support.avrr import TODAY, add_fit, add_resident, open_international, walk_to_fit
from transit_centre.avrr import cash as K
from transit_centre.avrr import movements as M
from transit_centre.protection import flags
from transit_centre.enums import FlagEffect
from transit_centre.db.models import Stay
from transit_centre.enums import DepartureReason, GrantKind, MovementMode, MovementStatus, Role
from transit_centre.errors import RuleViolation
from transit_centre.shelter import admission

REASON = "Enquête de protection en cours"


@pytest.fixture
def staff(make_actor):
    return {"cw": make_actor(Role.CASEWORKER, username="fatou"),
            "manager": make_actor(Role.MANAGER, username="moussa"),
            "cash": make_actor(Role.CASH_OFFICER, username="seydou")}


def _flag(db, manager, rid, code="do_not_release"):
    flag_type = next(t for t in flags.list_flag_types(db, manager) if t.code == code)
    return flags.set_flag(db, manager, rid, flag_type.id, reason=REASON)


def _stay_id(db, rid):
    with db.transaction(None, readonly=True) as s:
        return s.scalar(select(Stay.id).where(Stay.resident_id == rid, Stay.departure_date.is_(None)))


def test_do_not_release_refuses_departure_disbursement_check_out_and_transfer(db, centres, staff):
    gao, manager = centres["GAO"], staff["manager"]
    rid = add_resident(db, gao)
    add_fit(db, gao, rid)
    case = open_international(db, staff["cw"], rid).summary.id
    walk_to_fit(db, staff["cw"], case)
    movement = M.create_movement(db, staff["cw"], M.MovementInput(TODAY, MovementMode.BUS_CONVOY, "GN",
                                                                    "Gao → Conakry"))
    M.add_case(db, staff["cw"], movement.id, case)
    grant = K.plan_grant(db, staff["cw"], K.GrantInput(rid, GrantKind.POCKET_MONEY, 25_000))
    grant = K.approve_grant(db, manager, grant.id)
    flag = _flag(db, manager, rid)

    with pytest.raises(RuleViolation, match=REASON) as refused:
        M.mark_departed(db, staff["cw"], movement.id, TODAY)
    assert "departure" in str(refused.value) or "départ" in str(refused.value)
    with pytest.raises(RuleViolation, match=REASON):
        K.disburse(db, staff["cash"], grant.id, K.DisbursementInput())
    stay_id = _stay_id(db, rid)
    with pytest.raises(RuleViolation, match=REASON):
        admission.check_out(db, manager, stay_id, reason=DepartureReason.LEFT_ON_OWN)
    with pytest.raises(RuleViolation, match=REASON):
        admission.transfer(db, manager, stay_id, centres["KAN"])
    # Nothing was half-done: the stay is open, the grant approved, the movement planned.
    assert _stay_id(db, rid) == stay_id
    assert K.get_grant(db, manager, grant.id).status.value == "approved"
    assert M.get_movement(db, staff["cw"], movement.id).status == MovementStatus.PLANNED

    flags.remove_flag(db, manager, flag.id, reason="Enquête close")
    assert K.disburse(db, staff["cash"], grant.id, K.DisbursementInput()).amount == 25_000
    assert M.mark_departed(db, staff["cw"], movement.id, TODAY).status == MovementStatus.DEPARTED


def test_not_transferable_refuses_only_the_transfer(db, centres, staff):
    gao, manager = centres["GAO"], staff["manager"]
    rid = add_resident(db, gao)
    _flag(db, manager, rid, "not_transferable")
    stay_id = _stay_id(db, rid)
    with pytest.raises(RuleViolation, match="Transf"):
        admission.transfer(db, manager, stay_id, centres["KAN"])
    closed = admission.check_out(db, manager, stay_id, reason=DepartureReason.LEFT_ON_OWN,
                                 day=TODAY - dt.timedelta(days=1))
    assert closed.departure_reason == DepartureReason.LEFT_ON_OWN


def test_advice_is_given_before_check_in(db, centres, staff):
    rid = add_resident(db, centres["GAO"])
    _flag(db, staff["manager"], rid, "advise_check_in")
    assert flags.advice(db, staff["cw"], rid, FlagEffect.ADVISE_CHECK_IN) == [
        "Avis à l'arrivée : " + REASON]
    assert flags.advice(db, staff["cw"], rid, FlagEffect.ADVISE_CHECK_OUT) == ["Avis à l'arrivée : " + REASON]

"""Cash grants, receipts (numbering under voids and under concurrent sessions), cash book, and
the issue's scenario: a Guinean resident from counselling to a bus convoy with pocket money."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from support.avrr import TODAY, add_fit, add_resident, open_international, walk_to_fit
from sqlalchemy import select

from transit_centre.avrr import cases as C
from transit_centre.avrr import cash as K
from transit_centre.avrr import movements as M
from transit_centre.avrr.cashbook import cash_book
from transit_centre.avrr.documents import manifest_view
from transit_centre.db.models import Receipt, Stay
from transit_centre.enums import (
    CancelReason,
    DepartureReason,
    GrantKind,
    GrantStatus,
    MovementMode,
    PaymentMethod,
    ReturnStep,
    Role,
)
from transit_centre.errors import PermissionDenied, RuleViolation, ValidationError
from transit_centre.i18n import set_language
from transit_centre.security.permissions import Actor


@pytest.fixture(autouse=True)
def _english():
    set_language("en")


@pytest.fixture
def gao(centres):
    return centres["GAO"]


@pytest.fixture
def staff(make_actor):
    return {
        "cw": make_actor(Role.CASEWORKER, username="fatou"),
        "manager": make_actor(Role.MANAGER, username="moussa"),
        "cash": make_actor(Role.CASH_OFFICER, username="seydou"),
        "cash2": make_actor(Role.CASH_OFFICER, username="awa"),
    }


def _approved(db, staff, gao, kind=GrantKind.POCKET_MONEY, amount=25_000, **kw):
    rid = kw.pop("resident_id", None) or add_resident(db, gao)
    grant = K.plan_grant(db, staff["cw"], K.GrantInput(rid, kind, amount, **kw))
    return K.approve_grant(db, staff["manager"], grant.id)


def test_default_amounts_set_by_admin(db, gao, staff, make_actor):
    assert K.default_amounts(db)[GrantKind.POCKET_MONEY] == K.DEFAULT_AMOUNTS[GrantKind.POCKET_MONEY]
    with pytest.raises(PermissionDenied):
        K.set_default_amount(db, staff["manager"], GrantKind.POCKET_MONEY, 30_000)
    admin = Actor.system()
    with pytest.raises(ValidationError):
        K.set_default_amount(db, admin, GrantKind.POCKET_MONEY, -5)
    K.set_default_amount(db, admin, GrantKind.POCKET_MONEY, 30_000)
    rid = add_resident(db, gao)
    grant = K.plan_grant(db, staff["cw"], K.GrantInput(rid, GrantKind.POCKET_MONEY))
    assert grant.planned_amount == 30_000 and grant.status == GrantStatus.PLANNED


def test_plan_validation(db, gao, staff):
    rid = add_resident(db, gao)
    for bad in (0, -1, 10**12, 12.5, "100", True):
        with pytest.raises(ValidationError) as exc:
            K.plan_grant(db, staff["cw"], K.GrantInput(rid, GrantKind.POCKET_MONEY, bad))
        assert "amount" in exc.value.errors
    with pytest.raises(ValidationError) as exc:
        K.plan_grant(db, staff["cw"], K.GrantInput(rid, "lottery", 100))
    assert "kind" in exc.value.errors
    with pytest.raises(ValidationError) as exc:
        K.plan_grant(db, staff["cw"], K.GrantInput(rid, GrantKind.REINTEGRATION, 100_000,
                                                   tranche_number=3, tranche_count=2))
    assert "tranche_number" in exc.value.errors
    t1 = K.plan_grant(db, staff["cw"], K.GrantInput(rid, GrantKind.REINTEGRATION, 150_000,
                                                    tranche_number=1, tranche_count=2))
    assert (t1.tranche_number, t1.tranche_count) == (1, 2)
    with pytest.raises(PermissionDenied):
        K.plan_grant(db, staff["cash"], K.GrantInput(rid, GrantKind.POCKET_MONEY, 100))


def test_one_grant_of_a_kind_per_case(db, gao, staff):
    rid = add_resident(db, gao)
    case = open_international(db, staff["cw"], rid)
    g = K.plan_grant(db, staff["cw"], K.GrantInput(rid, GrantKind.POCKET_MONEY, 25_000))
    assert g.return_case_id == case.summary.id
    with pytest.raises(RuleViolation, match="already has this grant"):
        K.plan_grant(db, staff["cw"], K.GrantInput(rid, GrantKind.POCKET_MONEY, 25_000))


def test_approve_and_disburse_rules(db, gao, staff, make_actor):
    rid = add_resident(db, gao)
    grant = K.plan_grant(db, staff["cw"], K.GrantInput(rid, GrantKind.TRANSPORT, 50_000))
    with pytest.raises(PermissionDenied):
        K.approve_grant(db, staff["cw"], grant.id)
    with pytest.raises(RuleViolation, match="not been approved"):
        K.disburse(db, staff["cash"], grant.id, K.DisbursementInput())
    approved = K.approve_grant(db, staff["manager"], grant.id, amount=40_000)
    assert approved.approved_amount == 40_000 and approved.approved_by_name is None
    with pytest.raises(RuleViolation, match="Only a planned grant"):
        K.approve_grant(db, staff["manager"], grant.id)
    with pytest.raises(PermissionDenied):
        K.disburse(db, staff["manager"], grant.id, K.DisbursementInput())
    # the approver may not disburse (someone with both roles)
    both = make_actor(Role.MANAGER, Role.CASH_OFFICER, username="both")
    g2 = _approved(db, {"cw": staff["cw"], "manager": both}, gao)
    with pytest.raises(RuleViolation, match="You approved this grant"):
        K.disburse(db, both, g2.id, K.DisbursementInput())
    with pytest.raises(RuleViolation, match="above the approved amount"):
        K.disburse(db, staff["cash"], grant.id, K.DisbursementInput(amount=50_000))
    with pytest.raises(ValidationError) as exc:
        K.disburse(db, staff["cash"], grant.id, K.DisbursementInput(method=PaymentMethod.MOBILE_MONEY))
    assert "mobile_money_reference" in exc.value.errors
    with pytest.raises(ValidationError):
        K.disburse(db, staff["cash"], grant.id, K.DisbursementInput(disbursed_on=TODAY + dt.timedelta(days=2)))
    receipt = K.disburse(db, staff["cash"], grant.id, K.DisbursementInput(
        method=PaymentMethod.MOBILE_MONEY, mobile_money_reference="OM-778899"))
    assert receipt.number == f"GAO-{TODAY.year}-R-000001"
    assert receipt.amount == 40_000 and receipt.mobile_money_reference == "OM-778899"
    with pytest.raises(RuleViolation, match="already been disbursed"):
        K.disburse(db, staff["cash2"], grant.id, K.DisbursementInput())
    assert K.get_grant(db, staff["cash"], grant.id).status == GrantStatus.DISBURSED
    with pytest.raises(RuleViolation):
        K.cancel_grant(db, staff["cw"], grant.id, "no longer needed")


def test_refused_when_case_cancelled(db, gao, staff):
    rid = add_resident(db, gao)
    case = open_international(db, staff["cw"], rid)
    grant = _approved(db, staff, gao, resident_id=rid)
    C.cancel_case(db, staff["cw"], case.summary.id, CancelReason.ABSCONDED)
    with pytest.raises(RuleViolation, match="cancelled"):
        K.disburse(db, staff["cash"], grant.id, K.DisbursementInput())
    with pytest.raises(RuleViolation, match="cancelled"):
        K.plan_grant(db, staff["cw"], K.GrantInput(rid, GrantKind.TRANSPORT, 10_000,
                                                   return_case_id=case.summary.id))


def test_numbering_gap_free_under_voids(db, gao, staff):
    numbers = []
    for _i in range(3):
        g = _approved(db, staff, gao)
        numbers.append(K.disburse(db, staff["cash"], g.id, K.DisbursementInput()))
    with pytest.raises(PermissionDenied):
        K.void_receipt(db, staff["cw"], numbers[1].id, "wrong amount")
    with pytest.raises(ValidationError):
        K.void_receipt(db, staff["cash"], numbers[1].id, " ")
    voided = K.void_receipt(db, staff["cash"], numbers[1].id, "wrong amount")
    assert voided.voided and voided.void_reason == "wrong amount"
    with pytest.raises(RuleViolation, match="already void"):
        K.void_receipt(db, staff["manager"], numbers[1].id, "again")
    assert K.get_grant(db, staff["cash"], numbers[1].grant_id).status == GrantStatus.APPROVED
    new = K.reissue_receipt(db, staff["cash"], numbers[1].id, K.DisbursementInput(amount=20_000))
    assert new.replaces_number == numbers[1].number and new.amount == 20_000
    with pytest.raises(RuleViolation, match="already been replaced"):
        K.reissue_receipt(db, staff["cash"], numbers[1].id, K.DisbursementInput())
    with pytest.raises(RuleViolation, match="Void the receipt first"):
        K.reissue_receipt(db, staff["cash"], numbers[0].id, K.DisbursementInput())
    with db.transaction(None, readonly=True) as s:
        seqs = sorted(s.scalars(select(Receipt.sequence).where(Receipt.centre_id == gao)))
    assert seqs == [1, 2, 3, 4]
    assert K.get_receipt(db, staff["cash"], numbers[1].id).replaced_by_number == new.number


def test_concurrent_receipts_no_duplicate_no_gap(db, gao, staff):
    """Two (and more) sessions disbursing at once, each in its own transaction and thread."""
    grants = [_approved(db, staff, gao) for _i in range(8)]
    results, failures = [], []
    barrier = threading.Barrier(4)

    def work(chunk):
        barrier.wait()
        for g in chunk:
            try:
                results.append(K.disburse(db, staff["cash"], g.id, K.DisbursementInput()).number)
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                failures.append(exc)

    threads = [threading.Thread(target=work, args=(grants[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert len(results) == 8 and len(set(results)) == 8
    assert sorted(int(n.rsplit("-", 1)[1]) for n in results) == list(range(1, 9))


def test_issue_scenario_guinean_bus_convoy_and_cash_book(db, gao, staff):
    cw, cash, manager = staff["cw"], staff["cash"], staff["manager"]
    guinean = add_resident(db, gao, "Mamadou", "Barry", nationality="GN")
    others = [add_resident(db, gao, f"Alpha{i}", "Sylla", nationality="GN") for i in range(3)]
    case_ids = []
    for rid in [guinean, *others]:
        add_fit(db, gao, rid)
        case_ids.append(open_international(db, cw, rid).summary.id)
        walk_to_fit(db, cw, case_ids[-1])
    detail = C.get_case(db, cw, case_ids[0])
    assert detail.summary.current_step == ReturnStep.FIT_TO_TRAVEL
    assert [s.state for s in detail.steps[:6]] == ["done"] * 6
    convoy = M.create_movement(db, cw, M.MovementInput(TODAY, MovementMode.BUS_CONVOY, "GN",
                                                       "Gao → Bamako → Conakry", ("Gao → Bamako", "Bamako → Conakry"),
                                                       "Sonef", None, ("Ibrahim Touré",)))
    ready = [r for r in M.readiness(db, cw, convoy.id) if r.ready]
    assert {r.return_case_id for r in ready} == set(case_ids)
    for case_id in case_ids:
        M.add_case(db, cw, convoy.id, case_id)
    # pocket money: paid with the wrong amount, voided, reissued
    grant = K.plan_grant(db, cw, K.GrantInput(guinean, GrantKind.POCKET_MONEY, 25_000))
    K.approve_grant(db, manager, grant.id)
    first = K.disburse(db, cash, grant.id, K.DisbursementInput(amount=20_000))
    assert first.number == f"GAO-{TODAY.year}-R-000001"
    K.void_receipt(db, cash, first.id, "wrong amount: 20,000 instead of 25,000")
    second = K.reissue_receipt(db, cash, first.id, K.DisbursementInput(amount=25_000))
    assert second.number == f"GAO-{TODAY.year}-R-000002"
    M.mark_departed(db, cw, convoy.id, TODAY)
    assert C.get_case(db, cw, case_ids[0]).summary.current_step == ReturnStep.DEPARTED
    with db.transaction(None, readonly=True) as s:
        stay = s.scalars(select(Stay).where(Stay.resident_id == guinean)).one()
    assert stay.departure_reason == DepartureReason.RETURN
    manifest = manifest_view(db, cw, convoy.id)
    assert len(manifest.travellers) == 4 and manifest.escorts == ("Ibrahim Touré",)
    assert all(t.document_number == "LP-12345" for t in manifest.travellers)

    book = cash_book(db, cash, gao, TODAY.replace(day=1), TODAY)
    assert [line.number for line in book.lines] == [first.number, second.number]
    assert [line.voided for line in book.lines] == [True, False]
    assert book.lines[0].replaced_by_number == second.number
    assert book.total_disbursed == 25_000 and book.receipt_count == 2
    assert [(k.kind, k.count, k.total) for k in book.by_kind] == [(GrantKind.POCKET_MONEY, 1, 25_000)]
    assert [(d.period, d.total) for d in book.by_day] == [(TODAY.isoformat(), 25_000)]
    assert [v.number for v in book.voided] == [first.number]
    rec = {r.kind: r for r in book.reconciliation}
    assert (rec[GrantKind.POCKET_MONEY].approved, rec[GrantKind.POCKET_MONEY].disbursed,
            rec[GrantKind.POCKET_MONEY].outstanding) == (25_000, 25_000, 0)


def test_cash_book_reconciliation_outstanding(db, gao, staff):
    g1 = _approved(db, staff, gao, GrantKind.TRANSPORT, 50_000)
    _approved(db, staff, gao, GrantKind.TRANSPORT, 30_000)
    K.disburse(db, staff["cash"], g1.id, K.DisbursementInput(amount=45_000))
    book = cash_book(db, staff["cash"], gao, TODAY - dt.timedelta(days=31), TODAY)
    row = next(r for r in book.reconciliation if r.kind == GrantKind.TRANSPORT)
    assert (row.approved, row.disbursed, row.outstanding, row.grants_waiting) == (80_000, 45_000, 30_000, 1)
    assert [m.period for m in book.by_month] == [TODAY.strftime("%Y-%m")]
    with pytest.raises(ValidationError):
        cash_book(db, staff["cash"], gao, TODAY, TODAY - dt.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        cash_book(db, Actor(None, "nobody"), gao, TODAY, TODAY)


def test_failed_disbursement_leaves_no_gap(db, gao, staff, monkeypatch):
    """A disbursement that fails after taking a number rolls the number back with it."""
    first, second = _approved(db, staff, gao), _approved(db, staff, gao)
    real = K.receipt_view_in
    calls = {"n": 0}

    def fail_once(session, receipt):  # noqa: ANN001
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("printer on fire")
        return real(session, receipt)

    monkeypatch.setattr(K, "receipt_view_in", fail_once)
    with pytest.raises(RuntimeError):
        K.disburse(db, staff["cash"], first.id, K.DisbursementInput())
    assert K.get_grant(db, staff["cash"], first.id).status == GrantStatus.APPROVED
    assert K.disburse(db, staff["cash"], second.id, K.DisbursementInput()).number.endswith("-R-000001")
    assert K.disburse(db, staff["cash"], first.id, K.DisbursementInput()).number.endswith("-R-000002")

"""The AVRR demo extension: cases for returnees, movements, receipts numbered without gaps and
counters left where the next real receipt continues."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from transit_centre.demo import generate as demo
from transit_centre.avrr import cash as K
from transit_centre.db.models import Counter, Receipt, ReturnCase, Stay
from transit_centre.enums import DepartureReason, GrantKind, Role


def test_demo_returns_and_receipts(db, centres, make_actor):
    counts = demo.generate(db, 400, seed=5, months=6)
    assert counts["return_cases"] > 0 and counts["receipts"] > 0 and counts["movements"] > 0
    with db.transaction(None, readonly=True) as s:
        returned = s.scalar(select(func.count(func.distinct(Stay.resident_id)))
                            .where(Stay.departure_reason == DepartureReason.RETURN))
        with_case = s.scalar(select(func.count(func.distinct(ReturnCase.resident_id)))
                             .join(Stay, Stay.resident_id == ReturnCase.resident_id)
                             .where(Stay.departure_reason == DepartureReason.RETURN))
        assert returned == with_case
        groups = s.execute(select(Receipt.centre_id, Receipt.year, func.count(), func.max(Receipt.sequence))
                           .group_by(Receipt.centre_id, Receipt.year)).all()
        for centre_id, year, count, top in groups:
            assert count == top  # 1..n, no gap, no duplicate
            assert s.scalar(select(Counter.last_value).where(
                Counter.centre_id == centre_id, Counter.kind == "receipt", Counter.year == year)) == top
    # a real receipt continues the demo's sequence
    gao = centres["GAO"]
    year = dt.date.today().year
    with db.transaction(None, readonly=True) as s:
        last = s.scalar(select(Counter.last_value).where(Counter.centre_id == gao, Counter.kind == "receipt",
                                                         Counter.year == year)) or 0
        resident_id = s.scalar(select(Stay.resident_id).where(Stay.centre_id == gao).order_by(Stay.arrival_date, Stay.id).limit(1))
    grant = K.plan_grant(db, make_actor(Role.CASEWORKER), K.GrantInput(resident_id, GrantKind.EMERGENCY, 5_000))
    K.approve_grant(db, make_actor(Role.MANAGER), grant.id)
    receipt = K.disburse(db, make_actor(Role.CASH_OFFICER), grant.id, K.DisbursementInput())
    assert receipt.number == f"GAO-{year}-R-{last + 1:06d}"


def test_demo_is_deterministic(tmp_path):
    from transit_centre.admin.centres import seed_centres
    from transit_centre.db.base import Base
    from transit_centre.db.engine import Database, sqlite_url
    from transit_centre.security.permissions import Actor
    from transit_centre.security.users import seed_roles

    def run(name: str) -> list[tuple]:
        db = Database(sqlite_url(tmp_path / name))
        Base.metadata.create_all(db.engine)
        with db.transaction(Actor.system()) as s:
            seed_roles(s)
            seed_centres(s)
        demo.generate(db, 250, seed=11, months=6, today=dt.date(2026, 6, 30))
        with db.transaction(None, readonly=True) as s:
            rows = sorted((r.number, r.amount, r.voided_at is not None, str(r.id)) for r in s.scalars(select(Receipt)))
        db.dispose()
        return rows

    first = run("a.sqlite3")
    assert first and first == run("b.sqlite3")

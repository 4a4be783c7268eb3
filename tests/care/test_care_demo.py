"""The services part of the demo data: every kind present, deterministic for a seed."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import func, select

from transit_centre.care.medical import latest_fit_to_travel
from transit_centre.db.models import Partner, Resident, ServiceParticipant, ServiceRecord, Stay
from transit_centre.demo.generate import generate
from transit_centre.enums import DepartureReason, ServiceKind

TODAY = dt.date(2026, 6, 30)


def _summary(db):
    with db.transaction(None, readonly=True) as s:
        rows = s.execute(select(ServiceRecord.kind, ServiceRecord.subtype, ServiceRecord.service_date,
                                ServiceRecord.quantity)).all()
    return Counter((k.value, st, d, q) for k, st, d, q in rows)


def test_demo_services(db):
    counts = generate(db, 300, seed=5, months=3, today=TODAY)
    for key in ("nfi_kits", "medical", "fit_to_travel", "mhpss", "mhpss_groups", "counselling", "referrals"):
        assert counts.get(key, 0) > 0, key
    with db.transaction(None, readonly=True) as s:
        kinds = set(s.scalars(select(ServiceRecord.kind).distinct()))
        assert {ServiceKind.NFI_KIT, ServiceKind.MEDICAL, ServiceKind.MHPSS, ServiceKind.COUNSELLING,
                ServiceKind.REFERRAL, ServiceKind.MEAL} <= kinds
        assert s.scalar(select(func.count(Partner.id))) >= 5
        assert s.scalar(select(func.count(ServiceParticipant.id))) > 0
        assert s.scalar(select(func.max(ServiceRecord.service_date))) <= TODAY
        returned = s.scalars(select(Stay.resident_id).where(Stay.departure_reason == DepartureReason.RETURN)).all()
        assert returned and all(latest_fit_to_travel(s, rid) is not None for rid in returned[:20])
        vaccinated_children = s.scalars(select(ServiceRecord).join(Resident, Resident.id == ServiceRecord.resident_id)
                                        .where(ServiceRecord.subtype == "vaccination")).all()
        assert any(r.details.get("under_five") for r in vaccinated_children)
        # Group activities only list people present in the centre that day.
        bad = s.execute(
            select(func.count(ServiceParticipant.id))
            .join(ServiceRecord, ServiceRecord.id == ServiceParticipant.service_id)
            .where(~select(Stay.id).where(
                Stay.resident_id == ServiceParticipant.resident_id, Stay.centre_id == ServiceRecord.centre_id,
                Stay.arrival_date <= ServiceRecord.service_date,
                (Stay.departure_date.is_(None)) | (Stay.departure_date > ServiceRecord.service_date)).exists())
        ).scalar()
        assert bad == 0


def test_demo_services_are_deterministic(db, tmp_path):
    from transit_centre.admin.centres import seed_centres
    from transit_centre.db.base import Base
    from transit_centre.db.engine import Database, sqlite_url
    from transit_centre.security.permissions import Actor
    from transit_centre.security.users import seed_roles

    other = Database(sqlite_url(tmp_path / "other.sqlite3"))
    Base.metadata.create_all(other.engine)
    with other.transaction(Actor.system()) as s:
        seed_roles(s)
        seed_centres(s)
    generate(db, 120, seed=9, months=2, today=TODAY)
    generate(other, 120, seed=9, months=2, today=TODAY)
    assert _summary(db) == _summary(other)
    other.dispose()

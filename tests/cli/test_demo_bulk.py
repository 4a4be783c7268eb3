"""Bulk writing (db/bulk.py) stores exactly what a Core insert stores; the demo reports its
progress to the end and keeps its content for a seed whatever the batch size."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import func, insert, select, text

from transit_centre.demo import generate as demo
from transit_centre.db import bulk
from transit_centre.db.models import Resident, ServiceRecord
from transit_centre.enums import ServiceKind
from transit_centre.security.permissions import Actor


def _row(centre_id: uuid.UUID, **extra) -> dict:
    when = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.timezone.utc)
    return {"id": uuid.uuid4(), "created_at": when, "updated_at": when, "version": 1, "centre_id": centre_id,
            "kind": ServiceKind.MEDICAL, "subtype": "curative", "service_date": dt.date(2026, 3, 4),
            "quantity": 2, "details": {"dose": "1", "vaccin": "Fièvre jaune"}, **extra}


def _stored(db, ids: list[uuid.UUID]) -> list[tuple]:
    """The values as the database holds them (no type conversion on the way back)."""
    table = ServiceRecord.__table__
    columns = [c for c in table.columns if c.name != "id"]
    with db.engine.connect() as conn:
        out = []
        for i in ids:
            sql = "SELECT {} FROM service_record WHERE id = :id".format(", ".join(c.name for c in columns))
            key = i.hex if db.is_sqlite else i
            out.append(tuple(conn.execute(text(sql), {"id": key}).one()))
        return out


def test_bulk_rows_are_stored_as_a_core_insert_stores_them(db, centres):
    core, fast = _row(centres["GAO"]), _row(centres["GAO"])
    voided = dt.datetime(2026, 3, 5, 0, 0, tzinfo=dt.timezone.utc)
    mixed = [_row(centres["MOP"], details={}), _row(centres["MOP"], voided_at=voided, void_reason="erreur")]
    with db.transaction(Actor.system(), audit=False) as s:
        s.connection().execute(insert(ServiceRecord.__table__), [core])
        bulk.insert_rows(s.connection(), ServiceRecord.__table__, [fast] + mixed)
    assert _stored(db, [core["id"]]) == _stored(db, [fast["id"]])
    with db.transaction(None, readonly=True) as s:
        back = {r.id: r for r in s.scalars(select(ServiceRecord).where(ServiceRecord.centre_id == centres["MOP"]))}
    first, second = back[mixed[0]["id"]], back[mixed[1]["id"]]
    assert first.details == {} and first.voided_at is None and first.void_reason is None
    assert second.voided_at == voided and second.void_reason == "erreur" and second.kind == ServiceKind.MEDICAL


def test_bulk_rows_without_a_computed_default_get_it(db, centres):
    row = _row(centres["GAO"])
    del row["details"]  # its default is computed (dict): Core computes it
    with db.transaction(Actor.system(), audit=False) as s:
        bulk.insert_rows(s.connection(), ServiceRecord.__table__, [row])
    with db.transaction(None, readonly=True) as s:
        assert s.get(ServiceRecord, row["id"]).details == {}


def test_demo_progress_goes_to_the_end(db):
    seen: list[tuple[int, int]] = []
    demo.generate(db, 40, seed=2, months=2, progress=lambda done, total: seen.append((done, total)))
    total = seen[0][1]
    assert {t for _done, t in seen} == {total} and seen[-1] == (total, total)
    dones = [done for done, _total in seen]
    assert dones == sorted(dones) and len(seen) > 4  # residents, then each extension


def test_demo_content_does_not_depend_on_the_batch_size(tmp_path, monkeypatch):
    from transit_centre.admin.centres import seed_centres
    from transit_centre.demo import avrr as avrr_demo
    from transit_centre.demo import care as care_demo
    from transit_centre.db.base import Base
    from transit_centre.db.engine import Database, sqlite_url
    from transit_centre.db.models import CashGrant, Receipt, ReturnStepRecord, ServiceParticipant
    from transit_centre.security.users import seed_roles

    def run(name: str) -> dict:
        db = Database(sqlite_url(tmp_path / name))
        Base.metadata.create_all(db.engine)
        with db.transaction(Actor.system()) as s:
            seed_roles(s)
            seed_centres(s)
        demo.generate(db, 150, seed=4, months=3, today=dt.date(2026, 6, 30))
        with db.transaction(None, readonly=True) as s:
            out = {model.__tablename__: sorted(str(i) for i in s.scalars(select(model.id)))
                   for model in (Resident, ServiceRecord, ServiceParticipant, ReturnStepRecord, CashGrant, Receipt)}
            out["replaced"] = s.scalar(select(func.count()).where(Receipt.replaced_by_id.is_not(None)))
        db.dispose()
        return out

    whole = run("whole.sqlite3")
    for module in (bulk, care_demo, avrr_demo):
        monkeypatch.setattr(module, "BATCH", 7)
    assert run("batches.sqlite3") == whole

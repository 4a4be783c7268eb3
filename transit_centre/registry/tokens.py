"""Filling the search word index for residents written without the ORM (demo bulk inserts,
databases made before the index existed). Normal saves keep it right by themselves."""
from __future__ import annotations

from typing import Any

from sqlalchemy import exists, insert, select
from sqlalchemy.orm import Session

from transit_centre.db.models import Resident, ResidentToken
from transit_centre.db.models.registry import tokens_for

BATCH = 5000


def index_missing_tokens(session: Session) -> int:
    """Index every resident that has no search words yet; returns how many were indexed."""
    query = (select(Resident.id, Resident.search_text)
             .where(~exists().where(ResidentToken.resident_id == Resident.id)))
    rows = session.execute(query).all()
    batch: list[dict[str, Any]] = []
    for resident_id, text in rows:
        batch.extend({"resident_id": resident_id, "token": t} for t in tokens_for(text))
        if len(batch) >= BATCH:
            session.execute(insert(ResidentToken), batch)
            batch = []
    if batch:
        session.execute(insert(ResidentToken), batch)
    return len(rows)


def demo_extension(ctx: Any) -> dict[str, int]:
    """``demo.EXTENSIONS`` hook: the demo inserts residents in bulk, so index them here."""
    return {"search_indexed": index_missing_tokens(ctx.session)}

"""The audit log's hash chain: each entry carries the SHA-256 of the previous entry's hash and
its own content, so an entry changed, deleted or slipped in with raw SQL breaks the chain at that
point, and ``verify`` names the first broken link.

Entries are sealed when their transaction commits, under a lock on the single ``audit_chain_head``
row: their ``seq`` follows the commit order and nobody else extends the chain meanwhile. The lock
is taken last in the transaction, after every other row lock, so it adds no deadlock. The head is
also written into each monthly package (an anchor kept at headquarters): rewriting the whole chain
from some point on would not match the anchors already sent.
"""
from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from transit_centre.db.models.admin import AuditChainHead, AuditEntry

GENESIS = "0" * 64
FIELDS = ("id", "at", "user_id", "username", "action", "entity", "entity_id", "field", "old_value", "new_value",
          "centre_id", "detail")


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds")
    return str(value)


def link_hash(previous: str, seq: int, values: dict[str, Any]) -> str:
    """The hash of one link: the previous hash, the position and the entry's content."""
    content = json.dumps({"seq": seq, **{k: _plain(values.get(k)) for k in FIELDS}}, sort_keys=True,
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((previous + content).encode("utf-8")).hexdigest()


def _head(connection: Connection) -> tuple[int, str]:
    table = AuditChainHead.__table__
    row = connection.execute(select(table.c.seq, table.c.chain_hash).where(table.c.id == 1).with_for_update()).first()
    if row is None:  # a database made before the chain (or by create_all): start it
        connection.execute(insert(table).values(id=1, seq=0, chain_hash=GENESIS))
        row = connection.execute(select(table.c.seq, table.c.chain_hash).where(table.c.id == 1)
                                 .with_for_update()).first()
    return int(row[0]), str(row[1])


def seal(connection: Connection, entries: Iterable[Any]) -> tuple[int, str]:
    """Give ``entries`` (AuditEntry objects or mappings already inserted) their place in the chain,
    in the order given; returns the new head."""
    table = AuditEntry.__table__
    seq, current = _head(connection)
    for entry in entries:
        values = entry if isinstance(entry, dict) else {k: getattr(entry, k) for k in FIELDS}
        seq += 1
        current = link_hash(current, seq, values)
        connection.execute(update(table).where(table.c.id == values["id"]).values(seq=seq, chain_hash=current))
    connection.execute(update(AuditChainHead.__table__).where(AuditChainHead.__table__.c.id == 1)
                       .values(seq=seq, chain_hash=current))
    return seq, current


def head(connection: Connection) -> tuple[int, str]:
    """The chain's last link (seq, hash), read without locking (what a package anchors)."""
    table = AuditChainHead.__table__
    row = connection.execute(select(table.c.seq, table.c.chain_hash).where(table.c.id == 1)).first()
    return (int(row[0]), str(row[1])) if row is not None else (0, GENESIS)


@dataclass(frozen=True)
class ChainReport:
    """What the chain check found: ``broken_at`` is the seq of the first link that does not hold."""

    ok: bool
    checked: int
    broken_at: int | None = None
    broken_entry: uuid.UUID | None = None
    broken_when: dt.datetime | None = None
    problem: str = ""  # "changed", "missing", "unsealed", "truncated"
    unsealed: int = 0


def verify(connection: Connection, batch: int = 5000) -> ChainReport:
    """Walk the chain from the first entry; stop at the first link that does not hold."""
    table = AuditEntry.__table__
    columns = [table.c[k] for k in FIELDS] + [table.c.seq, table.c.chain_hash]
    current, expected, checked, last_seq = GENESIS, 1, 0, 0
    while True:
        rows = connection.execute(select(*columns).where(table.c.seq >= expected).order_by(table.c.seq)
                                  .limit(batch)).mappings().all()
        for row in rows:
            if row["seq"] != expected:
                return ChainReport(False, checked, expected, None, None, "missing")
            current = link_hash(current, expected, dict(row))
            if current != row["chain_hash"]:
                return ChainReport(False, checked, expected, row["id"], row["at"], "changed")
            checked += 1
            last_seq = expected
            expected += 1
        if len(rows) < batch:
            break
    head_seq, head_hash = head(connection)
    if head_seq != last_seq or (last_seq and head_hash != current):
        return ChainReport(False, checked, last_seq + 1, None, None, "truncated")
    unsealed = int(connection.execute(select(func.count()).select_from(table).where(table.c.seq.is_(None)))
                   .scalar() or 0)
    if unsealed:
        return ChainReport(False, checked, None, None, None, "unsealed", unsealed)
    return ChainReport(True, checked)


__all__ = ["ChainReport", "GENESIS", "head", "link_hash", "seal", "verify"]

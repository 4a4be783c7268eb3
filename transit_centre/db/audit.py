"""The audit hook: every insert, update and void of a record writes audit entries.

Installed on every session the ``Database`` makes, so no service can forget it. Values of
columns marked confidential (clinical notes, password hashes) are never copied into the log;
the entry says that the field changed, not what it says. Hard deletes are refused.
"""
from __future__ import annotations

import datetime as dt
import enum
import json
import uuid
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from transit_centre.db.base import Entity, utcnow
from transit_centre.db.models.admin import AuditEntry
from transit_centre.enums import AuditAction

MASK = "***"
# Bookkeeping columns that change on every update and say nothing new.
_SKIP = {"updated_at", "version", "created_at", "created_by"}


class HardDeleteRefused(RuntimeError):
    """Raised when code tries to delete a record: records are voided, never deleted."""


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def _actor(session: Session) -> tuple[uuid.UUID | None, str]:
    actor = session.info.get("actor")
    if actor is None:
        return None, "system"
    return actor.user_id, actor.username


def _centre_of(obj: Any, session: Session | None = None, depth: int = 2,
               pending: dict[tuple[type, Any], Any] | None = None) -> uuid.UUID | None:
    """The centre an entry belongs to (what a centre manager may read in the audit viewer).

    A record without a ``centre_id`` (a bed, a resident's document) belongs to the centre of
    the record its foreign key points to (room, resident), looked up at most ``depth`` levels.
    """
    if getattr(obj, "__tablename__", None) == "centre":
        return obj.id
    centre_id = getattr(obj, "centre_id", None)
    if centre_id is not None or session is None or depth <= 0:
        return centre_id
    try:
        mapper = inspect(obj).mapper
        for column in mapper.local_table.columns:
            for fk in column.foreign_keys:
                value = getattr(obj, mapper.get_property_by_column(column).key, None)
                target = _class_of_table(mapper, fk.column.table.name)
                if value is None or target is None:
                    continue
                parent = (pending or {}).get((target, value)) or session.get(target, value)
                found = _centre_of(parent, session, depth - 1, pending) if parent is not None else None
                if found is not None:
                    return found
    except Exception:  # noqa: BLE001 - the centre is a convenience for readers, never a failure
        return None
    return None


def _class_of_table(mapper: Any, table_name: str) -> type | None:
    for m in mapper.registry.mappers:
        if getattr(m.local_table, "name", None) == table_name:
            return m.class_
    return None


def _columns(obj: Any):
    mapper = inspect(obj).mapper
    for attr in mapper.column_attrs:
        if attr.key in _SKIP:
            continue
        column = attr.columns[0]
        yield attr.key, bool(column.info.get("confidential"))


def audit_entry(session: Session, action: AuditAction, entity: str, entity_id: uuid.UUID | None,
                *, field: str | None = None, old: Any = None, new: Any = None,
                centre_id: uuid.UUID | None = None, detail: str | None = None) -> AuditEntry:
    """Add one audit entry by hand (reads of confidential notes, exports, prints, sign-ins)."""
    user_id, username = _actor(session)
    entry = AuditEntry(
        id=uuid.uuid4(), at=utcnow(), user_id=user_id, username=username, action=action,
        entity=entity, entity_id=entity_id, field=field, old_value=_text(old),
        new_value=_text(new), centre_id=centre_id, detail=detail,
    )
    session.add(entry)
    return entry


def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    if session.info.get("audit", True) is not False:
        _record_changes(session)
    # Every entry added, by the hook or by hand, is sealed into the hash chain at commit.
    pending = session.info.setdefault("audit_pending", [])
    known = {id(e) for e in pending}
    pending.extend(sorted((o for o in session.new if isinstance(o, AuditEntry) and id(o) not in known),
                          key=lambda e: (e.at, e.entity, str(e.entity_id), e.field or "")))


def _seal_on_commit(session: Session) -> None:
    """Seal this transaction's audit entries last, after every other lock it holds."""
    if not session.info.get("audit_pending") and not any(isinstance(o, AuditEntry) for o in session.new):
        return
    session.flush()
    pending = session.info.pop("audit_pending", [])
    if pending:
        from transit_centre.db import audit_chain

        audit_chain.seal(session.connection(), pending)


def _forget_pending(session: Session, *_args: Any) -> None:
    session.info.pop("audit_pending", None)


def _record_changes(session: Session) -> None:
    user_id, username = _actor(session)
    now = utcnow()
    entries: list[AuditEntry] = []
    centres: dict[int, uuid.UUID | None] = {}  # one lookup per record, not per changed field

    # Records saved in the same flush are not in the identity map yet: find parents here first.
    pending = {(type(o), o.id): o for o in session.new if isinstance(o, Entity) and o.id is not None}

    def centre(obj: Entity) -> uuid.UUID | None:
        if id(obj) not in centres:
            centres[id(obj)] = _centre_of(obj, session, pending=pending)
        return centres[id(obj)]

    def add(action: AuditAction, obj: Entity, field: str | None, old: Any, new: Any) -> None:
        entries.append(AuditEntry(
            id=uuid.uuid4(), at=now, user_id=user_id, username=username, action=action,
            entity=obj.__tablename__, entity_id=obj.id, field=field,
            old_value=_text(old), new_value=_text(new), centre_id=centre(obj),
        ))

    for obj in list(session.deleted):
        if isinstance(obj, (Entity, AuditEntry)):
            raise HardDeleteRefused(f"{type(obj).__name__} records are voided, never deleted")

    for obj in list(session.new):
        if not isinstance(obj, Entity):
            continue
        if obj.id is None:
            obj.id = uuid.uuid4()
        if obj.created_by is None:
            obj.created_by = user_id
        values = {}
        for key, secret in _columns(obj):
            value = getattr(obj, key)
            if value is None or key == "id":
                continue
            values[key] = MASK if secret else _text(value)
        add(AuditAction.CREATE, obj, None, None, values)

    for obj in list(session.dirty):
        if isinstance(obj, AuditEntry):
            raise HardDeleteRefused("audit entries cannot be changed")
        if not isinstance(obj, Entity) or not session.is_modified(obj, include_collections=False):
            continue
        state = inspect(obj)
        for key, secret in _columns(obj):
            history = state.attrs[key].history
            if not history.has_changes():
                continue
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if _text(old) == _text(new):
                continue
            if key == "voided_at" and old is None and new is not None:
                add(AuditAction.VOID, obj, "void_reason", None, getattr(obj, "void_reason", None))
                continue
            add(AuditAction.UPDATE, obj, key, MASK if secret and old is not None else old,
                MASK if secret and new is not None else new)

    session.add_all(entries)


def _refuse_audit_update(mapper: Any, connection: Any, target: Any) -> None:
    raise HardDeleteRefused("audit entries cannot be changed or deleted")


def _refuse_bulk_audit_change(state: Any) -> None:
    """``session.execute(update(AuditEntry)...)`` bypasses the mapper events: refuse it too."""
    if (state.is_update or state.is_delete) and any(
            m.class_ is AuditEntry for m in state.all_mappers):
        raise HardDeleteRefused("audit entries cannot be changed or deleted")


def install(session_class: type[Session] | Session) -> None:
    event.listen(session_class, "before_flush", _before_flush)
    event.listen(session_class, "before_commit", _seal_on_commit)
    event.listen(session_class, "after_rollback", _forget_pending)
    event.listen(session_class, "do_orm_execute", _refuse_bulk_audit_change)


event.listen(AuditEntry, "before_update", _refuse_audit_update)
event.listen(AuditEntry, "before_delete", _refuse_audit_update)

__all__ = ["audit_entry", "install", "HardDeleteRefused"]

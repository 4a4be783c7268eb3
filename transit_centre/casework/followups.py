"""Follow-ups: tasks on a resident with a due date and an owner, made by hand or by rules.

Rules are idempotent sweeps (a rule creates at most one follow-up per source record, enforced
by a unique index), run when follow-up lists are read and after the actions that feed them:
- a new unaccompanied minor gets a best-interest follow-up, due 3 days after identification;
- a fit-to-travel that expires before the planned departure of the resident's movement gets a
  follow-up to renew it, due 2 days before departure.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from transit_centre.enums import FollowUpKind, FollowUpStatus
from transit_centre.common import Errors, check_version, get, upsert_insert
from transit_centre.db.audit import audit_entry
from transit_centre.db.base import utcnow
from transit_centre.db.engine import Database
from transit_centre.avrr.rules import latest_fit_to_travel
from transit_centre.db.models import FollowUp, Movement, MovementCase, Resident, ReturnCase, Stay, User, Vulnerability
from transit_centre.enums import AuditAction, MovementStatus, VulnerabilityKind
from transit_centre.errors import NotFound, RuleViolation
from transit_centre.i18n import N_, _
from transit_centre.security.permissions import Actor, Permission

BEST_INTEREST_DAYS = 3
RULE_MINOR = "unaccompanied_minor"
RULE_FIT = "fit_to_travel_expiry"


@dataclass(frozen=True)
class FollowUpView:
    id: uuid.UUID
    resident_id: uuid.UUID
    resident_name: str
    case_number: str
    centre_id: uuid.UUID
    kind: FollowUpKind
    title: str
    due_date: dt.date
    owner_id: uuid.UUID | None
    owner_name: str
    status: FollowUpStatus
    note: str | None
    automatic: bool
    version: int

    def overdue(self, today: dt.date | None = None) -> bool:
        return self.status == FollowUpStatus.OPEN and self.due_date < (today or dt.date.today())


def _views(session: Session, query) -> list[FollowUpView]:  # noqa: ANN001 - a select()
    rows = session.execute(
        query.add_columns(Resident.first_name, Resident.last_name, Resident.case_number, User.full_name)
        .join(Resident, Resident.id == FollowUp.resident_id)
        .outerjoin(User, User.id == FollowUp.owner_id)
    ).all()
    return [FollowUpView(f.id, f.resident_id, f"{first} {last}", case, f.centre_id, f.kind, f.title,
                         f.due_date, f.owner_id, owner or "", f.status, f.note, f.rule is not None, f.version)
            for f, first, last, case, owner in rows]


def create_follow_up(db: Database, actor: Actor, resident_id: uuid.UUID, *, kind: FollowUpKind,
                     title: str, due_date: dt.date, owner_id: uuid.UUID | None = None,
                     note: str | None = None) -> FollowUpView:
    actor.require(Permission.RESIDENT_WRITE)
    errors = Errors()
    title_ = errors.text("title", title, required=True, max_length=300)
    note_ = errors.text("note", note, max_length=2000)
    if not isinstance(due_date, dt.date) or not dt.date(2000, 1, 1) <= due_date <= dt.date(2100, 1, 1):
        errors.add("due_date", _("Choose a due date."))
    errors.raise_if_any()
    with db.transaction(actor) as s:
        resident = get(s, Resident, resident_id, _("resident"))
        actor.require(Permission.RESIDENT_WRITE, resident.centre_id)
        if owner_id is not None and s.get(User, owner_id) is None:
            raise NotFound(_("The {what} was not found.").format(what=_("user")))
        follow_up = FollowUp(resident_id=resident.id, centre_id=resident.centre_id, kind=FollowUpKind(kind),
                             title=title_, due_date=due_date, owner_id=owner_id or actor.user_id, note=note_)
        s.add(follow_up)
        s.flush()
        return _views(s, select(FollowUp).where(FollowUp.id == follow_up.id))[0]


def close_follow_up(db: Database, actor: Actor, follow_up_id: uuid.UUID, *, done: bool = True,
                    note: str | None = None, expected_version: int | None = None) -> FollowUpView:
    """Mark a follow-up done (or cancelled, which needs a note saying why)."""
    actor.require(Permission.RESIDENT_READ)
    errors = Errors()
    note_ = errors.text("note", note, required=not done, max_length=2000)
    errors.raise_if_any()
    with db.transaction(actor) as s:
        follow_up = get(s, FollowUp, follow_up_id, _("follow-up"))
        if follow_up.owner_id != actor.user_id:
            actor.require(Permission.RESIDENT_WRITE, follow_up.centre_id)
        check_version(follow_up, expected_version)
        if follow_up.status != FollowUpStatus.OPEN:
            raise RuleViolation(_("This follow-up is already closed."))
        follow_up.status = FollowUpStatus.DONE if done else FollowUpStatus.CANCELLED
        follow_up.closed_at, follow_up.closed_by = utcnow(), actor.user_id
        if note_:
            follow_up.note = note_
        s.flush()
        return _views(s, select(FollowUp).where(FollowUp.id == follow_up.id))[0]


def _add_rule_follow_up(session: Session, *, rule: str, source_id: uuid.UUID, resident_id: uuid.UUID,
                        centre_id: uuid.UUID, kind: FollowUpKind, title: str, due: dt.date) -> None:
    insert = upsert_insert(session)
    now, new_id = utcnow(), uuid.uuid4()
    result = session.execute(insert(FollowUp).values(
        id=new_id, created_at=now, updated_at=now, version=1, resident_id=resident_id,
        centre_id=centre_id, kind=kind, title=title, due_date=due, status=FollowUpStatus.OPEN,
        rule=rule, source_id=source_id,
    ).on_conflict_do_nothing(index_elements=["rule", "source_id"]).returning(FollowUp.id))
    if result.first() is not None:  # created now (not by an earlier reading): audited by ``_audit_created``
        session.info.setdefault("rule_follow_ups", []).append((centre_id, rule, new_id))


def _audit_created(session: Session) -> None:
    """One audit entry per centre for the follow-ups a reading of the rules created (not one per
    task: a first sign-in on a large centre would bury the real changes under dozens of them).
    The entry counts them by rule; with a single task it names that task's record."""
    created = session.info.pop("rule_follow_ups", [])
    by_centre: dict[uuid.UUID, list[tuple[str, uuid.UUID]]] = {}
    for centre_id, rule, follow_up_id in created:
        by_centre.setdefault(centre_id, []).append((rule, follow_up_id))
    for centre_id, items in by_centre.items():
        counts: dict[str, int] = {}
        for rule, _id in items:
            counts[rule] = counts.get(rule, 0) + 1
        if len(items) == 1:
            audit_entry(session, AuditAction.CREATE, "follow_up", items[0][1], field="rule", new=items[0][0],
                        centre_id=centre_id)
        else:
            audit_entry(session, AuditAction.CREATE, "follow_up", None, field="rules", new=counts,
                        centre_id=centre_id)


def run_follow_up_rules(session: Session, centre_ids: frozenset[uuid.UUID] | None = None) -> None:
    """Create the follow-ups the rules ask for (idempotent). Titles are stored in French and
    English-neutral form by code; the screens show the kind's translated label."""
    minors = select(Vulnerability.id, Vulnerability.resident_id, Vulnerability.identified_on, Resident.centre_id) \
        .join(Resident, Resident.id == Vulnerability.resident_id) \
        .outerjoin(FollowUp, and_(FollowUp.rule == RULE_MINOR, FollowUp.source_id == Vulnerability.id)) \
        .where(Vulnerability.kind == VulnerabilityKind.UNACCOMPANIED_MINOR, Vulnerability.voided_at.is_(None),
               Vulnerability.resolved_on.is_(None), FollowUp.id.is_(None))
    # Only residents still in a centre need the task.
    minors = minors.where(select(Stay.id).where(Stay.resident_id == Vulnerability.resident_id,
                                                 Stay.departure_date.is_(None)).exists())
    if centre_ids is not None:
        minors = minors.where(Resident.centre_id.in_(centre_ids))
    for vid, resident_id, identified_on, centre_id in session.execute(minors).all():
        _add_rule_follow_up(session, rule=RULE_MINOR, source_id=vid, resident_id=resident_id,
                            centre_id=centre_id, kind=FollowUpKind.BEST_INTEREST,
                            title=N_("Best-interest assessment and family tracing"),
                            due=identified_on + dt.timedelta(days=BEST_INTEREST_DAYS))
    _fit_to_travel_rule(session, centre_ids)
    for rule in _EXTRA_RULES:
        rule(session, centre_ids)
    _audit_created(session)


def _fit_to_travel_rule(session: Session, centre_ids: frozenset[uuid.UUID] | None) -> None:
    """A traveller on a planned movement whose fit-to-travel expires before the departure gets a
    task to renew it, due on the expiry date (one per booking)."""
    query = select(MovementCase.id, ReturnCase.resident_id, Movement.departure_date, Movement.centre_id) \
        .join(Movement, Movement.id == MovementCase.movement_id) \
        .join(ReturnCase, ReturnCase.id == MovementCase.return_case_id) \
        .outerjoin(FollowUp, and_(FollowUp.rule == RULE_FIT, FollowUp.source_id == MovementCase.id)) \
        .where(Movement.status == MovementStatus.PLANNED, MovementCase.voided_at.is_(None), FollowUp.id.is_(None))
    if centre_ids is not None:
        query = query.where(Movement.centre_id.in_(centre_ids))
    for link_id, resident_id, departure, centre_id in session.execute(query).all():
        fit = latest_fit_to_travel(session, resident_id)
        if fit is None or fit.valid_until is None or fit.valid_until >= departure:
            continue  # none at all is a readiness problem the movement screen already shows
        _add_rule_follow_up(session, rule=RULE_FIT, source_id=link_id, resident_id=resident_id,
                            centre_id=centre_id, kind=FollowUpKind.FIT_TO_TRAVEL,
                            title=N_("Renew the fit-to-travel: it expires before the departure"),
                            due=fit.valid_until)


# Rules that need other capabilities' tables (movements, fit-to-travel) register here.
_EXTRA_RULES: list = []


def register_rule(rule) -> None:  # noqa: ANN001 - callable(session, centre_ids)
    _EXTRA_RULES.append(rule)


def add_rule_follow_up(session: Session, **kwargs) -> None:  # noqa: ANN003
    """For rules living in other modules (same idempotency)."""
    _add_rule_follow_up(session, **kwargs)


def _list(session: Session, actor: Actor, *, mine: bool = False, overdue_only: bool = False,
          resident_id: uuid.UUID | None = None, include_closed: bool = False,
          today: dt.date, limit: int = 200) -> list[FollowUpView]:
    query = select(FollowUp).order_by(FollowUp.due_date, FollowUp.created_at).limit(limit)
    if not include_closed:
        query = query.where(FollowUp.status == FollowUpStatus.OPEN)
    visible = actor.visible_centres()
    if actor.current_centre_id is not None and resident_id is None:
        query = query.where(FollowUp.centre_id == actor.current_centre_id)  # the centre signed in to
    elif visible is not None:
        query = query.where(FollowUp.centre_id.in_(visible))
    if mine:
        query = query.where(FollowUp.owner_id == actor.user_id)
    if overdue_only:
        query = query.where(FollowUp.due_date < today)
    if resident_id is not None:
        query = query.where(FollowUp.resident_id == resident_id)
    return _views(session, query)


def follow_ups(db: Database, actor: Actor, *, mine: bool = False, overdue_only: bool = False,
               resident_id: uuid.UUID | None = None, include_closed: bool = False,
               today: dt.date | None = None, limit: int = 200) -> list[FollowUpView]:
    """Open follow-ups of the centre signed in to (else of every centre the user sees); only theirs,
    only overdue, or those of one resident."""
    actor.require(Permission.RESIDENT_READ)
    with db.transaction(actor) as s:
        run_follow_up_rules(s, actor.visible_centres())
        return _list(s, actor, mine=mine, overdue_only=overdue_only, resident_id=resident_id,
                     include_closed=include_closed, today=today or dt.date.today(), limit=limit)


def task_lists(db: Database, actor: Actor, today: dt.date | None = None) -> tuple[list[FollowUpView],
                                                                                  list[FollowUpView]]:
    """The dashboard's two lists, the user's open tasks and every overdue one, after one run of the rules."""
    actor.require(Permission.RESIDENT_READ)
    today = today or dt.date.today()
    with db.transaction(actor) as s:
        run_follow_up_rules(s, actor.visible_centres())
        return _list(s, actor, mine=True, today=today), _list(s, actor, overdue_only=True, today=today)


def possible_owners(db: Database, actor: Actor, centre_id: uuid.UUID | None = None) -> list[tuple[uuid.UUID, str]]:
    """Active staff who work in the centre (plus headquarters accounts), by name: who a task can go to."""
    actor.require(Permission.RESIDENT_READ)
    centre = centre_id or actor.current_centre_id
    with db.transaction(actor, readonly=True) as s:
        users = s.scalars(select(User).where(User.active.is_(True)).order_by(User.full_name))
        return [(u.id, u.full_name or u.username) for u in users
                if centre is None or not u.centres or any(c.id == centre for c in u.centres)]


def count_overdue(db: Database, actor: Actor, today: dt.date | None = None) -> int:
    return len(follow_ups(db, actor, overdue_only=True, today=today, limit=10_000))


def title_text(view: FollowUpView) -> str:
    """Rule titles are stored as English msgids; show them translated."""
    return _(view.title) if view.automatic else view.title


__all__ = ["FollowUpView", "create_follow_up", "close_follow_up", "follow_ups", "task_lists", "count_overdue", "possible_owners",
           "run_follow_up_rules", "register_rule", "add_rule_follow_up", "title_text"]

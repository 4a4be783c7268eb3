"""Follow-ups made by rules: a fit-to-travel that expires before the planned departure."""
from __future__ import annotations

import datetime as dt

from support.avrr import TODAY, add_fit, add_resident, open_international, walk_to_fit
from transit_centre.avrr import movements as M
from transit_centre.casework import followups
from transit_centre.enums import FollowUpKind
from transit_centre.enums import MovementMode, Role


def test_fit_to_travel_expiring_before_departure_gets_a_follow_up(db, centres, make_actor):
    gao = centres["GAO"]
    cw = make_actor(Role.CASEWORKER)
    expiring, lasting = add_resident(db, gao, "Sekou", "Bah"), add_resident(db, gao, "Aminata", "Barry")
    for rid in (expiring, lasting):
        add_fit(db, gao, rid, valid_until=TODAY + dt.timedelta(days=60))
    movement = M.create_movement(db, cw, M.MovementInput(TODAY + dt.timedelta(days=10), MovementMode.BUS_CONVOY,
                                                         "GN", "Gao → Conakry"))
    for rid in (expiring, lasting):
        case = open_international(db, cw, rid).summary.id
        walk_to_fit(db, cw, case)
        M.add_case(db, cw, movement.id, case)
    assert not [t for t in followups.follow_ups(db, cw) if t.kind == FollowUpKind.FIT_TO_TRAVEL]
    # After booking, a new assessment is valid for three days only: the departure is later.
    add_fit(db, gao, expiring, valid_until=TODAY + dt.timedelta(days=3), day=TODAY)

    tasks = [t for t in followups.follow_ups(db, cw) if t.kind == FollowUpKind.FIT_TO_TRAVEL]
    assert [(t.resident_id, t.due_date, t.automatic) for t in tasks] == [
        (expiring, TODAY + dt.timedelta(days=3), True)]
    assert "fit-to-travel" in followups.title_text(tasks[0]).lower() or "aptitude" in followups.title_text(tasks[0])
    # Listing again does not add it twice; once done it stays done.
    followups.close_follow_up(db, cw, tasks[0].id)
    assert not [t for t in followups.follow_ups(db, cw) if t.kind == FollowUpKind.FIT_TO_TRAVEL]


def test_follow_ups_made_by_rules_are_in_the_audit_log(db, centres, make_actor):
    from sqlalchemy import select

    from transit_centre.db.models import AuditEntry, Vulnerability
    from transit_centre.enums import AuditAction, VulnerabilityKind

    cw = make_actor(Role.CASEWORKER)
    rid = add_resident(db, centres["GAO"], "Moussa", "Kanté", vulnerabilities=(VulnerabilityKind.UNACCOMPANIED_MINOR,))
    [task] = followups.follow_ups(db, cw)
    followups.follow_ups(db, cw)  # read again: nothing new, no second entry
    with db.transaction(None, readonly=True) as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.entity == "follow_up")).all()
        assert s.scalar(select(Vulnerability.resident_id)) == rid
    assert [(e.action, e.entity_id, e.new_value) for e in entries] == [(AuditAction.CREATE, task.id,
                                                                        "unaccompanied_minor")]

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


def test_a_reading_that_makes_many_follow_ups_writes_one_entry_per_centre(db, centres, make_actor):
    """A first sign-in on a large centre must not bury the real changes under one entry per task."""
    import json

    from sqlalchemy import select

    from transit_centre.db.models import AuditEntry, FollowUp
    from transit_centre.enums import AuditAction, VulnerabilityKind

    cw = make_actor(Role.CASEWORKER)
    for first in ("Moussa", "Awa", "Issa"):
        add_resident(db, centres["GAO"], first, "Kanté", vulnerabilities=(VulnerabilityKind.UNACCOMPANIED_MINOR,))
    with db.transaction(None, readonly=True) as s:
        before = len(s.scalars(select(AuditEntry)).all())
    assert len(followups.follow_ups(db, cw)) == 3
    with db.transaction(None, readonly=True) as s:
        entries = s.scalars(select(AuditEntry).order_by(AuditEntry.at)).all()[before:]
        assert len(s.scalars(select(FollowUp)).all()) == 3
    assert [(e.action, e.entity, e.entity_id, e.field, json.loads(e.new_value), e.centre_id) for e in entries] == [
        (AuditAction.CREATE, "follow_up", None, "rules", {"unaccompanied_minor": 3}, centres["GAO"])]
    followups.follow_ups(db, cw)
    with db.transaction(None, readonly=True) as s:
        assert len(s.scalars(select(AuditEntry)).all()) == before + 1


def test_the_rules_entry_reads_in_words():
    from transit_centre.i18n import set_language
    from transit_centre.ui.admin.audit import field_label, in_words

    set_language("en")
    assert in_words('{"fit_to_travel_expiry": 2, "unaccompanied_minor": 3}') == (
        "Fit-to-travel that expires before the departure: 2; Best-interest assessment of an unaccompanied minor: 3")
    assert in_words("unaccompanied_minor") == "Best-interest assessment of an unaccompanied minor"
    assert field_label("rules") == "Made by the rules"

"""Casework depth: flags that refuse actions, roll-call and last seen, follow-ups made by rules,
consent-gated referrals and distribution rules."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from transit_centre.care import distribution_rules as distribution
from transit_centre.casework import followups, rollcall
from transit_centre.protection import consent, flags
from transit_centre.enums import FlagEffect, FollowUpKind, FollowUpStatus, ReferralStatus
from transit_centre.db.models import AuditEntry, Household, Resident, ServiceRecord, Stay, Vulnerability
from transit_centre.enums import AuditAction, HouseholdKind, Role, ServiceKind, Sex, VulnerabilityKind
from transit_centre.errors import PermissionDenied, RuleViolation, ValidationError

from support.casework import TODAY, add_resident  # noqa: F401 - TODAY is used below

def _flag_type(db, actor, code):
    return next(t for t in flags.list_flag_types(db, actor) if t.code == code)


# -- flags ----------------------------------------------------------------------------------

def test_flag_refuses_and_advises_until_removed(db, centres, make_actor):
    manager = make_actor(Role.MANAGER)
    rid = add_resident(db, centres["GAO"])
    do_not_release = _flag_type(db, manager, "do_not_release")
    with pytest.raises(ValidationError):
        flags.set_flag(db, manager, rid, do_not_release.id, reason="  ")
    flag = flags.set_flag(db, manager, rid, do_not_release.id, reason="Enquête de la police en cours")
    with pytest.raises(RuleViolation):
        flags.set_flag(db, manager, rid, do_not_release.id, reason="again")
    for effect in (FlagEffect.BLOCK_CHECK_OUT, FlagEffect.BLOCK_TRANSFER, FlagEffect.BLOCK_DISBURSEMENT):
        with pytest.raises(RuleViolation) as info:
            with db.transaction(manager) as s:
                flags.enforce_flags(s, rid, effect)
        assert "Enquête de la police en cours" in str(info.value)
    with db.transaction(manager, readonly=True) as s:
        assert flags.flag_advice(s, rid, FlagEffect.ADVISE_CHECK_IN) == [
            "Ne pas laisser partir sans l'agent de protection : Enquête de la police en cours"]
        assert flags.flag_advice(s, rid, FlagEffect.ADVISE_CHECK_OUT) == []
    with pytest.raises(ValidationError):
        flags.remove_flag(db, manager, flag.id, reason="")
    removed = flags.remove_flag(db, manager, flag.id, reason="Enquête close", expected_version=flag.version)
    assert not removed.active and removed.removal_reason == "Enquête close"
    with db.transaction(manager) as s:
        flags.enforce_flags(s, rid, FlagEffect.BLOCK_CHECK_OUT)  # no longer refused
    with db.transaction(None, readonly=True) as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.entity == "resident_flag")).all()
    assert {e.action for e in entries} == {AuditAction.CREATE, AuditAction.UPDATE}
    assert any(e.field == "removal_reason" and e.new_value == "Enquête close" for e in entries)


def test_payments_suspended_only_blocks_disbursement(db, centres, make_actor):
    manager = make_actor(Role.MANAGER)
    rid = add_resident(db, centres["GAO"])
    flags.set_flag(db, manager, rid, _flag_type(db, manager, "payments_suspended").id, reason="Audit")
    with db.transaction(manager) as s:
        flags.enforce_flags(s, rid, FlagEffect.BLOCK_CHECK_OUT)
        with pytest.raises(RuleViolation, match="Audit"):
            flags.enforce_flags(s, rid, FlagEffect.BLOCK_DISBURSEMENT)


def test_flag_types_are_administered_by_administrators(db, make_actor):
    admin, manager = make_actor(Role.ADMIN), make_actor(Role.MANAGER)
    with pytest.raises(PermissionDenied):
        flags.save_flag_type(db, manager, code="x", name_fr="X", name_en="X", effects=[])
    created = flags.save_flag_type(db, admin, code="vip_protection", name_fr="Protection renforcée",
                                   name_en="Enhanced protection", effects=[FlagEffect.BLOCK_TRANSFER])
    assert created.name == "Protection renforcée" and created.effects == (FlagEffect.BLOCK_TRANSFER,)
    with pytest.raises(Exception):
        flags.save_flag_type(db, admin, code="vip_protection", name_fr="Y", name_en="Y", effects=[])
    edited = flags.save_flag_type(db, admin, code="vip_protection", name_fr="Protection", name_en="Protection",
                                  effects=[], active=False, flag_type_id=created.id,
                                  expected_version=created.version)
    assert not edited.active
    assert all(t.code != "vip_protection" for t in flags.list_flag_types(db, admin))


def test_caseworker_cannot_flag_in_another_centre(db, centres, make_actor):
    rid = add_resident(db, centres["KAY"])
    caseworker = make_actor(Role.CASEWORKER, centre="GAO")
    with pytest.raises(PermissionDenied):
        flags.set_flag(db, caseworker, rid, _flag_type(db, caseworker, "not_transferable").id, reason="x")


# -- roll-call ------------------------------------------------------------------------------

def test_roll_call_marks_presence_and_updates_last_seen(db, centres, make_actor):
    manager = make_actor(Role.MANAGER)
    a = add_resident(db, centres["GAO"], "Moussa", "Keïta", sex=Sex.MALE)
    b = add_resident(db, centres["GAO"], "Awa", "Diarra")
    add_resident(db, centres["GAO"], "Gone", "Away", present=False)
    add_resident(db, centres["KAY"], "Other", "Centre")
    call = rollcall.start_roll_call(db, manager, centres["GAO"])
    assert {line.resident_id for line in call.lines} == {a, b}
    assert call.unmarked_count == 2
    # Starting again resumes the open roll-call.
    assert rollcall.start_roll_call(db, manager, centres["GAO"]).id == call.id
    call = rollcall.mark(db, manager, call.id, a, True)
    case_b = next(line.case_number for line in call.lines if line.resident_id == b)
    line = rollcall.mark_scanned(db, manager, call.id, f"TC|{case_b.upper()}|x")
    assert line.resident_id == b
    with pytest.raises(Exception):
        rollcall.mark_scanned(db, manager, call.id, "nonsense")
    call = rollcall.close_roll_call(db, manager, call.id)
    assert call.present_count == 2 and call.closed_at is not None
    with pytest.raises(RuleViolation):
        rollcall.mark(db, manager, call.id, a, False)
    with db.transaction(None, readonly=True) as s:
        assert s.get(Resident, a).last_seen_at is not None


def test_long_absent_residents_are_listed_never_checked_out(db, centres, make_actor):
    manager = make_actor(Role.MANAGER)
    seen = add_resident(db, centres["GAO"], "Seen", "Recently", arrival=TODAY - dt.timedelta(days=10))
    absent = add_resident(db, centres["GAO"], "Not", "Seen", arrival=TODAY - dt.timedelta(days=10))
    new = add_resident(db, centres["GAO"], "Just", "Arrived", arrival=TODAY)
    now = dt.datetime.combine(TODAY, dt.time(20), tzinfo=dt.timezone.utc)
    with db.transaction(None) as s:
        s.get(Resident, seen).last_seen_at = now - dt.timedelta(days=1)
        s.get(Resident, absent).last_seen_at = now - dt.timedelta(days=6)
    listed = rollcall.absent_residents(db, manager, centres["GAO"], days=3, now=now)
    assert [a.resident_id for a in listed] == [absent]
    assert listed[0].days_absent == 6
    with db.transaction(None, readonly=True) as s:
        assert s.scalar(select(Stay.departure_date).where(Stay.resident_id == absent)) is None
    assert new not in {a.resident_id for a in listed}


# -- follow-ups -----------------------------------------------------------------------------

def test_new_unaccompanied_minor_gets_a_best_interest_follow_up_once(db, centres, make_actor):
    caseworker = make_actor(Role.CASEWORKER)
    rid = add_resident(db, centres["GAO"], "Sékou", "Camara", sex=Sex.MALE, dob=dt.date(2011, 1, 1))
    with db.transaction(None) as s:
        s.add(Vulnerability(resident_id=rid, kind=VulnerabilityKind.UNACCOMPANIED_MINOR, identified_on=TODAY))
    tasks = followups.follow_ups(db, caseworker, today=TODAY)
    assert [(t.resident_id, t.kind, t.due_date) for t in tasks] == [
        (rid, FollowUpKind.BEST_INTEREST, TODAY + dt.timedelta(days=3))]
    assert followups.title_text(tasks[0]) == "Évaluation de l'intérêt supérieur et recherche familiale"
    assert len(followups.follow_ups(db, caseworker, today=TODAY)) == 1  # idempotent
    assert followups.follow_ups(db, caseworker, overdue_only=True, today=TODAY) == []
    assert len(followups.follow_ups(db, caseworker, overdue_only=True, today=TODAY + dt.timedelta(days=4))) == 1
    done = followups.close_follow_up(db, caseworker, tasks[0].id, note="BIA faite")
    assert done.status == FollowUpStatus.DONE
    assert followups.follow_ups(db, caseworker, today=TODAY) == []


def test_manual_follow_up_with_owner_and_my_tasks(db, centres, make_actor):
    caseworker = make_actor(Role.CASEWORKER)
    other = make_actor(Role.CASEWORKER, username="other")
    rid = add_resident(db, centres["GAO"])
    with pytest.raises(ValidationError):
        followups.create_follow_up(db, caseworker, rid, kind=FollowUpKind.OTHER, title="", due_date=TODAY)
    task = followups.create_follow_up(db, caseworker, rid, kind=FollowUpKind.CONSULAR_APPOINTMENT,
                                      title="Rendez-vous au consulat de Guinée", due_date=TODAY - dt.timedelta(days=1))
    assert task.owner_id == caseworker.user_id and task.overdue(TODAY)
    assert [t.id for t in followups.follow_ups(db, caseworker, mine=True, today=TODAY)] == [task.id]
    assert followups.follow_ups(db, other, mine=True, today=TODAY) == []
    with pytest.raises(ValidationError):
        followups.close_follow_up(db, caseworker, task.id, done=False, note="")
    cancelled = followups.close_follow_up(db, caseworker, task.id, done=False, note="Rendez-vous annulé")
    assert cancelled.status == FollowUpStatus.CANCELLED


# -- consent-gated referrals -----------------------------------------------------------------

def _referral(db, centre_id, resident_id, partner="Croix-Rouge malienne"):
    with db.transaction(None) as s:
        record = ServiceRecord(centre_id=centre_id, resident_id=resident_id, kind=ServiceKind.REFERRAL,
                               service_date=TODAY, details={"partner": partner, "status": "sent"})
        s.add(record)
    return record.id


def test_referral_needs_consent_or_a_managers_override(db, centres, make_actor):
    caseworker, manager = make_actor(Role.CASEWORKER), make_actor(Role.MANAGER)
    rid = add_resident(db, centres["GAO"])
    with pytest.raises(RuleViolation, match="consenti"):
        with db.transaction(caseworker) as s:
            consent.require_sharing_consent(s, caseworker, rid, "Croix-Rouge malienne")
    with pytest.raises(PermissionDenied):
        with db.transaction(caseworker) as s:
            consent.require_sharing_consent(s, caseworker, rid, "Croix-Rouge malienne", override_reason="urgence")
    with db.transaction(manager) as s:
        consent.require_sharing_consent(s, manager, rid, "Croix-Rouge malienne", override_reason="Urgence médicale")
    with db.transaction(None, readonly=True) as s:
        override = s.scalar(select(AuditEntry).where(AuditEntry.field == "consent_override"))
    assert override.new_value == "Urgence médicale" and override.user_id == manager.user_id
    given = consent.record_consent(db, caseworker, rid, "Croix-Rouge Malienne ")
    with db.transaction(caseworker) as s:
        consent.require_sharing_consent(s, caseworker, rid, "croix-rouge malienne")  # folded match
    consent.withdraw_consent(db, caseworker, given.id, reason="Retrait du consentement")
    with pytest.raises(RuleViolation):
        with db.transaction(caseworker) as s:
            consent.require_sharing_consent(s, caseworker, rid, "Croix-Rouge malienne")


def test_referral_lifecycle(db, centres, make_actor):
    caseworker = make_actor(Role.CASEWORKER)
    rid = add_resident(db, centres["GAO"])
    ref = _referral(db, centres["GAO"], rid)
    assert consent.set_referral_status(db, caseworker, ref, ReferralStatus.ACCEPTED) == ReferralStatus.ACCEPTED
    with pytest.raises(RuleViolation):
        consent.set_referral_status(db, caseworker, ref, ReferralStatus.DECLINED)
    with pytest.raises(ValidationError):
        consent.set_referral_status(db, caseworker, ref, ReferralStatus.REVOKED)
    consent.set_referral_status(db, caseworker, ref, ReferralStatus.DONE)
    with db.transaction(None, readonly=True) as s:
        history = s.get(ServiceRecord, ref).details["history"]
    assert [h["status"] for h in history] == ["accepted", "done"]


# -- distribution rules ------------------------------------------------------------------------

def _give(db, centre_id, resident_id, kind, subtype, day, quantity=1):
    with db.transaction(None) as s:
        s.add(ServiceRecord(centre_id=centre_id, resident_id=resident_id, kind=kind, subtype=subtype,
                            service_date=day, quantity=quantity, details={}))


def test_distribution_rules_interval_daily_max_and_exclusions(db, centres, make_actor):
    admin = make_actor(Role.ADMIN)
    gao = centres["GAO"]
    a, b, c = (add_resident(db, gao, n, "Test") for n in ("Ali", "Binta", "Cheick"))
    distribution.save_rule(db, admin, kind=ServiceKind.NFI_KIT, subtype="hygiene", min_interval_days=30,
                           excludes=["dignity"])
    distribution.save_rule(db, admin, kind=ServiceKind.MEAL, max_per_day=3)
    with pytest.raises(ValidationError):
        distribution.save_rule(db, admin, kind=ServiceKind.MEDICAL, max_per_period=2)
    _give(db, gao, a, ServiceKind.NFI_KIT, "hygiene", TODAY - dt.timedelta(days=10))
    _give(db, gao, b, ServiceKind.NFI_KIT, "dignity", TODAY - dt.timedelta(days=3))
    _give(db, gao, c, ServiceKind.NFI_KIT, "hygiene", TODAY - dt.timedelta(days=40))
    _give(db, gao, a, ServiceKind.MEAL, "meal", TODAY, quantity=3)
    with db.transaction(None, readonly=True) as s:
        skipped = distribution.check_distribution(s, ServiceKind.NFI_KIT, "hygiene", [a, b, c], TODAY)
        assert set(skipped) == {a, b}
        assert "30" in skipped[a] and "dignity" in skipped[b]
        meals = distribution.check_distribution(s, ServiceKind.MEAL, "meal", [a, b], TODAY)
        assert set(meals) == {a} and "3" in meals[a]


def test_household_rule_serves_one_family_member(db, centres, make_actor):
    admin = make_actor(Role.ADMIN)
    gao = centres["GAO"]
    with db.transaction(None) as s:
        hh = Household(centre_id=gao, name="Famille Bah", kind=HouseholdKind.FAMILY)
        s.add(hh)
    father = add_resident(db, gao, "Alpha", "Bah", sex=Sex.MALE, household_id=hh.id)
    mother = add_resident(db, gao, "Mariama", "Bah", household_id=hh.id)
    alone = add_resident(db, gao, "Ibrahima", "Sow", sex=Sex.MALE)
    distribution.save_rule(db, admin, kind=ServiceKind.NFI_KIT, subtype="family", min_interval_days=30,
                           per_household=True)
    with db.transaction(None, readonly=True) as s:
        skipped = distribution.check_distribution(s, ServiceKind.NFI_KIT, "family", [father, mother, alone], TODAY)
    assert set(skipped) == {mother}
    _give(db, gao, father, ServiceKind.NFI_KIT, "family", TODAY - dt.timedelta(days=2))
    with db.transaction(None, readonly=True) as s:
        assert set(distribution.check_distribution(s, ServiceKind.NFI_KIT, "family", [mother], TODAY)) == {mother}

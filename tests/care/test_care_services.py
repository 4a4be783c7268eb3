"""Services given to residents: bulk distribution, medical, MHPSS, counselling, referrals, voiding,
listing and the timeline."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
from support.care import add_resident, present  # noqa: F401 - fixture
from sqlalchemy import func, select

from transit_centre.care import distribution, medical, mhpss, records, referrals
from transit_centre.care.enums import (
    ConsultationType,
    CounsellingType,
    FitStatus,
    MhpssType,
    NfiKit,
    PartnerSector,
    ReferralArea,
    ReferralOutcome,
)
from transit_centre.db.models import AuditEntry, ServiceParticipant, ServiceRecord
from transit_centre.enums import AuditAction, Role, ServiceKind, Sex
from transit_centre.errors import ConflictError, DomainError, NotFound, PermissionDenied, RuleViolation, ValidationError
from transit_centre.registry.timeline import resident_timeline

TODAY = dt.date.today()


def _count(db, *where) -> int:
    with db.transaction(None, readonly=True) as s:
        return s.scalar(select(func.count(ServiceRecord.id)).where(*where))


# --- bulk distribution -------------------------------------------------------------------

def test_meals_for_everyone_present_in_one_step(db, centres, make_actor, present):
    cw = make_actor(Role.CASEWORKER)
    result = distribution.record_distribution(db, cw, centres["GAO"], kind=ServiceKind.MEAL, quantity=2)
    assert result.recorded == 15
    with db.transaction(None, readonly=True) as s:
        rows = s.scalars(select(ServiceRecord).where(ServiceRecord.kind == ServiceKind.MEAL)).all()
    assert sorted(r.resident_id for r in rows) == sorted(present)  # not the departed, not the other centre
    assert {(r.subtype, r.quantity, r.service_date, r.centre_id) for r in rows} == {
        ("meal", 2, TODAY, centres["GAO"])}


def test_nfi_kits_for_a_ticked_subset(db, centres, make_actor, present):
    cw = make_actor(Role.CASEWORKER)
    chosen = present[:4]
    preview = distribution.preview_distribution(db, cw, centres["GAO"], kind=ServiceKind.NFI_KIT,
                                                subtype=NfiKit.HYGIENE, resident_ids=chosen)
    assert [r.resident_id for r in preview.recipients] == chosen and not preview.has_repeats
    result = distribution.record_distribution(db, cw, centres["GAO"], kind="nfi_kit", subtype="hygiene_kit",
                                              resident_ids=chosen, quantity=1)
    assert result.recorded == 4
    assert _count(db, ServiceRecord.subtype == "hygiene_kit") == 4


def test_repeat_on_the_same_day_warns_then_skips_or_records(db, centres, make_actor, present):
    cw = make_actor(Role.CASEWORKER)
    gao = centres["GAO"]
    distribution.record_distribution(db, cw, gao, kind=ServiceKind.NFI_KIT, subtype=NfiKit.DIGNITY,
                                     resident_ids=present[:3])
    preview = distribution.preview_distribution(db, cw, gao, kind=ServiceKind.NFI_KIT, subtype=NfiKit.DIGNITY)
    assert sorted(r.resident_id for r in preview.repeats) == sorted(present[:3])
    assert len(preview.recipients) == 15
    # Another kit type is not a repeat.
    other = distribution.preview_distribution(db, cw, gao, kind=ServiceKind.NFI_KIT, subtype=NfiKit.CLOTHING)
    assert other.repeats == ()
    skipped = distribution.record_distribution(db, cw, gao, kind=ServiceKind.NFI_KIT, subtype=NfiKit.DIGNITY,
                                               skip_repeats=True)
    assert skipped.recorded == 12 and len(skipped.skipped_repeats) == 3
    assert _count(db, ServiceRecord.subtype == "dignity_kit") == 15
    forced = distribution.record_distribution(db, cw, gao, kind=ServiceKind.NFI_KIT, subtype=NfiKit.DIGNITY,
                                              resident_ids=present[:1], skip_repeats=False)
    assert forced.recorded == 1
    assert _count(db, ServiceRecord.subtype == "dignity_kit", ServiceRecord.resident_id == present[0]) == 2


def test_voided_distribution_is_not_a_repeat(db, centres, make_actor, present):
    cw = make_actor(Role.CASEWORKER)
    first = distribution.record_distribution(db, cw, centres["GAO"], kind=ServiceKind.MEAL, resident_ids=present[:1])
    records.void_service(db, cw, first.service_ids[0], "wrong person")
    preview = distribution.preview_distribution(db, cw, centres["GAO"], kind=ServiceKind.MEAL, resident_ids=present[:1])
    assert preview.repeats == ()


def test_distribution_refuses_bad_input_and_absent_residents(db, centres, make_actor, present):
    cw = make_actor(Role.CASEWORKER)
    gao = centres["GAO"]
    with pytest.raises(ValidationError) as exc:
        distribution.record_distribution(db, cw, gao, kind=ServiceKind.MEDICAL, quantity=0,
                                         day=TODAY + dt.timedelta(days=1))
    assert {"kind", "quantity", "day"} <= set(exc.value.errors)
    with pytest.raises(ValidationError) as exc:
        distribution.record_distribution(db, cw, gao, kind=ServiceKind.NFI_KIT, subtype="caviar")
    assert "subtype" in exc.value.errors
    gone = add_resident(db, gao, "Déjà", "Parti", arrival=TODAY - dt.timedelta(days=9),
                        departure=TODAY - dt.timedelta(days=1))
    with pytest.raises(RuleViolation):
        distribution.record_distribution(db, cw, gao, kind=ServiceKind.MEAL, resident_ids=[present[0], gone])
    with pytest.raises(RuleViolation):
        distribution.record_distribution(db, cw, gao, kind=ServiceKind.MEAL, resident_ids=[])
    # On the night the departed resident was still there, the distribution is accepted.
    old = distribution.record_distribution(db, cw, gao, kind=ServiceKind.MEAL, resident_ids=[gone],
                                           day=TODAY - dt.timedelta(days=5))
    assert old.recorded == 1
    assert _count(db, ServiceRecord.kind == ServiceKind.MEAL) == 1


def test_distribution_permissions(db, centres, make_actor, present):
    for role in (Role.MEDICAL, Role.MHPSS, Role.HQ, Role.CASH_OFFICER):
        with pytest.raises(PermissionDenied):
            distribution.record_distribution(db, make_actor(role), centres["GAO"], kind=ServiceKind.MEAL)
    with pytest.raises(PermissionDenied):  # a caseworker of another centre
        distribution.record_distribution(db, make_actor(Role.CASEWORKER, centre="KAY"), centres["GAO"],
                                         kind=ServiceKind.MEAL)
    assert _count(db) == 0


# --- medical ------------------------------------------------------------------------------

def test_consultations_and_vaccination(db, centres, make_actor):
    gao = centres["GAO"]
    child = add_resident(db, gao, "Petit", "Enfant", dob=TODAY - dt.timedelta(days=700))
    nurse = make_actor(Role.MEDICAL)
    vac = medical.record_consultation(db, nurse, child, consultation_type=ConsultationType.VACCINATION,
                                      provider="Dr Sangaré", vaccine="Rougeole (VAR)", dose="1",
                                      note="Bonne tolérance")
    assert vac.kind == ServiceKind.MEDICAL and vac.subtype == "vaccination"
    assert vac.details == {"vaccine_kind": "measles", "vaccine": "Rougeole (VAR)", "dose": "1", "under_five": True}
    assert vac.has_note and vac.note is None and vac.can_read_note
    curative = medical.record_consultation(db, nurse, child, consultation_type="curative", provider="Dr Sangaré")
    assert not curative.has_note
    with pytest.raises(ValidationError) as exc:
        medical.record_consultation(db, nurse, child, consultation_type=ConsultationType.VACCINATION, provider="")
    assert {"vaccine", "provider"} <= set(exc.value.errors)
    with pytest.raises(ValidationError) as exc:
        medical.record_consultation(db, nurse, child, consultation_type=ConsultationType.REFERRAL_HEALTH,
                                    provider="Dr S")
    assert "facility" in exc.value.errors
    with pytest.raises(ValidationError):
        medical.record_consultation(db, nurse, child, consultation_type="fit_to_travel", provider="Dr S")
    with pytest.raises(PermissionDenied):
        medical.record_consultation(db, make_actor(Role.CASEWORKER), child, consultation_type="curative",
                                    provider="X")
    with pytest.raises(NotFound):
        medical.record_consultation(db, nurse, uuid.uuid4(), consultation_type="curative", provider="X")


def test_fit_to_travel_contract(db, centres, make_actor):
    gao = centres["GAO"]
    rid = add_resident(db, gao, "Voyage", "Prêt")
    nurse = make_actor(Role.MEDICAL)
    with db.transaction(None, readonly=True) as s:
        assert medical.latest_fit_to_travel(s, rid) is None
    with pytest.raises(ValidationError) as exc:
        medical.record_fit_to_travel(db, nurse, rid, status=FitStatus.FIT, provider="Dr S")
    assert "valid_until" in exc.value.errors
    with pytest.raises(ValidationError):
        medical.record_fit_to_travel(db, nurse, rid, status="fit", provider="Dr S",
                                     valid_until=TODAY - dt.timedelta(days=1))
    medical.record_fit_to_travel(db, nurse, rid, status=FitStatus.NOT_FIT, provider="Dr S",
                                 day=TODAY - dt.timedelta(days=2), note="Paludisme")
    until = TODAY + dt.timedelta(days=7)
    view = medical.record_fit_to_travel(db, nurse, rid, status=FitStatus.FIT_WITH_ESCORT, provider="Dr S",
                                        valid_until=until)
    with db.transaction(None, readonly=True) as s:
        record = s.get(ServiceRecord, view.id)
        assert record.subtype == "fit_to_travel"
        assert record.details == {"fit_status": "fit_with_escort", "valid_until": until.isoformat()}
        fit = medical.latest_fit_to_travel(s, rid)
    assert (fit.service_id, fit.status, fit.valid_until, fit.assessed_on, fit.provider) == (
        view.id, FitStatus.FIT_WITH_ESCORT, until, TODAY, "Dr S")
    assert fit.status == "fit_with_escort" and fit.valid_on(until) and not fit.valid_on(until + dt.timedelta(days=1))
    records.void_service(db, nurse, view.id, "saisie en double")
    assert medical.fit_to_travel(db, make_actor(Role.CASEWORKER), rid).status == FitStatus.NOT_FIT


# --- MHPSS -----------------------------------------------------------------------------------

def test_mhpss_individual_group_and_referral(db, centres, make_actor, present):
    officer = make_actor(Role.MHPSS)
    pfa = mhpss.record_mhpss_session(db, officer, present[0], session_type=MhpssType.PFA, provider="O. Touré",
                                     note="Très anxieux")
    assert pfa.subtype == "pfa" and pfa.has_note
    group = mhpss.record_group_activity(db, officer, activity_type=MhpssType.RECREATIONAL, title="Football",
                                        attendee_ids=present[:12] + [present[0]], provider="O. Touré")
    assert group.resident_id is None and group.participant_count == 12 and group.quantity == 12
    assert "Football" in group.summary
    with db.transaction(None, readonly=True) as s:
        assert s.scalar(select(func.count(ServiceParticipant.id))) == 12
    ref = mhpss.record_mhpss_referral(db, officer, present[1], referred_to="CHU Gabriel Touré",
                                      provider="O. Touré", note="Idées suicidaires")
    assert ref.details == {"referred_to": "CHU Gabriel Touré"}
    with pytest.raises(ValidationError):
        mhpss.record_mhpss_session(db, officer, present[0], session_type=MhpssType.GROUP, provider="O")
    with pytest.raises(ValidationError):
        mhpss.record_group_activity(db, officer, activity_type=MhpssType.GROUP, title="x", attendee_ids=[],
                                    provider="O")
    with pytest.raises(RuleViolation):
        mhpss.record_group_activity(db, officer, activity_type=MhpssType.GROUP, title="x",
                                    attendee_ids=[uuid.uuid4()], provider="O")
    with pytest.raises(PermissionDenied):
        mhpss.record_mhpss_session(db, make_actor(Role.MEDICAL), present[0], session_type="pfa", provider="O")
    # The group activity shows in each attendee's services.
    cw = make_actor(Role.CASEWORKER)
    mine = records.resident_services(db, cw, present[5])
    assert [v.id for v in mine] == [group.id]


# --- counselling and referrals ------------------------------------------------------------

def test_counselling_individual_and_group(db, centres, make_actor, present):
    cw = make_actor(Role.CASEWORKER)
    one = referrals.record_counselling(db, cw, counselling_type=CounsellingType.INDIVIDUAL, resident_id=present[0],
                                       provider="F. Coulibaly", topics="Retour volontaire, réintégration")
    assert one.kind == ServiceKind.COUNSELLING and one.details["topics"].startswith("Retour")
    group = referrals.record_counselling(db, cw, counselling_type="group", attendee_ids=present[:6],
                                         provider="F. Coulibaly")
    assert group.participant_count == 6
    with pytest.raises(ValidationError) as exc:
        referrals.record_counselling(db, cw, counselling_type="individual", provider=" ")
    assert {"resident", "provider"} <= set(exc.value.errors)


def _consent(db, actor, resident_id, partner):
    try:
        from transit_centre.protection.consent import record_consent
    except ImportError:
        return
    record_consent(db, actor, resident_id, partner)


def test_referral_to_partner_and_outcome_later(db, centres, make_actor, present):
    cw = make_actor(Role.CASEWORKER)
    partner = referrals.save_partner(db, cw, name="Direction régionale de la promotion de l'enfant",
                                     sector=PartnerSector.GOVERNMENT)
    assert [p.name for p in referrals.list_partners(db, cw)] == [partner.name]
    with pytest.raises(DomainError):
        referrals.save_partner(db, cw, name="direction regionale de la PROMOTION de l'enfant")
    _consent(db, cw, present[0], partner.name)
    ref = referrals.record_referral(db, cw, present[0], partner_id=partner.id, area=ReferralArea.CHILD_PROTECTION,
                                    reason="Mineur non accompagné")
    assert ref.details["outcome"] == "pending" and ref.details["partner"] == partner.name
    done = referrals.update_referral_outcome(db, cw, ref.id, outcome=ReferralOutcome.SERVICE_RECEIVED,
                                             remark="Placé en famille d'accueil", expected_version=ref.version)
    assert done.details["outcome"] == "service_received" and done.details["outcome_date"] == TODAY.isoformat()
    with pytest.raises(ConflictError):
        referrals.update_referral_outcome(db, cw, ref.id, outcome="declined", expected_version=ref.version)
    with pytest.raises(ValidationError):
        referrals.update_referral_outcome(db, cw, ref.id, outcome="lost")
    with pytest.raises(ValidationError) as exc:
        referrals.record_referral(db, cw, present[0], partner_id="nope", area="x", reason="")
    assert {"partner", "area", "reason"} <= set(exc.value.errors)


# --- void, listing, timeline ---------------------------------------------------------------

def test_void_keeps_the_record_with_reason(db, centres, make_actor, present):
    cw = make_actor(Role.CASEWORKER)
    res = distribution.record_distribution(db, cw, centres["GAO"], kind=ServiceKind.MEAL, resident_ids=present[:1])
    sid = res.service_ids[0]
    with pytest.raises(ValidationError):
        records.void_service(db, cw, sid, "  ")
    view = records.void_service(db, cw, sid, "Erreur de saisie")
    assert view.voided and view.void_reason == "Erreur de saisie"
    with pytest.raises(RuleViolation):
        records.void_service(db, cw, sid, "again")
    assert _count(db, ServiceRecord.id == sid) == 1
    with db.transaction(None, readonly=True) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.entity_id == sid,
                                                   AuditEntry.action == AuditAction.VOID)).one()
    assert entry.new_value == "Erreur de saisie"
    nurse = make_actor(Role.MEDICAL)
    consult = medical.record_consultation(db, nurse, present[0], consultation_type="curative", provider="Dr S")
    with pytest.raises(PermissionDenied):  # a caseworker cannot void a medical record
        records.void_service(db, cw, consult.id, "no")
    records.void_service(db, nurse, consult.id, "mauvais patient", expected_version=consult.version)


def test_centre_listing_with_paging_and_filters(db, centres, make_actor, present):
    cw = make_actor(Role.CASEWORKER)
    gao = centres["GAO"]
    yesterday = TODAY - dt.timedelta(days=1)
    distribution.record_distribution(db, cw, gao, kind=ServiceKind.MEAL, day=yesterday)
    distribution.record_distribution(db, cw, gao, kind=ServiceKind.MEAL)
    distribution.record_distribution(db, cw, gao, kind=ServiceKind.NFI_KIT, subtype="blanket_mat",
                                     resident_ids=present[:2])
    first = records.page_services(db, cw, gao, offset=0, limit=10)
    assert first.total == 32 and len(first.rows) == 10
    seen = {v.id for v in first.rows}
    offset = 10
    while offset < first.total:
        page = records.page_services(db, cw, gao, offset=offset, limit=10)
        seen |= {v.id for v in page.rows}
        offset += 10
    assert len(seen) == 32
    assert records.services_on(db, cw, gao, yesterday).total == 15
    nfi = records.page_services(db, cw, gao, records.ServiceQuery(kinds=(ServiceKind.NFI_KIT,)))
    assert nfi.total == 2 and all(v.summary for v in nfi.rows)
    assert records.page_services(db, cw, gao, records.ServiceQuery(resident_id=present[0])).total == 3
    with pytest.raises(PermissionDenied):
        records.page_services(db, make_actor(Role.CASEWORKER, centre="KAY"), gao)
    with pytest.raises(PermissionDenied):
        records.page_services(db, make_actor(Role.CASH_OFFICER), gao)


def test_timeline_shows_services_without_notes(db, centres, make_actor, present):
    nurse = make_actor(Role.MEDICAL)
    medical.record_consultation(db, nurse, present[0], consultation_type=ConsultationType.SCREENING,
                                provider="Dr Sangaré", note="SECRET-CLINIQUE")
    cw = make_actor(Role.CASEWORKER)
    events = [e for e in resident_timeline(db, cw, present[0]) if e.kind == "service"]
    assert len(events) == 1
    assert events[0].detail == "Dr Sangaré" and ConsultationType.SCREENING.label in events[0].title
    assert all("SECRET" not in e.title + e.detail for e in events)


def test_resident_of_another_centre_is_refused(db, centres, make_actor):
    elsewhere = add_resident(db, centres["KAY"], "Autre", "Centre", code="KAY")
    with pytest.raises(RuleViolation):
        medical.record_consultation(db, make_actor(Role.MEDICAL), elsewhere, consultation_type="curative",
                                    provider="Dr S")


def test_fixture_has_men_and_women(db, present):
    with db.transaction(None, readonly=True) as s:
        from transit_centre.db.models import Resident
        sexes = set(s.scalars(select(Resident.sex).where(Resident.id.in_(present))))
    assert sexes == {Sex.MALE, Sex.FEMALE}


# --- casework rules applied by the care services -----------------------------------------

def test_distribution_rules_skip_residents(db, centres, make_actor, present):
    from transit_centre.care import distribution_rules as rules

    rules.save_rule(db, make_actor(Role.ADMIN), kind=ServiceKind.NFI_KIT, subtype="hygiene_kit",
                    min_interval_days=30)
    cw = make_actor(Role.CASEWORKER)
    distribution.record_distribution(db, cw, centres["GAO"], kind=ServiceKind.NFI_KIT, subtype="hygiene_kit",
                                     resident_ids=present[:2], day=TODAY - dt.timedelta(days=1))
    preview = distribution.preview_distribution(db, cw, centres["GAO"], kind=ServiceKind.NFI_KIT,
                                                subtype="hygiene_kit")
    assert sorted(r.resident_id for r in preview.rule_skips) == sorted(present[:2]) and preview.repeats == ()
    result = distribution.record_distribution(db, cw, centres["GAO"], kind=ServiceKind.NFI_KIT,
                                              subtype="hygiene_kit", skip_repeats=False)
    assert result.recorded == 13 and len(result.rule_skips) == 2


def test_referral_without_consent_is_refused(db, centres, make_actor, present):
    cw = make_actor(Role.CASEWORKER)
    partner = referrals.save_partner(db, cw, name="Clinique juridique")
    with pytest.raises(RuleViolation):
        referrals.record_referral(db, cw, present[0], partner_id=partner.id, area="legal", reason="Papiers")
    with pytest.raises(PermissionDenied):
        referrals.record_referral(db, cw, present[0], partner_id=partner.id, area="legal", reason="Papiers",
                                  override_reason="urgent")
    view = referrals.record_referral(db, make_actor(Role.MANAGER), present[0], partner_id=partner.id, area="legal",
                                     reason="Papiers", override_reason="Urgence, résident absent")
    assert view.details["status"] == "sent"

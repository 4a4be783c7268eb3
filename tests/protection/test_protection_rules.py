"""The protection rules in daily work: children and their family's adults (check-out, transfer,
movements), escorts, money paid for a minor, one service record per click, services only for
people present, and the gaps a mutation run found (flags without a stay, receipt numbers across
a new year, a person with two stays in a month, sex not recorded)."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
from support.avrr import TODAY, add_fit, add_resident, open_international, walk_to_fit
from sqlalchemy import select

from transit_centre.ages import years_before
from transit_centre.avrr import cash as K
from transit_centre.avrr import movements as M
from transit_centre.avrr.documents import manifest_view
from transit_centre.care import medical
from transit_centre.care.enums import ConsultationType
from transit_centre.protection import flags
from transit_centre.db.models import Household, Resident, Stay, Vulnerability
from transit_centre.enums import (
    HouseholdKind,
    HouseholdRole,
    MovementMode,
    RecipientRole,
    Role,
    VulnerabilityKind,
)
from transit_centre.errors import NeedsConfirmation, RuleViolation, ValidationError
from transit_centre.i18n import set_language
from transit_centre.security.permissions import Actor
from transit_centre.shelter import admission
from transit_centre.shelter.guardians import SeparationNeeded

ADULT = dt.date(1990, 4, 2)
CHILD = years_before(TODAY, 9) - dt.timedelta(days=1)  # 9 years old whatever the day


@pytest.fixture(autouse=True)
def _english():
    set_language("en")


@pytest.fixture
def gao(centres):
    return centres["GAO"]


@pytest.fixture
def manager(make_actor):
    return make_actor(Role.MANAGER)


def family(db, centre_id, *members: tuple[str, dt.date]) -> list[uuid.UUID]:
    """Residents present in the centre, in one family household (first name, date of birth)."""
    ids = [add_resident(db, centre_id, first, "Traoré", dob=born) for first, born in members]
    with db.transaction(Actor.system()) as s:
        household = Household(centre_id=centre_id, name="Famille Traoré", kind=HouseholdKind.FAMILY)
        s.add(household)
        s.flush()
        for rid in ids:
            r = s.get(Resident, rid)
            r.household_id = household.id
            r.household_role = HouseholdRole.CHILD if r.date_of_birth == CHILD else HouseholdRole.HEAD
    return ids


def stay_of(db, resident_id) -> uuid.UUID:
    with db.transaction(None, readonly=True) as s:
        return s.scalar(select(Stay.id).where(Stay.resident_id == resident_id, Stay.departure_date.is_(None)))


def separated(db, resident_id) -> list[Vulnerability]:
    with db.transaction(None, readonly=True) as s:
        return list(s.scalars(select(Vulnerability).where(Vulnerability.resident_id == resident_id,
                                                          Vulnerability.kind == VulnerabilityKind.SEPARATED_MINOR)))


# --- the guardian rule -----------------------------------------------------------------------------

def test_a_child_checked_out_without_the_family_needs_a_reason(db, gao, manager):
    mother, child = family(db, gao, ("Awa", ADULT), ("Fanta", CHILD))
    warning = admission.separation_warning(db, manager, stay_of(db, child))
    assert warning and "Fanta Traoré (9 years)" in warning and "Awa Traoré" in warning
    with pytest.raises(SeparationNeeded) as refused:
        admission.check_out(db, manager, stay_of(db, child), reason="other", note="left with an uncle")
    assert refused.value.field == "separation_reason"
    assert stay_of(db, child) is not None and not separated(db, child)  # nothing saved
    admission.check_out(db, manager, stay_of(db, child), reason="other", note="left with an uncle",
                        separation_reason="Reunited with her father in Bamako")
    (record,) = separated(db, child)
    assert record.identified_on == TODAY and record.note == "Reunited with her father in Bamako"


def test_an_adult_leaving_the_children_behind_needs_a_reason_and_the_family_leaves_together(db, gao, manager):
    mother, child = family(db, gao, ("Awa", ADULT), ("Fanta", CHILD))
    with pytest.raises(SeparationNeeded):
        admission.check_out(db, manager, stay_of(db, mother), reason="left_on_own")
    assert admission.separation_warning(db, manager, stay_of(db, mother), [child]) is None
    admission.check_out(db, manager, stay_of(db, mother), reason="left_on_own", companions=[child])
    assert stay_of(db, mother) is None and stay_of(db, child) is None and not separated(db, child)


def test_a_child_transferred_away_from_the_family(db, gao, centres, manager):
    mother, child = family(db, gao, ("Awa", ADULT), ("Fanta", CHILD))
    with pytest.raises(SeparationNeeded):
        admission.transfer(db, manager, stay_of(db, child), centres["BKO"])
    moved = admission.transfer(db, manager, stay_of(db, child), centres["BKO"], companions=[mother])
    assert moved.centre_id == centres["BKO"]
    with db.transaction(None, readonly=True) as s:
        assert {st.centre_id for st in s.scalars(select(Stay).where(Stay.departure_date.is_(None),
                                                                    Stay.resident_id.in_([mother, child])))} \
            == {centres["BKO"]}
    assert not separated(db, child)


def test_a_stranger_is_no_companion(db, gao, manager):
    child = family(db, gao, ("Fanta", CHILD))[0]
    other = add_resident(db, gao, "Moussa", "Keïta")
    with pytest.raises(RuleViolation, match="same household"):
        admission.check_out(db, manager, stay_of(db, child), reason="left_on_own", companions=[other])


def _movement(db, actor, escorts=()):
    return M.create_movement(db, actor, M.MovementInput(TODAY, MovementMode.BUS_CONVOY, "GN", "Gao → Conakry",
                                                        (), "STMB", None, tuple(escorts)))


def _book_ready(db, actor, gao, rid):
    add_fit(db, gao, rid)
    case = open_international(db, actor, rid)
    walk_to_fit(db, actor, case.summary.id)
    return case.summary.id


def test_movement_minor_booked_before_the_adult_needs_a_reason_and_an_escort(db, gao, make_actor):
    cw = make_actor(Role.CASEWORKER)
    mother, child = family(db, gao, ("Awa", ADULT), ("Fanta", CHILD))
    mother_case, child_case = _book_ready(db, cw, gao, mother), _book_ready(db, cw, gao, child)
    movement = _movement(db, cw)
    # Alone on a movement with no escort, the child is not ready...
    row = next(r for r in M.readiness(db, cw, movement.id) if r.return_case_id == child_case)
    assert not row.ready and row.escort_required
    assert any("without an adult of their family" in reason for reason in row.reasons)
    # ...with the mother booked first, the child travels with her: no escort needed.
    M.add_case(db, cw, movement.id, mother_case)
    M.add_case(db, cw, movement.id, child_case)
    view = manifest_view(db, cw, movement.id)
    assert [(t.first_name, t.is_minor, t.escort_required) for t in view.travellers] == [
        ("Awa", False, False), ("Fanta", True, False)]
    # Taking the mother off leaves the child alone: the departure is refused.
    M.remove_case(db, cw, movement.id, mother_case, "ill")
    with pytest.raises(RuleViolation, match="no escort"):
        M.mark_departed(db, cw, movement.id)


def test_movement_child_without_the_family_adult_needs_a_reason(db, gao, make_actor):
    cw = make_actor(Role.CASEWORKER)
    mother, child = family(db, gao, ("Awa", ADULT), ("Fanta", CHILD))
    child_case = _book_ready(db, cw, gao, child)
    movement = _movement(db, cw, escorts=("Ibrahim Touré",))
    with pytest.raises(SeparationNeeded):
        M.add_case(db, cw, movement.id, child_case)
    M.add_case(db, cw, movement.id, child_case, separation_reason="Mother stays for medical care; aunt waits")
    assert len(separated(db, child)) == 1
    view = manifest_view(db, cw, movement.id)
    assert view.travellers[0].escort_required and view.travellers[0].is_separated
    departed = M.mark_departed(db, cw, movement.id)  # the separation was recorded at booking
    assert departed.status.value == "departed"


def test_the_escort_rule_at_the_eighteenth_birthday(db, gao, make_actor):
    """Travelling alone the day before their 18th birthday needs an escort; on the day, not."""
    cw = make_actor(Role.CASEWORKER)
    for born, needs in ((years_before(TODAY, 18) + dt.timedelta(days=1), True), (years_before(TODAY, 18), False)):
        rid = add_resident(db, gao, "Sékou", "Bah", dob=born)
        case_id = _book_ready(db, cw, gao, rid)
        movement = _movement(db, cw)
        row = next(r for r in M.readiness(db, cw, movement.id) if r.return_case_id == case_id)
        assert row.escort_required is needs and row.ready is not needs


# --- money for a minor -------------------------------------------------------------------------------

def _approved_grant(db, gao, make_actor, born):
    cw, manager = make_actor(Role.CASEWORKER), make_actor(Role.MANAGER, username="chef")
    rid = add_resident(db, gao, "Mariam", "Diallo", dob=born)
    grant = K.plan_grant(db, cw, K.GrantInput(rid, "pocket_money", 25_000))
    return K.approve_grant(db, manager, grant.id)


def test_a_grant_for_a_minor_names_who_received_it(db, gao, make_actor):
    cash = make_actor(Role.CASH_OFFICER, username="cash")
    grant = _approved_grant(db, gao, make_actor, dt.date(TODAY.year - 17, 1, 1))
    assert grant.minor_on(TODAY)
    with pytest.raises(ValidationError) as refused:
        K.disburse(db, cash, grant.id, K.DisbursementInput())
    assert set(refused.value.errors) == {"received_by_name", "received_by_role"}
    receipt = K.disburse(db, cash, grant.id, K.DisbursementInput(received_by_name="Awa Diallo",
                                                                 received_by_role=RecipientRole.PARENT))
    assert receipt.beneficiary_minor and receipt.beneficiary_age == 17
    assert (receipt.received_by_name, receipt.received_by_role) == ("Awa Diallo", RecipientRole.PARENT)


def test_an_adult_signs_for_their_own_grant(db, gao, make_actor):
    """Paid on their 18th birthday, the money is the resident's own: no recipient recorded."""
    cash = make_actor(Role.CASH_OFFICER, username="cash")
    grant = _approved_grant(db, gao, make_actor, years_before(TODAY, 18))
    receipt = K.disburse(db, cash, grant.id, K.DisbursementInput(received_by_name="Someone",
                                                                 received_by_role="parent"))
    assert not receipt.beneficiary_minor and receipt.received_by_name is None


def test_receipt_numbers_follow_the_payment_year(db, gao, make_actor):
    """A payment dated 31 December, entered later, takes the number of the year it was paid."""
    cash = make_actor(Role.CASH_OFFICER, username="cash")
    grant = _approved_grant(db, gao, make_actor, ADULT)
    last_year = dt.date(TODAY.year - 1, 12, 31)
    with db.transaction(Actor.system()) as s:  # approved last year
        from transit_centre.db.models import CashGrant

        s.get(CashGrant, grant.id).approved_at = dt.datetime(TODAY.year - 1, 12, 30, tzinfo=dt.timezone.utc)
    receipt = K.disburse(db, cash, grant.id, K.DisbursementInput(disbursed_on=last_year))
    assert receipt.number == f"GAO-{TODAY.year - 1}-R-000001"


# --- services: present on the day, once per click ------------------------------------------------------

def test_a_service_for_someone_not_present_is_refused_unless_back_dated(db, gao, centres, manager, make_actor):
    nurse = make_actor(Role.MEDICAL)
    rid = add_resident(db, gao, "Oumou", "Sangaré", arrival=TODAY - dt.timedelta(days=10))
    admission.transfer(db, manager, stay_of(db, rid), centres["BKO"], day=TODAY - dt.timedelta(days=2))
    with pytest.raises(RuleViolation, match="not in this centre"):
        medical.record_consultation(db, nurse, rid, consultation_type=ConsultationType.CURATIVE, provider="Dr A")
    done = medical.record_consultation(db, nurse, rid, consultation_type=ConsultationType.CURATIVE, provider="Dr A",
                                       day=TODAY - dt.timedelta(days=3))
    assert done.service_date == TODAY - dt.timedelta(days=3)


def test_the_same_service_twice_the_same_day_is_asked_first(db, gao, make_actor):
    nurse = make_actor(Role.MEDICAL)
    rid = add_resident(db, gao, "Oumou", "Sangaré")
    medical.record_consultation(db, nurse, rid, consultation_type=ConsultationType.CURATIVE, provider="Dr A")
    with pytest.raises(NeedsConfirmation, match="already recorded"):
        medical.record_consultation(db, nurse, rid, consultation_type=ConsultationType.CURATIVE, provider="Dr A")
    medical.record_consultation(db, nurse, rid, consultation_type=ConsultationType.SCREENING, provider="Dr A")
    medical.record_consultation(db, nurse, rid, consultation_type=ConsultationType.CURATIVE, provider="Dr A",
                                confirmed=True)
    from transit_centre.care.records import resident_services

    assert len(resident_services(db, nurse, rid)) == 3


# --- flags, reports ----------------------------------------------------------------------------------------

def test_a_departure_flag_holds_without_an_open_stay(db, gao, make_actor):
    """The resident left the centre before the movement: the flag still refuses the departure."""
    cw, manager = make_actor(Role.CASEWORKER), make_actor(Role.MANAGER)
    rid = add_resident(db, gao, "Ibrahim", "Cissé")
    case_id = _book_ready(db, cw, gao, rid)
    movement = _movement(db, cw)
    M.add_case(db, cw, movement.id, case_id)
    admission.check_out(db, manager, stay_of(db, rid), reason="other", note="waits in town for the bus")
    flag_type = next(t for t in flags.list_flag_types(db, manager) if t.code == "do_not_release")
    flags.set_flag(db, manager, rid, flag_type.id, "Police enquiry")
    with pytest.raises(RuleViolation, match="Police enquiry"):
        M.mark_departed(db, cw, movement.id)


def test_one_person_with_two_stays_counts_once_and_sex_not_recorded_counts_apart(db, gao, manager):
    from transit_centre.reports.sources import Period
    from transit_centre.reports.stats import _by_sex, _returns, period_statistics

    start = TODAY.replace(day=1)
    rid = add_resident(db, gao, "Awa", "Koné", arrival=start)
    admission.check_out(db, manager, stay_of(db, rid), reason="left_on_own", day=start)
    admission.check_in(db, manager, rid, centre_id=gao, arrival_date=min(start + dt.timedelta(days=1), TODAY))
    stats = period_statistics(db, manager, gao, Period.month(TODAY.year, TODAY.month))
    assert stats.arrivals == 2 and stats.accommodated == 1
    assert _by_sex([("trafficking_victim", "M", 2), ("trafficking_victim", "F", 3),
                    ("trafficking_victim", None, 1)]) == (("trafficking_victim", 2, 3, 1),)
    assert _returns([("malian_home", "ML", "F", 4), ("malian_home", "ML", "", 1)]) == (("malian_home", "ML", 0, 4, 1),)


# --- the guardian rule's edges (each a mistake a mutation run showed no test would catch) ----------------

def _separation(db, leaving, centre_id, day=TODAY, **kwargs):
    from transit_centre.shelter import guardians

    with db.transaction(None, readonly=True) as s:
        return guardians.separation(s, leaving, centre_id, day, **kwargs)


def test_only_family_adults_present_in_this_centre_count(db, gao, centres, manager):
    mother, child = family(db, gao, ("Awa", ADULT), ("Fanta", CHILD))
    # The mother is in another centre: the child leaving Gao leaves nobody of the family behind.
    admission.transfer(db, manager, stay_of(db, mother), centres["BKO"], separation_reason="Mother hospitalised")
    assert _separation(db, [child], gao) is None
    # A travel group is not a family: its adults are not guardians.
    with db.transaction(Actor.system()) as s:
        s.get(Household, s.get(Resident, child).household_id).kind = HouseholdKind.GROUP
    other_adult = add_resident(db, gao, "Moussa", "Keïta", dob=ADULT)
    with db.transaction(Actor.system()) as s:
        s.get(Resident, other_adult).household_id = s.get(Resident, child).household_id
    assert _separation(db, [child], gao) is None


def test_an_adult_who_already_left_or_arrives_later_is_not_left_behind(db, gao, manager):
    mother, child = family(db, gao, ("Awa", ADULT), ("Fanta", CHILD))
    assert _separation(db, [child], gao) is not None  # present: the child would be separated
    with db.transaction(Actor.system()) as s:
        stay = s.scalar(select(Stay).where(Stay.resident_id == mother))
        stay.arrival_date = TODAY  # arrived today: present on the day
    assert _separation(db, [child], gao) is not None
    with db.transaction(Actor.system()) as s:
        s.scalar(select(Stay).where(Stay.resident_id == mother)).arrival_date = TODAY + dt.timedelta(days=1)
    assert _separation(db, [child], gao) is None  # not yet arrived on the day
    with db.transaction(Actor.system()) as s:
        stay = s.scalar(select(Stay).where(Stay.resident_id == mother))
        stay.arrival_date, stay.departure_date = TODAY - dt.timedelta(days=5), TODAY - dt.timedelta(days=1)
    assert _separation(db, [child], gao) is None  # already left


def test_two_families_are_judged_apart_and_every_child_is_named(db, gao):
    mother, child = family(db, gao, ("Awa", ADULT), ("Fanta", CHILD))
    father, son, daughter = family(db, gao, ("Issa", ADULT), ("Modibo", CHILD), ("Oumou", CHILD))
    found = _separation(db, [child, son, daughter, father], gao)
    assert found is not None and [c.name for c in found.children] == ["Fanta Traoré"]
    assert [a.name for a in found.adults] == ["Awa Traoré"]
    both = _separation(db, [child, son, daughter], gao)
    assert sorted(c.name for c in both.children) == ["Fanta Traoré", "Modibo Traoré", "Oumou Traoré"]
    assert sorted(a.name for a in both.adults) == ["Awa Traoré", "Issa Traoré"]
    leaving_adults = _separation(db, [mother, father], gao)
    assert sorted(c.name for c in leaving_adults.children) == ["Fanta Traoré", "Modibo Traoré", "Oumou Traoré"]
    assert _separation(db, [mother, father], gao, children_only=True) is None


def test_only_an_active_separated_record_of_this_child_counts(db, gao):
    from transit_centre.shelter.guardians import already_separated

    mother, child = family(db, gao, ("Awa", ADULT), ("Fanta", CHILD))
    other = add_resident(db, gao, "Ali", "Bah", dob=CHILD)

    def record(resident_id, kind=VulnerabilityKind.SEPARATED_MINOR, **fields):
        with db.transaction(Actor.system()) as s:
            s.add(Vulnerability(resident_id=resident_id, kind=kind, identified_on=fields.pop("on", TODAY), **fields))

    def check(day=TODAY):
        with db.transaction(None, readonly=True) as s:
            return already_separated(s, child, day)

    record(other)  # another child's record
    record(child, VulnerabilityKind.TRAFFICKING_VICTIM)  # another kind
    record(child, voided_at=dt.datetime.now(dt.timezone.utc), void_reason="error")  # voided
    record(child, on=TODAY - dt.timedelta(days=9), resolved_on=TODAY)  # resolved today
    assert not check()
    record(child, on=TODAY)
    assert check() and check(TODAY - dt.timedelta(days=1))  # the resolved one still held yesterday
    assert not check(TODAY - dt.timedelta(days=10))  # before either was identified
    with db.transaction(Actor.system()) as s:
        s.scalar(select(Vulnerability).where(Vulnerability.resident_id == child,
                                             Vulnerability.kind == VulnerabilityKind.SEPARATED_MINOR,
                                             Vulnerability.identified_on == TODAY)).resolved_on = TODAY + dt.timedelta(days=1)
    assert check()  # resolved tomorrow: still separated today


def test_a_separation_reason_too_long_is_refused_on_its_field(db, gao, manager):
    from transit_centre.errors import RuleViolation as Refused

    mother, child = family(db, gao, ("Awa", ADULT), ("Fanta", CHILD))
    with pytest.raises(Refused) as refused:
        admission.check_out(db, manager, stay_of(db, child), reason="left_on_own", separation_reason="x" * 501)
    assert refused.value.field == "separation_reason" and "500" in str(refused.value)
    admission.check_out(db, manager, stay_of(db, child), reason="left_on_own", separation_reason="x" * 500)

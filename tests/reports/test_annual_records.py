"""What the annual report needs recorded: the returnee group of each resident, reintegration
assistance (after the departure too), vaccinations by kind, and data entry after the fact within
the back-dating limit, audited as back-dated."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from support.avrr import TODAY, add_resident, departed_malian, open_international
from transit_centre.admin.backdating import KEY as BACKDATE_KEY
from transit_centre.admin.settings import set_setting
from transit_centre.avrr import cases as C
from transit_centre.avrr import cash as K
from transit_centre.avrr import movements as M
from transit_centre.avrr.reintegration import ReintegrationInput, record_reintegration, resident_reintegration, void_reintegration
from transit_centre.care import medical
from transit_centre.care.enums import ConsultationType, VaccineKind
from transit_centre.db.models import AuditEntry, Resident
from transit_centre.enums import AuditAction, GrantKind, MovementMode, ReintegrationKind, ReturneeGroup, ReturnType, Role
from transit_centre.errors import PermissionDenied, RuleViolation, ValidationError
from transit_centre.registry.groups import derive_group
from transit_centre.registry.residents import set_returnee_group
from transit_centre.registry.residents import ResidentInput, get_resident, register_resident, update_resident
from transit_centre.i18n import set_language
from transit_centre.security.permissions import Actor


@pytest.fixture(autouse=True)
def english():
    set_language("en")


def _entries(db, action=None, entity=None):
    with db.transaction(None, readonly=True) as s:
        query = select(AuditEntry)
        if action is not None:
            query = query.where(AuditEntry.action == action)
        if entity is not None:
            query = query.where(AuditEntry.entity == entity)
        return list(s.scalars(query))


def _group(db, resident_id):
    with db.transaction(None, readonly=True) as s:
        r = s.get(Resident, resident_id)
        return r.returnee_group, r.returnee_group_manual


# --- the returnee group ----------------------------------------------------------------------------

def test_group_is_derived_from_nationality_then_return_destination():
    assert derive_group("ML") == ReturneeGroup.MALIAN_RETURNEE
    assert derive_group("ng") == ReturneeGroup.INTERNATIONAL
    assert derive_group(None) is None
    assert derive_group(None, ReturnType.MALIAN_HOME) == ReturneeGroup.MALIAN_RETURNEE
    assert derive_group("ML", ReturnType.INTERNATIONAL) == ReturneeGroup.INTERNATIONAL


def test_registration_derives_the_group_and_a_caseworker_sets_it(db, centres, make_actor):
    worker = make_actor(Role.CASEWORKER)
    data = ResidentInput(first_name="Awa", last_name="Koné", sex="F", date_of_birth=dt.date(1990, 1, 1),
                         nationality="ML", registered_on=TODAY)
    awa = register_resident(db, worker, data)
    assert (awa.returnee_group, awa.returnee_group_manual) == (ReturneeGroup.MALIAN_RETURNEE, False)
    # The nationality is corrected: the derived group follows.
    changed = update_resident(db, worker, awa.id, ResidentInput(
        first_name="Awa", last_name="Koné", sex="F", date_of_birth=dt.date(1990, 1, 1), nationality="CI",
        registered_on=TODAY), awa.version)
    assert changed.returnee_group == ReturneeGroup.INTERNATIONAL
    # An internally displaced person is set by a caseworker, and stays so when the nationality changes.
    idp = set_returnee_group(db, worker, awa.id, ReturneeGroup.IDP, changed.version)
    assert (idp.returnee_group, idp.returnee_group_manual) == (ReturneeGroup.IDP, True)
    again = update_resident(db, worker, awa.id, ResidentInput(
        first_name="Awa", last_name="Koné", sex="F", date_of_birth=dt.date(1990, 1, 1), nationality="ML",
        registered_on=TODAY), idp.version)
    assert again.returnee_group == ReturneeGroup.IDP
    assert get_resident(db, worker, awa.id).resident.returnee_group == ReturneeGroup.IDP
    # Cleared: derived again from the nationality.
    derived = set_returnee_group(db, worker, awa.id, None, again.version)
    assert (derived.returnee_group, derived.returnee_group_manual) == (ReturneeGroup.MALIAN_RETURNEE, False)
    changes = [(e.old_value, e.new_value) for e in _entries(db, AuditAction.UPDATE, "resident")
               if e.field == "returnee_group" and e.entity_id == awa.id]
    assert changes == [("malian_returnee", "international"), ("international", "idp"), ("idp", "malian_returnee")]
    with pytest.raises(ValidationError):
        set_returnee_group(db, worker, awa.id, "refugee")
    with pytest.raises(PermissionDenied):
        set_returnee_group(db, make_actor(Role.MEDICAL), awa.id, ReturneeGroup.IDP)


def test_a_return_case_tells_the_group_and_a_cancelled_one_no_longer(db, centres, make_actor):
    worker = make_actor(Role.CASEWORKER)
    rid = add_resident(db, centres["GAO"], nationality=None)
    case = C.open_case(db, worker, C.CaseInput(rid, ReturnType.MALIAN_HOME, "ML", "Kayes"))
    assert _group(db, rid) == (ReturneeGroup.MALIAN_RETURNEE, False)
    C.cancel_case(db, worker, case.summary.id, "changed_mind")
    assert _group(db, rid) == (None, False)
    other = add_resident(db, centres["GAO"], nationality="ML")
    open_international(db, worker, other, "GN")  # a Malian going to Guinea: an international return
    assert _group(db, other) == (ReturneeGroup.INTERNATIONAL, False)


# --- reintegration assistance ------------------------------------------------------------------------

def test_reintegration_is_recorded_after_the_departure(db, centres, make_actor):
    worker = make_actor(Role.CASEWORKER)
    rid, case_id = departed_malian(db, centres, make_actor)
    assert get_resident(db, worker, rid).current_stay is None  # gone home; the file stays open
    cash = record_reintegration(db, worker, ReintegrationInput(rid, ReintegrationKind.CASH_IMMEDIATE,
                                                               TODAY - dt.timedelta(days=2), 75_000, "OIM Kayes"))
    business = record_reintegration(db, worker, ReintegrationInput(
        rid, "business_skills", TODAY, partner="Chambre de commerce", note="Session de 5 jours"))
    assert cash.return_case_id == case_id and cash.centre_id == centres["GAO"] and cash.amount == 75_000
    assert business.amount is None and business.partner == "Chambre de commerce"
    assert [v.kind for v in resident_reintegration(db, worker, rid)] == [ReintegrationKind.BUSINESS_SKILLS,
                                                                         ReintegrationKind.CASH_IMMEDIATE]
    with pytest.raises(ValidationError) as exc:
        record_reintegration(db, worker, ReintegrationInput(rid, ReintegrationKind.CASH_IMMEDIATE, TODAY,
                                                            partner="OIM"))
    assert set(exc.value.errors) == {"amount"}
    with pytest.raises(ValidationError) as exc:
        record_reintegration(db, worker, ReintegrationInput(rid, None, TODAY + dt.timedelta(days=1), -5))
    assert set(exc.value.errors) == {"kind", "assisted_on", "amount", "partner"}
    with pytest.raises(PermissionDenied):
        record_reintegration(db, make_actor(Role.MEDICAL), ReintegrationInput(rid, "micro_enterprise", TODAY,
                                                                             partner="ONG"))
    with pytest.raises(PermissionDenied):  # another centre's return
        record_reintegration(db, make_actor(Role.CASEWORKER, centre="KAY"),
                             ReintegrationInput(rid, "micro_enterprise", TODAY, partner="ONG"))
    voided = void_reintegration(db, worker, business.id, "Doublon", business.version)
    assert voided.voided and voided.void_reason == "Doublon"
    with pytest.raises(RuleViolation):
        void_reintegration(db, worker, business.id, "encore")
    created = [e for e in _entries(db, AuditAction.CREATE, "reintegration_assistance")]
    assert len(created) == 2 and len(_entries(db, AuditAction.VOID, "reintegration_assistance")) == 1
    backdated = _entries(db, AuditAction.BACKDATED, "reintegration_assistance")
    assert [(e.entity_id, e.new_value) for e in backdated] == [(cash.id, (TODAY - dt.timedelta(days=2)).isoformat())]


def test_reintegration_needs_a_return_case(db, centres, make_actor):
    worker = make_actor(Role.CASEWORKER)
    rid = add_resident(db, centres["GAO"], nationality="ML")
    with pytest.raises(RuleViolation, match="return case"):
        record_reintegration(db, worker, ReintegrationInput(rid, "micro_enterprise", TODAY, partner="ONG"))
    case = C.open_case(db, worker, C.CaseInput(rid, ReturnType.MALIAN_HOME, "ML", "Gao", opened_on=TODAY))
    with pytest.raises(RuleViolation, match="before the return case"):
        record_reintegration(db, worker, ReintegrationInput(rid, "micro_enterprise", TODAY - dt.timedelta(days=1),
                                                            partner="ONG"))
    C.cancel_case(db, worker, case.summary.id, "changed_mind")
    with pytest.raises(RuleViolation):
        record_reintegration(db, worker, ReintegrationInput(rid, "micro_enterprise", TODAY, partner="ONG"))


# --- vaccinations by kind ----------------------------------------------------------------------------

def test_vaccinations_have_a_kind(db, centres, make_actor):
    nurse = make_actor(Role.MEDICAL)
    rid = add_resident(db, centres["GAO"])
    named = medical.record_consultation(db, nurse, rid, consultation_type=ConsultationType.VACCINATION,
                                        provider="Dr A", vaccine="COVID-19 Sinopharm", dose="1")
    assert named.details["vaccine_kind"] == "covid19" and "COVID-19" in named.summary
    chosen = medical.record_consultation(db, nurse, rid, consultation_type=ConsultationType.VACCINATION,
                                         provider="Dr A", vaccine_kind=VaccineKind.YELLOW_FEVER, dose="1",
                                         confirmed=True)
    assert chosen.details["vaccine_kind"] == "yellow_fever" and chosen.details["vaccine"] == ""
    unknown = medical.record_consultation(db, nurse, rid, consultation_type=ConsultationType.VACCINATION,
                                          provider="Dr A", vaccine="Vaccin X", confirmed=True)
    assert unknown.details["vaccine_kind"] == "other"
    with pytest.raises(ValidationError) as exc:
        medical.record_consultation(db, nurse, rid, consultation_type=ConsultationType.VACCINATION,
                                    provider="Dr A", vaccine_kind="smallpox")
    assert "vaccine_kind" in exc.value.errors


# --- back-dating -------------------------------------------------------------------------------------

def test_back_dated_service_within_the_limit_is_audited(db, centres, make_actor):
    nurse = make_actor(Role.MEDICAL)
    long_ago = TODAY - dt.timedelta(days=500)
    rid = add_resident(db, centres["GAO"], arrival=long_ago - dt.timedelta(days=3))
    with pytest.raises(ValidationError, match="366 days"):
        medical.record_consultation(db, nurse, rid, consultation_type="curative", provider="Dr A", day=long_ago)
    set_setting(db, Actor.system(), BACKDATE_KEY, 600)
    done = medical.record_consultation(db, nurse, rid, consultation_type="curative", provider="Dr A", day=long_ago)
    today = medical.record_consultation(db, nurse, rid, consultation_type="screening", provider="Dr A")
    entries = _entries(db, AuditAction.BACKDATED, "service_record")
    assert [(e.entity_id, e.field, e.new_value, e.username) for e in entries] == [
        (done.id, "day", long_ago.isoformat(), nurse.username)]
    assert "500" in entries[0].detail and today.id not in {e.entity_id for e in entries}
    # The service still needs a stay covering the day.
    with pytest.raises(RuleViolation, match="not in this centre"):
        medical.record_consultation(db, nurse, rid, consultation_type="curative", provider="Dr A",
                                    day=long_ago - dt.timedelta(days=10))
    set_setting(db, Actor.system(), BACKDATE_KEY, 0)
    with pytest.raises(ValidationError, match="0 days"):
        medical.record_consultation(db, nurse, rid, consultation_type="screening", provider="Dr A",
                                    day=TODAY - dt.timedelta(days=1))


def test_back_dated_return_and_grant(db, centres, make_actor):
    """A return that departed and a grant paid two years ago, entered now: accepted within the limit,
    every dated record audited as back-dated, receipts numbered in the year of payment."""
    set_setting(db, Actor.system(), BACKDATE_KEY, 1000)
    manager, cash_officer = make_actor(Role.MANAGER), make_actor(Role.CASH_OFFICER, username="cash")
    left = TODAY - dt.timedelta(days=700)
    rid, case_id = departed_malian(db, centres, make_actor, days_ago=700)
    steps = _entries(db, AuditAction.BACKDATED, "return_step")
    assert len(steps) == 8 and {e.new_value for e in steps} >= {left.isoformat()}  # up to "departed"
    grant = K.plan_grant(db, manager, K.GrantInput(rid, GrantKind.POCKET_MONEY, 25_000, planned_on=left))
    with pytest.raises(ValidationError):
        K.approve_grant(db, manager, grant.id, approved_on=left - dt.timedelta(days=1))
    K.approve_grant(db, manager, grant.id, approved_on=left)
    receipt = K.disburse(db, cash_officer, grant.id, K.DisbursementInput(disbursed_on=left))
    assert receipt.number.startswith(f"GAO-{left.year}-R-")
    fields = {(e.entity, e.field) for e in _entries(db, AuditAction.BACKDATED)}
    assert {("cash_grant", "planned_on"), ("cash_grant", "approved_at"), ("disbursement", "disbursed_on")} <= fields
    too_old = TODAY - dt.timedelta(days=1001)
    with pytest.raises(ValidationError):
        K.plan_grant(db, manager, K.GrantInput(rid, GrantKind.EMERGENCY, 10_000, planned_on=too_old))
    with pytest.raises(ValidationError):
        M.create_movement(db, manager, M.MovementInput(departure_date=too_old, mode=MovementMode.ROAD))


# --- the migration fills the group and the vaccine kinds of existing records ---------------------

def test_migration_derives_groups_and_vaccine_kinds(empty_db):
    import uuid

    import sqlalchemy as sa
    from alembic import command

    from transit_centre.db.migrate import alembic_config, upgrade

    command.upgrade(alembic_config(empty_db), "0002_protection")
    now = dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc)
    base = {"created_at": now, "updated_at": now, "version": 1}
    ids = {name: uuid.uuid4() for name in ("centre", "malian", "guinean", "unknown", "home", "vac1", "vac2")}
    from transit_centre.db.base import UTCDateTime

    def kind(name):
        if name == "id" or name.endswith("_id"):
            return sa.Uuid()
        if name.endswith("_at"):
            return UTCDateTime()
        if name.endswith(("_on", "_date")):
            return sa.Date()
        return sa.JSON() if name == "details" else None

    def table(name, rows):
        return sa.table(name, *[sa.column(c, kind(c)) for c in rows[0]])

    with empty_db.engine.begin() as conn:
        centre_rows = [{**base, "id": ids["centre"], "code": "TST", "name": "Test", "town": "Gao",
                                               "region": "Gao", "capacity": 10, "kind": "general", "active": True,
                                               "name_confirmed": True}]
        conn.execute(sa.insert(table("centre", centre_rows)), centre_rows)
        people = [("malian", "ML"), ("guinean", "GN"), ("unknown", None), ("home", None)]
        resident_rows = [
            {**base, "id": ids[key], "centre_id": ids["centre"], "case_number": key, "first_name": key,
             "last_name": key, "first_name_folded": key, "last_name_folded": key, "search_text": key, "sex": "M",
             "dob_estimated": False, "nationality": nat, "registered_on": dt.date(2026, 1, 1),
             "consent_given": True, "archived": False} for key, nat in people]
        conn.execute(sa.insert(table("resident", resident_rows)), resident_rows)
        cases = [("home", "malian_home", "ML", "completed"), ("guinean", "malian_home", "ML", "cancelled")]
        case_rows = [
            {**base, "id": uuid.uuid4(), "resident_id": ids[who], "centre_id": ids["centre"], "case_reference": who,
             "return_type": rtype, "destination_country": country, "opened_on": dt.date(2026, 1, 2),
             "status": status, "current_step": "registered"} for who, rtype, country, status in cases]
        conn.execute(sa.insert(table("return_case", case_rows)), case_rows)
        service_rows = [
            {**base, "id": ids[key], "centre_id": ids["centre"], "resident_id": ids["malian"], "kind": "medical",
             "subtype": "vaccination", "service_date": dt.date(2026, 1, 3), "quantity": 1,
             "details": {"vaccine": name, "dose": "1"}} for key, name in (("vac1", "COVID-19 (Sinovac)"),
                                                                          ("vac2", "Rage"))]
        conn.execute(sa.insert(table("service_record", service_rows)), service_rows)
    upgrade(empty_db)
    with empty_db.engine.connect() as conn:
        groups = dict(conn.execute(sa.text("SELECT case_number, returnee_group FROM resident")).all())
        manual = set(conn.execute(sa.text("SELECT returnee_group_manual FROM resident")).scalars())
        details = {str(r[0]): r[1] for r in conn.execute(sa.select(
            sa.column("id", sa.Uuid()), sa.column("details", sa.JSON())).select_from(sa.table("service_record")))}
    assert groups == {"malian": "malian_returnee", "guinean": "international", "unknown": None,
                      "home": "malian_returnee"}
    assert manual == {False}
    assert details[str(ids["vac1"])]["vaccine_kind"] == "covid19" and details[str(ids["vac2"])]["vaccine_kind"] == "other"
    assert details[str(ids["vac1"])]["vaccine"] == "COVID-19 (Sinovac)"


def test_the_monthly_package_carries_groups_reintegration_and_coverage(db, centres, make_actor, tmp_path):
    import csv
    import io
    import json
    import zipfile

    from transit_centre.reports.export import monthly_export

    worker = make_actor(Role.CASEWORKER)
    rid, case_id = departed_malian(db, centres, make_actor, days_ago=40)  # left before this month
    record = record_reintegration(db, worker, ReintegrationInput(rid, "micro_enterprise", TODAY, 200_000, "ONG"))
    month = f"{TODAY.year}-{TODAY.month:02d}"
    result = monthly_export(db, make_actor(Role.MANAGER), month, centres["GAO"], tmp_path)
    with zipfile.ZipFile(result.package_path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        residents = list(csv.DictReader(io.StringIO(zf.read("residents.csv").decode())))
        reintegration = list(csv.DictReader(io.StringIO(zf.read("reintegration.csv").decode())))
        everything = b"".join(zf.read(n) for n in zf.namelist())
    assert manifest["coverage"] == {"period_start": f"{month}-01", "period_end": result.stats.end.isoformat(),
                                    "centres": ["GAO"], "centre_months": [f"GAO {month}"]}
    assert reintegration == [{"id": str(record.id), "resident_id": str(rid), "return_case_id": str(case_id),
                              "kind": "micro_enterprise", "assisted_on": TODAY.isoformat(), "amount": "200000"}]
    # Named through the reintegration record only (no stay this month), with their group.
    assert [(r["id"], r["returnee_group"]) for r in residents] == [(str(rid), "malian_returnee")]
    assert b"ONG" not in everything  # partners stay in the centre
    lines = {x.figure: x for x in result.stats.people if x.category == "micro_enterprise"}
    assert (lines["reintegration"].group, lines["reintegration"].male) == ("malian_returnee", 1)

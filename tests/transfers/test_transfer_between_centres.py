"""A resident's file follows them from Gao to Bamako, two centres with separate SQLite databases,
and headquarters (a third database) counts one person with both stays."""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from transit_centre.avrr import cases as C
from transit_centre.avrr import cash as K
from transit_centre.avrr import movements as M
from transit_centre.care.medical import record_consultation, record_fit_to_travel
from transit_centre.care.records import read_confidential_note
from transit_centre.db.engine import Database
from transit_centre.db.models import (
    AuditEntry,
    CashGrant,
    Resident,
    ResidentFlag,
    ReturnCase,
    ServiceRecord,
    SharingConsent,
    Stay,
    TransferRecord,
    Vulnerability,
)
from transit_centre.enums import (
    DepartureReason,
    GrantKind,
    MovementMode,
    ReturnStatus,
    ReturnStep,
    ReturnType,
    Role,
    Sex,
    VulnerabilityKind,
)
from transit_centre.errors import DomainError, PermissionDenied
from transit_centre.i18n import set_language
from transit_centre.protection import flags
from transit_centre.protection.consent import record_consent
from transit_centre.registry.inputs import ResidentInput, VulnerabilityInput
from transit_centre.registry.records import add_vulnerability
from transit_centre.registry.residents import get_resident, register_resident
from transit_centre.reports.consolidate import consolidated_statistics, import_packages
from transit_centre.reports.export import monthly_export
from transit_centre.security.keys import export_public_key, register_public_key
from transit_centre.security.permissions import Actor
from transit_centre.shelter.admission import check_in
from transit_centre.transfers.service import preview_transfer, receive_transfer, transfer_out

from support.transfers import actor, centre_database, centre_id, exchange_keys

TODAY = dt.date.today()
MONTH = TODAY.strftime("%Y-%m")


@pytest.fixture(autouse=True)
def english():
    set_language("en")


@pytest.fixture
def world(tmp_path):
    gao, bko, hq = (centre_database(tmp_path, n) for n in ("gao", "bamako", "hq"))
    exchange_keys(gao, "GAO", bko, "BKO")
    for db, code in ((gao, "GAO"), (bko, "BKO")):  # headquarters accepts both centres' packages
        data, _f = export_public_key(db, Actor.system(), centre_id(db, code))
        register_public_key(hq, Actor.system(), data)
    yield {"gao": gao, "bko": bko, "hq": hq, "dir": tmp_path}
    for db in (gao, bko, hq):
        db.dispose()


def _register_at_gao(gao: Database, first: str, *, consent: bool) -> uuid.UUID:
    worker = actor(gao, "GAO", Role.CASEWORKER, name="fatou")
    manager = actor(gao, "GAO", Role.MANAGER, name="moussa")
    nurse = actor(gao, "GAO", Role.MEDICAL, name="aissata")
    resident = register_resident(gao, worker, ResidentInput(
        first_name=first, last_name="Coulibaly", sex=Sex.FEMALE, date_of_birth=dt.date(1998, 3, 4),
        nationality="ML", consent_given=True, consent_date=TODAY - dt.timedelta(days=8)))
    check_in(gao, manager, resident.id, centre_id=centre_id(gao, "GAO"), arrival_date=TODAY - dt.timedelta(days=8))
    add_vulnerability(gao, worker, resident.id, VulnerabilityInput(
        VulnerabilityKind.TRAFFICKING_VICTIM, TODAY - dt.timedelta(days=7), "Identified by the protection officer"))
    flag_type = next(t for t in flags.list_flag_types(gao, manager) if t.code == "advise_check_in")
    flags.set_flag(gao, manager, resident.id, flag_type.id, reason="Needs a female caseworker")
    if consent:
        record_consent(gao, worker, resident.id, "Centre de transit de Bamako 1", given_on=TODAY - dt.timedelta(days=6))
    record_consent(gao, worker, resident.id, "Croix-Rouge", given_on=TODAY - dt.timedelta(days=6))
    record_consultation(gao, nurse, resident.id, consultation_type="curative", day=TODAY - dt.timedelta(days=5),
                        provider="Dr Maïga",
                        note="Malaria, treated; follow-up at the next centre")
    case = C.open_case(gao, worker, C.CaseInput(resident.id, ReturnType.MALIAN_HOME, "ML", "Kayes",
                                               opened_on=TODAY - dt.timedelta(days=5)))
    C.record_step(gao, worker, case.summary.id, ReturnStep.COUNSELLED, done_on=TODAY - dt.timedelta(days=4))
    C.record_step(gao, worker, case.summary.id, ReturnStep.APPLICATION_SIGNED, done_on=TODAY - dt.timedelta(days=4))
    K.plan_grant(gao, worker, K.GrantInput(resident.id, GrantKind.POCKET_MONEY, 25_000))
    return resident.id


def _count(db: Database, model: type) -> int:
    with db.transaction(None, readonly=True) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_a_full_case_from_gao_to_bamako_and_headquarters(world):
    gao, bko, hq = world["gao"], world["bko"], world["hq"]
    gao_manager = actor(gao, "GAO", Role.MANAGER, name="moussa")
    rid = _register_at_gao(gao, "Awa", consent=True)
    first_number = get_resident(gao, gao_manager, rid).resident.case_number

    # --- Gao: the transfer file; the stay closes as a transfer to Bamako.
    out = transfer_out(gao, gao_manager, [rid], "BKO", world["dir"] / "awa.tctransfer")
    assert out.confidential_included and [p.id for p in out.people] == [rid]
    with gao.transaction(None, readonly=True) as s:
        stay = s.scalars(select(Stay).where(Stay.resident_id == rid)).one()
        assert (stay.departure_date, stay.departure_reason) == (TODAY, DepartureReason.TRANSFER)
        assert stay.transferred_to_centre_id == centre_id(gao, "BKO")
        assert s.scalar(select(TransferRecord.direction)) == "out"
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.entity == "resident", AuditEntry.field == "transfer")) == 1
    # A lost USB stick: no name, no note in the file's bytes.
    data = out.path.read_bytes()
    for secret in (b"Awa", b"Coulibaly", b"Malaria", first_number.encode()):
        assert secret not in data

    # --- Bamako: preview, then receive in one transaction, with the original ids.
    bko_manager = actor(bko, "BKO", Role.MANAGER, name="oumar")
    preview = preview_transfer(bko, bko_manager, out.path)
    assert (preview.from_code, preview.to_code, preview.received_at) == ("GAO", "BKO", None)
    assert [p.full_name for p in preview.people] == ["Awa Coulibaly"] and preview.matches == {}
    received = receive_transfer(bko, bko_manager, out.path)
    assert not received.already_received
    [(same_id, new_number, old_number)] = received.people
    assert same_id == rid and old_number == first_number and new_number.startswith("BKO-")
    before = {m.__tablename__: _count(bko, m) for m in (Resident, Stay, Vulnerability, ResidentFlag,
                                                         SharingConsent, ReturnCase, CashGrant, ServiceRecord)}
    audit_before = _count(bko, AuditEntry)
    again = receive_transfer(bko, bko_manager, out.path)  # the same file twice changes nothing
    assert again.already_received
    assert {m: _count(bko, {"resident": Resident, "stay": Stay, "vulnerability": Vulnerability,
                            "resident_flag": ResidentFlag, "sharing_consent": SharingConsent,
                            "return_case": ReturnCase, "cash_grant": CashGrant,
                            "service_record": ServiceRecord}[m]) for m in before} == before
    assert _count(bko, AuditEntry) == audit_before

    # The Bamako file shows the whole history.
    detail = get_resident(bko, bko_manager, rid)
    assert detail.resident.case_number == new_number and detail.resident.other_case_numbers == first_number
    assert [v.kind for v in detail.vulnerabilities] == [VulnerabilityKind.TRAFFICKING_VICTIM]
    with bko.transaction(None, readonly=True) as s:
        assert s.scalar(select(Resident.centre_id).where(Resident.id == rid)) == centre_id(bko, "BKO")
        [old_stay] = s.scalars(select(Stay).where(Stay.resident_id == rid)).all()
        assert old_stay.centre_id == centre_id(bko, "GAO") and old_stay.bed_id is None
        assert old_stay.transferred_to_centre_id == centre_id(bko, "BKO")
        assert s.scalar(select(func.count()).select_from(ResidentFlag).where(ResidentFlag.resident_id == rid)) == 1
        assert s.scalar(select(func.count()).select_from(SharingConsent)) == 2
        case = s.scalars(select(ReturnCase).where(ReturnCase.resident_id == rid)).one()
        assert case.centre_id == centre_id(bko, "BKO") and case.status == ReturnStatus.ACTIVE
        assert case.current_step == ReturnStep.APPLICATION_SIGNED
        grant = s.scalars(select(CashGrant).where(CashGrant.resident_id == rid)).one()
        assert grant.centre_id == centre_id(bko, "BKO")
        medical = s.scalars(select(ServiceRecord).where(ServiceRecord.resident_id == rid)).one()
        assert s.scalar(select(TransferRecord.direction)) == "in"
    # The search finds the person by the Gao number too.
    from transit_centre.registry.search import resident_by_case_number

    assert resident_by_case_number(bko, bko_manager, first_number) is None  # a case number is this centre's
    # Confidential note: the resident consented to share with Bamako; only the nurse reads it.
    bko_nurse = actor(bko, "BKO", Role.MEDICAL, name="kadia")
    assert read_confidential_note(bko, bko_nurse, medical.id) == "Malaria, treated; follow-up at the next centre"
    with pytest.raises(PermissionDenied):
        read_confidential_note(bko, bko_manager, medical.id)

    # --- Bamako completes the return and pays the grant.
    bko_worker = actor(bko, "BKO", Role.CASEWORKER, name="mariam")
    check_in(bko, bko_manager, rid, centre_id=centre_id(bko, "BKO"), arrival_date=TODAY)
    C.skip_step(bko, bko_worker, case.id, ReturnStep.DOCUMENTS_REQUESTED, "Malian: national ID card", done_on=TODAY)
    C.skip_step(bko, bko_worker, case.id, ReturnStep.DOCUMENTS_OBTAINED, "Malian: national ID card", done_on=TODAY)
    record_fit_to_travel(bko, bko_nurse, rid, status="fit", day=TODAY, valid_until=TODAY + dt.timedelta(days=10),
                         provider="Dr Traoré")
    C.record_step(bko, bko_worker, case.id, ReturnStep.FIT_TO_TRAVEL, done_on=TODAY)
    movement = M.create_movement(bko, bko_manager, M.MovementInput(departure_date=TODAY, mode=MovementMode.BUS_CONVOY,
                                                                   destination_country="ML"))
    M.add_case(bko, bko_manager, movement.id, case.id)
    approved = K.approve_grant(bko, bko_manager, grant.id)
    cashier = actor(bko, "BKO", Role.CASH_OFFICER, name="seydou")
    receipt = K.disburse(bko, cashier, approved.id, K.DisbursementInput(disbursed_on=TODAY))
    assert receipt.number.startswith("BKO-")
    M.mark_departed(bko, bko_manager, movement.id, departed_on=TODAY)

    # --- Both centres export their month; headquarters counts one person, with both stays.
    hq_actor = Actor(uuid.uuid4(), "hq", "Hq", frozenset({Role.HQ}), frozenset(), None)
    gao_export = monthly_export(gao, gao_manager, MONTH, centre_id(gao, "GAO"), world["dir"] / "gao-export")
    bko_export = monthly_export(bko, bko_manager, MONTH, centre_id(bko, "BKO"), world["dir"] / "bko-export")
    assert [r.status for r in import_packages(hq, hq_actor, [gao_export.package_path, bko_export.package_path])] \
        == ["imported", "imported"]
    year, month = TODAY.year, TODAY.month
    at_gao = consolidated_statistics(hq, hq_actor, "GAO", year, month)
    at_bko = consolidated_statistics(hq, hq_actor, "BKO", year, month)
    everywhere = consolidated_statistics(hq, hq_actor, None, year, month)
    assert at_gao.accommodated == 1 and at_bko.accommodated == 1  # a stay in each centre
    assert everywhere.accommodated == 1  # one person
    assert everywhere.arrivals == at_gao.arrivals + at_bko.arrivals  # both stays
    assert everywhere.departures == at_gao.departures + at_bko.departures == 2  # transferred, then returned
    assert everywhere.bed_nights == at_gao.bed_nights + at_bko.bed_nights
    assert everywhere.cash_total == 25_000 and at_gao.cash_total == 0
    people = {(line.figure, line.total) for line in everywhere.people if line.total}
    assert ("accommodated", 1) in people and ("vot", 1) in people


def test_without_consent_the_medical_note_stays_at_gao_and_the_photo_travels(world):
    from transit_centre.registry.residents import photo_file, set_photo

    gao, bko = world["gao"], world["bko"]
    manager = actor(gao, "GAO", Role.MANAGER, name="moussa")
    rid = _register_at_gao(gao, "Fanta", consent=False)
    picture = world["dir"] / "fanta.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"fanta" * 40)
    set_photo(gao, actor(gao, "GAO", Role.CASEWORKER), rid, picture)
    out = transfer_out(gao, manager, [rid], "BKO", world["dir"] / "fanta.tctransfer")
    assert not out.confidential_included
    with gao.transaction(None, readonly=True) as s:
        photo_file(s.get(Resident, rid).photo_path).unlink()  # Bamako's laptop has its own data folder
    receive_transfer(bko, actor(bko, "BKO", Role.MANAGER), out.path)
    with bko.transaction(None, readonly=True) as s:
        assert photo_file(s.get(Resident, rid).photo_path).read_bytes() == picture.read_bytes()
    with bko.transaction(None, readonly=True) as s:
        medical = s.scalars(select(ServiceRecord).where(ServiceRecord.resident_id == rid)).one()
    # The consultation is in the history; its note is not.
    assert read_confidential_note(bko, actor(bko, "BKO", Role.MEDICAL), medical.id) in (None, "")


def test_a_changed_file_and_a_file_for_another_centre_are_refused_and_change_nothing(world):
    gao, bko, tmp = world["gao"], world["bko"], world["dir"]
    manager = actor(gao, "GAO", Role.MANAGER, name="moussa")
    bko_manager = actor(bko, "BKO", Role.MANAGER)
    rid = _register_at_gao(gao, "Oumou", consent=False)
    out = transfer_out(gao, manager, [rid], "BKO", tmp / "oumou.tctransfer")
    data = bytearray(out.path.read_bytes())
    data[-20] ^= 0x01  # one bit of the encrypted body
    changed = tmp / "changed.tctransfer"
    changed.write_bytes(bytes(data))
    with pytest.raises(DomainError, match="refused|changed"):
        receive_transfer(bko, bko_manager, changed)
    with pytest.raises(DomainError, match="not a Transit Centre transfer file"):
        receive_transfer(bko, bko_manager, _write(tmp / "note.txt", b"hello"))

    # A file made for Kayes (whose key Gao registered) cannot be opened at Bamako.
    kay = centre_database(tmp, "kayes")
    exchange_keys(gao, "GAO", kay, "KAY")
    other = _register_at_gao(gao, "Nana", consent=False)
    for_kayes = transfer_out(gao, manager, [other], "KAY", tmp / "nana.tctransfer")
    with pytest.raises(DomainError, match="for centre KAY"):
        preview_transfer(bko, bko_manager, for_kayes.path)
    with pytest.raises(DomainError, match="for centre KAY"):
        receive_transfer(bko, bko_manager, for_kayes.path)
    # A file from a centre whose key Bamako never registered (Kayes knows Bamako's key, not the reverse).
    bko_key, _f = export_public_key(bko, Actor.system(), centre_id(bko, "BKO"))
    register_public_key(kay, Actor.system(), bko_key)
    worker = actor(kay, "KAY", Role.CASEWORKER)
    stranger = register_resident(kay, worker, ResidentInput(first_name="Sali", last_name="Keita", sex=Sex.FEMALE,
                                                            estimated_age=25, nationality="ML"))
    from_kayes = transfer_out(kay, actor(kay, "KAY", Role.MANAGER), [stranger.id], "BKO", tmp / "sali.tctransfer")
    with pytest.raises(DomainError, match="No key is registered for centre KAY"):
        receive_transfer(bko, bko_manager, from_kayes.path)
    assert _count(bko, Resident) == 0 and _count(bko, TransferRecord) == 0
    kay.dispose()


def test_a_household_travels_together_and_a_blocking_flag_refuses_the_transfer(world):
    gao = world["gao"]
    worker = actor(gao, "GAO", Role.CASEWORKER)
    manager = actor(gao, "GAO", Role.MANAGER)
    mother = register_resident(gao, worker, ResidentInput(
        first_name="Mariam", last_name="Diallo", sex=Sex.FEMALE, estimated_age=30, nationality="GN",
        new_household_name="Diallo", household_role="head"))
    child = register_resident(gao, worker, ResidentInput(
        first_name="Ibrahim", last_name="Diallo", sex=Sex.MALE, estimated_age=6, nationality="GN",
        household_id=mother.household_id, household_role="child"))
    for r in (mother, child):
        check_in(gao, manager, r.id, centre_id=centre_id(gao, "GAO"))
    out = transfer_out(gao, manager, [mother.id], "BKO", world["dir"] / "diallo.tctransfer", with_household=True)
    assert {p.id for p in out.people} == {mother.id, child.id}
    received = receive_transfer(world["bko"], actor(world["bko"], "BKO", Role.MANAGER), out.path)
    assert len(received.people) == 2
    with world["bko"].transaction(None, readonly=True) as s:
        households = {s.get(Resident, r.id).household_id for r in (mother, child)}
    assert households == {mother.household_id}

    blocked = _register_at_gao(gao, "Kadiatou", consent=False)
    flag_type = next(t for t in flags.list_flag_types(gao, manager) if t.code == "not_transferable")
    flags.set_flag(gao, manager, blocked, flag_type.id, reason="Protection assessment pending")
    with pytest.raises(DomainError, match="Transfer is refused"):
        transfer_out(gao, manager, [blocked], "BKO", world["dir"] / "blocked.tctransfer")
    assert not (world["dir"] / "blocked.tctransfer").exists()
    with gao.transaction(None, readonly=True) as s:
        assert s.scalars(select(Stay).where(Stay.resident_id == blocked)).one().departure_date is None


def test_no_file_without_the_receiving_centre_s_key(world):
    gao = world["gao"]
    manager = actor(gao, "GAO", Role.MANAGER)
    rid = _register_at_gao(gao, "Bintou", consent=False)
    with pytest.raises(DomainError, match="No key is registered for centre SIK"):
        transfer_out(gao, manager, [rid], "SIK", world["dir"] / "x.tctransfer")
    with gao.transaction(None, readonly=True) as s:
        assert s.scalars(select(Stay).where(Stay.resident_id == rid)).one().departure_date is None


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


__all__ = ["dataclasses"]

"""The documents service on demo data: every document renders from the database in both
languages, prints are audited, role rules hold, the receipt code verifies against the ledger,
protection information stays off the papers that leave the team, and the CLI prints."""
from __future__ import annotations

import datetime as dt
import io
import unicodedata

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from transit_centre import documents
from transit_centre.db.models import (
    AuditEntry,
    Centre,
    Movement,
    MovementCase,
    Receipt,
    Resident,
    ReturnCase,
    ServiceRecord,
    Vulnerability,
)
from transit_centre.enums import AuditAction, Role, VulnerabilityKind
from transit_centre.errors import NotFound, PermissionDenied, ValidationError
from transit_centre.printing.qr import parse_receipt_payload
from transit_centre.printing.words import amount_in_words
from transit_centre.security.permissions import Actor

TODAY = dt.date.today()


def text_of(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return unicodedata.normalize("NFC", " ".join(" ".join(p.extract_text().split()) for p in pages))


@pytest.fixture
def demo(db):
    """Demo data (60 residents) with one receipted resident renamed "Aïssata Traoré"."""
    from transit_centre.demo.generate import generate

    generate(db, 60, seed=5, months=2)
    with db.transaction(Actor.system()) as s:
        receipt = s.scalars(select(Receipt).where(Receipt.voided_at.is_(None)).order_by(Receipt.number)).first()
        from transit_centre.db.models import CashGrant, Disbursement

        grant = s.get(CashGrant, s.get(Disbursement, receipt.disbursement_id).grant_id)
        resident = s.get(Resident, grant.resident_id)
        resident.first_name, resident.last_name = "Aïssata", "Traoré"
        movement = s.scalars(select(Movement).join(MovementCase).group_by(Movement.id)
                             .order_by(func.count(MovementCase.id).desc())).first()
        link = s.scalars(select(MovementCase).where(MovementCase.movement_id == movement.id,
                                                    MovementCase.voided_at.is_(None))).first()
        case = s.get(ReturnCase, link.return_case_id)
        traveller = s.get(Resident, case.resident_id)
        traveller.first_name, traveller.last_name = "Blessing", "Okonkwo-Adébáyọ̀"
        if not any(v.kind == VulnerabilityKind.TRAFFICKING_VICTIM and v.voided_at is None
                   for v in traveller.vulnerabilities):
            s.add(Vulnerability(resident_id=traveller.id, kind=VulnerabilityKind.TRAFFICKING_VICTIM,
                                identified_on=case.opened_on))
        fit = s.scalars(select(ServiceRecord).where(ServiceRecord.subtype == "fit_to_travel",
                                                    ServiceRecord.voided_at.is_(None))).first()
        fit_resident = s.get(Resident, fit.resident_id)
        centre = s.get(Centre, traveller.centre_id)
        return {"receipt": receipt.number, "amount": receipt.amount, "resident": resident.case_number,
                "movement": movement.reference, "case": case.case_reference, "fit": fit_resident.case_number,
                "centre": centre.code, "centre_id": centre.id, "receipt_centre": receipt.centre_id,
                "receipt_id": receipt.id}


def prints(db) -> list[AuditEntry]:
    with db.transaction(None, readonly=True) as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.PRINT)))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_document_renders_from_demo_data_and_is_audited(db, demo, language):
    admin = Actor.system()
    jobs = [("registration", demo["resident"]), ("consent", demo["resident"]),
            ("return-declaration", demo["case"]), ("fit-to-travel", demo["fit"]), ("receipt", demo["receipt"]),
            ("manifest", demo["movement"]), ("travel-letter", demo["case"]), ("badge", demo["centre"]),
            ("badge", demo["resident"]), ("occupancy", demo["centre"])]
    for kind, ref in jobs:  # confirmed: the demo's letters are for journeys already made
        doc = documents.render_document(db, admin, kind, ref, language, confirmed=True)
        assert doc.pdf.startswith(b"%PDF") and doc.filename.endswith(f"-{language}.pdf")
        assert text_of(doc.pdf), kind
    entries = prints(db)
    assert len(entries) == len(jobs)
    assert {e.detail for e in entries} >= {f"receipt ({language})", f"manifest ({language})"}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_receipt_from_the_ledger(db, demo, language):
    doc = documents.render_document(db, Actor.system(), "receipt", demo["receipt"], language)
    text = text_of(doc.pdf)
    assert "Aïssata Traoré" in text
    assert text.count(demo["receipt"]) >= 2
    assert amount_in_words(demo["amount"], language) in text
    assert " ".join(documents.Fmt(language).xof(demo["amount"]).split()) in text  # e.g. 25 000 F CFA
    data, _stem = documents.load_document(db, Actor.system(), "receipt", demo["receipt"], language)
    payload = parse_receipt_payload(data.qr_payload)
    assert payload.number == demo["receipt"] and payload.amount == demo["amount"]
    check = documents.verify_receipt(db, Actor.system(), data.qr_payload)
    assert check.payload_valid and check.in_ledger and check.amount_matches and not check.voided


def test_tampered_or_foreign_receipt_codes_are_refused(db, demo):
    data, _stem = documents.load_document(db, Actor.system(), "receipt", demo["receipt"], "fr")
    forged = data.qr_payload.replace(f":{demo['amount']}:", f":{demo['amount'] + 1000}:")
    assert not documents.verify_receipt(db, Actor.system(), forged).payload_valid
    assert not documents.verify_receipt(db, Actor.system(), "n'importe quoi").payload_valid
    # the secret is stable: printing again gives the same code
    again, _stem = documents.load_document(db, Actor.system(), "receipt", demo["receipt"], "en")
    assert again.qr_payload == data.qr_payload


def test_voided_receipt_reprints_with_the_mark(db, demo):
    from transit_centre.avrr.cash import void_receipt
    from transit_centre.enums import ReceiptVoidReason

    with db.transaction(None, readonly=True) as s:
        voided = s.scalars(select(Receipt).where(Receipt.voided_at.is_(None), Receipt.number != demo["receipt"])
                           .order_by(Receipt.number)).first()
    void_receipt(db, Actor.system(), voided.id, "wrong amount", code=ReceiptVoidReason.WRONG_AMOUNT)
    text = text_of(documents.document_data(db, Actor.system(), "receipt", voided.number, "en"))
    assert "VOID" in text
    data, _stem = documents.load_document(db, Actor.system(), "receipt", voided.number, "en")
    assert documents.verify_receipt(db, Actor.system(), data.qr_payload).voided


def test_protection_code_on_manifest_but_nothing_on_the_travel_letter(db, demo):
    admin = Actor.system()
    manifest = text_of(documents.document_data(db, admin, "manifest", demo["movement"], "fr"))
    assert "Okonkwo-Adébáyọ̀" in unicodedata.normalize("NFC", manifest)
    assert " PR" in manifest
    letter = text_of(documents.render_document(db, admin, "travel-letter", demo["case"], "en", confirmed=True).pdf)
    assert "Okonkwo" in letter
    for word in ("traffick", "traite", "Victim", "victime", " PR ", "protection"):
        assert word not in letter
    assert "/" in letter  # bilingual labels


def test_roles_and_centres(db, demo, make_actor):
    mhpss = make_actor(Role.MHPSS, centre=demo["centre"])
    with pytest.raises(PermissionDenied):
        documents.document_data(db, mhpss, "registration", demo["resident"], "fr")
    caseworker = make_actor(Role.CASEWORKER, centre=demo["centre"])
    with pytest.raises(PermissionDenied):  # caseworkers have no cash rights
        documents.document_data(db, caseworker, "receipt", demo["receipt"], "fr")
    other = "KAY" if demo["centre"] != "KAY" else "GAO"
    stranger = make_actor(Role.MANAGER, centre=other)
    with pytest.raises(PermissionDenied):
        documents.document_data(db, stranger, "occupancy", demo["centre"], "fr")
    manager = make_actor(Role.MANAGER, centre=demo["centre"])
    assert documents.document_data(db, manager, "occupancy", demo["centre"], "en").startswith(b"%PDF")
    assert documents.can_print(manager, "manifest") and not documents.can_print(mhpss, "manifest")
    assert len(prints(db)) == 1  # refusals are not audited as prints


@pytest.mark.parametrize("kind, ref, error", [
    ("nonsense", "GAO", ValidationError), ("receipt", "", ValidationError), ("receipt", "x" * 500, ValidationError),
    ("receipt", "GAO-1999-R-999999", NotFound), ("manifest", "00000000-0000-0000-0000-000000000000", NotFound),
    ("occupancy", "ZZZ", NotFound), ("registration", "'; DROP TABLE resident; --", NotFound),
])
def test_hostile_ids_give_clear_errors(db, kind, ref, error):
    with pytest.raises(error) as info:
        documents.document_data(db, Actor.system(), kind, ref, "fr")
    assert str(info.value)


def test_bad_language_is_refused(db):
    with pytest.raises(ValidationError):
        documents.document_data(db, Actor.system(), "occupancy", "GAO", "de")


def test_receipts_of_a_day_in_one_pdf(db, demo):
    with db.transaction(None, readonly=True) as s:
        day, count = s.execute(select(Receipt.issued_on, func.count(Receipt.id))
                               .where(Receipt.centre_id == demo["receipt_centre"])
                               .group_by(Receipt.issued_on).order_by(func.count(Receipt.id).desc())).first()
    calls = []
    doc = documents.render_receipts_of_day(db, Actor.system(), demo["receipt_centre"], day, "fr",
                                           lambda done, total: calls.append((done, total)) or True)
    assert len(PdfReader(io.BytesIO(doc.pdf)).pages) == count
    assert calls[-1] == (count - 1, count)


def test_cli_print_writes_the_pdf(db, demo, tmp_path, monkeypatch, capsys):
    from transit_centre.cli import main as cli

    monkeypatch.setattr("transit_centre.storage.opening.open_database", lambda url=None: db)
    monkeypatch.setenv("TRANSIT_CENTRE_USER", "cash")  # the demo's cash officer signs in
    monkeypatch.setenv("TRANSIT_CENTRE_PASSWORD", "transit-demo")
    out = tmp_path / "recu.pdf"
    assert cli.main(["--database", db.url, "print", "receipt", demo["receipt"], "--lang", "fr", "--out", str(out)]) == 0
    assert demo["receipt"] in text_of(out.read_bytes())
    assert cli.main(["--database", db.url, "print", "receipt", "NOPE-1", "--out", str(tmp_path / "x.pdf")]) == 2
    assert not (tmp_path / "x.pdf").exists()
    data, _stem = documents.load_document(db, Actor.system(), "receipt", demo["receipt"], "fr")
    assert cli.main(["--database", db.url, "verify-receipt", data.qr_payload]) == 0
    flipped = data.qr_payload[:-1] + ("1" if data.qr_payload[-1] == "0" else "0")
    assert cli.main(["--database", db.url, "verify-receipt", flipped]) == 1


def test_receipt_secret_is_created_once_hidden_and_never_logged(db):
    from transit_centre.admin.settings import get_settings

    first = documents.receipt_secret(db)
    assert len(first) == 32 and documents.receipt_secret(db) == first
    assert documents.SECRET_KEY not in get_settings(db)  # not on the settings screen
    with db.transaction(None, readonly=True) as s:
        logged = [e for e in s.scalars(select(AuditEntry)) if e.field == documents.SECRET_KEY]
        everything = " ".join(str(e.new_value) + str(e.detail) for e in s.scalars(select(AuditEntry)))
    assert len(logged) == 1 and first.hex() not in everything


def test_expired_fit_to_travel_says_so(db, demo):
    with db.transaction(Actor.system()) as s:
        resident = s.scalar(select(Resident).where(Resident.case_number == demo["fit"]))
        for record in s.scalars(select(ServiceRecord).where(ServiceRecord.resident_id == resident.id,
                                                            ServiceRecord.subtype == "fit_to_travel")):
            record.details = {**record.details, "valid_until": "2000-01-01"}
    assert "EXPIRED" in text_of(documents.document_data(db, Actor.system(), "fit-to-travel", demo["fit"], "en"))


def test_return_documents_found_from_the_resident(db, demo):
    with db.transaction(None, readonly=True) as s:
        case = s.scalar(select(ReturnCase).where(ReturnCase.case_reference == demo["case"]))
        resident = s.get(Resident, case.resident_id)
    for ref in (resident.id, resident.case_number, str(case.id)):
        text = text_of(documents.render_document(db, Actor.system(), "travel-letter", ref, "en", confirmed=True).pdf)
        assert resident.case_number in text

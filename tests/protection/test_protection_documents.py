"""What the papers say must be right for a child-protection officer, a border official and a
donor: the guardian block exactly for minors (a baby included), the age as it is, escorts and
fitness on the manifest, an expired fit-to-travel that reads expired, French prepositions for
every country, English money and unambiguous dates, voids and reprints, and signatures that
never stand alone on a page."""
from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata

import pytest
from support.avrr import TODAY, add_fit, add_resident, open_international, walk_to_fit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import select

from transit_centre import documents
from transit_centre.admin.settings import set_setting
from transit_centre.ages import age_on, is_minor
from transit_centre.avrr import cash as K
from transit_centre.avrr import movements as M
from transit_centre.db.models import Centre, Resident, ServiceRecord
from transit_centre.enums import CentreKind, MovementMode, ReceiptVoidReason, RecipientRole, Role
from transit_centre.errors import NeedsConfirmation
from transit_centre.i18n import _territories, country_phrase
from transit_centre.printing import manifest as manifest_template
from transit_centre.printing import occupancy as occupancy_template
from transit_centre.printing.data import Letterhead, ManifestData, ManifestTraveller, OccupancyData, OccupancyRow
from transit_centre.security.permissions import Actor

GUARDIAN = {"fr": "Parent ou tuteur", "en": "Parent or guardian"}


def pages_of(pdf: bytes) -> list[str]:
    return [" ".join(unicodedata.normalize("NFC", p.extract_text()).split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def text_of(pdf: bytes) -> str:
    return " ".join(pages_of(pdf)).replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def person(db, centres, make_actor):
    """A resident present in Gao, paid a grant, booked on a movement, with a fit-to-travel."""
    gao = centres["GAO"]
    cw, manager = make_actor(Role.CASEWORKER), make_actor(Role.MANAGER, username="chef")
    cash = make_actor(Role.CASH_OFFICER, username="cash")
    rid = add_resident(db, gao, "Fanta", "Camara", dob=TODAY.replace(year=TODAY.year - 10))  # paid as a child
    add_fit(db, gao, rid)
    case = open_international(db, cw, rid)
    walk_to_fit(db, cw, case.summary.id)
    movement = M.create_movement(db, cw, M.MovementInput(TODAY + dt.timedelta(days=2), MovementMode.BUS_CONVOY, "GN",
                                                         escorts=("Kadiatou Diallo",)))
    M.add_case(db, cw, movement.id, case.summary.id)
    grant = K.approve_grant(db, manager, K.plan_grant(db, cw, K.GrantInput(rid, "pocket_money", 25_000)).id)
    receipt = K.disburse(db, cash, grant.id, K.DisbursementInput(received_by_name="Awa Camara",
                                                                 received_by_role=RecipientRole.PARENT))
    with db.transaction(None, readonly=True) as s:
        case_number = s.get(Resident, rid).case_number
    return {"id": rid, "case_number": case_number, "receipt": receipt.number, "movement": movement.reference,
            "disbursed_on": TODAY, "departure": TODAY + dt.timedelta(days=2)}


def set_birth(db, resident_id, born: dt.date | None, estimated: bool = False) -> None:
    with db.transaction(Actor.system()) as s:
        r = s.get(Resident, resident_id)
        r.date_of_birth, r.dob_estimated = born, estimated


ages = st.one_of(st.integers(min_value=0, max_value=17), st.integers(min_value=18, max_value=80))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(age=st.one_of(st.none(), ages), days=st.integers(min_value=0, max_value=364), estimated=st.booleans(),
       language=st.sampled_from(["fr", "en"]))
def test_guardian_block_and_age_exactly_for_minors(db, person, age, days, estimated, language):
    """Registration, consent, receipt, manifest and occupancy sheet agree on who is a minor:
    the guardian (or escort) signs exactly when the person is one, and the age shows, 0 included."""
    born = None if age is None else TODAY - dt.timedelta(days=days) - dt.timedelta(days=365 * age + age // 4)
    estimated = estimated and born is not None
    set_birth(db, person["id"], born, estimated)
    minor_today = is_minor(born, TODAY)
    system = Actor.system()
    for kind in ("registration", "consent"):
        text = text_of(documents.render_document(db, system, kind, person["case_number"], language).pdf)
        assert (GUARDIAN[language] in text) is minor_today, (kind, born)
    data, _stem = documents.load_document(db, system, "registration", person["case_number"], language)
    expected_age = age_on(born, TODAY)
    assert data.age == ("" if expected_age is None else (f"≈ {expected_age}" if estimated else str(expected_age)))
    receipt, _stem = documents.load_document(db, system, "receipt", person["receipt"], language)
    assert receipt.beneficiary_minor is is_minor(born, person["disbursed_on"])
    assert (receipt.received_by == "Awa Camara (parent)") is receipt.beneficiary_minor
    manifest, _stem = documents.load_document(db, system, "manifest", person["movement"], language)
    flags = manifest.travellers[0].flags.split()
    assert ("MIN" in flags) is is_minor(born, person["departure"])
    assert ("ESC" in flags) is is_minor(born, person["departure"])  # no adult of the family on board
    occupancy, _stem = documents.load_document(db, system, "occupancy", "GAO", language)
    (row,) = [r for r in occupancy.rows if r.case_number == person["case_number"]]
    assert row.age == data.age


def test_a_baby_on_the_occupancy_sheet_and_the_registration_form(db, person):
    set_birth(db, person["id"], TODAY - dt.timedelta(days=40))
    text = text_of(documents.render_document(db, Actor.system(), "occupancy", "GAO", "fr").pdf)
    assert re.search(r"Fanta Camara \S+ M 0 ", text), text
    registration = text_of(documents.render_document(db, Actor.system(), "registration", person["case_number"],
                                                     "en").pdf)
    assert "Parent or guardian" in registration and "Age 0" in registration


def test_escort_and_fitness_on_the_manifest(db, person):
    with db.transaction(Actor.system()) as s:  # the fit-to-travel ends before the departure
        for record in s.scalars(select(ServiceRecord).where(ServiceRecord.resident_id == person["id"])):
            record.details = {**record.details, "valid_until": TODAY.isoformat()}
    set_birth(db, person["id"], TODAY.replace(year=TODAY.year - 12))
    data, _stem = documents.load_document(db, Actor.system(), "manifest", person["movement"], "en")
    assert data.travellers[0].flags.split() == ["MIN", "ESC", "NFT"]
    assert dict(data.totals)["Minors / Mineurs:"] == "1" and dict(data.totals)["Escort required / Escorte requise:"] == "1"
    text = text_of(documents.render_document(db, Actor.system(), "manifest", person["movement"], "fr").pdf)
    assert "Aptitude au voyage non valable à la date de départ" in text and "Fanta Camara" in text


def test_an_expired_or_negative_fit_to_travel_reads_so_in_the_large_box(db, person):
    with db.transaction(Actor.system()) as s:
        record = s.scalars(select(ServiceRecord).where(ServiceRecord.resident_id == person["id"])).first()
        record.details = {"fit_status": "fit", "valid_until": (TODAY - dt.timedelta(days=1)).isoformat()}
    data, _stem = documents.load_document(db, Actor.system(), "fit-to-travel", person["case_number"], "fr")
    assert data.status_code == "expired" and data.status.startswith("EXPIRÉ")
    assert "Apte" not in data.status and "valable jusqu'au" in data.note
    with db.transaction(Actor.system()) as s:
        record = s.scalars(select(ServiceRecord).where(ServiceRecord.resident_id == person["id"])).first()
        record.details = {"fit_status": "not_fit"}
    data, _stem = documents.load_document(db, Actor.system(), "fit-to-travel", person["case_number"], "en")
    assert data.status_code == "not_fit" and data.status.startswith("NOT FIT")
    text = text_of(documents.render_document(db, Actor.system(), "fit-to-travel", person["case_number"], "en").pdf)
    assert "NOT FIT TO TRAVEL" in text


def test_the_valid_certificate_warns_when_it_ends_before_the_departure(db, person):
    with db.transaction(Actor.system()) as s:
        record = s.scalars(select(ServiceRecord).where(ServiceRecord.resident_id == person["id"])).first()
        record.details = {"fit_status": "fit", "valid_until": (TODAY + dt.timedelta(days=1)).isoformat()}
    data, _stem = documents.load_document(db, Actor.system(), "fit-to-travel", person["case_number"], "en")
    assert data.status_code == "fit" and "Not valid on the departure date" in data.note


def test_every_country_has_its_french_preposition():
    phrases = {code: country_phrase(code, "fr") for code in _territories("fr")}
    for code, phrase in phrases.items():
        assert re.match(r"^(au|aux|en|à|à la|dans le|dans les|sur l’île)\s", phrase), (code, phrase)
    assert {code: phrases[code] for code in ("ML", "GN", "NG", "CI", "SN", "BF", "NE", "CM", "GM", "TD", "KM", "MG",
                                             "US", "IL", "CD", "GW", "MR")} == {
        "ML": "au Mali", "GN": "en Guinée", "NG": "au Nigeria", "CI": "en Côte d’Ivoire", "SN": "au Sénégal",
        "BF": "au Burkina Faso", "NE": "au Niger", "CM": "au Cameroun", "GM": "en Gambie", "TD": "au Tchad",
        "KM": "aux Comores", "MG": "à Madagascar", "US": "aux États-Unis", "IL": "en Israël",
        "CD": "en République démocratique du Congo", "GW": "en Guinée-Bissau", "MR": "en Mauritanie"}
    assert country_phrase("GM", "en") == "the Gambia" and country_phrase("ML", "en") == "Mali"


def test_travel_letter_and_declaration(db, person, centres, make_actor):
    cw = make_actor(Role.CASEWORKER)
    set_setting(db, Actor.system(), "organisation.phone", "+223 20 22 00 00")
    rid = add_resident(db, centres["GAO"], "Moussa", "Keïta", nationality="ML")
    from transit_centre.avrr import cases as C
    from transit_centre.enums import ReturnType

    case = C.open_case(db, cw, C.CaseInput(rid, ReturnType.MALIAN_HOME, "ML", destination_region="Mopti",
                                           destination_commune="Mopti", opened_on=TODAY - dt.timedelta(days=3)))
    ref = case.summary.case_reference
    letter = text_of(documents.render_document(db, Actor.system(), "travel-letter", ref, "fr").pdf)
    assert "retourne volontairement au Mali (Mopti)" in letter and "vers" not in letter
    assert "Mopti, Mopti" not in letter
    assert "returning voluntarily to Mali (Mopti)" in letter
    assert "Bamako, Mali · +223 20 22 00 00" in letter and "Tél. +223 20 22 00 00" in letter
    declaration = text_of(documents.render_document(db, Actor.system(), "return-declaration", ref, "fr").pdf)
    assert "m'aider à retourner au Mali (Mopti)" in declaration
    # the same travel document on both papers (the identity card, no document obtained for the case)
    letter_data, _s = documents.load_document(db, Actor.system(), "travel-letter", ref, "en")
    declaration_data, _s = documents.load_document(db, Actor.system(), "return-declaration", ref, "en")
    assert letter_data.document == declaration_data.travel_document != ""


def test_official_papers_never_name_a_protection_shelter(db, person, centres):
    with db.transaction(Actor.system()) as s:
        shelter = s.scalar(select(Centre).where(Centre.kind == CentreKind.TRAFFICKING))
        s.get(Resident, person["id"]).centre_id = shelter.id
        from transit_centre.db.models import Movement, ReturnCase

        for model in (ReturnCase, Movement):
            for record in s.scalars(select(model)):
                record.centre_id = shelter.id
    for kind, ref in (("travel-letter", person["case_number"]), ("manifest", person["movement"]),
                      ("fit-to-travel", person["case_number"])):
        data, _stem = documents.load_document(db, Actor.system(), kind, ref, "en")
        assert data.head.centre == f"IOM office, {shelter.town}", kind
        assert shelter.name not in text_of(documents.render_document(db, Actor.system(), kind, ref, "fr").pdf)
    internal, _stem = documents.load_document(db, Actor.system(), "registration", person["case_number"], "en")
    assert shelter.name in internal.head.centre  # the resident's own file names their shelter


def test_letter_after_the_journey_asks_first(db, person):
    with db.transaction(Actor.system()) as s:
        from transit_centre.db.models import Movement

        s.scalar(select(Movement)).departure_date = TODAY - dt.timedelta(days=1)
    with pytest.raises(NeedsConfirmation, match="plus d'actualité"):
        documents.render_document(db, Actor.system(), "travel-letter", person["case_number"], "en")
    assert documents.render_document(db, Actor.system(), "travel-letter", person["case_number"], "en",
                                     confirmed=True).pdf.startswith(b"%PDF")


def test_english_money_and_dates_on_paper(db, person):
    text = text_of(documents.render_document(db, Actor.system(), "receipt", person["receipt"], "en").pdf)
    assert "F CFA 25,000" in text and "F CFA25" not in text
    assert "twenty-five thousand CFA francs" in text
    day = TODAY.strftime("%-d") + " " + ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                                         "Nov", "Dec"][TODAY.month - 1] + " " + str(TODAY.year)
    assert day in text
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{2}\b", text)  # never 12/5/26
    french = text_of(documents.render_document(db, Actor.system(), "receipt", person["receipt"], "fr").pdf)
    assert "25 000 F CFA" in french


def test_minor_receipt_voids_and_reprints(db, person, make_actor):
    set_birth(db, person["id"], TODAY.replace(year=TODAY.year - 16))
    first = documents.render_document(db, Actor.system(), "receipt", person["receipt"], "en")
    text = text_of(first.pdf)
    assert not first.reprint and "COPY" not in text
    assert "Fanta Camara (minor, 16 years)" in text and "Awa Camara (parent)" in text
    assert "Parent, guardian or escort (signature or thumbprint)" in text
    # the same print in the other language (the preview) is not a copy; a later print is
    same = documents.render_document(db, Actor.system(), "receipt", person["receipt"], "fr", reprint=first.reprint)
    assert "DUPLICATA" not in text_of(same.pdf)
    again = text_of(documents.render_document(db, Actor.system(), "receipt", person["receipt"], "fr").pdf)
    assert "DUPLICATA / COPY – réimprimé le" in again
    manager = make_actor(Role.MANAGER, username="chef")
    receipt = K.get_receipt(db, manager, K.get_grant(db, manager, K.list_grants(db, manager)[0].id).receipt_id)
    K.void_receipt(db, manager, receipt.id, "500 de trop", code=ReceiptVoidReason.WRONG_AMOUNT)
    voided = text_of(documents.render_document(db, Actor.system(), "receipt", person["receipt"], "en").pdf)
    assert "Voided: Wrong amount (500 de trop)." in voided and "VOID" in voided
    assert "Annulé : Montant erroné (500 de trop)." in text_of(
        documents.render_document(db, Actor.system(), "receipt", person["receipt"], "fr").pdf)


def test_badge_validity_and_a_badge_for_someone_who_left(db, person, make_actor):
    text = text_of(documents.render_document(db, Actor.system(), "badge", person["case_number"], "en").pdf)
    assert "Valid until" in text
    from transit_centre.shelter import admission
    from transit_centre.db.models import Stay

    with db.transaction(None, readonly=True) as s:
        stay = s.scalar(select(Stay.id).where(Stay.resident_id == person["id"]))
    admission.check_out(db, make_actor(Role.MANAGER), stay, reason="left_on_own")
    with pytest.raises(NeedsConfirmation, match="a quitté le centre"):
        documents.render_document(db, Actor.system(), "badge", person["case_number"], "en")


def test_verify_receipt_repeats_what_the_paper_says(db, person):
    data, _stem = documents.load_document(db, Actor.system(), "receipt", person["receipt"], "en")
    from transit_centre.i18n import set_language

    set_language("en")
    message = documents.verify_receipt(db, Actor.system(), data.qr_payload).message.replace("\u202f", " ") \
        .replace("\xa0", " ")
    assert person["receipt"] in message and "F CFA 25,000" in message and "Fanta Camara" in message
    assert "Awa Camara" in message  # received for the minor? only when a minor: an adult here
    set_language("fr")


def test_the_command_line_signs_in_and_the_form_names_who_printed_it(db, centres, person, tmp_path, monkeypatch):
    from transit_centre.cli import main as cli
    from transit_centre.security.users import create_user

    create_user(db, Actor.system(), username="admin", full_name="Admin", password="un-mot-de-passe-solide",
                roles=[Role.ADMIN])
    create_user(db, Actor.system(), username="awa", full_name="Awa Sidibé", password="un-mot-de-passe-solide",
                roles=[Role.CASEWORKER], centre_ids=[centres["GAO"]])
    monkeypatch.setattr("transit_centre.storage.opening.open_database", lambda url=None: db)
    monkeypatch.setenv("TRANSIT_CENTRE_PASSWORD", "un-mot-de-passe-solide")
    out = tmp_path / "form.pdf"
    assert cli.main(["--database", db.url, "print", "registration", person["case_number"], "--lang", "en", "--out", str(out),
                     "--user", "awa"]) == 0
    text = text_of(out.read_bytes())
    assert "Awa Sidibé" in text and "by system" not in text


def _head() -> Letterhead:
    return Letterhead("Organisation internationale pour les migrations (OIM) – Mali", "Centre de Gao (GAO)",
                      "7 décembre 2026", address="Bamako, Mali", printed_by="Awa Sidibé")


@pytest.mark.parametrize("count", [*range(1, 31), 40, 50, 57, 60, 70, 80])
def test_manifest_signatures_never_stand_alone(count):
    travellers = tuple(ManifestTraveller(str(i), f"Voyageur {i}", f"GAO-2026-{i:05d}", "M", "01/01/1990",
                                         "Guinée / Guinea", "Passeport GN1") for i in range(1, count + 1))
    pdf = manifest_template.render(ManifestData(_head(), "ref", "GAO-2026-MV-0001", "25/11/2026", "Bus",
                                                travellers, escorts=("Moussa Keïta",),
                                                totals=(("Voyageurs / Travellers:", str(count)),)), "fr")
    pages = pages_of(pdf)
    signed = [p for p in pages if "Escorte (nom et signature)" in p]
    assert len(signed) == 1 and "GAO-2026-" in signed[0], (count, len(pages))
    assert f"GAO-2026-{count:05d}" in signed[0]  # the last traveller stands with the signatures
    assert all("GAO-2026-" in p for p in pages)


@pytest.mark.parametrize("count", [1, 5, 20, 27, 28, 29, 30, 31, 35, 50, 57, 58, 59, 60, 80])
def test_occupancy_signature_never_stands_alone(count):
    rows = tuple(OccupancyRow("Chambre 1", f"1-{i}", f"Résident {i}", f"GAO-2026-{i:05d}", "F", "25", "Guinée",
                              "01/12/2026") for i in range(1, count + 1))
    pdf = occupancy_template.render(OccupancyData(_head(), "ref", "lundi 7 décembre 2026", rows), "fr")
    pages = pages_of(pdf)
    signed = [p for p in pages if "Gardien de nuit" in p]
    assert len(signed) == 1 and f"GAO-2026-{count:05d}" in signed[0], (count, len(pages))

"""Printed documents rendered from plain data: text checked with pypdf, receipt QR payload and
checksum, amounts in words, long names wrapping inside the page, page numbering."""
from __future__ import annotations

import io
import unicodedata

import pytest
from pypdf import PdfReader

from transit_centre.printing import (
    badge,
    consent,
    fit_to_travel,
    manifest,
    occupancy,
    qr,
    receipt,
    registration,
    return_declaration,
    travel_letter,
)
from transit_centre.printing.base import Tr
from transit_centre.printing.data import (
    BadgeData,
    BadgeEntry,
    ConsentData,
    FitToTravelData,
    IdentityLine,
    Letterhead,
    ManifestData,
    ManifestTraveller,
    OccupancyData,
    OccupancyRow,
    Person,
    ReceiptData,
    RegistrationData,
    ReturnDeclarationData,
    TravelLetterData,
)
from transit_centre.printing.words import amount_in_words

SECRET = b"0123456789abcdef0123456789abcdef"
HEAD = Letterhead(organisation="Organisation internationale pour les migrations (OIM) – Mali",
                  centre="Centre de transit de Gao (GAO)", printed_on="23 novembre 2026",
                  organisation_other="International Organization for Migration (IOM) – Mali",
                  address="Bamako, Mali", printed_by="Fatoumata Coulibaly")
LONG = ("Aïssata Maïmouna Kadidiatou Fatoumata Bintou Traoré-Diakité-Sangaré de Tombouctou-Ménaka "
        "épouse Keïta-Dembélé")
PERSON = Person("Aïssata Traoré", "GAO-2026-00042", "Femme", "12 mars 2001", "Guinée", "Kankan")
LONG_PERSON = Person(LONG, "GAO-2026-00043", "Femme", "1 janv. 2009", "Côte d’Ivoire", "Nzérékoré")


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in reader.pages))


def flat(text: str) -> str:
    """Text with line breaks as spaces (wrapped names are then found whole)."""
    return " ".join(text.split())


def glyph_positions(pdf: bytes) -> list[tuple[int, float, float, float, float]]:
    """(page, x where the text ends, y, page width, page height) of every piece of text drawn."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from transit_centre.printing.base import register_fonts

    register_fonts()
    found = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, 1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)

        def visit(text, cm, tm, font, size, number=number, width=width, height=height):
            if not text.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            base = str(font.get("/BaseFont", "")).split("+")[-1] if font else ""
            face = base if base.startswith("DejaVuSans") else "DejaVuSans-Bold"
            scale = (tm[0] * cm[0]) or 1
            end = x + stringWidth(text.rstrip("\n"), face, size * scale)
            found.append((number, end, y, width, height))

        page.extract_text(visitor_text=visit)
    return found


def receipt_data(**changes) -> ReceiptData:
    values = dict(head=HEAD, reference="Reçu · GAO-2026-R-000123", number="GAO-2026-R-000123",
                  person=PERSON, amount_figures="25 000 F CFA", amount_words=amount_in_words(25000, "fr"),
                  grant_kind="Argent de poche au départ", issued_on="23 nov. 2026", cash_officer="Seydou Traoré",
                  qr_payload=qr.receipt_payload("GAO-2026-R-000123", 25000, SECRET), method="Espèces")
    values["qr_code_text"] = values["qr_payload"].rsplit(":", 1)[1]
    values.update(changes)
    return ReceiptData(**values)


# --- amounts in words ---------------------------------------------------------------------------

@pytest.mark.parametrize("amount, french, english", [
    (0, "zéro franc CFA", "zero CFA francs"),
    (1, "un franc CFA", "one CFA franc"),
    (21, "vingt et un francs CFA", "twenty-one CFA francs"),
    (71, "soixante et onze francs CFA", "seventy-one CFA francs"),
    (80, "quatre-vingts francs CFA", "eighty CFA francs"),
    (81, "quatre-vingt-un francs CFA", "eighty-one CFA francs"),
    (91, "quatre-vingt-onze francs CFA", "ninety-one CFA francs"),
    (100, "cent francs CFA", "one hundred CFA francs"),
    (200, "deux cents francs CFA", "two hundred CFA francs"),
    (1000, "mille francs CFA", "one thousand CFA francs"),
    (25000, "vingt-cinq mille francs CFA", "twenty-five thousand CFA francs"),
    (80000, "quatre-vingt mille francs CFA", "eighty thousand CFA francs"),
    (200000, "deux cent mille francs CFA", "two hundred thousand CFA francs"),
    (1000000, "un million de francs CFA", "one million CFA francs"),
    (2000000, "deux millions de francs CFA", "two million CFA francs"),
    (1500000, "un million cinq cent mille francs CFA", "one million, five hundred thousand CFA francs"),
])
def test_amount_in_words(amount, french, english):
    assert amount_in_words(amount, "fr") == french
    assert amount_in_words(amount, "en") == english


@pytest.mark.parametrize("bad", [-1, 2.5, "100", True, None])
def test_amount_in_words_refuses_what_is_not_an_amount(bad):
    with pytest.raises((TypeError, ValueError)):
        amount_in_words(bad)


# --- receipt QR payload ---------------------------------------------------------------------------

def test_receipt_payload_verifies_and_detects_tampering():
    payload = qr.receipt_payload("GAO-2026-R-000123", 25000, SECRET)
    assert payload.startswith("TCR1:GAO-2026-R-000123:25000:")
    assert qr.verify_receipt_payload(payload.lower(), SECRET) is None
    checked = qr.verify_receipt_payload(payload, SECRET)
    assert checked == qr.ReceiptPayload("GAO-2026-R-000123", 25000, payload.rsplit(":", 1)[1])
    assert qr.verify_receipt_payload(payload.replace(":25000:", ":95000:"), SECRET) is None
    assert qr.verify_receipt_payload(payload.replace("000123", "000124"), SECRET) is None
    last = payload[-1]
    assert qr.verify_receipt_payload(payload[:-1] + ("0" if last != "0" else "1"), SECRET) is None
    assert qr.verify_receipt_payload(payload, b"another installation's key!!") is None


@pytest.mark.parametrize("garbage", ["", "hello", "TCR1:X", "TCR1:GAO-2026-R-1:-5:0000000000000000",
                                     "TCR1:<script>:5:0000000000000000", "TCR2:GAO-1:5:0000000000000000",
                                     "TCR1:GAO-1:5:ZZZZ", "x" * 5000])
def test_garbage_payloads_are_rejected_without_error(garbage):
    assert qr.verify_receipt_payload(garbage, SECRET) is None


def test_receipt_qr_widget_gets_exactly_the_payload(monkeypatch):
    seen = []
    original = qr.QrFlowable.__init__

    def spy(self, payload, size, border=2):
        original(self, payload, size, border)
        seen.append(self.widget.value)

    monkeypatch.setattr(qr.QrFlowable, "__init__", spy)
    data = receipt_data()
    receipt.render(data, "fr")
    assert seen == [data.qr_payload, data.qr_payload]  # both copies
    assert qr.verify_receipt_payload(seen[0], SECRET) is not None


def test_qr_modules_are_a_valid_square_matrix():
    flowable = qr.qr_drawing("TCB1:GAO-2026-00042", 80)
    modules = flowable.modules()
    assert len(modules) >= 21 and all(len(row) == len(modules) for row in modules)
    receipt_code = qr.qr_drawing(qr.receipt_payload("GAO-2026-R-000123", 1250000, SECRET), 80)
    assert len(receipt_code.modules()) == 29  # alphanumeric mode keeps the receipt code at version 3
    # the three finder patterns: dark 7x7 corners
    assert modules[0][:7] == (True,) * 7 and modules[-1][:7] == (True,) * 7 and modules[0][-7:] == (True,) * 7


# --- documents --------------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["fr", "en"])
def test_receipt_shows_number_amounts_and_two_copies(language):
    words = amount_in_words(25000, language)
    pdf = receipt.render(receipt_data(amount_words=words), language)
    text = pdf_text(pdf)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert text.count("GAO-2026-R-000123") >= 3  # two copies and the footer
    assert text.count("Aïssata Traoré") == 4  # name and signature line, twice
    assert "25 000 F CFA" in text
    assert flat(text).count(words) == 2
    assert text.count(data_checksum := receipt_data().qr_payload.rsplit(":", 1)[1]) == 2, data_checksum
    assert "VOID" not in text and "ANNULÉ" not in text


def test_voided_receipt_carries_the_void_mark():
    text = pdf_text(receipt.render(receipt_data(voided=True, void_note="Voided: Wrong amount (Montant erroné).",
                                                replaced_by="GAO-2026-R-000124"), "en"))
    assert text.count("VOID") >= 2
    assert "Voided: Wrong amount (Montant erroné)." in text and "GAO-2026-R-000124" in text


def test_many_receipts_one_page_each():
    datas = [receipt_data(), receipt_data(number="GAO-2026-R-000124", voided=True)]
    pdf = receipt.render_many(datas, "Reçus du 23 nov. 2026", "fr")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    assert "VOID" not in reader.pages[0].extract_text() and "VOID" in reader.pages[1].extract_text()


def test_registration_form_with_long_names_stays_inside_the_page():
    data = RegistrationData(
        head=HEAD, reference="Formulaire · GAO-2026-00043", person=LONG_PERSON, first_name=LONG, last_name=LONG,
        languages="bambara, français", phone="+223 70 12 34 56", registered_on="20 nov. 2026",
        documents=(IdentityLine("Passeport", "GN1234567", "Guinée", "1 janv. 2020", "1 janv. 2030"),),
        vulnerabilities=("Mineur non accompagné",), consent="Consentement donné", is_minor=True)
    pdf = registration.render(data, "fr")
    text = flat(pdf_text(pdf))
    assert "Traoré-Diakité-Sangaré" in text and "GN1234567" in text and "Mineur non accompagné" in text
    positions = glyph_positions(pdf)
    assert positions
    for page, end, y, width, height in positions:
        assert 0 <= end <= width - 30 and 0 <= y <= height, (page, end, y)  # inside the right margin


def test_long_name_wraps_in_every_document():
    documents = [
        consent.render(ConsentData(HEAD, "ref", LONG_PERSON, place_and_date="Gao", is_minor=True), "fr"),
        return_declaration.render(ReturnDeclarationData(HEAD, "ref", LONG_PERSON, case_reference="GAO-RC-1",
                                                        destination="Guinée", is_minor=True), "en"),
        travel_letter.render(TravelLetterData(HEAD, "ref", LONG_PERSON, destination="Guinée / Guinea"), "fr"),
        badge.render(BadgeData(HEAD, "ref", (BadgeEntry(LONG, "GAO-2026-00043", qr.badge_payload("GAO-2026-00043")),)), "fr"),
    ]
    for pdf in documents:
        for page, end, y, width, height in glyph_positions(pdf):
            assert 0 <= end <= width - 20 and 0 <= y <= height
        assert "Tombouctou-Ménaka" in flat(pdf_text(pdf))


def test_manifest_of_sixty_repeats_its_header_and_shows_the_flags():
    travellers = tuple(ManifestTraveller(str(i), f"Aïssata Traoré {i}", f"GAO-2026-{i:05d}", "F", "12/03/2001",
                                         "Guinée / Guinea", "Passeport GN1", "MIN UAM ESC" if i == 7 else "")
                       for i in range(1, 61))
    data = ManifestData(HEAD, "Manifeste · GAO-2026-MV-0001", "GAO-2026-MV-0001", "25/11/2026", "Bus convoy",
                        travellers, escorts=("Moussa Keïta",), totals=(("Travellers:", "60"),))
    pdf = manifest.render(data, "en")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert "GAO-2026-0" in page.extract_text()  # every page lists travellers: no signatures alone
        assert "Case number" in page.extract_text()
    text = pdf_text(pdf)
    assert "Aïssata Traoré 60" in text and "MIN UAM ESC" in text and "Moussa Keïta" in text
    assert f"Page 1 of {len(reader.pages)}" in text


def test_fit_to_travel_and_occupancy():
    fit = fit_to_travel.render(FitToTravelData(HEAD, "ref", PERSON, "fit", "Apte à voyager / Fit to travel",
                                               "20/11/2026", "04/12/2026", "Dr Mariam Sangaré"), "fr")
    text = pdf_text(fit)
    assert "Apte à voyager" in text and "04/12/2026" in text and "Dr Mariam Sangaré" in text
    rows = tuple(OccupancyRow("Chambre 1", f"1-{c}", "Aïssata Traoré", "GAO-2026-00042", "F", "25", "Guinée", "20 nov.")
                 for c in "ABCDEFGH")
    occ = pdf_text(occupancy.render(OccupancyData(HEAD, "ref", "lundi 23 novembre 2026", rows), "fr"))
    assert occ.count("Aïssata Traoré") == 8 and "lundi 23 novembre 2026" in occ


def test_empty_lists_print_a_sentence_not_a_crash():
    assert pdf_text(occupancy.render(OccupancyData(HEAD, "ref", "23 nov.", ()), "en"))
    assert pdf_text(badge.render(BadgeData(HEAD, "ref", ()), "en"))


def test_hostile_text_is_printed_literally():
    person = Person("<b>Bob</b> & <font size=90>Eve</font>", "GAO-1")
    text = pdf_text(consent.render(ConsentData(HEAD, "ref", person), "en"))
    assert "<b>Bob</b> & <font size=90>Eve</font>" in flat(text)


def test_fonts_are_embedded():
    reader = PdfReader(io.BytesIO(receipt.render(receipt_data(), "fr")))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        assert "DejaVu" in str(font["/BaseFont"])
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor


def test_bilingual_labels_put_the_chosen_language_first():
    tr = Tr("en")
    assert tr.both("Name").split(" / ")[0] == "Name"
    assert Tr("xx").language == "fr"

"""Arrival lists as Excel writes them on a French Windows laptop: cp1252, ";" and CRLF; and as
"CSV UTF-8" (byte-order mark), English "," files and "Texte Unicode" (UTF-16, tabs)."""
from __future__ import annotations

import codecs
import datetime as dt

import pytest

from transit_centre.csvtext import decode_text, detect_delimiter, read_table
from transit_centre.enums import Role
from transit_centre.i18n import set_language
from transit_centre.reports.arrivals import guess_mapping, preview, read_list

# What Excel FR writes for "CSV (séparateur : point-virgule)": Windows-1252, CRLF, ";" and quotes
# around a cell holding a ";". The apostrophe of N’Diaye is U+2019 (0x92 in cp1252) and Œ is 0x8C.
EXCEL_FR = (
    "Nom;Prénom;Sexe;Date de naissance;Nationalité;Téléphone;Orienté par\r\n"
    "N’Diaye;Aïcha;F;12/03/1998;Sénégal;;Œuvre Malienne d'Aide à l'Enfance\r\n"
    "Traoré;Moussa;M;01/05/1990;Mali;+223 76 12 34 56;\"Croix-Rouge; Gao\"\r\n"
    "Cœur;Élodie;F;;Côte d'Ivoire;;Caritas, Mopti\r\n"
)


def test_excel_fr_bytes_are_what_the_issue_saw():
    raw = EXCEL_FR.encode("cp1252")
    assert b"N\x92Diaye" in raw and b"\x8cuvre" in raw and b"\r\n" in raw
    assert "N\x92Diaye" in raw.decode("latin-1")  # what the import used to show


def test_excel_fr_csv_is_read_with_its_accents_and_columns(tmp_path):
    path = tmp_path / "arrivées novembre.csv"
    path.write_bytes(EXCEL_FR.encode("cp1252"))
    table = read_list(path)
    assert table.headers == ("Nom", "Prénom", "Sexe", "Date de naissance", "Nationalité", "Téléphone",
                             "Orienté par")
    assert table.rows[0][0] == "N’Diaye" and table.rows[0][6] == "Œuvre Malienne d'Aide à l'Enfance"
    assert table.rows[1][6] == "Croix-Rouge; Gao" and table.rows[2][:2] == ("Cœur", "Élodie")
    assert table.rows[2][6] == "Caritas, Mopti"
    assert all(len(row) == 7 for row in table.rows)
    assert not any("\r" in cell for row in table.rows for cell in row)


def test_excel_fr_list_reaches_the_preview_with_the_right_names(db, centres, make_actor, tmp_path):
    set_language("en")
    path = tmp_path / "liste.csv"
    path.write_bytes(EXCEL_FR.encode("cp1252"))
    table = read_list(path)
    mapping = guess_mapping(table.headers)
    assert mapping["last_name"] == 0 and mapping["first_name"] == 1
    rows = preview(db, make_actor(Role.CASEWORKER), table, mapping, centres["GAO"], dt.date(2026, 11, 1))
    assert rows[0].valid, rows[0].errors
    assert rows[0].data.last_name == "N’Diaye" and rows[0].data.first_name == "Aïcha"
    assert rows[0].values["last_name"] == "N’Diaye"


@pytest.mark.parametrize("raw", [
    EXCEL_FR.encode("utf-8"),
    codecs.BOM_UTF8 + EXCEL_FR.encode("utf-8"),  # Excel's "CSV UTF-8"
    EXCEL_FR.encode("cp1252"),
    codecs.BOM_UTF16_LE + EXCEL_FR.replace(";", "\t").replace('"Croix-Rouge\t Gao"', "Croix-Rouge; Gao")
    .encode("utf-16-le"),  # "Texte Unicode"
])
def test_every_way_excel_saves_gives_the_same_table(raw):
    rows = read_table(raw)
    assert rows[0][:2] == ("Nom", "Prénom")
    assert rows[1][0] == "N’Diaye" and rows[1][6].startswith("Œuvre")
    assert rows[2][6] == "Croix-Rouge; Gao"


def test_separator_is_the_one_that_keeps_the_columns_even_with_more_commas_in_the_cells():
    # More "," than ";" in the text: counting characters chose "," and split the addresses.
    text = "Nom;Adresse\r\nDiallo;Rue 1, porte 2, Bamako\r\nKeita;Rue 3, porte 4, Kayes\r\n"
    assert detect_delimiter(text) == ";"
    text = 'Last name,First name,Address\nDiallo,Awa,"Rue 1; Bamako; Mali"\nKeita,Ali,"Kayes; Mali"\n'
    assert detect_delimiter(text) == ","
    assert read_table(text.encode())[1] == ("Diallo", "Awa", "Rue 1; Bamako; Mali")
    assert detect_delimiter("Nom\nDiallo\n") == "," and detect_delimiter("") == ","
    assert detect_delimiter("Nom\tPrénom\nDiallo\tAwa\n") == "\t"


def test_bytes_cp1252_leaves_undefined_still_decode():
    assert decode_text(b"Nom;Pr\xe9nom\r\nA\x81;B\r\n") == "Nom;Prénom\r\nA\x81;B\r\n"
    assert decode_text("Œuvre €".encode("cp1252")) == "Œuvre €"

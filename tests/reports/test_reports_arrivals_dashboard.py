"""Arrival-list import (mapping, preview with bad rows and duplicates, one-transaction import)
and the dashboard figures (the same as the export's)."""
from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from support.reports_data import load
from transit_centre.db.models import Resident
from transit_centre.enums import Role
from transit_centre.errors import DomainError, PermissionDenied, ValidationError
from transit_centre.i18n import set_language
from transit_centre.reports.arrivals import guess_mapping, import_rows, preview, read_list
from transit_centre.reports.dashboard import dashboard
from transit_centre.reports.export import monthly_export


@pytest.fixture(autouse=True)
def english():
    set_language("en")


def _csv(tmp_path, text, name="list.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


LIST = (
    "Nom;Prénom;Sexe;Date de naissance;Âge;Nationalité;Téléphone\n"
    "Traoré;Moussa;M;01/05/1990;;Mali;\n"          # duplicate of the registered r1
    "Diallo;Aminata;F;;25;GN;+223 76 12 34 56\n"     # valid
    "Keita;;M;03/03/1999;;ML;\n"                    # no first name
    "Sow;Oumar;X;03/03/1999;;ML;\n"                 # bad sex
    "Ba;Fanta;F;31/02/2001;;ML;\n"                  # impossible date
    "Cissé;Awa;F;;trente;Sénégal;\n"                 # age not a number
    "Coulibaly;Ali;M;2050-01-01;;ML;\n"             # born in the future
    "Diallo;Aminata;F;;25;GN;\n"                    # same as line 3
    "Okoro;Grace;F;;30;Atlantis;\n"                 # unknown country
)


def test_arrival_list_preview_and_import(db, centres, make_actor, tmp_path):
    load(db, centres)
    actor = make_actor(Role.CASEWORKER)
    table = read_list(_csv(tmp_path, LIST, encoding="latin-1"))
    mapping = guess_mapping(table.headers)
    assert mapping == {"last_name": 0, "first_name": 1, "sex": 2, "date_of_birth": 3, "estimated_age": 4,
                       "nationality": 5, "phone": 6}
    rows = preview(db, actor, table, mapping, centres["GAO"], dt.date(2026, 11, 1))
    by_line = {r.line: r for r in rows}
    assert by_line[2].valid and any("Traoré" in d for d in by_line[2].duplicates)
    assert by_line[3].valid and not by_line[3].duplicates
    assert "First name" in by_line[4].errors[0]
    assert "Sex" in by_line[5].errors[0]
    assert "Date of birth" in by_line[6].errors[0]
    assert "Age" in by_line[7].errors[0]
    assert not by_line[8].valid and "future" in " ".join(by_line[8].errors)
    assert by_line[9].valid and "line 3" in by_line[9].duplicates[0]
    assert not by_line[10].valid
    with db.transaction(None, readonly=True) as s:
        before = s.scalar(select(func.count()).select_from(Resident))
    result = import_rows(db, actor, rows, centres["GAO"])
    assert result.imported == 1 and result.case_numbers[0].startswith("GAO-2026-")
    with db.transaction(None, readonly=True) as s:
        assert s.scalar(select(func.count()).select_from(Resident)) == before + 1
        aminata = s.scalar(select(Resident).where(Resident.first_name == "Aminata"))
    assert aminata.date_of_birth == dt.date(2001, 1, 1) and aminata.dob_estimated
    assert aminata.phone == "+22376123456" and aminata.search_text


def test_arrival_list_from_xlsx_and_refusals(db, centres, make_actor, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Last name", "First name", "Sex", "Date of birth", "Nationality"])
    ws.append(["Konaté", "Issa", "Male", dt.datetime(1995, 6, 1), "ML"])
    ws.append([None, None, None, None, None])
    wb.save(tmp_path / "list.xlsx")
    table = read_list(tmp_path / "list.xlsx")
    assert len(table.rows) == 1
    actor = make_actor(Role.CASEWORKER)
    rows = preview(db, actor, table, guess_mapping(table.headers), centres["GAO"])
    assert rows[0].valid and rows[0].data.date_of_birth == dt.date(1995, 6, 1)
    with pytest.raises(ValidationError):
        preview(db, actor, table, {"last_name": 0}, centres["GAO"])
    with pytest.raises(PermissionDenied):
        preview(db, make_actor(Role.MEDICAL), table, guess_mapping(table.headers), centres["GAO"])
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(DomainError):
        read_list(tmp_path / "bad.xlsx")
    with pytest.raises(DomainError):
        read_list(_csv(tmp_path, "", "empty.csv"))
    with pytest.raises(DomainError):
        read_list(_csv(tmp_path, "x", "list.pdf"))


def test_dashboard_agrees_with_the_export(db, centres, make_actor, tmp_path):
    load(db, centres)
    actor = make_actor(Role.MANAGER)
    day = dt.date(2026, 10, 31)
    view = dashboard(db, actor, centres["GAO"], day=day)
    assert [t.code for t in view.tonight] == ["GAO"] and view.tonight[0].present == 3
    assert view.tonight[0].capacity == 100
    # Twelve weeks from 10 August: r1 (25 Sep), r2, r3, r5 arrived; r4 (30 Sep) and r1 (5 Oct) left.
    assert sum(w.arrivals for w in view.weeks) == 4 and sum(w.departures for w in view.weeks) == 2
    assert view.weeks[-1].week_start == dt.date(2026, 10, 26) and view.weeks[-1].arrivals == 1
    export = monthly_export(db, actor, "2026-10", centres["GAO"], tmp_path, as_of=day)
    assert view.month == export.stats
    assert dashboard(db, make_actor(Role.HQ, centre=None), day=day).month.arrivals == 4
    with pytest.raises(PermissionDenied):
        dashboard(db, actor, centres["KAY"])

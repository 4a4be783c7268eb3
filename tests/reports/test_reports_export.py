"""Monthly export: figures against hand-computed counts, the XLSX cells, the pseudonymised package."""
from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from support.reports_data import AS_OF, EXPECTED, load
from transit_centre.db.models import AuditEntry
from transit_centre.enums import AuditAction, Role
from transit_centre.errors import DomainError, PermissionDenied, ValidationError
from transit_centre.i18n import set_language
from transit_centre.reports import crypto
from transit_centre.reports.export import monthly_export, parse_month
from transit_centre.ages import age_band
from transit_centre.reports.sources import Period
from transit_centre.reports.stats import period_statistics


@pytest.fixture(autouse=True)
def english():
    """Labels checked in English (the French ones are the catalogue's)."""
    set_language("en")


@pytest.fixture
def data(db, centres):
    return load(db, centres)


def test_age_bands_on_the_last_day():
    on = Period.month(2026, 10).end
    assert age_band(None, on) == "unknown"
    assert age_band(on.replace(year=2021), on) == "5-11"  # fifth birthday that very day
    assert age_band(on.replace(year=2021, day=30), on) == "5-11"
    assert age_band(on.replace(year=2022), on) == "0-4"
    assert age_band(on.replace(year=1966), on) == "60+"


def test_october_figures_match_hand_counts(db, centres, make_actor, data):
    stats = period_statistics(db, make_actor(Role.MANAGER), centres["GAO"], Period.month(2026, 10), as_of=AS_OF)
    assert stats.arrivals == EXPECTED["arrivals"]
    assert stats.departures == EXPECTED["departures"]
    assert stats.departures_by_reason == (("return", 1),)
    assert stats.present_at_end == EXPECTED["present_at_end"]
    assert stats.bed_nights == EXPECTED["bed_nights"]
    assert stats.capacity_nights == 100 * 31
    assert stats.accommodated == EXPECTED["accommodated"]
    assert sorted(stats.demographics) == [("CI", "F", "unknown", 1), ("GN", "M", "12-17", 1),
                                          ("ML", "M", "18-59", 1), ("NG", "F", "0-4", 1)]
    assert stats.vulnerabilities == (("trafficking_victim", 0, 1, 0), ("unaccompanied_minor", 1, 0, 0))
    lines = {(x.kind, x.subtype): x for x in stats.services}
    assert (lines["meal", "meal"].records, lines["meal", "meal"].quantity) == (3, 6)
    assert lines["medical", "curative"].under5 == 1 and lines["medical", "vaccination"].female == 1
    assert lines["nfi_kit", "hygiene"].quantity == EXPECTED["nfi"]
    assert lines["mhpss", "group"].contacts == 3 and lines["mhpss", "group"].records == 1
    assert dict((m, (n, a, b)) for m, n, a, b in stats.mhpss) == {"individual": (1, 1, 0), "group": (1, 2, 1)}
    assert stats.returns == (("malian_home", "ML", 1, 0, 0),)
    assert stats.cash == (("pocket_money", 1, 25000),)
    assert (stats.voided_receipts, stats.voided_receipts_xof) == (1, 10000)
    # All centres: KAYES adds one arrival, one departure and a meal.
    everything = period_statistics(db, make_actor(Role.HQ, centre=None), None, Period.month(2026, 10), as_of=AS_OF)
    assert everything.arrivals == 4 and everything.service_total("meal") == 4


def test_statistics_need_the_permission_and_the_centre(db, centres, make_actor, data):
    with pytest.raises(PermissionDenied):
        period_statistics(db, make_actor(Role.MANAGER), centres["KAY"], Period.month(2026, 10))
    with pytest.raises(PermissionDenied):
        period_statistics(db, make_actor(Role.MHPSS), centres["GAO"], Period.month(2026, 10))


def test_month_is_validated():
    for bad in ("2026-13", "10/2026", "", None, "2026-1"):
        with pytest.raises(ValidationError):
            parse_month(bad)


def test_export_writes_xlsx_and_pseudonymised_package(db, centres, make_actor, data, tmp_path):
    result = monthly_export(db, make_actor(Role.MANAGER), "2026-10", centres["GAO"], tmp_path, as_of=AS_OF)
    assert result.xlsx_path.name == "GAO-2026-10.xlsx" and result.package_path.name == "GAO-2026-10.zip"
    wb = load_workbook(result.xlsx_path)
    cover = wb.worksheets[0]
    figures = {cover.cell(row=r, column=1).value: cover.cell(row=r, column=2).value
               for r in range(1, cover.max_row + 1)}
    assert figures["Arrivals"] == 3 and figures["Bed-nights"] == EXPECTED["bed_nights"]
    assert isinstance(figures["Arrivals"], int) and figures["Cash disbursed (XOF)"] == 25000
    assert figures["Centre"].startswith("GAO")
    services = next(ws for ws in wb.worksheets if ws.title.startswith("Services"))
    assert services.freeze_panes == "B3"
    header = [c.value for c in services[2]]
    meal_row = next(row for row in services.iter_rows(min_row=3, values_only=True) if row[0] == "Meal")
    assert meal_row[header.index("Quantity")] == 6
    assert services.column_dimensions["A"].width > 8

    with zipfile.ZipFile(result.package_path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        everything = b"".join(zf.read(n) for n in zf.namelist())
        residents = list(csv.DictReader(io.StringIO(zf.read("residents.csv").decode())))
    assert manifest["centre"]["code"] == "GAO" and manifest["month"] == "2026-10"
    assert manifest["totals"]["arrivals"] == figures["Arrivals"]
    assert manifest["members"]["stays.csv"]["rows"] == 4
    assert sum(int(r["nights"]) for r in csv.DictReader(io.StringIO(
        zipfile.ZipFile(result.package_path).read("stays.csv").decode()))) == figures["Bed-nights"]
    for secret in (b"Traor", b"Okafor", b"+223", b"secret", b"private", b"clinical", b"T-0000"):
        assert secret not in everything
    assert {r["birth_year"] for r in residents} >= {"1990", "2023", ""} and "date_of_birth" not in residents[0]
    # r4 left in September and appears nowhere; KAYES' resident neither.
    assert str(data["r4"].id) not in everything.decode() and str(data["r6"].id) not in everything.decode()
    with db.transaction(None, readonly=True) as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == AuditAction.EXPORT))
    assert entry is not None and "GAO 2026-10" in entry.detail


def test_export_needs_the_export_permission(db, centres, make_actor, data, tmp_path):
    with pytest.raises(PermissionDenied):
        monthly_export(db, make_actor(Role.CASEWORKER), "2026-10", centres["GAO"], tmp_path)


def test_encrypted_package_is_unreadable_without_the_key(db, centres, make_actor, data, tmp_path):
    private, public = crypto.generate_keys(tmp_path / "keys", "mot-de-passe-du-siege")
    result = monthly_export(db, make_actor(Role.MANAGER), "2026-10", centres["GAO"], tmp_path / "out",
                            encrypt_for=public, as_of=AS_OF)
    blob = result.package_path.read_bytes()
    assert result.encrypted and result.package_path.name.endswith(".zip.enc")
    assert not zipfile.is_zipfile(result.package_path) and b"residents.csv" not in blob
    with pytest.raises(DomainError, match="encrypted|chiffr"):
        crypto.decrypt(blob, None)
    other, _pub = crypto.generate_keys(tmp_path / "other", "un-autre-mot-de-passe")
    with pytest.raises(DomainError):
        crypto.decrypt(blob, crypto.load_private_key(other, "un-autre-mot-de-passe"))
    with pytest.raises(DomainError):
        crypto.load_private_key(private, "wrong-password")
    key = crypto.load_private_key(private, "mot-de-passe-du-siege")
    plain = crypto.decrypt(blob, key)
    assert zipfile.ZipFile(io.BytesIO(plain)).read("manifest.json")
    tampered = bytearray(blob)
    tampered[-5] ^= 0xFF
    with pytest.raises(DomainError):
        crypto.decrypt(bytes(tampered), key)


def test_bed_nights_agree_with_the_shelter(db, centres, make_actor, data):
    """The export's SQL bed-nights equal the shelter's own count for the same centre and month."""
    from transit_centre.shelter.occupancy import bed_nights

    period = Period.month(2026, 10)
    actor = make_actor(Role.MANAGER)
    shelter = bed_nights(db, actor, centres["GAO"], period.start, period.end, today=AS_OF)
    stats = period_statistics(db, actor, centres["GAO"], period, as_of=AS_OF)
    assert stats.bed_nights == shelter.bed_nights == EXPECTED["bed_nights"]
    assert stats.capacity_nights == shelter.capacity * shelter.nights_in_period


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    from transit_centre.reports.tables import INT, TEXT, ReportTable
    from transit_centre.reports.xlsx import write_workbook

    data = write_workbook("t", [("label", "=1+1", TEXT)],
                          [ReportTable("x", "X", ("a", "b"), (TEXT, INT), (("=HYPERLINK(\"x\")", 3),))])
    (tmp_path / "f.xlsx").write_bytes(data)
    wb = load_workbook(tmp_path / "f.xlsx")
    assert wb.worksheets[0]["B3"].data_type == "s" and wb.worksheets[1]["A3"].data_type == "s"
    assert wb.worksheets[1]["B3"].value == 3

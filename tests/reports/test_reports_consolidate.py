"""Headquarters: centre export -> import on a separate database -> consolidated figures."""
from __future__ import annotations

import dataclasses
import io
import json
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from support.annual import annual_figures, followed_links
from support.reports_data import AS_OF, load, register_keys
from transit_centre.cli.main import main
from transit_centre.db.base import Base
from transit_centre.db.engine import Database, sqlite_url
from transit_centre.db.models import ImportedPackage, ImportedService
from transit_centre.enums import Role
from transit_centre.errors import DomainError, PermissionDenied
from transit_centre.i18n import set_language
from transit_centre.reports import crypto
from transit_centre.reports.consolidate import (
    consolidated_report,
    consolidated_statistics,
    import_package,
    import_packages,
)
from transit_centre.reports.export import monthly_export
from transit_centre.reports.sources import Period
from transit_centre.reports.stats import period_statistics
from transit_centre.security.permissions import Actor

PASSWORD = "un-mot-de-passe-solide"


@pytest.fixture(autouse=True)
def english():
    set_language("en")


@pytest.fixture
def hq(tmp_path):
    """Headquarters' own database (SQLite file), separate from the centre's."""
    db = Database(sqlite_url(tmp_path / "hq.sqlite3"))
    Base.metadata.create_all(db.engine)
    yield db
    db.dispose()


@pytest.fixture
def exports(db, hq, centres, make_actor, tmp_path):
    load(db, centres)
    gao = monthly_export(db, make_actor(Role.MANAGER), "2026-10", centres["GAO"], tmp_path / "gao", as_of=AS_OF)
    kay = monthly_export(db, make_actor(Role.MANAGER, centre="KAY"), "2026-10", centres["KAY"], tmp_path / "kay",
                         as_of=AS_OF)
    register_keys(db, hq, centres, "GAO", "KAY")  # headquarters accepts these centres' signatures
    return gao, kay


def hq_actor(make_actor):
    return make_actor(Role.HQ, centre=None)


def _without_capacity(stats):
    return dataclasses.replace(stats, capacity_nights=0)


def test_round_trip_gives_the_centre_figures_and_the_sum_of_centres(db, hq, exports, make_actor, centres):
    gao, kay = exports
    actor = hq_actor(make_actor)
    results = import_packages(hq, actor, [gao.package_path, kay.package_path])
    assert [r.status for r in results] == ["imported", "imported"]
    hq_gao = consolidated_statistics(hq, actor, "GAO", 2026, 10)
    assert hq_gao == gao.stats  # every table, to the unit
    live_all = period_statistics(db, actor, None, Period.month(2026, 10), as_of=AS_OF)
    hq_all = consolidated_statistics(hq, actor, None, 2026, 10)
    assert _without_capacity(hq_all) == _without_capacity(live_all)
    kay_stats = consolidated_statistics(hq, actor, "KAY", 2026, 10)
    for field in ("arrivals", "departures", "present_at_end", "bed_nights", "accommodated", "capacity_nights"):
        assert getattr(hq_all, field) == getattr(hq_gao, field) + getattr(kay_stats, field), field
    year = consolidated_statistics(hq, actor, None, 2026)
    # Only October was imported: the year also sees r1's September arrival (its stay is in the package).
    assert year.arrivals == hq_all.arrivals + 1 and year.cash_total == 25000
    assert year.bed_nights == hq_all.bed_nights and year.returns == hq_all.returns


def test_reimport_changes_nothing_and_newer_export_replaces(db, hq, exports, make_actor, centres, tmp_path):
    gao, _kay = exports
    actor = hq_actor(make_actor)
    assert import_package(hq, actor, gao.package_path).status == "imported"
    with hq.transaction(None, readonly=True) as s:
        before = s.scalar(select(func.count()).select_from(ImportedService))
    again = import_package(hq, actor, gao.package_path)
    assert again.status == "unchanged" and again.ok
    with hq.transaction(None, readonly=True) as s:
        assert s.scalar(select(func.count()).select_from(ImportedService)) == before
        assert s.scalar(select(func.count()).select_from(ImportedPackage)) == 1
    # The centre records one more meal and exports October again: the new package replaces the old.
    from support.reports_data import _service
    from transit_centre.enums import ServiceKind
    import datetime as dt

    with db.transaction(Actor.system()) as s:
        _service(s, centres["GAO"], None, ServiceKind.COUNSELLING, dt.date(2026, 10, 15), "information")
    newer = monthly_export(db, make_actor(Role.MANAGER), "2026-10", centres["GAO"], tmp_path / "newer", as_of=AS_OF)
    assert import_package(hq, actor, newer.package_path).status == "replaced"
    assert consolidated_statistics(hq, actor, "GAO", 2026, 10) == newer.stats
    older = import_package(hq, actor, gao.package_path)
    assert older.status == "unchanged"  # the very same file was seen before
    with hq.transaction(None, readonly=True) as s:
        assert s.scalar(select(func.count()).select_from(ImportedPackage).where(
            ImportedPackage.superseded_at.is_(None))) == 1


def _rezip(path, out, change):
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    change(members)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    out.write_bytes(buffer.getvalue())
    return out


def test_bad_packages_are_refused_and_change_nothing(hq, exports, make_actor, tmp_path):
    gao, _kay = exports
    actor = hq_actor(make_actor)
    raw = gao.package_path.read_bytes()
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(raw[: len(raw) // 2])
    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"not a zip at all")

    def tamper(members):
        members["services.csv"] = members["services.csv"].replace(b",2,", b",9,", 1)

    def old_schema(members):
        manifest = json.loads(members["manifest.json"])
        manifest["schema_version"] = 99
        members["manifest.json"] = json.dumps(manifest).encode()

    def bad_value(members):
        import hashlib

        members["stays.csv"] = members["stays.csv"].replace(b"2026-10-10", b"2026-13-10", 1)
        manifest = json.loads(members["manifest.json"])
        manifest["members"]["stays.csv"]["sha256"] = hashlib.sha256(members["stays.csv"]).hexdigest()
        members["manifest.json"] = json.dumps(manifest).encode()

    def long_sex(members):
        import hashlib

        members["residents.csv"] = members["residents.csv"].replace(b",F,", b",FEMALE,", 1)
        manifest = json.loads(members["manifest.json"])
        manifest["members"]["residents.csv"]["sha256"] = hashlib.sha256(members["residents.csv"]).hexdigest()
        members["manifest.json"] = json.dumps(manifest).encode()

    sex = _rezip(gao.package_path, tmp_path / "sex.zip", long_sex)
    tampered = _rezip(gao.package_path, tmp_path / "tampered.zip", tamper)
    schema = _rezip(gao.package_path, tmp_path / "schema.zip", old_schema)
    value = _rezip(gao.package_path, tmp_path / "value.zip", bad_value)
    cases = {truncated: "damaged", garbage: "damaged", tampered: "checksum", schema: "version 99",
             value: "bad value", sex: "FEMALE"}
    for path, words in cases.items():
        with pytest.raises(DomainError, match=words):
            import_package(hq, actor, path)
    results = import_packages(hq, actor, list(cases) + [gao.package_path])
    assert [r.ok for r in results] == [False] * len(cases) + [True]
    with hq.transaction(None, readonly=True) as s:
        assert s.scalar(select(func.count()).select_from(ImportedPackage)) == 1


def test_encrypted_packages_need_the_right_key(db, hq, centres, make_actor, tmp_path):
    load(db, centres)
    private, public = crypto.generate_keys(tmp_path / "hq", "mot-de-passe-du-siege")
    wrong, _pub = crypto.generate_keys(tmp_path / "wrong", "mot-de-passe-erroné")
    result = monthly_export(db, make_actor(Role.MANAGER), "2026-10", centres["GAO"], tmp_path / "x",
                            encrypt_for=public, as_of=AS_OF)
    register_keys(db, hq, centres, "GAO")
    actor = hq_actor(make_actor)
    with pytest.raises(DomainError, match="encrypted"):
        import_package(hq, actor, result.package_path)
    with pytest.raises(DomainError, match="another key"):
        import_package(hq, actor, result.package_path, crypto.load_private_key(wrong, "mot-de-passe-erroné"))
    outcome = import_packages(hq, actor, [result.package_path], key_path=private, password="mot-de-passe-du-siege")
    assert outcome[0].status == "imported"
    assert consolidated_statistics(hq, actor, "GAO", 2026, 10) == result.stats


def test_only_headquarters_consolidates(hq, exports, make_actor):
    with pytest.raises(PermissionDenied):
        import_package(hq, make_actor(Role.MANAGER), exports[0].package_path)


def test_consolidated_annual_report_workbook(hq, exports, make_actor, tmp_path):
    actor = hq_actor(make_actor)
    import_packages(hq, actor, [exports[0].package_path, exports[1].package_path])
    path = consolidated_report(hq, actor, tmp_path, 2026)
    wb = load_workbook(path)
    assert wb.sheetnames[:2] == ["Cover", "Annual report"]
    figures = annual_figures(wb["Annual report"])
    avrr, mhpss = "Assisted voluntary return and reintegration (AVRR)", "Mental health and psychosocial support (MHPSS)"
    assert figures[(avrr, "Malians returning home")] == (1, 0, 0, 1, None)
    # Participants are people: r1, r2 and r3 (r3 also had an individual session) - not 4 contacts.
    assert figures[(mhpss, "People who took part in MHPSS activities")] == (2, 1, 0, 3, None)
    assert figures[(mhpss, "Malians returning home")] == (1, 0, 0, 1, None)
    assert figures[(mhpss, "International migrants")] == (1, 1, 0, 2, None)
    assert figures[("Protection of victims of trafficking", "Victims of trafficking supported")] == (0, 1, 0, 1, None)
    assert figures[("Protection of victims of trafficking", "Nationality: Côte d’Ivoire")] == (0, 1, 0, 1, None)
    links = followed_links(wb, wb["Annual report"])
    assert len(links) > 40 and all(value == target for _cell, value, target in links if isinstance(value, int))
    listing = next(ws for ws in wb.worksheets if ws.title == "Centre exports included")
    assert {r[0] for r in listing.iter_rows(min_row=3, values_only=True)} == {"GAO", "KAY"}


def test_command_line_round_trip(db, centres, tmp_path, capsys, monkeypatch):
    from alembic import command

    from transit_centre.db.migrate import alembic_config
    from transit_centre.storage import at_rest
    from transit_centre.security.users import create_user

    load(db, centres)
    command.stamp(alembic_config(db), "head")  # the fixture made the schema without migrations
    create_user(db, Actor.system(), username="awa", full_name="Awa Diallo", password=PASSWORD, roles=[Role.ADMIN])
    create_user(db, Actor.system(), username="moussa", full_name="Moussa Keïta", password=PASSWORD,
                roles=[Role.MANAGER], centre_ids=[centres["GAO"]])
    hq = at_rest.create_database(sqlite_url(tmp_path / "hq-cli.sqlite3"))  # encrypted, through migrations
    at_rest.start_key_file(hq, "siege", PASSWORD)
    create_user(hq, Actor.system(), username="siege", full_name="Siège", password=PASSWORD, roles=[Role.ADMIN])
    create_user(hq, Actor.system(), username="aminata", full_name="Aminata Cissé", password=PASSWORD,
                roles=[Role.HQ])
    # Passwords come from the environment (or a file, or a prompt), never from an argument.
    monkeypatch.setenv("TRANSIT_CENTRE_PASSWORD", PASSWORD)
    monkeypatch.setenv("TRANSIT_CENTRE_HQ_KEY_PASSWORD", "mot-de-passe-du-siege")
    keys = tmp_path / "keys"
    assert main(["hq-keygen", "--out", str(keys)]) == 0
    centre = ["--database", db.url]
    siege = ["--database", hq.url]
    assert main([*centre, "export", "--month", "2026-10", "--centre", "gao", "--out",
                 str(tmp_path / "GAO-oct.xlsx"), "--encrypt-for", str(keys / "hq_public_key.pem")]) == 2
    assert "--user" in capsys.readouterr().err  # nobody signed in: nothing exported
    assert main([*centre, "export", "--month", "2026-10", "--centre", "gao", "--out", str(tmp_path / "GAO-oct.xlsx"),
                 "--encrypt-for", str(keys / "hq_public_key.pem"), "--user", "moussa"]) == 0
    package = tmp_path / "GAO-oct.zip.enc"
    assert package.exists() and (tmp_path / "GAO-oct.xlsx").exists()
    assert main([*siege, "import-export", str(package), "--key", str(keys / "hq_private_key.pem"),
                 "--user", "aminata"]) == 3  # GAO's key is not registered yet
    assert "No key is registered for centre GAO" in capsys.readouterr().err
    assert main([*centre, "centre-key", "--centre", "GAO", "--out", str(tmp_path / "gao.key"), "--user", "moussa"]) == 0
    fingerprint = capsys.readouterr().out.rsplit(": ", 1)[1].strip()
    assert main([*siege, "register-centre-key", str(tmp_path / "gao.key"), "--fingerprint",
                 "0000 0000 0000 0000", "--user", "aminata"]) == 2  # a fingerprint read out wrong: refused
    assert main([*siege, "register-centre-key", str(tmp_path / "gao.key"), "--fingerprint",
                 fingerprint, "--user", "aminata"]) == 0
    assert main([*siege, "import-export", str(package), "--user", "aminata"]) == 3
    assert "encrypted" in capsys.readouterr().err
    assert main([*siege, "import-export", str(package), "--key", str(keys / "hq_private_key.pem"),
                 "--user", "aminata"]) == 0
    assert main([*siege, "consolidated-report", "--year", "2026", "--out", str(tmp_path), "--user", "aminata"]) == 0
    assert (tmp_path / "ALL-2026-consolidated.xlsx").exists()
    hq.dispose()

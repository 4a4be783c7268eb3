"""Headquarters imports only what a registered centre signed: a forged, unsigned, replayed or
unknown-centre package is refused with a clear message and changes nothing; a package bomb and
an arrival-list bomb are refused at once, without filling the memory."""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import pytest
from support.reports_data import AS_OF, load, register_keys
from sqlalchemy import func, select

from transit_centre.db.base import Base
from transit_centre.db.engine import Database, sqlite_url
from transit_centre.db.models import ImportedPackage
from transit_centre.enums import Role
from transit_centre.errors import DomainError
from transit_centre.reports import crypto
from transit_centre.reports.consolidate import import_package
from transit_centre.reports.export import monthly_export
from transit_centre.reports.package import MANIFEST, SIGNATURE
from transit_centre.security import keys
from transit_centre.security.permissions import Actor


@pytest.fixture(autouse=True)
def english():
    from transit_centre.i18n import set_language

    set_language("en")  # the refusals are matched in English


@pytest.fixture
def hq(tmp_path):
    db = Database(sqlite_url(tmp_path / "hq.sqlite3"))
    Base.metadata.create_all(db.engine)
    yield db
    db.dispose()


@pytest.fixture
def gao_export(db, hq, centres, make_actor, tmp_path):
    load(db, centres)
    result = monthly_export(db, make_actor(Role.MANAGER), "2026-10", centres["GAO"], tmp_path / "gao", as_of=AS_OF)
    register_keys(db, hq, centres, "GAO")
    return result


def _packages(hq) -> int:
    with hq.transaction(None, readonly=True) as s:
        return s.scalar(select(func.count()).select_from(ImportedPackage)) or 0


def _rezip(source, target, change) -> None:
    members = {}
    with zipfile.ZipFile(source) as zf:
        for name in zf.namelist():
            members[name] = zf.read(name)
    change(members)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def _forge(members: dict) -> None:
    """Change a member, recompute its checksum and date the manifest later (the attack seen)."""
    import hashlib

    manifest = json.loads(members[MANIFEST])
    members["receipts.csv"] += b""
    data = members["disbursements.csv"].replace(b",25000", b",250000")
    members["disbursements.csv"] = data
    manifest["members"]["disbursements.csv"]["sha256"] = hashlib.sha256(data).hexdigest()
    manifest["generated_at"] = "2030-01-01T00:00:00+00:00"
    members[MANIFEST] = json.dumps(manifest, indent=2, sort_keys=True).encode()


def test_a_forged_package_changes_nothing(hq, gao_export, make_actor, tmp_path):
    forged = tmp_path / "forged.zip"
    _rezip(gao_export.package_path, forged, _forge)
    with pytest.raises(DomainError, match="signature"):
        import_package(hq, make_actor(Role.HQ, centre=None), forged)
    assert _packages(hq) == 0


def test_a_forged_package_encrypted_for_headquarters_changes_nothing(hq, gao_export, make_actor, tmp_path):
    private, public = crypto.generate_keys(tmp_path / "keys", "Correct-Horse-Battery-9")
    forged = tmp_path / "forged.zip"
    _rezip(gao_export.package_path, forged, _forge)
    encrypted = tmp_path / "forged.zip.enc"
    encrypted.write_bytes(crypto.encrypt(forged.read_bytes(), crypto.load_public_key(public)))
    with pytest.raises(DomainError, match="signature"):
        import_package(hq, make_actor(Role.HQ, centre=None), encrypted,
                       crypto.load_private_key(private, "Correct-Horse-Battery-9"))
    assert _packages(hq) == 0


def test_an_unsigned_package_is_refused(hq, gao_export, make_actor, tmp_path):
    unsigned = tmp_path / "unsigned.zip"
    _rezip(gao_export.package_path, unsigned, lambda m: m.pop(SIGNATURE))
    with pytest.raises(DomainError, match="not signed"):
        import_package(hq, make_actor(Role.HQ, centre=None), unsigned)
    assert _packages(hq) == 0


def test_an_unknown_centre_is_refused(db, hq, centres, make_actor, tmp_path):
    load(db, centres)
    result = monthly_export(db, make_actor(Role.MANAGER, centre="KAY"), "2026-10", centres["KAY"], tmp_path / "kay",
                            as_of=AS_OF)
    with pytest.raises(DomainError, match="No key is registered for centre KAY"):
        import_package(hq, make_actor(Role.HQ, centre=None), result.package_path)
    renamed = tmp_path / "zzz.zip"  # the same package claiming a centre headquarters never heard of

    def claim_zzz(members):
        manifest = json.loads(members[MANIFEST])
        manifest["centre"]["code"] = "ZZZ"
        members[MANIFEST] = json.dumps(manifest, indent=2, sort_keys=True).encode()

    _rezip(result.package_path, renamed, claim_zzz)
    with pytest.raises(DomainError, match="ZZZ"):
        import_package(hq, make_actor(Role.HQ, centre=None), renamed)
    assert _packages(hq) == 0


def test_a_package_signed_by_another_centre_is_refused(db, hq, centres, make_actor, tmp_path):
    """KAY's registered key signs a package that claims to come from GAO."""
    load(db, centres)
    register_keys(db, hq, centres, "GAO", "KAY")
    gao = monthly_export(db, make_actor(Role.MANAGER), "2026-10", centres["GAO"], tmp_path / "gao", as_of=AS_OF)
    swapped = tmp_path / "swapped.zip"

    def sign_as_kay(members):
        with db.transaction(Actor.system()) as s:
            from transit_centre.db.models import Centre

            members[SIGNATURE] = json.dumps(keys.sign(s, s.get(Centre, centres["KAY"]), members[MANIFEST])).encode()

    _rezip(gao.package_path, swapped, sign_as_kay)
    with pytest.raises(DomainError, match="not GAO's registered key"):
        import_package(hq, make_actor(Role.HQ, centre=None), swapped)
    assert _packages(hq) == 0


def test_a_replayed_older_package_changes_nothing(db, hq, gao_export, centres, make_actor, tmp_path):
    actor = make_actor(Role.HQ, centre=None)
    newer = monthly_export(db, make_actor(Role.MANAGER), "2026-10", centres["GAO"], tmp_path / "newer", as_of=AS_OF)
    assert import_package(hq, actor, newer.package_path).status == "imported"
    replay = import_package(hq, actor, gao_export.package_path)
    assert replay.status == "older" and not replay.ok
    assert import_package(hq, actor, newer.package_path).status == "unchanged"
    with hq.transaction(None, readonly=True) as s:
        package = s.scalar(select(ImportedPackage))
        assert package.signed_by and package.audit_seq and len(package.audit_hash) == 64


def _peak_mb(code: str) -> tuple[float, float, str]:
    """Run ``code`` in a fresh Python; its own peak memory (MB), time (s) and last line printed."""
    script = ("import time, resource\nstart = time.monotonic()\n" + code +
              "\nhwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
              "print(int(hwm) / 1024, time.monotonic() - start)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    lines = out.stdout.strip().splitlines()
    peak, seconds = (float(x) for x in lines[-1].split())
    return peak, seconds, "\n".join(lines[:-1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_a_package_bomb_is_refused_fast_and_small(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr(MANIFEST, json.dumps({"format": "transit-centre-monthly-export", "schema_version": 1}))
        with zf.open("residents.csv", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _i in range(1024):  # 1 GiB of zeros
                member.write(chunk)
    assert bomb.stat().st_size < 5 * 1024 * 1024
    peak, seconds, said = _peak_mb(
        "from pathlib import Path\nfrom transit_centre.reports.consolidate import open_package\n"
        f"try:\n    open_package(Path({str(bomb)!r}))\nexcept Exception as exc:\n    print(type(exc).__name__, exc)")
    assert "too large" in said or "trop" in said
    assert seconds < 5 and peak < 200


def _xlsx_bomb(path, rows: int) -> None:
    """A small XLSX whose first sheet has ``rows`` rows (the sheet XML written directly)."""
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        '<sheet name="Liste" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                        b'2006/main"><sheetData>')
            row = b'<row><c t="inlineStr"><is><t>Diallo</t></is></c></row>'
            for start in range(0, rows, 10000):
                sheet.write(row * min(10000, rows - start))
            sheet.write(b"</sheetData></worksheet>")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
@pytest.mark.parametrize("rows", [1_150_000, 300_000])
def test_an_arrival_list_bomb_is_refused_fast_and_small(tmp_path, rows):
    """1.15 million rows unpack past the size limit; 300,000 rows stay under it and are refused
    while streaming, one row past the 2,000-row limit."""
    path = tmp_path / "arrivees.xlsx"
    _xlsx_bomb(path, rows)
    assert path.stat().st_size < 5 * 1024 * 1024
    peak, seconds, said = _peak_mb(
        "from pathlib import Path\nfrom transit_centre.reports.arrivals import read_list\n"
        f"try:\n    read_list(Path({str(path)!r}))\nexcept Exception as exc:\n    print(type(exc).__name__, exc)")
    assert "DomainError" in said
    assert seconds < 5 and peak < 200, (seconds, peak)

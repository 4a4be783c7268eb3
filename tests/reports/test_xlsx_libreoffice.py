"""The workbooks open in LibreOffice without repair: converted headless to PDF (every sheet
printed) and back to XLSX, which keeps the Annual report's figures and their links.
Skipped only where LibreOffice is not installed (CI installs it: .ci/run)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from support.annual import annual_figures, followed_links
from support.reports_data import AS_OF, load
from transit_centre.db.base import Base
from transit_centre.db.engine import Database, sqlite_url
from transit_centre.enums import Role
from transit_centre.i18n import set_language
from transit_centre.reports.consolidate import consolidated_report, import_packages
from transit_centre.reports.export import monthly_export

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def _convert(files, to: str, out, profile) -> subprocess.CompletedProcess:
    return subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--convert-to", to,
         "--outdir", str(out), *map(str, files)],
        capture_output=True, text=True, timeout=300, env={**os.environ, "HOME": str(profile)})


def test_workbooks_open_in_libreoffice(db, centres, make_actor, tmp_path):
    set_language("fr")
    load(db, centres)
    gao = monthly_export(db, make_actor(Role.MANAGER), "2026-10", centres["GAO"], tmp_path / "gao", as_of=AS_OF)
    kay = monthly_export(db, make_actor(Role.MANAGER, centre="KAY"), "2026-10", centres["KAY"], tmp_path / "kay",
                         as_of=AS_OF)
    hq = Database(sqlite_url(tmp_path / "hq.sqlite3"))
    Base.metadata.create_all(hq.engine)
    actor = make_actor(Role.HQ, centre=None)
    import_packages(hq, actor, [gao.package_path, kay.package_path])
    (tmp_path / "hq").mkdir()
    consolidated = consolidated_report(hq, actor, tmp_path / "hq", 2026)
    hq.dispose()
    profile = tmp_path / "lo-profile"
    profile.mkdir()
    books = [consolidated, gao.xlsx_path]
    pdf = _convert(books, "pdf", tmp_path / "pdf", profile)
    assert pdf.returncode == 0, pdf.stderr
    assert "error" not in (pdf.stdout + pdf.stderr).lower(), pdf.stdout + pdf.stderr
    for book in books:
        data = (tmp_path / "pdf" / (book.stem + ".pdf")).read_bytes()
        pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
        assert data.startswith(b"%PDF") and pages >= 10, (book, pages)  # every sheet printed

    again = _convert([consolidated], "xlsx:Calc MS Excel 2007 XML", tmp_path / "again", profile)
    assert again.returncode == 0, again.stderr
    original, saved = load_workbook(consolidated), load_workbook(tmp_path / "again" / consolidated.name)
    assert saved.sheetnames == original.sheetnames
    sheet = original.sheetnames[1]
    assert sheet == "Rapport annuel"
    assert annual_figures(saved[sheet]) == annual_figures(original[sheet])
    kept = followed_links(saved, saved[sheet])
    assert len(kept) == len(followed_links(original, original[sheet])) > 40
    assert all(value == target for _cell, value, target in kept if isinstance(value, int))

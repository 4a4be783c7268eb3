"""Printing to a real printer draws each page as an image of at most 300 dpi, scaled onto the
page, so that a 20-page manifest prints within 300 MB even on a 1200 dpi printer. Checked with
Qt's PDF printer (same painting code as a real printer) and a 1200 dpi resolution."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSizeF
from PySide6.QtPrintSupport import QPrinter

from transit_centre.documents import PrintedDocument
from transit_centre.ui.common.print_preview import PrintPreviewDialog
from transit_centre.ui.common.print_raster import MAX_PRINT_DPI, place_page

ROOT = Path(__file__).resolve().parents[2]
A4 = QSizeF(595.28, 841.89)  # points


def manifest_pdf(pages: int = 20) -> bytes:
    """A manifest-like PDF: ``pages`` A4 pages of table rows."""
    from reportlab.lib.pagesizes import A4 as RL_A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=RL_A4)
    for page in range(pages):
        c.setFont("Helvetica-Bold", 14)
        c.drawString(40, 800, f"Manifeste / Manifest BKO-2026-0042 - page {page + 1}/{pages}")
        c.setFont("Helvetica", 9)
        for row in range(60):
            y = 770 - row * 12
            c.rect(38, y - 3, 520, 12, stroke=1, fill=0)
            c.drawString(42, y, f"{page * 60 + row + 1:4d}  GAO-2026-{page * 60 + row:05d}  N'DIAYE Aicha  F  "
                                "12/03/1998  Senegal  passeport A1234567")
        c.showPage()
    c.save()
    return out.getvalue()


def _paint_rect(dpi: int, margin_mm: float = 5.0) -> QRect:
    """The printable area of A4 with small margins, in device pixels at ``dpi``."""
    margin = round(margin_mm / 25.4 * dpi)
    return QRect(0, 0, round(210 / 25.4 * dpi) - 2 * margin, round(297 / 25.4 * dpi) - 2 * margin)


@pytest.mark.parametrize("dpi", [1200, 600, 300])
def test_the_page_image_is_never_more_than_300_dpi(dpi):
    place = place_page(A4, _paint_rect(dpi), dpi)
    # The target covers the printable area at the printer's resolution...
    assert place.target.width() == _paint_rect(dpi).width() or place.target.height() == _paint_rect(dpi).height()
    # ...and the image has the pixels of 300 dpi on paper: about 2.4 x 3.4 thousand, 35 MB at most.
    assert place.image.width() <= round(210 / 25.4 * MAX_PRINT_DPI) + 1
    assert place.image.height() <= round(297 / 25.4 * MAX_PRINT_DPI) + 1
    assert place.image_bytes <= 36_000_000
    assert place.image.width() / place.target.width() == pytest.approx(min(1, 300 / dpi), rel=0.01)


def test_a_low_resolution_printer_gets_its_own_resolution_and_proportions_are_kept():
    place = place_page(A4, _paint_rect(150), 150)
    assert place.image.width() == place.target.width() and place.image.height() == place.target.height()
    landscape = place_page(A4, QRect(0, 0, 4000, 1000), 600)
    assert landscape.target.height() == 1000 and landscape.target.width() == int(595.28 * 1000 / 841.89)
    with pytest.raises(ValueError):
        place_page(QSizeF(0, 0), QRect(0, 0, 10, 10), 300)


def test_a_1200_dpi_print_embeds_300_dpi_pages(qtbot, qsettings_isolated, tmp_path):
    from pypdf import PdfReader

    pdf = manifest_pdf(3)
    document = PrintedDocument("manifest", pdf, "manifest.pdf", "Manifest")
    dialog = PrintPreviewDialog(lambda lang: document, None, document=document)
    qtbot.addWidget(dialog)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(1200)
    assert dialog.print_to(printer) == 3
    reader = PdfReader(str(tmp_path / "printed.pdf"))
    assert len(reader.pages) == 3
    for page in reader.pages:
        sizes = [(image.image.width, image.image.height) for image in page.images]
        assert sizes, "each page is drawn as one image"
        for width, height in sizes:
            assert 2000 < width <= 2481 and 2900 < height <= 3508, (width, height)


MEASURE = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[1])
    from PySide6.QtWidgets import QApplication
    from PySide6.QtPrintSupport import QPrinter
    app = QApplication([])
    from tests.printing.test_print_resolution import manifest_pdf
    from transit_centre.documents import PrintedDocument
    from transit_centre.ui.common.print_preview import PrintPreviewDialog
    document = PrintedDocument("manifest", manifest_pdf(20), "manifest.pdf", "Manifest")
    dialog = PrintPreviewDialog(lambda lang: document, None, document=document)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(sys.argv[2])
    printer.setResolution(1200)
    pages = dialog.print_to(printer)
    # VmHWM: this process's peak resident memory (getrusage's maxrss also counts the parent's
    # memory inherited through fork).
    status = open("/proc/self/status", encoding="ascii").read()
    print(pages, int(status.split("VmHWM:")[1].split()[0]) // 1024)
""")


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="peak memory read from /proc/self/status")
def test_a_20_page_manifest_prints_at_1200_dpi_within_300_mb(tmp_path):
    done = subprocess.run([sys.executable, "-c", MEASURE, str(ROOT), str(tmp_path / "printed.pdf")],
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr[-2000:]
    pages, peak_mb = (int(x) for x in done.stdout.split()[-2:])
    assert pages == 20
    assert peak_mb < 300, f"peak memory {peak_mb} MB"
